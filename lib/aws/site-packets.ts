import { parseCidr } from '../model/cidr';
import { ArgumentError } from '../model/errors';
import {
  type EndpointSpec,
  type PacketSet,
  type PacketSpace,
  type PacketSpec,
  intersection,
  noPackets,
  packets,
  union,
  unionAll,
} from '../packets';
import type { SecurityGroupRuleModel } from './evaluator';

/**
 * AWS security groups compiled into exact packet sets (lib/packets), from the documented semantics:
 * - a rule only allows; the rules of every group on an interface are aggregated, so an interface
 *   admits the union of its groups' rules
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html);
 * - an inbound rule names the source, an outbound rule the destination: a CIDR (IPv4 or IPv6), a
 *   security group (the members of the group, whatever their addresses, a group naming itself
 *   included), or a managed prefix list (its entries)
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html);
 * - protocol `-1` is every protocol, and a protocol other than tcp, udp, icmp and icmpv6 admits
 *   the whole protocol whatever ports are given; for ICMP the "ports" are the type and code, -1 for
 *   every type or code (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html);
 * - groups are stateful: replies pass without a rule, so a set holds the packets that open
 *   connections (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html).
 *
 * A host class of the space stands for the hosts that carry one set of groups; {@link AwsGroupCarriers}
 * says which classes carry a group. Hosts of no class (`external`) carry no group the site holds.
 * @packageDocumentation
 */

/** Which host classes carry each security group, by group id. */
export type AwsGroupCarriers = ReadonlyMap<string, readonly string[]>;

/** What a rule compiles against: the space, who carries which group, and prefix list entries. */
export interface AwsRuleContext {
  /** The space of the sets. */
  readonly space: PacketSpace;
  /** The classes that carry each group; a group not listed is carried by no class. */
  readonly carriers: AwsGroupCarriers;
  /** The CIDRs of each managed prefix list, by id, where they were read. */
  readonly prefixLists?: ReadonlyMap<string, readonly string[]>;
}

/** A rule with the one remote EC2's `SecurityGroupRule` gives it. */
export interface AwsRule extends SecurityGroupRuleModel {
  /** A managed prefix list the rule admits, by id. */
  readonly prefixListId?: string;
}

const NAMED: Readonly<Record<string, 'tcp' | 'udp' | 'icmp' | 'icmpv6'>> = {
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
};

/** The protocol and service part of a rule's packet spec. */
function traffic(rule: AwsRule, path: string): Pick<PacketSpec, 'protocol' | 'ports' | 'icmp'> {
  const p = String(rule.ipProtocol).toLowerCase();
  if (p === '-1' || p === 'all') return {};
  const named = NAMED[p];
  const from = rule.fromPort;
  const to = rule.toPort;
  const every = from === undefined || from === -1;
  if (named === 'tcp' || named === 'udp') {
    if (every) return { protocol: named };
    if (to === undefined || to === -1) return { protocol: named, ports: { from, to: 65535 } };
    return { protocol: named, ports: { from, to } };
  }
  if (named === 'icmp' || named === 'icmpv6') {
    // FromPort is the type, ToPort the code; -1 for every type, or every code of the type.
    if (every) return { protocol: named };
    return { protocol: named, icmp: to === undefined || to === -1 ? { type: from } : { type: from, code: to } };
  }
  const n = Number(p);
  if (!/^\d+$/.test(p) || n > 255) {
    throw new ArgumentError(`${path}.ipProtocol`, rule.ipProtocol, 'tcp, udp, icmp, icmpv6, -1 or a number 0-255');
  }
  // Any other protocol admits the whole protocol, whatever ports the rule names.
  return { protocol: n };
}

const masked = (cidr: string, path: string): string => {
  const c = parseCidr(cidr);
  if (!c) throw new ArgumentError(path, cidr, 'an IPv4 or IPv6 CIDR');
  return c.text;
};

/**
 * The remote side of a rule as an endpoint, or undefined for a prefix list whose entries were not
 * read (the caller reports such a rule without its packets).
 */
function remote(rule: AwsRule, ctx: AwsRuleContext, path: string): EndpointSpec | undefined {
  const given = [rule.cidrIpv4, rule.cidrIpv6, rule.referencedGroupId, rule.prefixListId].filter(
    (x) => x !== undefined,
  );
  if (given.length !== 1) {
    throw new ArgumentError(path, rule, `exactly one of cidrIpv4, cidrIpv6, referencedGroupId, prefixListId`);
  }
  if (rule.referencedGroupId !== undefined) return { classes: ctx.carriers.get(rule.referencedGroupId) ?? [] };
  if (rule.prefixListId !== undefined) {
    const entries = ctx.prefixLists?.get(rule.prefixListId);
    return entries && { addresses: entries.map((e, i) => masked(e, `${path}.prefixList[${i}]`)) };
  }
  const cidr = (rule.cidrIpv4 ?? rule.cidrIpv6) as string;
  return { addresses: [masked(cidr, `${path}.${rule.cidrIpv4 !== undefined ? 'cidrIpv4' : 'cidrIpv6'}`)] };
}

/**
 * The packets one rule of a group admits: inbound, from its remote to the classes that carry the
 * group; outbound, from those classes to its remote. A rule naming a group no class carries admits
 * nothing; undefined for a prefix list whose entries are not known.
 * @param path the rule's name in errors
 * @throws ArgumentError for a rule with no or two remotes, a protocol or CIDR EC2 would not give
 */
export function awsRulePackets(
  ctx: AwsRuleContext,
  groupId: string,
  direction: 'ingress' | 'egress',
  rule: AwsRule,
  path: string,
): PacketSet | undefined {
  const other = remote(rule, ctx, path);
  if (!other) return undefined;
  const holders = ctx.carriers.get(groupId) ?? [];
  if (!holders.length || (other.classes !== undefined && !other.classes.length)) return noPackets(ctx.space);
  const own: EndpointSpec = { classes: holders };
  const ends = direction === 'ingress' ? { source: other, destination: own } : { source: own, destination: other };
  return packets(ctx.space, { ...traffic(rule, path), ...ends }, path);
}

/** The packets whose one end belongs to none of the given classes: not filtered on that side. */
export function unfiltered(space: PacketSpace, side: 'source' | 'destination', filtered: readonly string[]): PacketSet {
  const seen = new Set(filtered);
  const rest = space.classes.filter((c) => !seen.has(c));
  return packets(space, { [side]: { classes: rest, external: true } });
}

/** What a site lets through, as packet sets. */
export interface AwsSitePackets {
  /** The packets the destination's groups let in (every packet to a host of no filtered class). */
  readonly ingress: PacketSet;
  /** The packets the source's groups let out (every packet from a host of no filtered class). */
  readonly egress: PacketSet;
  /** The packets both let through: the site's reachability. */
  readonly allowed: PacketSet;
}

/**
 * The site's packet sets from the sets of its rules: ingress is the union of the inbound rules,
 * egress of the outbound ones, each together with the packets the side does not filter (classes
 * whose groups were not read, and external hosts); a connection needs both.
 * @param filtered the classes whose groups' rules are all in `rules`
 */
export function awsSitePackets(
  space: PacketSpace,
  filtered: readonly string[],
  rules: { readonly ingress: readonly PacketSet[]; readonly egress: readonly PacketSet[] },
): AwsSitePackets {
  const ingress = union(unionAll(space, rules.ingress), unfiltered(space, 'destination', filtered));
  const egress = union(unionAll(space, rules.egress), unfiltered(space, 'source', filtered));
  return { ingress, egress, allowed: intersection(ingress, egress) };
}
