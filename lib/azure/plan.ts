import {
  ArgumentError,
  NAME_TARGETS,
  checkDistinct,
  PortplanError,
  composeName,
  describeRows,
  parseCidr,
  placeCloudRules,
  portRangeText,
  resolve,
  type CatalogDeclaration,
  type CatalogSource,
  type Declaration,
  type CloudRule,
  type NamePart,
  type FlowProtocol,
  type ResolveWarning,
  type ResolvedFlow,
  icmpText,
  isIcmp,
  type Resolution,
  type RowId,
  type RoleWideGroup,
  type RuleParty,
  user,
  azurePeerPrefix,
} from '../model';
import { isPortRange, isValidRuleName, validateSecurityRules, type ArmSecurityRule } from './rules';

/** A band of NSG priorities, inclusive; Azure allows 100-4096. */
export interface PriorityBand {
  /** The lowest priority number (evaluated first). */
  readonly from: number;
  /** The highest priority number. */
  readonly to: number;
}

/**
 * One side of an NSG rule: a role group's ASG, by group name, or an address prefix (a masked CIDR,
 * a service tag `VirtualNetwork`, `AzureLoadBalancer` or `Internet`, or `*`).
 */
export type AzureRuleEndpoint =
  | {
      /** The group whose ASG the rule names. */
      readonly group: string;
    }
  | {
      /** An address prefix: a masked CIDR, a service tag or `*`. */
      readonly prefix: string;
    };

/** Why a rule is in the plan. */
export type AzureRuleOrigin = 'flow' | 'load-balancer' | 'additional' | 'deny';

/** One NSG rule, before it becomes an Azure resource: ASGs by group name, peers by CIDR. */
export interface AzureRule {
  /** Unique per NSG, at most 80 characters, in the form Azure accepts. */
  readonly name: string;
  /** `Inbound` on the listener's side; `Outbound` (restricted egress) on the initiator's. */
  readonly direction: 'Inbound' | 'Outbound';
  /** `Allow` for flows and probes, `Deny` for the deny rules; either for additional rules. */
  readonly access: 'Allow' | 'Deny';
  /** The flow's protocol; `*` in deny and probe rules. */
  readonly protocol: 'Tcp' | 'Udp' | 'Icmp' | '*';
  /** NSG priority, unique per direction, inside the band. */
  readonly priority: number;
  /** Source ASG (by group name) or address prefix. */
  readonly source: AzureRuleEndpoint;
  /** Destination ASG (by group name) or address prefix. */
  readonly destination: AzureRuleEndpoint;
  /** Destination ports: `"3000-3009"` or `"445"` entries, or just `"*"` for every port. */
  readonly ports: readonly string[];
  /** Rows and purposes, at most 140 ASCII characters. */
  readonly description: string;
  /** The catalog rows the rule carries; empty for the other rules. */
  readonly rows: readonly RowId[];
  /** Why the rule exists: a flow, a probe allow, the user's additional rule, or a deny. */
  readonly origin: AzureRuleOrigin;
}

/**
 * A rule of the user's own, placed by the component in its NSG: above portplan's deny rules (and
 * below its flow allows), at a stable priority, validated like portplan's rules.
 */
export interface AdditionalRule {
  /** A name Azure accepts, unique in the NSG (not one of portplan's names). */
  readonly name: string;
  /** @default 'Inbound' */
  readonly direction?: 'Inbound' | 'Outbound';
  /** `Allow` or `Deny`. */
  readonly access: 'Allow' | 'Deny';
  /** `Tcp`, `Udp`, `Icmp` or `*`. */
  readonly protocol: 'Tcp' | 'Udp' | 'Icmp' | '*';
  /** A group of the declaration (its ASG), or a prefix: masked CIDR, service tag or `*`. */
  readonly source: AzureRuleEndpoint;
  /** A group of the declaration (its ASG), or a prefix: masked CIDR, service tag or `*`. */
  readonly destination: AzureRuleEndpoint;
  /** Destination ports and ranges (`3389`, `"49152-65535"`), or `"*"` (or `["*"]`) for all. */
  readonly ports: '*' | readonly (number | string)[];
  /** At most 140 characters. @default the rule's name */
  readonly description?: string;
  /**
   * Allow an `Allow` rule from or to anywhere (`*`, `Internet` or a /0 prefix): least privilege
   * refuses it unless set.
   * @default false
   */
  readonly allowAnyAddress?: boolean;
}

