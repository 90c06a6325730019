import type { FlowProtocol, IcmpMessage } from './catalog';
import type { GroupEndpoint, Endpoint, Resolution, ResolvedFlow } from './resolve';
import type { RoleId } from './roles';

/**
 * Where a rule goes. Both clouds filter at both ends of a connection: the listener's group must
 * admit it inbound, and, when the declaration restricts egress, the initiator's group must let it
 * out. AWS security groups are stateful (the reply is allowed both ways without a rule) and Azure
 * NSGs likewise, so no rule is needed for return traffic
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html,
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview).
 */
export type RuleDirection = 'inbound' | 'outbound';

/** One flow's rule on one group: the decision every adapter and limit check reads. */
export interface PlacedRule {
  /** `inbound` on the listener, `outbound` on the initiator (restricted egress only). */
  readonly direction: RuleDirection;
  /** The group whose security group, NSG rule set or host firewall carries the rule. */
  readonly group: GroupEndpoint;
  /** The other side: the initiator of an inbound rule, the listener of an outbound one. */
  readonly remote: Endpoint;
  /** The flow the rule carries, with its rows and description. */
  readonly flow: ResolvedFlow;
}

/**
 * Places every flow of a resolution on the groups that must carry it: inbound on the listener
 * when it is a group, and outbound on the initiator when it is a group and egress is restricted.
 * Flows between two peers cannot occur (the catalog loader refuses a flow between two peers). Order: the flows' order, inbound
 * before outbound, so output that follows it is deterministic.
 */
export function placeRules(resolution: Resolution): PlacedRule[] {
  const restricted = resolution.declaration.egress === 'restricted';
  const out: PlacedRule[] = [];
  for (const flow of resolution.flows) {
    if (flow.to.kind === 'group') out.push({ direction: 'inbound', group: flow.to, remote: flow.from, flow });
    if (restricted && flow.from.kind === 'group')
      out.push({ direction: 'outbound', group: flow.from, remote: flow.to, flow });
  }
  return out;
}

/** How many rules each group carries in each direction, by group name. */
export function ruleCounts(rules: readonly PlacedRule[]): Map<string, Record<RuleDirection, number>> {
  const counts = new Map<string, Record<RuleDirection, number>>();
  for (const r of rules) {
    const c = counts.get(r.group.name) ?? { inbound: 0, outbound: 0 };
    c[r.direction]++;
    counts.set(r.group.name, c);
  }
  return counts;
}

/**
 * The groups of a role that has two or more, taken as one more group that every host of them
 * carries: an AWS security group or an Azure application security group of the role. Rules that
 * every group of the role needs alike are written once, on it or naming it, so the number of rules
 * does not grow with the number of groups (a rule per group, or per pair of groups, would).
 */
export interface RoleWideGroup {
  /** Discriminator. */
  readonly kind: 'role';
  /** The role; also the role-wide group's name (a role id has a colon, so no group has it). */
  readonly name: RoleId;
  /** The role. */
  readonly role: RoleId;
  /** The role's groups, in declaration order; always two or more. */
  readonly groups: readonly string[];
}

/** What carries a cloud rule: a declared group, or a role-wide group. */
export type RuleHolder = GroupEndpoint | RoleWideGroup;

/** The other side of a cloud rule: a group, a peer, or a role-wide group. */
export type RuleParty = Endpoint | RoleWideGroup;

/** One rule of a cloud (AWS, Azure): on a group or a role-wide group, for one or more flows alike. */
export interface CloudRule {
  /** `inbound` on the listener's side, `outbound` (restricted egress) on the initiator's. */
  readonly direction: RuleDirection;
  /** The group or role-wide group that carries the rule. */
  readonly holder: RuleHolder;
  /** The initiator of an inbound rule, the listener of an outbound one. */
  readonly remote: RuleParty;
  /** Transport protocol, or ICMP. */
  readonly protocol: FlowProtocol;
  /** First port (for ICMP, first message type: see {@link ResolvedFlow}). */
  readonly fromPort: number;
  /** Last port (for ICMP, last message type). */
  readonly toPort: number;
  /** For ICMP rules only: the messages, `{}` for every one. */
  readonly icmp?: IcmpMessage;
  /** Every flow between declared groups and peers the rule stands for, in flow order. */
  readonly flows: readonly ResolvedFlow[];
}

/** Where the cloud rules of a resolution go. */
export interface CloudPlacement {
  /** One role-wide group per role with two or more groups, in the order of their first group. */
  readonly roleGroups: readonly RoleWideGroup[];
  /** Every rule, inbound before outbound per flow, in the order of the flows' first member. */
  readonly rules: readonly CloudRule[];
}

