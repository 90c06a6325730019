import type { AzureNetwork, ArmSecurityRule } from '../azure';
import type { Endpoint, PortRange, Resolution, ResolvedFlow } from '../model';
import { type PacketSet, difference, intersection, isEmpty } from '../packets';
import type { NsgPackets, RuleDecision } from '../azure/site-packets';
import type { PairQuery } from './explain-pair';
import { explainSite, plannedAdmits, protocolNumber, type SiteAnswer } from './explain-site';
import { portsOf } from './plan-packets';
import { azureSiteModel, type AzureSiteModel, type AzureSiteOptions, type NsgInput } from './site-azure';

/**
 * The Azure half of `explain --site azure`: the smallest NSG change that admits a flow's blocked
 * packets. In each direction an NSG processes its rules by priority, lowest number first, and the
 * first rule that matches a packet decides it; every NSG ends with Azure's default rules, whose
 * DenyAllInBound and DenyAllOutBound (65500) stop what no rule allows; user rules take priorities
 * 100-4096, unique per direction; a rule names its sources and destinations by application
 * security groups or address prefixes, and several port ranges
 * (https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works,
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules).
 * So a flow's blocked packets are opened by one Allow rule from the initiator (its ASG, or the
 * peer's range) to the listener, over the blocked ports, at a free priority below every rule that
 * denies them; when no priority is free below a deny, by removing that deny.
 * @packageDocumentation
 */

/** An Allow rule to add to an NSG, or (when no priority is free below it) a Deny rule to remove. */
export interface AzureRuleChange {
  /** `add` the rule, or `remove` the Deny rule `rule` names. */
  readonly action: 'add' | 'remove';
  /** The NSG that takes the change. */
  readonly nsg: string;
  /** For `add`: the rule, as the NSG's `securityRules` hold it. For `remove`: the Deny rule. */
  readonly rule: ArmSecurityRule;
  /** The flow's initiator, as the plan names it (the rule's source). */
  readonly from: string;
  /** The flow's listener (the rule's destination). */
  readonly to: string;
  /** The rules that deny the blocked packets now (names with their priorities), in processing order. */
  readonly blockedBy: readonly string[];
}

const FIRST_PRIORITY = 100;
const LAST_PRIORITY = 4096;

const AZURE_PROTOCOL = { tcp: 'Tcp', udp: 'Udp', icmp: 'Icmp', icmpv6: 'Icmp' } as const;

/** One side of a rule naming a flow's end: its group's ASG, or the peer's range. */
function sideOf(
  end: Endpoint,
  asgs: Readonly<Record<string, string>>,
  side: 'source' | 'destination',
): ArmSecurityRule {
  if (end.kind === 'group') return { [`${side}ApplicationSecurityGroups`]: [{ id: asgs[end.name] }] };
  return { [`${side}AddressPrefix`]: end.cidr };
}

const portText = (p: PortRange): string => (p.fromPort === p.toPort ? `${p.fromPort}` : `${p.fromPort}-${p.toPort}`);

/** The rules of an NSG direction that deny some of the packets, in processing order. */
function denying(part: NsgPackets, missing: PacketSet): RuleDecision[] {
  return part.decisions.filter((d) => d.rule.access !== 'Allow' && !isEmpty(intersection(d.decided, missing)));
}

const ruleName = (r: ArmSecurityRule): string => `${String(r.name)} (priority ${String(r.priority)})`;

/**
 * The highest free priority below every user rule that denies the packets (below 4096 when only
 * Azure's default rules deny them): the new rule then comes before each of them and after as many
 * of the NSG's own rules as can be. Its name, `explain-<direction>-<priority>`, is free too.
 */
function freePriority(
  rules: readonly ArmSecurityRule[],
  direction: string,
  blockers: readonly ArmSecurityRule[],
  name: (p: number) => string,
): number | undefined {
  const used = new Set(rules.filter((r) => r.direction === direction).map((r) => Number(r.priority)));
  const names = new Set(rules.map((r) => String(r.name).toLowerCase()));
  const below = Math.min(LAST_PRIORITY + 1, ...blockers.map((b) => Number(b.priority)));
  for (let p = below - 1; p >= FIRST_PRIORITY; p--) if (!used.has(p) && !names.has(name(p).toLowerCase())) return p;
  return undefined;
}