/** Options of {@link planAzure}. */
export interface AzurePlanOptions {
  /** The priorities the rules may take. */
  readonly band: PriorityBand;
  /** The argument the band came from, named in errors. @default 'band' */
  readonly bandPath?: string;
  /**
   * Add a deny of other VirtualNetwork traffic to each group's ASG below the allow rules (Azure's
   * default `AllowVnetInBound` admits the whole VNet otherwise).
   */
  readonly denyOtherVnetTraffic: boolean;
  /**
   * With `egress: 'restricted'`, add a deny of all other outbound traffic from each group's ASG below
   * the outbound allows (Azure's defaults `AllowVnetOutBound` and `AllowInternetOutBound` let
   * everything out otherwise). Without restricted egress there are no outbound rules at all.
   * @default the value of `denyOtherVnetTraffic`
   */
  readonly denyOtherOutboundTraffic?: boolean;
  /**
   * With the inbound deny rules, allow Azure Load Balancer health probes (service tag
   * `AzureLoadBalancer`, 168.63.129.16) to each group's ASG above the denies: the denies' source
   * `VirtualNetwork` includes that address, so probes would fail.
   * @default true
   */
  readonly allowAzureLoadBalancer?: boolean;
  /** The user's own rules, placed between portplan's allows and its denies. @default [] */
  readonly additionalRules?: readonly AdditionalRule[];
  /**
   * The priorities of the previous deployment, by rule name (a plan's `rules`, or the component's
   * `priorities` output). Every rule that still exists keeps its priority when it is free and
   * inside its zone; the priorities of rules that are removed or move stay reserved for this
   * update (Pulumi creates before it deletes); only new rules are placed by hash.
   * @default - every rule placed by hash
   */
  readonly previousPriorities?: Readonly<Record<string, number>>;
}

/** Options of the deprecated {@link planAzureRules}: {@link AzurePlanOptions} and the catalogs to resolve with. */
export interface AzureRulesOptions extends AzurePlanOptions {
  /**
   * Catalogs of your own, beside the built-in products (the spec's `CatalogOptions`): their roles
   * may be used in the declaration, and rule descriptions come from their rows.
   * @default - the built-in products only
   */
  readonly catalogs?: readonly CatalogSource[];
}

/** Azure limits the plan is checked against. */
export const AZURE_LIMITS = {
  /** Security rules in one NSG. */
  rulesPerNsg: 1000,
  /** ASGs named as source or destination of one rule. */
  asgsPerRule: 10,
  /** ASGs referenced by the rules of one NSG. */
  asgsPerNsg: 100,
  /** Characters in a rule name. */
  ruleName: 80,
  /** Characters in a rule description. */
  description: 140,
  /** The priorities Azure accepts for user rules. */
  priority: {
    /** Highest precedence. */
    from: 100,
    /** Lowest precedence. */
    to: 4096,
  },
} as const;

/** An Azure limit a plan would exceed (code `AZURE_LIMIT`); the message names the numbers. */
export class AzureLimitError extends PortplanError {
  /** Always `AZURE_LIMIT`. */
  readonly code = 'AZURE_LIMIT';
}

/**
 * A planned rule Azure would refuse (code `AZURE_RULE`): a finding of the rule validator. A plan
 * from a valid declaration never has one; it guards the planner itself.
 */
export class AzureRuleError extends PortplanError {
  /** Always `AZURE_RULE`. */
  readonly code = 'AZURE_RULE';
}

/** The result of {@link planAzure}. */
export interface AzurePlan {
  /** The resolved flows and warnings the rules come from. */
  readonly resolution: Resolution;
  /** Every rule, in priority order per direction (Inbound first). */
  readonly rules: readonly AzureRule[];
  /**
   * One role-wide ASG per role with two or more groups (its name is the role id): every NIC of the
   * role's groups joins it, and the rules every group of the role needs alike name it once.
   */
  readonly roleGroups: readonly RoleWideGroup[];
  /**
   * The resolution's warnings, then the plan's own: `azure-icmp-wider` for each ICMP rule that
   * admits more messages than its flows ask for (an NSG rule names no ICMP type or code).
   */
  readonly warnings: readonly ResolveWarning[];
}

/** A reference to an application security group inside a rule. */
export interface AsgReference<Id> {
  /** The ASG's resource id. */
  readonly id: Id;
}