/** A flow, or flows alike, between parties that may be role-wide groups. */
interface Factored {
  readonly from: RuleParty;
  readonly to: RuleParty;
  readonly protocol: FlowProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly icmp?: IcmpMessage;
  readonly flows: readonly ResolvedFlow[];
}

const partyKey = (e: RuleParty): string => `${e.kind}:${e.name}`;

/**
 * Replaces, on one side (`to`, then `from`), the flows that every group of a role has alike (the
 * same other party, protocol and ports) by one flow of the role-wide group. Flows that differ by
 * group stay as they are. Order: each merged flow takes the place of its first member.
 */
function mergeSide(
  items: readonly Factored[],
  side: 'from' | 'to',
  wide: ReadonlyMap<RoleId, RoleWideGroup>,
): Factored[] {
  const other = side === 'to' ? 'from' : 'to';
  const buckets = new Map<string, Factored[]>();
  const order: (Factored | string)[] = [];
  for (const it of items) {
    const e = it[side];
    const rw = e.kind === 'group' ? wide.get(e.role) : undefined;
    if (!rw) {
      order.push(it);
      continue;
    }
    // A plain string key: this runs once per flow, and a site's flows grow with the pairs of groups.
    const key = `${partyKey(it[other])}\u0000${it.protocol}\u0000${it.fromPort}\u0000${it.toPort}\u0000${it.icmp?.code ?? ''}\u0000${rw.role}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(it);
    else {
      buckets.set(key, [it]);
      order.push(key);
    }
  }
  return order.flatMap((x) => {
    if (typeof x !== 'string') return [x];
    const bucket = buckets.get(x) ?? [];
    const rw = wide.get((bucket[0][side] as GroupEndpoint).role) as RoleWideGroup;
    const covered = new Set(bucket.map((i) => i[side].name));
    if (covered.size < rw.groups.length) return bucket;
    return [{ ...bucket[0], [side]: rw, flows: bucket.flatMap((i) => i.flows) }];
  });
}

/**
 * The rules the clouds carry for a resolution: {@link placeRules}' decision (inbound on the
 * listener, outbound on the initiator under restricted egress), after the flows that every group of
 * a role has alike are written once for the role-wide group (see {@link RoleWideGroup}). A site
 * with N groups of a role then needs the same rules as one with two, not N times (or N² times, for
 * flows among the role's own groups) as many. Host firewalls filter by address, not by group, and
 * keep using {@link placeRules}.
 */
export function placeCloudRules(resolution: Resolution): CloudPlacement {
  const byRole = new Map<RoleId, string[]>();
  for (const g of resolution.declaration.groups) byRole.set(g.role, [...(byRole.get(g.role) ?? []), g.name]);
  const roleGroups = [...byRole]
    .filter(([, groups]) => groups.length > 1)
    .map(([role, groups]): RoleWideGroup => ({ kind: 'role', name: role, role, groups }));
  const wide = new Map(roleGroups.map((r) => [r.role, r]));
  const flows = resolution.flows.map((f): Factored => ({
    from: f.from,
    to: f.to,
    protocol: f.protocol,
    fromPort: f.fromPort,
    toPort: f.toPort,
    ...(f.icmp ? { icmp: f.icmp } : {}),
    flows: [f],
  }));
  const factored = mergeSide(mergeSide(flows, 'to', wide), 'from', wide);
  const restricted = resolution.declaration.egress === 'restricted';
  const rules: CloudRule[] = [];
  for (const f of factored) {
    const common = {
      protocol: f.protocol,
      fromPort: f.fromPort,
      toPort: f.toPort,
      ...(f.icmp ? { icmp: f.icmp } : {}),
      flows: f.flows,
    };
    if (f.to.kind !== 'peer') rules.push({ direction: 'inbound', holder: f.to, remote: f.from, ...common });
    if (restricted && f.from.kind !== 'peer')
      rules.push({ direction: 'outbound', holder: f.from, remote: f.to, ...common });
  }
  return { roleGroups, rules };
}

/**
 * The names of every group a cloud site of the resolution has: the declared groups, in declaration
 * order, then the role-wide groups (their names are role ids). The site checks map each to its
 * security group or ASG.
 */
export function cloudGroupNames(resolution: Resolution): string[] {
  return [
    ...resolution.declaration.groups.map((g) => g.name),
    ...placeCloudRules(resolution).roleGroups.map((r) => r.name),
  ];
}

/** The role-wide group a declared group's hosts also carry, if its role has one. */
export function roleGroupOf(placement: CloudPlacement, group: string): RoleWideGroup | undefined {
  return placement.roleGroups.find((r) => r.groups.includes(group));
}
