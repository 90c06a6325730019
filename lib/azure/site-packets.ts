import { parseCidr } from '../model/cidr';
import { ArgumentError } from '../model/errors';
import {
  ADDRESS_END,
  type DimensionRanges,
  type PacketSet,
  type PacketSpace,
  addressInterval,
  cidrInterval,
  difference,
  firstMatcher,
  intersection,
  noPackets,
  packets,
  type ProductBuilder,
  productBuilder,
  union,
  unionAll,
} from '../packets';
import { AZURE_HOST_IP, AZURE_IMDS_IP, DEFAULT_RULES } from './evaluator';
import type { ArmSecurityRule } from './rules';

/**
 * Azure network security groups compiled into exact packet sets (lib/packets), from "How network
 * security groups filter network traffic"
 * (https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works) and the
 * NSG overview (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview):
 * - in each direction the rules are processed by priority, lowest number first, and the first rule
 *   that matches a packet decides it: a rule decides exactly the packets it matches that no rule
 *   before it matched. Every NSG ends with Azure's default rules ({@link DEFAULT_RULES});
 * - inbound traffic meets the subnet's NSG, then the NIC's; outbound the NIC's, then the subnet's.
 *   Every NSG on the path must allow a packet, so the path admits the intersection of what each
 *   one allows;
 * - service tags: `VirtualNetwork` is the VNet's address space (with peered and connected spaces)
 *   and the host's virtual IP 168.63.129.16, `Internet` every address outside it,
 *   `AzureLoadBalancer` 168.63.129.16 (https://learn.microsoft.com/azure/virtual-network/service-tags-overview);
 *   any other tag admits the ranges given for it, and nothing when none are given;
 * - a rule naming application security groups matches the NICs that are members of them
 *   (https://learn.microsoft.com/azure/virtual-network/application-security-groups);
 * - traffic from a host to the platform's addresses 168.63.129.16 and 169.254.169.254 is not subject
 *   to NSGs (NSG overview, "Azure platform considerations").
 * Port ranges are intervals: a rule of `1024-65535` is one interval, never 64,512 ports. The
 * packets carry no source port: a rule that names source ports matches when they include 49152,
 * the first port of the ephemeral range the clients use (IANA dynamic ports).
 * @packageDocumentation
 */

/** What NSG rules compile against. */
export interface AzureRuleContext {
  /** The space of the sets. */
  readonly space: PacketSpace;
  /** The VNet's address space, with peered and connected spaces: what `VirtualNetwork` means. */
  readonly virtualNetwork: readonly string[];
  /** The host classes whose NICs are members of each ASG, by ASG key. */
  readonly members: ReadonlyMap<string, readonly string[]>;
  /** The ranges of service tags beyond the three above, by tag, where given. */
  readonly serviceTags?: ReadonlyMap<string, readonly string[]>;
  /** The packets' source port, which rules naming source ports are matched against; 49152 by default. */
  readonly sourcePort?: number;
}

/** What one rule of an NSG decides in one direction. */
export interface RuleDecision {
  /** The rule. */
  readonly rule: ArmSecurityRule;
  /** Whether it is one of Azure's default rules. */
  readonly builtin: boolean;
  /** The packets it decides: those it matches that no rule before it matched (made when first read). */
  readonly decided: PacketSet;
}

/** One direction of an NSG as packet sets. */
export interface NsgPackets {
  /** The packets of the scope the NSG allows. */
  readonly allowed: PacketSet;
  /** Each rule with the packets it decides, in the order the NSG processes them. */
  readonly decisions: readonly RuleDecision[];
}

const EPHEMERAL_PORT = 49152;
// A function, not a constant: lib/azure/evaluator imports this module, and this module its constants.
const platform = (): string[] => [`${AZURE_HOST_IP}/32`, `${AZURE_IMDS_IP}/32`];

type Side = 'source' | 'destination';

const list = (rule: ArmSecurityRule, plural: keyof ArmSecurityRule, single: keyof ArmSecurityRule): string[] => {
  const many = rule[plural];
  if (Array.isArray(many) && many.length) return many.map(String);
  return typeof rule[single] === 'string' ? [rule[single] as string] : [];
};

