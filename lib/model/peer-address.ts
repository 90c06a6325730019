// What a peer's address is, for each target: a CIDR (every target), an AWS managed prefix list (AWS
// security groups only) or an Azure service tag (Azure NSGs only). A declaration serves several
// targets, so one peer may carry a prefix list for AWS and a service tag for Azure together; each
// target takes the form it can write and refuses a peer that has none of them, naming the forms it
// takes. Pure data and logic: no cloud SDK.
import type { PeerPrefixList } from './declaration.generated';
import { ArgumentError } from './errors';

/**
 * The form of an Azure service tag's name: a name, and a region or other qualifier after a dot
 * (`Storage`, `Storage.WestEurope`, `AzureUpdateDelivery`;
 * https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags).
 * Which tags exist changes with Azure, so the form is checked and the name is left to Azure.
 */
export const SERVICE_TAG_NAME = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)?$/;

/** A peer's AWS managed prefix list, as a resolved flow carries it: its size and family known. */
export interface ResolvedPrefixList {
  /** The list's id (`pl-0123456789abcdef0`), when the peer names it by id. */
  readonly id?: string;
  /** The list's name (`com.amazonaws.eu-west-1.s3`), when the peer names an AWS-managed list by name. */
  readonly name?: string;
  /**
   * How many rules each rule naming the list counts as against the security group quota: the
   * list's maximum entries, or an AWS-managed list's documented weight.
   */
  readonly maxEntries: number;
  /** The list's address family: rules count against the quota of that family. */
  readonly family: 4 | 6;
}

// The AWS-managed prefix lists and their weights, the number of rules each rule that names one
// counts as (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html#aws-managed-prefix-list-weights).
// Names are `com.amazonaws.<region or global>.<service>`; the service part decides the weight.
const AWS_MANAGED_WEIGHTS: ReadonlyMap<string, number> = new Map([
  ['cloudfront.origin-facing', 55],
  ['ipv6.cloudfront.origin-facing', 55],
  ['dynamodb', 1],
  ['ec2-instance-connect', 2],
  ['ipv6.ec2-instance-connect', 2],
  ['groundstation', 5],
  ['route53-healthchecks', 25],
  ['ipv6.route53-healthchecks', 25],
  ['s3', 1],
  ['s3express', 6],
  ['vpc-lattice', 10],
  ['ipv6.vpc-lattice', 10],
]);

const MANAGED_NAME = /^com\.amazonaws\.(global|[a-z]{2}(?:-[a-z]+)+-\d)\.(.+)$/;

/** The service part of an AWS-managed prefix list's name (`s3`, `ipv6.vpc-lattice`), if it is one. */
function managedService(name: string): string | undefined {
  return MANAGED_NAME.exec(name)?.[2];
}

/**
 * How many rules each rule naming the list counts as: the given `maxEntries`, else an AWS-managed
 * list's documented weight; undefined when neither is known (see {@link MAX_ENTRIES_NEEDED}).
 */
export function prefixListWeight(input: PeerPrefixList): number | undefined {
  const service = input.name === undefined ? undefined : managedService(input.name);
  return input.maxEntries ?? (service === undefined ? undefined : AWS_MANAGED_WEIGHTS.get(service));
}

/** What a prefix list without a known weight needs: its `maxEntries`, and why. */
export const MAX_ENTRIES_NEEDED =
  'the prefix list\'s maximum entries (aws ec2 describe-managed-prefix-lists shows "MaxEntries"): each rule ' +
  'that names the list counts as that many rules against the security group quota; it may be left out only ' +
  `for an AWS-managed list of documented weight: ${[...AWS_MANAGED_WEIGHTS.keys()]
    .map((s) => `com.amazonaws.<region>.${s}`)
    .join(', ')}`;

/**
 * A peer's prefix list with its weight ({@link prefixListWeight}) and family filled in: the given
 * family, else IPv6 for an AWS-managed `ipv6.` list and IPv4 otherwise.
 * @throws ArgumentError when no weight is known
 */
