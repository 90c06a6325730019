import type { GroupEndpoint, Endpoint, Resolution, ResolvedFlow } from './resolve';

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