/** The port ranges of one side of a rule as inclusive pairs, or `*`. */
function portRanges(rule: ArmSecurityRule, side: Side, path: string): [number, number][] | '*' {
  const texts = list(rule, `${side}PortRanges`, `${side}PortRange`);
  if (texts.includes('*')) return '*';
  return texts.map((t) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(t.trim());
    const [lo, hi] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
    if (!(lo <= hi && hi <= 65535)) throw new ArgumentError(`${path}.${side}PortRange`, t, 'a port, a range or *');
    return [lo, hi];
  });
}

/** One dimension's values as inclusive ranges; absent where a rule leaves the dimension whole. */
type Ranges = DimensionRanges;

/** One end of a rule as ranges: its host classes and its addresses (absent: every one). */
interface EndRanges {
  readonly classes?: Ranges;
  readonly addresses?: Ranges;
}

/**
 * What the rules of one NSG compile share: the address ranges of each prefix and service tag, parsed
 * once (the rules repeat them), and the builder whose sets share their equal parts.
 */
type Compiled = {
  /** The address ranges of each side and prefix. */
  readonly prefixes: Map<string, Ranges | '*' | undefined>;
  /** The builder of the compile's rules, which share their equal parts. */
  readonly build: ProductBuilder;
};

/** A fresh memo for one compile. */
const compiled = (ctx: AzureRuleContext): Compiled => ({ prefixes: new Map(), build: productBuilder(ctx.space) });

/** The inclusive address ranges of CIDRs and addresses; `path` names them for errors, as the field they came from. */
function addressRanges(addresses: readonly string[], path: string): [bigint, bigint][] {
  return addresses.map((a, i) => {
    const { from, to } = addressInterval(a, `${path}.addresses[${i}]`);
    return [from, to - 1n];
  });
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const toNumber = (x: bigint): number | bigint => (x <= SAFE ? Number(x) : x);
/** An inclusive range of the address line with ends as numbers where exact (IPv4), read without bigint arithmetic. */
const small = ([from, to]: readonly [bigint, bigint]): Ranges[number] => [toNumber(from), toNumber(to)];

/** The ranges of the address line outside the given ones. */
function outside(ranges: readonly [bigint, bigint][]): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  let at = 0n;
  for (const [from, to] of [...ranges].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
    if (from > at) out.push([at, from - 1n]);
    if (to + 1n > at) at = to + 1n;
  }
  if (at < ADDRESS_END) out.push([at, ADDRESS_END - 1n]);
  return out;
}

/**
 * The addresses a service tag names that are a list of ranges: `VirtualNetwork` (the VNet's
 * spaces and the host's virtual IP), `AzureLoadBalancer` (that IP) and each tag whose ranges are
 * given; undefined for `Internet` (everything else) and a tag whose ranges are not given.
 */
export function serviceTagAddresses(ctx: AzureRuleContext, tag: string): readonly string[] | undefined {
  if (tag === 'VirtualNetwork') return [...ctx.virtualNetwork, `${AZURE_HOST_IP}/32`];
  if (tag === 'AzureLoadBalancer') return [`${AZURE_HOST_IP}/32`];
  return ctx.serviceTags?.get(tag);
}

/**
 * The addresses one prefix or service tag names at one side: `*` for every address, undefined for
 * none (a service tag whose ranges are not given).
 */
function prefixRanges(ctx: AzureRuleContext, prefix: string, side: Side, path: string): Ranges | '*' | undefined {
  const at = (addresses: readonly string[]) => addressRanges(addresses, `${path}.${side}`);
  if (prefix === '*') return '*';
  if (prefix === 'Internet') return outside(at(serviceTagAddresses(ctx, 'VirtualNetwork')!));
  const cidr = parseCidr(prefix.includes('/') ? prefix : `${prefix}/${prefix.includes(':') ? 128 : 32}`);
  if (cidr) {
    const { from, to } = cidrInterval(cidr);
    return [small([from, to - 1n])];
  }
  const tag = serviceTagAddresses(ctx, prefix);
  return tag ? at(tag) : undefined;
}

