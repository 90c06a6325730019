import type { AzureNetwork, ArmSecurityRule } from '../azure';
import type { Endpoint, PortRange, Resolution, ResolvedFlow } from '../model';
import { azurePeerPrefix } from '../model/peer-address';
import { type PacketSet, difference, intersection, isEmpty, noPackets, union } from '../packets';
import type { AdminRule } from '../azure/admin-rules';
import type { NsgPackets, RuleDecision } from '../azure/site-packets';
import type { PairQuery } from './explain-pair';
import { explainSite, plannedAdmits, protocolNumber, type SiteAnswer } from './explain-site';
import { portsOf } from './plan-packets';
import {
  adminDecisions,
  adminRuleName,
  azureSiteModel,
  type AzureSiteModel,
  type AzureSiteOptions,
  type NsgInput,
} from './site-azure';

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
 * Virtual Network Manager's security admin rules, where given, come before every NSG
 * (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins): what an
 * `AlwaysAllow` admits needs no change, and what a `Deny` drops no NSG change opens, so the change
 * for those packets is to the admin rule, and the NSG changes are for the rest only.
 * @packageDocumentation
 */

/** An Allow rule to add to an NSG, or (when no priority is free below it) a Deny rule to remove. */
export interface AzureNsgChange {
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

/**
 * A Virtual Network Manager security admin rule that denies the packets: it is evaluated before
 * every NSG, so no NSG change opens them, and the admin rule must change (made `Allow`, narrowed or
 * deleted in its security admin configuration).
 */
export interface AzureAdminChange {
  /** Always `change-admin-rule`. */
  readonly action: 'change-admin-rule';
  /** The admin Deny rule, as the `--admin-rules` file has it. */
  readonly adminRule: AdminRule;
  /** The flow's initiator, as the plan names it. */
  readonly from: string;
  /** The flow's listener. */
  readonly to: string;
  /** The admin rule, as `admin rule <name> (priority <n>)`. */
  readonly blockedBy: readonly string[];
  /**
   * The NSG rules that deny the same packets too (names with their priorities, in processing
   * order): once the admin rule lets them through to the NSGs (`Allow`, or no match), these still
   * stop them; empty when the NSGs admit them.
   */
  readonly nsgBlockedBy: readonly string[];
  /** The destination ports of the packets it denies, merged into intervals. */
  readonly ports: readonly PortRange[];
}

/** A change `explain --site azure` suggests: to an NSG, or to an admin rule before it. */
export type AzureRuleChange = AzureNsgChange | AzureAdminChange;

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
  return { [`${side}AddressPrefix`]: azurePeerPrefix(end) };
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

const adminName = (rule: AdminRule): string => `${adminRuleName(rule)} (priority ${rule.priority})`;

/**
 * The admin Deny rules that decide some of the flow's packets `side` stops, each as the change it
 * needs, in evaluation order, and all the packets they deny: an admin rule is evaluated before every
 * NSG, and what it denies no NSG is asked about
 * (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins).
 */
function adminChanges(
  model: AzureSiteModel,
  names: readonly string[],
  flow: ResolvedFlow,
  side: 'ingress' | 'egress',
  missing: PacketSet,
): { changes: AzureAdminChange[]; denied: PacketSet } {
  const admin = adminDecisions(model.site, side === 'ingress' ? 'Inbound' : 'Outbound');
  if (!admin) return { changes: [], denied: noPackets(model.ctx.space) };
  const parts = side === 'ingress' ? model.site.inbound : model.site.outbound;
  const changes = admin.decisions.flatMap((d): AzureAdminChange[] => {
    const hit = intersection(d.decided, missing);
    if (d.rule.access !== 'Deny' || isEmpty(hit)) return [];
    // The NSGs' decisions cover every packet of the scope, those the admin rules decide too.
    const nsgBlockedBy = parts.flatMap((part, i) =>
      denying(part, hit).map((b) => `${ruleName(b.rule)} of NSG ${names[i]}`),
    );
    return [
      {
        action: 'change-admin-rule',
        adminRule: d.rule,
        from: flow.from.name,
        to: flow.to.name,
        blockedBy: [adminName(d.rule)],
        nsgBlockedBy,
        ports: portsOf(hit, protocolNumber(flow.protocol)),
      },
    ];
  });
  return { changes, denied: intersection(missing, admin.denied) };
}

/**
 * The changes that admit the flow's packets `side` stops: each admin Deny rule that denies some of
 * them must change, and for the rest, each NSG on the path that denies some of them.
 */
function azureChanges(
  model: AzureSiteModel,
  names: readonly string[],
  asgs: Readonly<Record<string, string>>,
  suggested: readonly ArmSecurityRule[][],
  flow: ResolvedFlow,
  side: 'ingress' | 'egress',
  missing: PacketSet,
): AzureRuleChange[] {
  const admin = adminChanges(model, names, flow, side, missing);
  // An NSG change for packets an admin Deny drops would open nothing.
  const rest = difference(missing, admin.denied);
  if (isEmpty(rest)) return admin.changes;
  return [...admin.changes, ...nsgChanges(model, names, asgs, suggested, flow, side, rest)];
}

/** The change to each NSG on the path that denies some of the packets (none of them denied by an admin rule). */
function nsgChanges(
  model: AzureSiteModel,
  names: readonly string[],
  asgs: Readonly<Record<string, string>>,
  suggested: readonly ArmSecurityRule[][],
  flow: ResolvedFlow,
  side: 'ingress' | 'egress',
  missing: PacketSet,
): AzureNsgChange[] {
  const direction = side === 'ingress' ? 'Inbound' : 'Outbound';
  const parts = side === 'ingress' ? model.site.inbound : model.site.outbound;
  // An Icmp rule has no ports: `*`, every message (protocol Icmp names no type or code).
  const ports = flow.icmp ? ['*'] : portsOf(missing, protocolNumber(flow.protocol)).map(portText);
  return parts.flatMap((part, i): AzureNsgChange[] => {
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
 * planned flow, what the admin rules (where given) and the NSG stop, and the change that opens exactly that.
 * @param groupAsgs each declared and role-wide group's ASG key ({@link asgsOfGroups})
 * @param options the subnet's NSG, service tags and admin rules, as {@link verifyAzureSite} takes them
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
  const admits = plannedAdmits(space, r, model.view.peerAddresses);
  const allowed = { Inbound: admits.ingress, Outbound: admits.egress };
  return explainSite(r, query, 'azure', {
    space,
    view: model.view,
    planned: admits.planned,
    sets: model.site,
    changes: (flow, side, missing) => azureChanges(model, names, groupAsgs, suggested, flow, side, missing),
    admitting: (set) => (['Inbound', 'Outbound'] as const).flatMap((d) => admittingIn(model, d, set, allowed[d])),
  });
}

/**
 * The rules of one direction that admit packets of the set beyond what the plan needs: admin
 * AlwaysAllow rules, then the NSGs' Allow rules for what the admin rules leave to the NSGs.
 */
function admittingIn(model: AzureSiteModel, d: 'Inbound' | 'Outbound', set: PacketSet, needed: PacketSet): string[] {
  const beyond = (decided: PacketSet) => !isEmpty(difference(intersection(decided, set), needed));
  const admin = adminDecisions(model.site, d);
  // What an admin rule decides (AlwaysAllow or Deny) never reaches the NSGs.
  const first = admin ? union(admin.alwaysAllowed, admin.denied) : noPackets(model.ctx.space);
  const byAdmin = (admin?.decisions ?? [])
    .filter((x) => x.rule.access === 'AlwaysAllow' && beyond(x.decided))
    .map((x) => adminName(x.rule));
  const byNsg = (d === 'Inbound' ? model.site.inbound : model.site.outbound).flatMap((part) =>
    part.decisions
      .filter((x) => x.rule.access === 'Allow' && beyond(difference(x.decided, first)))
      .map((x) => ruleName(x.rule)),
  );
  return [...byAdmin, ...byNsg];
}

/**
 * The NSG with the changes made to it: each `add` appended, each `remove` taken out (a change to
 * an admin rule is not the NSG's).
 */
export function applyAzureChanges(nsg: NsgInput, changes: readonly AzureRuleChange[]): NsgInput {
  const mine = changes.filter((c): c is AzureNsgChange => c.action !== 'change-admin-rule' && c.nsg === nsg.name);
  const removed = new Set(mine.filter((c) => c.action === 'remove').map((c) => c.rule));
  const added = mine.filter((c) => c.action === 'add').map((c) => c.rule);
  return { name: nsg.name, rules: [...nsg.rules.filter((r) => !removed.has(r)), ...added] };
}