/** The ARM properties of one security rule, as azure-native's `SecurityRule` and inline rules take them. */
export interface AzureSecurityRuleArgs<Id> {
  /** The rule name. */
  readonly name: string;
  /** The priority. */
  readonly priority: number;
  /** `Inbound` or `Outbound`. */
  readonly direction: 'Inbound' | 'Outbound';
  /** `Allow` or `Deny`. */
  readonly access: 'Allow' | 'Deny';
  /** The protocol. */
  readonly protocol: 'Tcp' | 'Udp' | 'Icmp' | '*';
  /** The description. */
  readonly description: string;
  /** Always `*`: the initiator's port is ephemeral. */
  readonly sourcePortRange: '*';
  /** `*` only: Azure takes `*` in the singular field alone. */
  readonly destinationPortRange?: string;
  /** The ports and ranges, when not `*`. */
  readonly destinationPortRanges?: string[];
  /** A group's ASG as the source. */
  readonly sourceApplicationSecurityGroups?: AsgReference<Id>[];
  /** A prefix as the source. */
  readonly sourceAddressPrefix?: string;
  /** A group's ASG as the destination. */
  readonly destinationApplicationSecurityGroups?: AsgReference<Id>[];
  /** A prefix as the destination. */
  readonly destinationAddressPrefix?: string;
}

/**
 * A planned rule's ARM properties: the one place that decides field shapes. `*` goes in the
 * singular `destinationPortRange` (in `destinationPortRanges` ARM answers
 * SecurityRuleInvalidPortRange); port lists go in `destinationPortRanges`, which takes one or more
 * entries; a group becomes its ASG, a prefix `…AddressPrefix`.
 * @param asgId the ASG id of a group, by group name
 */
export function securityRuleArgs<Id>(rule: AzureRule, asgId: (group: string) => Id): AzureSecurityRuleArgs<Id> {
  const any = rule.ports.length === 1 && rule.ports[0] === '*';
  const side = (which: 'source' | 'destination', e: AzureRuleEndpoint) =>
    'group' in e
      ? { [`${which}ApplicationSecurityGroups`]: [{ id: asgId(e.group) }] }
      : { [`${which}AddressPrefix`]: e.prefix };
  return {
    name: rule.name,
    priority: rule.priority,
    direction: rule.direction,
    access: rule.access,
    protocol: rule.protocol,
    description: rule.description,
    sourcePortRange: '*',
    ...(any ? { destinationPortRange: '*' } : { destinationPortRanges: [...rule.ports] }),
    ...side('source', rule.source),
    ...side('destination', rule.destination),
  };
}

// FNV-1a: a rule's home priority depends on its own name only, so adding or removing other rules
// moves no existing rule unless two names share a home slot.
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

// An NSG rule's protocol Icmp has no type or code and matches ICMP and ICMPv6 alike
// (https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules,
// https://learn.microsoft.com/en-us/rest/api/virtualnetwork/security-rules/create-or-update#securityruleprotocol):
// the ICMP flows of a pair are one rule of every message, its ports `*`.
const PROTOCOL: Record<FlowProtocol, 'Tcp' | 'Udp' | 'Icmp'> = {
  tcp: 'Tcp',
  udp: 'Udp',
  icmp: 'Icmp',
  icmpv6: 'Icmp',
};

/** A rule name by the spec's one naming scheme: unique for distinct parts, within Azure's rules. */
const ruleName = (parts: readonly NamePart[]): string => composeName(NAME_TARGETS.azureRule, parts);

type Draft = Omit<AzureRule, 'priority'>;
interface Zone {
  readonly what: string;
  readonly from: number;
  readonly to: number;
}

/**
 * Turns a resolution into NSG rules: one allow rule per (direction, source, destination, protocol)
 * carrying all its port ranges (from the spec's `placeRules()`), optionally probe allows, the
 * user's additional rules, and one deny per group and direction below them.
 *
 * Priorities: the band's lower three quarters hold the allow rules (flows and probes), the next
 * eighth the additional rules, the last eighth the deny rules, so every deny is below every allow
 * and additional rule. A rule keeps its `previousPriorities` entry when given; any other rule's
 * priority is a hash of its name into its zone, probing upward on collision and skipping every
 * previous priority it does not keep (a rule removed or moved in the same update still holds it).
 * @param resolution the resolved declaration, resolved once by the caller
 * @throws ArgumentError for a bad band or additional rule, AzureLimitError for a plan over Azure's limits
 */
