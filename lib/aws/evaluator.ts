import { ArgumentError, PortplanError, parseCidr, type Cidr } from '../model';
import { type PacketSet, PacketSpace, allPackets, has, noPackets, unionAll } from '../packets';
import { awsRulePackets } from './site-packets';

/**
 * An evaluator of AWS security groups, written from the AWS documentation, with no SDK: given
 * groups with their rules and hosts with their groups and addresses, is a connection allowed?
 *
 * The model is neutral: groups and rules in the shape of EC2's `DescribeSecurityGroupRules`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html), filled from
 * a synthesized template in the tests or from the EC2 API by a later `verify` command.
 * @packageDocumentation
 */

/** One security group rule, as EC2's `SecurityGroupRule` has it (one remote per rule). */
export interface SecurityGroupRuleModel {
  /**
   * `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a protocol number as text. EC2 reports numbers for
   * other protocols and `-1` for all traffic
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
   */
  readonly ipProtocol: string;
  /** First port (TCP/UDP), or the ICMP type; absent or -1 for all. */
  readonly fromPort?: number;
  /** Last port (TCP/UDP), or the ICMP code; absent or -1 for all. */
  readonly toPort?: number;
  /** An IPv4 range the rule admits (ingress: source; egress: destination). */
  readonly cidrIpv4?: string;
  /** An IPv6 range the rule admits. */
  readonly cidrIpv6?: string;
  /** A security group whose members the rule admits. */
  readonly referencedGroupId?: string;
  /** Free text. */
  readonly description?: string;
}

/** A security group: its id and its inbound and outbound rules. */
export interface SecurityGroupModel {
  /** The group id (`sg-...`, or any stable key a parser gives it). */
  readonly groupId: string;
  /** Inbound rules. */
  readonly ingress: readonly SecurityGroupRuleModel[];
  /** Outbound rules. */
  readonly egress: readonly SecurityGroupRuleModel[];
}

/** A host with one network interface: its security groups and private addresses. */
export interface HostModel {
  /** A name to ask about it by. */
  readonly name: string;
  /** The ids of the security groups on its interface. */
  readonly securityGroupIds: readonly string[];
  /** Its IPv4 and IPv6 addresses, without prefix length. */
  readonly addresses: readonly string[];
}

/** Security groups and hosts. */
export interface AwsNetworkModel {
  /** Every security group the hosts or rules name. */
  readonly groups: readonly SecurityGroupModel[];
  /** The hosts. */
  readonly hosts: readonly HostModel[];
}

/** A host of the model as one end of a connection. */
export interface HostEnd {
  /** The host's name. */
  readonly host: string;
}

/** An address outside the model as one end of a connection: no security group filters it. */
export interface AddressEnd {
  /** An IPv4 or IPv6 address. */
  readonly address: string;
}

/** One end of a connection: a host of the model, or an address outside it. */
export type ConnectionEnd = HostEnd | AddressEnd;

/** The outcome of one question, with each side's answer. */
export interface Verdict {
  /** Whether the connection is allowed: every side that filters allows it. */
  readonly allowed: boolean;
  /** Whether the initiator's groups let it out; undefined when the initiator is not a host. */
  readonly egress?: boolean;
  /** Whether the listener's groups let it in; undefined when the listener is not a host. */
  readonly ingress?: boolean;
}

/** A model the evaluator cannot read: an unknown group or host, an address or range it cannot parse. */
export class ModelError extends PortplanError {
  /** Always `AWS_MODEL`. */
  readonly code = 'AWS_MODEL';
}

function address(text: string, path: string): Cidr {
  const c = parseCidr(`${text}/${text.includes(':') ? 128 : 32}`);
  if (!c) throw new ModelError(path, text, `${path}: not an IPv4 or IPv6 address (got ${JSON.stringify(text)})`);
  return c;
}

/** The model's hosts with their groups checked: every host named, every group it carries known. */
function hostsOf(model: AwsNetworkModel, ends: readonly [ConnectionEnd, string][]): Map<string, HostModel> {
  const groups = new Set(model.groups.map((g) => g.groupId));
  const hosts = new Map(model.hosts.map((h) => [h.name, h]));
  for (const [e, side] of ends) {
    if ('address' in e) {
      address(e.address, `${side}.address`);
      continue;
    }
    const host = hosts.get(e.host);
    if (!host) {
      const why = `${side}.host: no host of that name (got ${JSON.stringify(e.host)})`;
      throw new ModelError(`${side}.host`, e.host, why);
    }
    for (const id of host.securityGroupIds) {
      if (!groups.has(id)) {
        const path = `hosts.${host.name}.securityGroupIds`;
        throw new ModelError(path, id, `hosts.${host.name}: no security group ${id} in the model`);
      }
    }
    host.addresses.forEach((a, i) => address(a, `hosts.${host.name}.addresses[${i}]`));
  }
  return hosts;
}