/** The ends one side of a rule matches, its ASGs' classes or its prefixes' addresses; undefined for none. */
function sideRanges(
  ctx: AzureRuleContext,
  rule: ArmSecurityRule,
  side: Side,
  path: string,
  memo: Compiled,
): EndRanges | undefined {
  const asgs = rule[`${side}ApplicationSecurityGroups`];
  if (Array.isArray(asgs) && asgs.length) {
    const names = [...new Set(asgs.flatMap((a: { id?: unknown }) => ctx.members.get(String(a.id)) ?? []))];
    const classes = names.map((name, i): [number, number] => {
      const n = ctx.space.classNumber.get(name);
      if (n === undefined) {
        throw new ArgumentError(
          `${path}.${side}.classes[${i}]`,
          name,
          `one of the space's host classes (${ctx.space.classes.join(', ')})`,
        );
      }
      return [n, n];
    });
    return classes.length ? { classes } : undefined;
  }
  const prefixes = list(rule, `${side}AddressPrefixes`, `${side}AddressPrefix`);
  const addresses: Ranges[number][] = [];
  // Indexed, not iterated: this runs once per rule, mostly before the code is optimised.
  for (let p = 0; p < prefixes.length; p++) {
    const key = `${side} ${prefixes[p]}`;
    let ranges = memo.prefixes.get(key);
    if (ranges === undefined && !memo.prefixes.has(key)) {
      memo.prefixes.set(key, (ranges = prefixRanges(ctx, prefixes[p], side, path)));
    }
    if (ranges === '*') return {};
    for (let r = 0; ranges && r < ranges.length; r++) addresses.push(ranges[r]);
  }
  return addresses.length ? { addresses } : undefined;
}

/** The IANA numbers of each protocol a rule may name. */
const PROTOCOLS: Readonly<Record<string, Ranges | '*'>> = {
  '*': '*',
  tcp: [[6, 6]],
  udp: [[17, 17]],
  icmp: [
    [1, 1],
    [58, 58],
  ],
  esp: [[50, 50]],
  ah: [[51, 51]],
};
const TCP_AND_UDP: Ranges = [
  [6, 6],
  [17, 17],
];

/** The protocols and services a rule matches: ports only where the protocol has them (Tcp and Udp, both under `*`). */
function trafficRanges(
  protocols: Ranges | '*',
  ports: [number, number][] | '*',
): { protocol?: Ranges; service?: Ranges } {
  if (protocols === '*') return ports === '*' ? {} : { protocol: TCP_AND_UDP, service: ports };
  const ported = protocols.length === 1 && (protocols[0][0] === 6 || protocols[0][0] === 17);
  return ported && ports !== '*' ? { protocol: protocols, service: ports } : { protocol: protocols };
}

/**
 * The packets a rule matches, whatever comes before it: one product of its protocols and ports,
 * its source's classes or addresses and its destination's.
 * @param memo what the rules of one compile share (parsed service tags, equal parts of their sets); none by default
 */
export function rulePackets(
  ctx: AzureRuleContext,
  rule: ArmSecurityRule,
  path: string,
  memo: Compiled = compiled(ctx),
): PacketSet {
  const protocols = PROTOCOLS[String(rule.protocol).toLowerCase()];
  if (!protocols) throw new ArgumentError(`${path}.protocol`, rule.protocol, 'Tcp, Udp, Icmp, Esp, Ah or *');
  const sourcePorts = portRanges(rule, 'source', path);
  const port = ctx.sourcePort ?? EPHEMERAL_PORT;
  if (sourcePorts !== '*' && !sourcePorts.some(([a, b]) => a <= port && port <= b)) {
    return noPackets(ctx.space);
  }
  const traffic = trafficRanges(protocols, portRanges(rule, 'destination', path));
  const source = sideRanges(ctx, rule, 'source', path, memo);
  const destination = sideRanges(ctx, rule, 'destination', path, memo);
  if (!source || !destination) return noPackets(ctx.space);
  return memo.build(
    {
      ...traffic,
      ...(source.classes && { sourceClass: source.classes }),
      ...(source.addresses && { sourceAddress: source.addresses }),
      ...(destination.classes && { destinationClass: destination.classes }),
      ...(destination.addresses && { destinationAddress: destination.addresses }),
    },
    path,
  );
}