export function planAzure(resolution: Resolution, options: AzurePlanOptions): AzurePlan {
  const { band } = options;
  const bandPath = options.bandPath ?? 'band';
  checkPriorityBand(band, bandPath);
  const placement = placeCloudRules(resolution);
  const placed = drafts(resolution, placement.roleGroups, placement.rules, options);
  const priorities = assign(placed, options.previousPriorities ?? {}, band, bandPath);
  const rules = placed
    .map(([r]) => ({ ...r, priority: priorities.get(r.name) ?? 0 }))
    .sort((a, b) => (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : a.priority - b.priority));

  checkDistinct(
    NAME_TARGETS.azureRule,
    rules.map((r) => ({ name: r.name, what: `the ${r.direction.toLowerCase()} ${r.origin} rule ${r.description}` })),
  );
  checkLimits(rules);
  const warnings = [...resolution.warnings, ...icmpWarnings(placement.rules)];
  return { resolution, rules, roleGroups: placement.roleGroups, warnings };
}

/**
 * Resolves the declaration, then plans its rules with {@link planAzure}.
 * @deprecated resolve once with the spec's `resolve()` and call `planAzure(resolution, options)`
 * @throws DeclarationError for a bad declaration, CatalogError for a bad catalog, and what
 *   {@link planAzure} throws
 */
export function planAzureRules(declaration: Declaration | CatalogDeclaration, options: AzureRulesOptions): AzurePlan {
  // The band first, as the planner always checked it before the declaration.
  checkPriorityBand(options.band, options.bandPath ?? 'band');
  const { catalogs, ...planOptions } = options;
  return planAzure(resolve(declaration, { catalogs }), planOptions);
}

/**
 * Throws an ArgumentError unless the band is whole numbers inside Azure's priorities: callers that
 * resolve a declaration check the band first, so a bad band is reported before a bad declaration.
 * @param bandPath the argument the band came from, named in the error
 */
export function checkPriorityBand(band: PriorityBand, bandPath: string): void {
  const p = AZURE_LIMITS.priority;
  if (
    !Number.isInteger(band.from) ||
    !Number.isInteger(band.to) ||
    band.from < p.from ||
    band.to > p.to ||
    band.from > band.to
  ) {
    throw new ArgumentError(bandPath, band, `a priority band of whole numbers with ${p.from} <= from <= to <= ${p.to}`);
  }
}

/** Every rule of the plan before its priority, with the zone of the band it takes one from. */
function drafts(
  resolution: Resolution,
  roleGroups: readonly RoleWideGroup[],
  placed: readonly CloudRule[],
  options: AzurePlanOptions,
): [Draft, Zone][] {
  const d = resolution.declaration;
  const allows = allowDrafts(resolution, placed);
  // The ASGs the probes and denies name: each group's, except that the groups of a role with a
  // role-wide ASG are all named by it (every host of theirs is in it), once.
  const wide = new Set(roleGroups.flatMap((r) => r.groups));
  const holders = [...d.groups.filter((g) => !wide.has(g.name)).map((g) => g.name), ...roleGroups.map((r) => r.name)];
  const denyIn = options.denyOtherVnetTraffic;
  const denyOut = (options.denyOtherOutboundTraffic ?? options.denyOtherVnetTraffic) && d.egress === 'restricted';
  const probes = denyIn && (options.allowAzureLoadBalancer ?? true) ? holders.map(probeDraft) : [];
  const denies: Draft[] = [...(denyIn ? holders.map(denyInDraft) : []), ...(denyOut ? holders.map(denyOutDraft) : [])];
  const ours = new Set([...allows, ...probes, ...denies].map((r) => r.name.toLowerCase()));
  const groups = d.groups.map((g) => g.name);
  const additional = (options.additionalRules ?? []).map((r, i) =>
    additionalDraft(r, `additionalRules[${i}]`, groups, ours),
  );
  const zones = bandZones(options.band);
  return [
    ...[...allows, ...probes].map((r): [Draft, Zone] => [r, zones.allow]),
    ...additional.map((r): [Draft, Zone] => [r, zones.additional]),
    ...denies.map((r): [Draft, Zone] => [r, zones.deny]),
  ];
}