/** The change to each NSG on the path that denies some of the flow's packets `side` stops. */
function azureChanges(
  model: AzureSiteModel,
  names: readonly string[],
  asgs: Readonly<Record<string, string>>,
  suggested: readonly ArmSecurityRule[][],
  flow: ResolvedFlow,
  side: 'ingress' | 'egress',
  missing: PacketSet,
): AzureRuleChange[] {
  const direction = side === 'ingress' ? 'Inbound' : 'Outbound';
  const parts = side === 'ingress' ? model.site.inbound : model.site.outbound;
  // An Icmp rule has no ports: `*`, every message (protocol Icmp names no type or code).
  const ports = flow.icmp ? ['*'] : portsOf(missing, protocolNumber(flow.protocol)).map(portText);
  return parts.flatMap((part, i): AzureRuleChange[] => {
    const blockers = denying(part, missing);
    if (!blockers.length) return [];
    const blockedBy = blockers.map((b) => ruleName(b.rule));
    const user = blockers.filter((b) => !b.builtin).map((b) => b.rule);
    const name = (p: number) => `explain-${direction.toLowerCase()}-${p}`;
    // Rules suggested for other flows of the answer hold their priorities too.
    const priority = freePriority([...model.nsgs[i], ...suggested[i]], direction, user, name);
    const ends = { from: flow.from.name, to: flow.to.name };
    if (priority === undefined) return [{ action: 'remove', nsg: names[i], rule: user[0], ...ends, blockedBy }];
    const rule: ArmSecurityRule = {
      name: name(priority),
      priority,
      direction,
      access: 'Allow',
      protocol: AZURE_PROTOCOL[flow.protocol],
      description: flow.description,
      sourcePortRange: '*',
      ...(ports.length === 1 ? { destinationPortRange: ports[0] } : { destinationPortRanges: ports }),
      ...sideOf(flow.from, asgs, 'source'),
      ...sideOf(flow.to, asgs, 'destination'),
    };
    suggested[i].push(rule);
    return [{ action: 'add', nsg: names[i], rule, ...ends, blockedBy }];
  });
}

/**
 * Explains a pair of parties against an NSG and its ASGs (read as `verify azure` reads them): per
 * planned flow, what the NSG stops and the rule that opens exactly that.
 * @param groupAsgs each declared and role-wide group's ASG key ({@link asgsOfGroups})
 * @throws ArgumentError as {@link verifyAzureSite} does, or for an unknown party
 */
export function explainAzureSite(
  r: Resolution,
  query: PairQuery,
  network: AzureNetwork,
  nsg: NsgInput,
  groupAsgs: Readonly<Record<string, string>>,
  options: AzureSiteOptions = {},
): SiteAnswer<AzureRuleChange> {
  const model = azureSiteModel(r, network, nsg, groupAsgs, options);
  const names = [nsg.name, ...(options.subnetNsg ? [options.subnetNsg.name] : [])];
  const space = model.ctx.space;
  const suggested: ArmSecurityRule[][] = names.map(() => []);
  const allowed = { Inbound: plannedAdmits(space, r, 'ingress'), Outbound: plannedAdmits(space, r, 'egress') };
  return explainSite(r, query, 'azure', {
    space,
    view: model.view,
    sets: model.site,
    changes: (flow, side, missing) => azureChanges(model, names, groupAsgs, suggested, flow, side, missing),
    // The Allow rules that decide packets of the set beyond what the plan needs in their direction.
    admitting: (set) =>
      (['Inbound', 'Outbound'] as const).flatMap((d) =>
        (d === 'Inbound' ? model.site.inbound : model.site.outbound).flatMap((part) =>
          part.decisions
            .filter((x) => x.rule.access === 'Allow')
            .filter((x) => !isEmpty(difference(intersection(x.decided, set), allowed[d])))
            .map((x) => ruleName(x.rule)),
        ),
      ),
  });
}

/** The NSG with the changes made to it: each `add` appended, each `remove` taken out. */
export function applyAzureChanges(nsg: NsgInput, changes: readonly AzureRuleChange[]): NsgInput {
  const mine = changes.filter((c) => c.nsg === nsg.name);
  const removed = new Set(mine.filter((c) => c.action === 'remove').map((c) => c.rule));
  const added = mine.filter((c) => c.action === 'add').map((c) => c.rule);
  return { name: nsg.name, rules: [...nsg.rules.filter((r) => !removed.has(r)), ...added] };
}