/** The two sides asked about: what the initiator's groups let out, what the listener's let in. */
interface Sides {
  readonly egress: PacketSet;
  readonly ingress: PacketSet;
}

/**
 * The security groups of the hosts asked about as packet sets (lib/aws/site-packets): each host its
 * own class; the outbound rules of the initiator's groups, the inbound rules of the listener's.
 */
function sitePackets(model: AwsNetworkModel, from?: HostModel, to?: HostModel): Sides {
  const classes = [...new Set([from?.name, to?.name].filter((n) => n !== undefined))];
  const carriers = new Map<string, string[]>();
  for (const h of [from, to]) {
    for (const id of h?.securityGroupIds ?? []) {
      const list = carriers.get(id) ?? [];
      if (!list.includes(h!.name)) carriers.set(id, [...list, h!.name]);
    }
  }
  const space = new PacketSpace(classes);
  const ctx = { space, carriers };
  const compile = (host: HostModel | undefined, dir: 'ingress' | 'egress') =>
    model.groups
      .filter((g) => host?.securityGroupIds.includes(g.groupId))
      .flatMap((g) =>
        g[dir].map((r, i) => {
          const path = `${g.groupId}.${dir}[${i}]`;
          try {
            return awsRulePackets(ctx, g.groupId, dir, r, path) ?? noPackets(space);
          } catch (e) {
            // The model's own error type, naming the rule.
            if (e instanceof ArgumentError) throw new ModelError(e.path, e.value, `${path}: ${e.message}`);
            throw e;
          }
        }),
      );
  // An end that is not a host filters nothing.
  const side = (host: HostModel | undefined, dir: 'ingress' | 'egress') =>
    host ? unionAll(space, compile(host, dir)) : allPackets(space);
  return { egress: side(from, 'egress'), ingress: side(to, 'ingress') };
}

/**
 * Answers whether `from` may open a connection to `to` on `protocol`/`port`, by the documented
 * rules of security groups, as the packet sets of lib/aws/site-packets compile them
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html,
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): the question is
 * whether one packet is in the site's sets.
 * - rules only allow: traffic no rule allows is dropped;
 * - the rules of every group on an interface are aggregated (their union applies);
 * - the listener's groups must allow it inbound AND the initiator's groups outbound; an end that
 *   is not a host of the model (an outside address) filters nothing;
 * - groups are stateful: replies pass without a rule, so only the opening direction is asked
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html);
 * - a rule naming a group matches by membership; a CIDR rule matches an address of its family.
 * Both ends use addresses of one family: the connection is allowed when it is for IPv4 or IPv6.
 * @throws ModelError for an unknown host or group, or an address or range it cannot parse
 */
export function allowed(
  model: AwsNetworkModel,
  from: ConnectionEnd,
  to: ConnectionEnd,
  protocol: 'tcp' | 'udp',
  port: number,
): Verdict {
  const hosts = hostsOf(model, [
    [from, 'from'],
    [to, 'to'],
  ]);
  const host = (e: ConnectionEnd) => ('host' in e ? hosts.get(e.host) : undefined);
  const site = sitePackets(model, host(from), host(to));
  const addresses = (e: ConnectionEnd) => ('address' in e ? [e.address] : hosts.get(e.host)!.addresses);
  const end = (e: ConnectionEnd, a: string) => ('address' in e ? { address: a } : { address: a, hostClass: e.host });
  let [egress, ingress, both] = [false, false, false];
  for (const family of [4, 6] as const) {
    const of = (e: ConnectionEnd) => addresses(e).filter((a) => address(a, 'address').family === family);
    for (const a of of(from)) {
      for (const b of of(to)) {
        const packet = { protocol: protocol === 'tcp' ? 6 : 17, port, source: end(from, a), destination: end(to, b) };
        const out = has(site.egress, packet);
        const inn = has(site.ingress, packet);
        [egress, ingress, both] = [egress || out, ingress || inn, both || (out && inn)];
      }
    }
  }
  return { allowed: both, ...('host' in from ? { egress } : {}), ...('host' in to ? { ingress } : {}) };
}