/** Fixed zones: turning the deny rules on or off, or adding additional rules, moves no allow rule. */
function bandZones(band: PriorityBand): { allow: Zone; additional: Zone; deny: Zone } {
  const size = band.to - band.from + 1;
  const split = band.from + Math.floor((size * 3) / 4);
  const split2 = split + Math.floor((band.to - split + 1) / 2);
  return {
    allow: { what: 'allow', from: band.from, to: split - 1 },
    additional: { what: 'additional', from: split, to: split2 - 1 },
    deny: { what: 'deny', from: split2, to: band.to },
  };
}

// The allow rule a cloud rule goes into: its direction, ends, Azure protocol, name and key (by
// direction, ends and Azure protocol, not by the name they get).
function allowOf(c: CloudRule) {
  const direction = c.direction === 'inbound' ? ('Inbound' as const) : ('Outbound' as const);
  const [from, to] = c.direction === 'inbound' ? [c.remote, c.holder] : [c.holder, c.remote];
  const protocol = PROTOCOL[c.protocol];
  const part = isIcmp(c.protocol) ? 'icmp' : c.protocol;
  const name = ruleName([direction === 'Inbound' ? 'in' : 'out', user(from.name), 'to', user(to.name), part]);
  const key = JSON.stringify([direction, from.kind, from.name, to.kind, to.name, protocol]);
  return { direction, from, to, protocol, name, key };
}

/** The allow rules of the flows: one per direction, endpoints and protocol, with all its port ranges. */
function allowDrafts(resolution: Resolution, placed: readonly CloudRule[]): Draft[] {
  const side = (e: RuleParty): AzureRuleEndpoint =>
    e.kind === 'peer' ? { prefix: azurePeerPrefix(e) } : { group: e.name };
  const drafts = new Map<string, Draft>();
  for (const c of placed) {
    const { direction, from, to, protocol, name, key } = allowOf(c);
    const prev = drafts.get(key);
    const rows = [...(prev?.rows ?? []), ...new Set(c.flows.flatMap((f) => f.rows))];
    const ports = protocol === 'Icmp' ? ['*'] : [...(prev?.ports ?? []), portRangeText(c)];
    drafts.set(key, {
      name,
      direction,
      access: 'Allow',
      protocol,
      source: side(from),
      destination: side(to),
      ports,
      rows,
      description: describeRows(rows, resolution.catalog),
      origin: 'flow',
    });
  }
  return [...drafts.values()];
}

/**
 * The flows as the plan's NSG rules admit them: an ICMP or ICMPv6 flow as every ICMP and ICMPv6
 * message between its ends (an Icmp rule names no type or code and is both protocols); other
 * flows as they are. What a site built from the plan is checked against.
 */
export function azureAdmittedFlows(flows: readonly ResolvedFlow[]): ResolvedFlow[] {
  return flows.flatMap((f) =>
    f.icmp
      ? (['icmp', 'icmpv6'] as const).map((protocol) => ({ ...f, protocol, fromPort: 0, toPort: 255, icmp: {} }))
      : [f],
  );
}

// Whether an Icmp rule's ends may carry addresses of this family: an ASG's hosts and a service tag's
// ranges may have both, a peer's CIDR has one.
const carries = (e: RuleParty, family: 4 | 6): boolean =>
  e.kind !== 'peer' || e.serviceTag !== undefined || parseCidr(azurePeerPrefix(e))?.family === family;

/**
 * The ICMP allow rules that admit more than their flows ask for: a type or code the rule cannot
 * name, or the other family's messages (Icmp is both) where both ends may carry that family. Each
 * warning names the rule and what it admits.
 */
function icmpWarnings(placed: readonly CloudRule[]): ResolveWarning[] {
  const byRule = new Map<string, { name: string; rules: CloudRule[] }>();
  for (const c of placed) {
    if (!isIcmp(c.protocol)) continue;
    const a = allowOf(c);
    const entry = byRule.get(a.key) ?? { name: a.name, rules: [] };
    entry.rules.push(c);
    byRule.set(a.key, entry);
  }
  const out: ResolveWarning[] = [];
  for (const { name, rules } of byRule.values()) {
    const all = (p: 'icmp' | 'icmpv6', family: 4 | 6) =>
      rules.some((c) => c.protocol === p && c.icmp?.type === undefined) ||
      !rules.every((c) => carries(c.remote, family) && carries(c.holder, family));
    if (all('icmp', 4) && all('icmpv6', 6)) continue;
    const asked = [...new Set(rules.map((c) => icmpText(c.protocol as 'icmp' | 'icmpv6', c.icmp ?? {})))];
    const rows = [...new Set(rules.flatMap((c) => c.flows.flatMap((f) => f.rows)))];
    out.push({
      code: 'azure-icmp-wider',
      rows,
      message:
        `the NSG rule ${name} admits every ICMP and ICMPv6 message (an Azure rule has protocol Icmp, no type or ` +
        `code) where the flows ask for ${asked.join(', ')}: filter the messages on the hosts`,
    });
  }
  return out;
}