export function peerPrefixList(input: PeerPrefixList, path: string): ResolvedPrefixList {
  const weight = prefixListWeight(input);
  if (weight === undefined) throw new ArgumentError(`${path}.maxEntries`, input.maxEntries, MAX_ENTRIES_NEEDED);
  const service = input.name === undefined ? undefined : managedService(input.name);
  const family = input.family ? (input.family === 'IPv6' ? 6 : 4) : service?.startsWith('ipv6.') ? 6 : 4;
  return {
    ...(input.id !== undefined ? { id: input.id } : {}),
    ...(input.name !== undefined ? { name: input.name } : {}),
    maxEntries: weight,
    family,
  };
}

/** The text of a prefix list for tables and errors: its id or its name. */
export function prefixListText(p: Pick<ResolvedPrefixList, 'id' | 'name'>): string {
  return p.id ?? `prefix list ${p.name}`;
}

/** A peer endpoint's address forms, for the target errors below. */
export interface PeerAddressForms {
  /** The peer's declared name. */
  readonly name: string;
  /** Its CIDR, if given. */
  readonly cidr?: string;
  /** Its prefix list, if given. */
  readonly prefixList?: Pick<ResolvedPrefixList, 'id' | 'name'>;
  /** Its service tag, if given. */
  readonly serviceTag?: string;
}

/**
 * A peer's addresses for tables and diagrams: its CIDR, prefix list and service tag, those it gave,
 * in that order (`10.0.9.10/32`, `pl-0123456789abcdef0, AzureCloud`).
 */
export function peerAddressText(p: PeerAddressForms): string {
  return [p.cidr, p.prefixList?.id ?? p.prefixList?.name, p.serviceTag].filter((x) => x !== undefined).join(', ');
}

/** The forms a peer gave, as text for errors: `prefixList pl-1234, serviceTag Storage`. */
function givenForms(p: PeerAddressForms): string {
  const forms = [
    p.cidr !== undefined ? `cidr ${p.cidr}` : undefined,
    p.prefixList ? `prefixList ${p.prefixList.id ?? p.prefixList.name}` : undefined,
    p.serviceTag !== undefined ? `serviceTag ${p.serviceTag}` : undefined,
  ].filter((x) => x !== undefined);
  return forms.join(', ');
}

/**
 * The peer's CIDR, for a target that writes addresses only (host firewalls, flow-log evidence).
 * @param target what needs it, for the error: `the host firewalls`
 * @throws ArgumentError naming the peer when it has no CIDR
 */
export function peerCidr(p: PeerAddressForms, target: string): string {
  if (p.cidr !== undefined) return p.cidr;
  throw new ArgumentError(
    `peers.${p.name}.cidr`,
    givenForms(p),
    `a cidr: ${target} write addresses, and cannot name an AWS prefix list or an Azure service tag; give the ` +
      "peer's published ranges as its cidr, or leave it out of this target",
  );
}

/** A peer as an AWS security group rule names it: a prefix list, or a CIDR. */
export type AwsPeerAddress =
  | {
      /** The prefix list the rule names (`SourcePrefixListId`, `DestinationPrefixListId`). */
      readonly prefixList: ResolvedPrefixList;
    }
  | {
      /** The CIDR the rule names (`CidrIp`, `CidrIpv6`). */
      readonly cidr: string;
    };

/**
 * The peer as an AWS security group rule names it: its prefix list, else its CIDR.
 * @throws ArgumentError naming the peer when it has only a service tag
 */
export function awsPeerAddress(p: PeerAddressForms & { readonly prefixList?: ResolvedPrefixList }): AwsPeerAddress {
  if (p.prefixList) return { prefixList: p.prefixList };
  if (p.cidr !== undefined) return { cidr: p.cidr };
  throw new ArgumentError(
    `peers.${p.name}`,
    givenForms(p),
    'a cidr or a prefixList: an AWS security group rule cannot name an Azure service tag ' +
      '(https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)',
  );
}

/**
 * The peer as an Azure NSG rule names it: its service tag, else its CIDR.
 * @throws ArgumentError naming the peer when it has only a prefix list
 */
export function azurePeerPrefix(p: PeerAddressForms): string {
  if (p.serviceTag !== undefined) return p.serviceTag;
  if (p.cidr !== undefined) return p.cidr;
  throw new ArgumentError(
    `peers.${p.name}`,
    givenForms(p),
    'a cidr or a serviceTag: an Azure NSG rule cannot name an AWS prefix list ' +
      '(https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules)',
  );
}