/** An IPv4 range of an EC2 permission. */
export interface Ec2IpRange {
  /** The range. */
  readonly CidrIp?: string;
  /** Free text. */
  readonly Description?: string;
}

/** An IPv6 range of an EC2 permission. */
export interface Ec2Ipv6Range {
  /** The range. */
  readonly CidrIpv6?: string;
  /** Free text. */
  readonly Description?: string;
}

/** A security group an EC2 permission references. */
export interface Ec2UserIdGroupPair {
  /** The referenced group. */
  readonly GroupId?: string;
  /** Free text. */
  readonly Description?: string;
}

/** A prefix list an EC2 permission references. */
export interface Ec2PrefixListId {
  /** The prefix list. */
  readonly PrefixListId?: string;
}

/** An EC2 `IpPermission` as `DescribeSecurityGroups` returns it (the fields the evaluator reads). */
export interface Ec2IpPermission {
  /** Protocol name or number, `-1` for all. */
  readonly IpProtocol?: string;
  /** First port, or ICMP type. */
  readonly FromPort?: number;
  /** Last port, or ICMP code. */
  readonly ToPort?: number;
  /** IPv4 ranges. */
  readonly IpRanges?: readonly Ec2IpRange[];
  /** IPv6 ranges. */
  readonly Ipv6Ranges?: readonly Ec2Ipv6Range[];
  /** Referenced security groups. */
  readonly UserIdGroupPairs?: readonly Ec2UserIdGroupPair[];
  /** Referenced prefix lists: not modelled, so a permission naming one is refused. */
  readonly PrefixListIds?: readonly Ec2PrefixListId[];
}

/** An EC2 `SecurityGroup` as `DescribeSecurityGroups` returns it (the fields the evaluator reads). */
export interface Ec2SecurityGroup {
  /** The group id. */
  readonly GroupId?: string;
  /** Inbound permissions. */
  readonly IpPermissions?: readonly Ec2IpPermission[];
  /** Outbound permissions. */
  readonly IpPermissionsEgress?: readonly Ec2IpPermission[];
}

/**
 * Security groups of an EC2 `DescribeSecurityGroups` answer as the evaluator's groups: each
 * permission splits into one rule per range or group it names, as EC2's `SecurityGroupRule` lists
 * them (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
 * @throws ModelError for a group without id, a permission without protocol, or one naming a prefix list
 */
export function groupsFromEc2(groups: readonly Ec2SecurityGroup[]): SecurityGroupModel[] {
  return groups.map((g, gi) => {
    if (g.GroupId === undefined) {
      const path = `SecurityGroups[${gi}].GroupId`;
      throw new ModelError(path, undefined, `SecurityGroups[${gi}]: a group needs its GroupId`);
    }
    const groupId = g.GroupId;
    const rules = (permissions: readonly Ec2IpPermission[] | undefined, key: string): SecurityGroupRuleModel[] =>
      (permissions ?? []).flatMap((p, i) => {
        const path = `${groupId}.${key}[${i}]`;
        if (p.IpProtocol === undefined) {
          throw new ModelError(`${path}.IpProtocol`, undefined, `${path}: a permission needs its IpProtocol`);
        }
        if (p.PrefixListIds?.length) {
          const why = `${path}: prefix lists are not modelled; only CIDR ranges and groups are`;
          throw new ModelError(`${path}.PrefixListIds`, p.PrefixListIds, why);
        }
        const base = { ipProtocol: p.IpProtocol, fromPort: p.FromPort, toPort: p.ToPort };
        return [
          ...(p.IpRanges ?? []).map((r) => ({ ...base, cidrIpv4: r.CidrIp, description: r.Description })),
          ...(p.Ipv6Ranges ?? []).map((r) => ({ ...base, cidrIpv6: r.CidrIpv6, description: r.Description })),
          ...(p.UserIdGroupPairs ?? []).map((r) => ({
            ...base,
            referencedGroupId: r.GroupId,
            description: r.Description,
          })),
        ];
      });
    return {
      groupId,
      ingress: rules(g.IpPermissions, 'IpPermissions'),
      egress: rules(g.IpPermissionsEgress, 'IpPermissionsEgress'),
    };
  });
}