// The texts below name a group, or for a role-wide ASG the role id; 140 characters at most.
const describe = (text: string): string => text.slice(0, AZURE_LIMITS.description);

function probeDraft(holder: string): Draft {
  return {
    name: ruleName(['allow', 'lb', 'to', user(holder)]),
    direction: 'Inbound',
    access: 'Allow',
    protocol: '*',
    source: { prefix: 'AzureLoadBalancer' },
    destination: { group: holder },
    ports: ['*'],
    rows: [],
    origin: 'load-balancer',
    description: describe(`Azure Load Balancer health probes to ${holder}, above the portplan deny rules`),
  };
}

function denyInDraft(holder: string): Draft {
  return {
    name: ruleName(['deny', 'vnet', 'to', user(holder)]),
    direction: 'Inbound',
    access: 'Deny',
    protocol: '*',
    source: { prefix: 'VirtualNetwork' },
    destination: { group: holder },
    ports: ['*'],
    rows: [],
    origin: 'deny',
    description: describe(`Deny other VirtualNetwork traffic to ${holder}, below the portplan allow rules`),
  };
}

function denyOutDraft(holder: string): Draft {
  return {
    name: ruleName(['deny', 'out', 'from', user(holder)]),
    direction: 'Outbound',
    access: 'Deny',
    protocol: '*',
    source: { group: holder },
    destination: { prefix: '*' },
    ports: ['*'],
    rows: [],
    origin: 'deny',
    description: describe(`Deny other outbound traffic from ${holder}, below the portplan allow rules`),
  };
}

// What to change when the band is too small: a wider band, unless it is Azure's whole range already.
function widen(band: PriorityBand): string {
  const all = AZURE_LIMITS.priority;
  if (band.from > all.from || band.to < all.to) return 'widen the band';
  return `the band is Azure's whole range (${all.from}-${all.to}): the plan must need fewer rules (give fewer, wider peers, or spread the groups over components with NSGs of their own)`;
}

/**
 * The priority of every rule: first the ones that keep their previous priority, then the others by
 * hash into their zone (see {@link planAzure}).
 * @throws AzureLimitError when a zone has too little room
 */