/** A direction's rules, user rules and Azure's defaults, in processing order (lowest priority number first). */
function processingOrder(
  rules: readonly ArmSecurityRule[],
  direction: 'Inbound' | 'Outbound',
): { rule: ArmSecurityRule; builtin: boolean }[] {
  const user = rules.filter((r) => r.direction === direction).map((rule) => ({ rule, builtin: false }));
  const builtin = DEFAULT_RULES[direction].map((rule) => ({ rule, builtin: true }));
  return [...user, ...builtin].sort((a, b) => Number(a.rule.priority) - Number(b.rule.priority));
}

/**
 * The packets of the scope that one NSG decides in one direction: each rule in priority order,
 * its default rules last, decides the packets of the scope it matches that no rule before it
 * matched (first match: https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works).
 * Each rule's match is one product of ranges; what it decides is that less only the rules before
 * it whose least boxes meet it (lib/packets firstMatcher), made when first read: the Allow rules'
 * for what the NSG allows, a Deny rule's only when a report asks what it denies.
 * @param scope the packets the NSG filters in this direction (those to, or from, its NICs)
 */
export function nsgPackets(
  ctx: AzureRuleContext,
  rules: readonly ArmSecurityRule[],
  direction: 'Inbound' | 'Outbound',
  scope: PacketSet,
): NsgPackets {
  const ordered = processingOrder(rules, direction);
  const memo = compiled(ctx);
  const matches = ordered.map(({ rule }) => rulePackets(ctx, rule, `securityRules.${String(rule.name)}`, memo));
  const decide = firstMatcher(ctx.space, matches, scope);
  const decisions = ordered.map(({ rule, builtin }, i): RuleDecision => ({
    rule,
    builtin,
    get decided() {
      return decide(i);
    },
  }));
  const allows = decisions.filter((d) => d.rule.access === 'Allow').map((d) => d.decided);
  return { allowed: unionAll(ctx.space, allows), decisions };
}

/** The packets from hosts of the classes to the platform's addresses, which no NSG filters. */
export function platformPackets(space: PacketSpace, classes: readonly string[]): PacketSet {
  return packets(space, { source: { classes }, destination: { addresses: platform() } });
}

/** Both directions of the NSGs on the path of the classes' NICs. */
export interface AzureSitePackets {
  /** Each NSG's inbound decisions, in the order given. */
  readonly inbound: readonly NsgPackets[];
  /** Each NSG's outbound decisions. */
  readonly outbound: readonly NsgPackets[];
  /** The packets that get in: those every NSG allows inbound, and those to hosts of no class given. */
  readonly ingress: PacketSet;
  /** The packets that get out: those every NSG allows outbound, to the platform, or from other hosts. */
  readonly egress: PacketSet;
}

/**
 * What NSGs that all apply to the NICs of the given classes (the NIC's own and its subnet's) let
 * through; hosts of other classes, and external hosts, are not filtered.
 */
export function azureSitePackets(
  ctx: AzureRuleContext,
  classes: readonly string[],
  nsgs: readonly (readonly ArmSecurityRule[])[],
): AzureSitePackets {
  const space = ctx.space;
  const given = new Set(classes);
  const rest = space.classes.filter((c) => !given.has(c));
  const inScope = packets(space, { destination: { classes } });
  const outScope = difference(packets(space, { source: { classes } }), platformPackets(space, classes));
  const inbound = nsgs.map((rules) => nsgPackets(ctx, rules, 'Inbound', inScope));
  const outbound = nsgs.map((rules) => nsgPackets(ctx, rules, 'Outbound', outScope));
  const all = (parts: readonly NsgPackets[], scope: PacketSet) =>
    parts.reduce((acc, p) => intersection(acc, p.allowed), scope);
  return {
    inbound,
    outbound,
    ingress: union(all(inbound, inScope), packets(space, { destination: { classes: rest, external: true } })),
    egress: unionAll(space, [
      all(outbound, outScope),
      platformPackets(space, classes),
      packets(space, { source: { classes: rest, external: true } }),
    ]),
  };
}