function assign(
  placed: readonly [Draft, Zone][],
  previous: Readonly<Record<string, number>>,
  band: PriorityBand,
  bandPath: string,
): Map<string, number> {
  checkZoneRoom(placed, band, bandPath);
  const out = new Map<string, number>();
  const taken = { Inbound: new Set<number>(), Outbound: new Set<number>() };
  // Flow rules first, then the kinds added later, each by name: a probe or additional rule hashing
  // onto a flow rule's home slot probes onward instead of pushing the flow rule.
  const rank = (r: Draft) => ORIGIN_RANK[r.origin];
  const sorted = [...placed].sort(([a], [b]) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Surviving rules first, at their previous priority: with state, nothing that exists moves.
  for (const [r, zone] of sorted) {
    const p = previous[r.name];
    if (Number.isInteger(p) && p >= zone.from && p <= zone.to && !taken[r.direction].has(p)) {
      taken[r.direction].add(p);
      out.set(r.name, p);
    }
  }
  // Every other previous priority belongs to a rule that is removed or moves in this update; Pulumi
  // creates before it deletes, so Azure would see two rules at one priority. Reserved in both
  // directions, since a removed rule's direction is not known from its name alone.
  const reserved = new Set(
    Object.entries(previous)
      .filter(([name, p]) => out.get(name) !== p)
      .map(([, p]) => p),
  );
  for (const [r, zone] of sorted.filter(([x]) => !out.has(x.name))) {
    const slot = freeSlot(r, zone, (p) => taken[r.direction].has(p) || reserved.has(p), band, bandPath);
    taken[r.direction].add(slot);
    out.set(r.name, slot);
  }
  return out;
}

/** Capacity per zone and direction, checked first so the error names the zone and the band the user gave. */
function checkZoneRoom(placed: readonly [Draft, Zone][], band: PriorityBand, bandPath: string): void {
  const counts = new Map<string, { zone: Zone; direction: string; n: number }>();
  for (const [r, zone] of placed) {
    const key = `${r.direction} ${zone.what}`;
    const c = counts.get(key) ?? { zone, direction: r.direction, n: 0 };
    c.n++;
    counts.set(key, c);
  }
  for (const { zone, direction, n } of counts.values()) {
    const room = Math.max(0, zone.to - zone.from + 1);
    if (n > room) {
      const where =
        room > 0
          ? `its ${direction.toLowerCase()} ${zone.what} zone ${zone.from}-${zone.to} holds ${room}`
          : `it leaves no room for ${direction.toLowerCase()} ${zone.what} rules`;
      throw new AzureLimitError(
        bandPath,
        band,
        `priority band ${band.from}-${band.to}: ${where} rules; the plan needs ${n}: ${widen(band)}`,
      );
    }
  }
}

/** The rule's home priority in its zone (a hash of its name), or the next one up that is not `held`. */
function freeSlot(
  r: Draft,
  zone: Zone,
  held: (priority: number) => boolean,
  band: PriorityBand,
  bandPath: string,
): number {
  const size = zone.to - zone.from + 1;
  const home = fnv1a(r.name) % size;
  let slot = home;
  while (held(zone.from + slot)) {
    slot = (slot + 1) % size;
    if (slot === home) {
      throw new AzureLimitError(
        bandPath,
        band,
        `priority band ${band.from}-${band.to}: its ${r.direction.toLowerCase()} ${zone.what} zone ${zone.from}-${zone.to} has no priority left for ${r.name} while the previous deployment's rules hold theirs: widen the band, or deploy the removal first`,
      );
    }
  }
  return zone.from + slot;
}

const ORIGIN_RANK: Record<AzureRuleOrigin, number> = { flow: 0, 'load-balancer': 1, additional: 2, deny: 3 };
const ANY_PREFIX = new Set(['*', 'Internet']);
const TAGS = new Set(['*', 'VirtualNetwork', 'AzureLoadBalancer', 'Internet']);

/**
 * One of the user's additional rules, checked field by field in the order the fields are written;
 * its name is added to `ours` once it is known to be unique.
 * @throws ArgumentError naming the field of the first bad value
 */
function additionalDraft(r: AdditionalRule, path: string, groups: readonly string[], ours: Set<string>): Draft {
  if (typeof r !== 'object' || r === null) throw new ArgumentError(path, r, 'an additional rule object');
  if (typeof r.name !== 'string' || !isValidRuleName(r.name)) {
    throw new ArgumentError(
      `${path}.name`,
      r.name,
      'a rule name of at most 80 word characters, ".", "-" or "_", starting with a word character and ending with one or "_"',
    );
  }
  if (ours.has(r.name.toLowerCase()))
    throw new ArgumentError(
      `${path}.name`,
      r.name,
      'a name unique in the NSG: portplan already has a rule of that name',
    );
  ours.add(r.name.toLowerCase());
  const direction = r.direction ?? 'Inbound';
  if (direction !== 'Inbound' && direction !== 'Outbound')
    throw new ArgumentError(`${path}.direction`, r.direction, 'Inbound or Outbound');
  if (r.access !== 'Allow' && r.access !== 'Deny') throw new ArgumentError(`${path}.access`, r.access, 'Allow or Deny');
  if (!['Tcp', 'Udp', 'Icmp', '*'].includes(r.protocol))
    throw new ArgumentError(`${path}.protocol`, r.protocol, 'Tcp, Udp, Icmp or *');
  const source = additionalEndpoint(r, r.source, `${path}.source`, groups);
  const destination = additionalEndpoint(r, r.destination, `${path}.destination`, groups);
  const ports = additionalPorts(r.ports, path);
  const description = r.description ?? r.name;
  if (typeof description !== 'string' || description.length > AZURE_LIMITS.description) {
    throw new ArgumentError(
      `${path}.description`,
      r.description,
      `a text of at most ${AZURE_LIMITS.description} characters`,
    );
  }
  return {
    name: r.name,
    direction,
    access: r.access,
    protocol: r.protocol,
    source,
    destination,
    ports,
    rows: [],
    description,
    origin: 'additional',
  };
}

/** One side of an additional rule: a group of the declaration, or a prefix least privilege allows. */
function additionalEndpoint(
  r: AdditionalRule,
  e: AzureRuleEndpoint,
  at: string,
  groups: readonly string[],
): AzureRuleEndpoint {
  // Other Pulumi languages send both keys, one of them unset: exactly one must be set.
  const set =
    typeof e === 'object' && e !== null ? Object.entries(e).filter(([, v]) => v !== undefined && v !== null) : [];
  if (set.length !== 1)
    throw new ArgumentError(at, e, 'exactly one of { group } naming a group of the declaration, or { prefix }');
  e = Object.fromEntries(set) as AzureRuleEndpoint;
  if ('group' in e) {
    if (!groups.includes(e.group))
      throw new ArgumentError(`${at}.group`, e.group, `a group of the declaration: ${groups.join(', ')}`);
    return { group: e.group };
  }
  if (typeof e === 'object' && e !== null && 'prefix' in e && typeof e.prefix === 'string') {
    const cidr = parseCidr(e.prefix);
    if (!TAGS.has(e.prefix) && !(cidr && cidr.masked)) {
      const masked = cidr ? ` (the masked form is ${cidr.text})` : '';
      throw new ArgumentError(
        `${at}.prefix`,
        e.prefix,
        `a masked CIDR${masked}, VirtualNetwork, AzureLoadBalancer, Internet or *`,
      );
    }
    if (r.access === 'Allow' && !r.allowAnyAddress && (ANY_PREFIX.has(e.prefix) || cidr?.prefix === 0)) {
      throw new ArgumentError(
        `${at}.prefix`,
        e.prefix,
        'a narrower range: least privilege refuses an Allow from or to anywhere unless allowAnyAddress is set',
      );
    }
    return { prefix: e.prefix };
  }
  throw new ArgumentError(at, e, '{ group } naming a group of the declaration, or { prefix }');
}

/** The ports of an additional rule: `["*"]`, or each port or range as text. */
function additionalPorts(ports: AdditionalRule['ports'], path: string): string[] {
  if (ports === '*' || (Array.isArray(ports) && ports.length === 1 && ports[0] === '*')) return ['*'];
  if (Array.isArray(ports) && ports.length > 0) {
    return ports.map((x, j) => {
      const text = String(x);
      if ((typeof x !== 'number' && typeof x !== 'string') || !isPortRange(text)) {
        throw new ArgumentError(
          `${path}.ports[${j}]`,
          x,
          'a port 0-65535 or a range "low-high"; "*" only as the whole ports value',
        );
      }
      return text;
    });
  }
  throw new ArgumentError(`${path}.ports`, ports, '"*" or a non-empty list of ports and ranges');
}

function checkLimits(rules: readonly AzureRule[]): void {
  const L = AZURE_LIMITS;
  if (rules.length > L.rulesPerNsg)
    throw new AzureLimitError(
      'declaration',
      rules.length,
      `the plan needs ${rules.length} rules in one NSG, more than Azure's ${L.rulesPerNsg} security rules per ` +
        'network security group (https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#networking-limits); ' +
        'each peer address range needs rules of its own: give fewer, wider peers, or spread the groups over ' +
        'components with NSGs of their own',
    );
  const asgs = new Set<string>();
  for (const r of rules) {
    const inRule = [r.source, r.destination].filter((s) => 'group' in s).length;
    if (inRule > L.asgsPerRule)
      throw new AzureLimitError(
        'declaration',
        r.name,
        `rule ${r.name} references ${inRule} application security groups, more than Azure's ${L.asgsPerRule}`,
      );
    for (const s of [r.source, r.destination]) if ('group' in s) asgs.add(s.group);
    if (r.description.length > L.description)
      throw new AzureLimitError(
        'declaration',
        r.name,
        `rule ${r.name} description has ${r.description.length} characters, more than Azure's ${L.description}`,
      );
  }
  if (asgs.size > L.asgsPerNsg)
    throw new AzureLimitError(
      'declaration.groups',
      asgs.size,
      `the plan references ${asgs.size} application security groups in one NSG, more than Azure's ${L.asgsPerNsg}`,
    );
  // Every rule through Azure's documented constraints (names, fields, ports, prefixes, priorities):
  // the planner must never build a rule Azure refuses, whatever names the spec lets through.
  const findings = validateSecurityRules(rules.map((r): ArmSecurityRule => securityRuleArgs(r, (g) => `asg:${g}`)));
  if (findings.length > 0) {
    const f = findings[0];
    throw new AzureRuleError(`rules.${f.rule}.${f.field}`, f.value, `rule ${f.rule}, ${f.field}: ${f.message}`);
  }
}
