import { describeRows, portRangeText, resolve, type Declaration, type Endpoint, type Protocol, type Resolution, type RowId } from '../spec';

/** A band of NSG priorities, inclusive; Azure allows 100-4096. */
export interface PriorityBand {
  /** The lowest priority number (evaluated first). */
  readonly from: number;
  /** The highest priority number. */
  readonly to: number;
}

/** One side of an NSG rule: a role group's ASG, by group name, or an address prefix. */
export type AzureRuleEndpoint =
  | {
      /** The group whose ASG the rule names. */
      readonly group: string;
    }
  | {
      /** An address prefix (a peer's CIDR, or `VirtualNetwork` in deny rules). */
      readonly prefix: string;
    };

/** One NSG rule, before it becomes an Azure resource: ASGs by group name, peers by CIDR. */
export interface AzureRule {
  /** Unique per NSG, at most 80 characters. */
  readonly name: string;
  /** `Inbound` on the listener's side; `Outbound` (restricted egress) on the initiator's. */
  readonly direction: 'Inbound' | 'Outbound';
  /** `Allow` for flows, `Deny` for the VirtualNetwork deny rules. */
  readonly access: 'Allow' | 'Deny';
  /** The flow's protocol; `*` in deny rules. */
  readonly protocol: 'Tcp' | 'Udp' | '*';
  /** NSG priority, unique per direction, inside the band. */
  readonly priority: number;
  /** Source ASG (by group name) or address prefix. */
  readonly source: AzureRuleEndpoint;
  /** Destination ASG (by group name) or address prefix. */
  readonly destination: AzureRuleEndpoint;
  /** `destinationPortRanges`: `"3000-3009"` or `"445"`, or `["*"]`. */
  readonly ports: readonly string[];
  /** Rows and purposes, at most 140 ASCII characters. */
  readonly description: string;
  /** The catalog rows the rule carries; empty for deny rules. */
  readonly rows: readonly RowId[];
}

/** Options of {@link planAzureRules}. */
export interface AzurePlanOptions {
  /** The priorities the rules may take. */
  readonly band: PriorityBand;
  /** Add a deny of other VirtualNetwork traffic to each group's ASG below the allow rules. */
  readonly denyOtherVnetTraffic: boolean;
  /**
   * The priorities of the previous deployment, by rule name (a plan's `rules`, or the component's
   * `priorities` output). Every rule that still exists keeps its priority when it is free and
   * inside its zone; only new rules are placed by hash.
   * @default - every rule placed by hash
   */
  readonly previousPriorities?: Readonly<Record<string, number>>;
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

/** An Azure limit a plan would exceed; the message names the numbers. */
export class AzureLimitError extends Error {
  /** Always `AzureLimitError`, so the error can be told apart after serialization. */
  override readonly name = 'AzureLimitError';
}

/** The result of {@link planAzureRules}. */
export interface AzurePlan {
  /** The resolved flows and warnings the rules come from. */
  readonly resolution: Resolution;
  /** Allow rules (and deny rules when asked), in priority order per direction. */
  readonly rules: readonly AzureRule[];
}

// FNV-1a: a rule's home priority depends on its own name only, so adding or removing other rules
// moves no existing rule unless two names share a home slot.
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function assign(names: readonly string[], from: number, to: number, what: string, previous: Readonly<Record<string, number>>): Map<string, number> {
  const size = to - from + 1;
  if (names.length > size) {
    throw new AzureLimitError(`priority band ${from}-${to} holds ${size} ${what} rules; the plan needs ${names.length}: widen the band`);
  }
  const taken = new Set<number>();
  const out = new Map<string, number>();
  // Surviving rules first, at their previous priority: with state, nothing that exists moves.
  for (const name of [...names].sort()) {
    const slot = (previous[name] ?? -1) - from;
    if (Number.isInteger(slot) && slot >= 0 && slot < size && !taken.has(slot)) {
      taken.add(slot);
      out.set(name, from + slot);
    }
  }
  for (const name of [...names].sort().filter((n) => !out.has(n))) {
    let slot = fnv1a(name) % size;
    while (taken.has(slot)) slot = (slot + 1) % size;
    taken.add(slot);
    out.set(name, from + slot);
  }
  return out;
}

const PROTOCOL: Record<Protocol, 'Tcp' | 'Udp'> = { tcp: 'Tcp', udp: 'Udp' };

/**
 * Turns a declaration into NSG rules: one allow rule per (direction, source, destination, protocol)
 * carrying all its port ranges, and optionally one deny per group below them.
 *
 * Priorities: the band's lower three quarters hold allow rules, the upper quarter deny rules (so
 * every deny is below every allow). A rule keeps its `previousPriorities` entry when given; any
 * other rule's priority is a hash of its name into its zone, probing upward on collision: stable
 * when groups are added or options flipped, unless a new rule's name hashes onto an existing one's
 * slot and sorts before it, which `previousPriorities` rules out.
 * @throws DeclarationError for a bad declaration, AzureLimitError for a plan over Azure's limits
 */
export function planAzureRules(declaration: Declaration, options: AzurePlanOptions): AzurePlan {
  const { band } = options;
  const p = AZURE_LIMITS.priority;
  if (!Number.isInteger(band.from) || !Number.isInteger(band.to) || band.from < p.from || band.to > p.to || band.from > band.to) {
    throw new AzureLimitError(`priority band ${band.from}-${band.to}: must be whole numbers with ${p.from} <= from <= to <= ${p.to}`);
  }
  const resolution = resolve(declaration);
  const d = resolution.declaration;
  const cidr = (e: Endpoint) => d.peers.find((x) => x.name === e.name)?.cidr ?? '';
  const side = (e: Endpoint) => (e.kind === 'group' ? { group: e.name } : { prefix: cidr(e) });

  type Draft = Omit<AzureRule, 'priority'>;
  const drafts = new Map<string, Draft>();
  const add = (direction: 'Inbound' | 'Outbound', from: Endpoint, to: Endpoint, protocol: Protocol, range: string, rows: readonly RowId[]) => {
    const name = `${direction === 'Inbound' ? 'in' : 'out'}-${from.name}-to-${to.name}-${protocol}`;
    const prev = drafts.get(name);
    const allRows = [...(prev?.rows ?? []), ...rows];
    drafts.set(name, {
      name, direction, access: 'Allow', protocol: PROTOCOL[protocol], source: side(from), destination: side(to),
      ports: [...(prev?.ports ?? []), range], rows: allRows, description: describeRows(allRows),
    });
  };
  for (const f of resolution.flows) {
    const range = portRangeText(f);
    if (f.to.kind === 'group') add('Inbound', f.from, f.to, f.protocol, range, f.rows);
    if (d.egress === 'restricted' && f.from.kind === 'group') add('Outbound', f.from, f.to, f.protocol, range, f.rows);
  }
  const denies: Draft[] = options.denyOtherVnetTraffic
    ? d.groups.map((g) => ({
        name: `deny-vnet-to-${g.name}`, direction: 'Inbound', access: 'Deny', protocol: '*',
        source: { prefix: 'VirtualNetwork' }, destination: { group: g.name }, ports: ['*'], rows: [],
        description: `Deny other VirtualNetwork traffic to ${g.name}, below the portplan allow rules`.slice(0, AZURE_LIMITS.description),
      }))
    : [];

  // Fixed zones: turning the deny rules on or off moves no allow rule.
  const split = band.from + Math.floor(((band.to - band.from + 1) * 3) / 4);
  const allows = [...drafts.values()];
  const previous = options.previousPriorities ?? {};
  const inbound = assign(allows.filter((r) => r.direction === 'Inbound').map((r) => r.name), band.from, split - 1, 'inbound allow', previous);
  const outbound = assign(allows.filter((r) => r.direction === 'Outbound').map((r) => r.name), band.from, split - 1, 'outbound allow', previous);
  const deny = denies.length ? assign(denies.map((r) => r.name), split, band.to, 'deny', previous) : new Map<string, number>();
  const priorityOf = (r: Draft) => (r.access === 'Deny' ? deny : r.direction === 'Inbound' ? inbound : outbound).get(r.name) ?? 0;
  const rules = [...allows, ...denies]
    .map((r) => ({ ...r, priority: priorityOf(r) }))
    .sort((a, b) => (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : a.priority - b.priority));

  checkLimits(rules);
  return { resolution, rules };
}

function checkLimits(rules: readonly AzureRule[]): void {
  const L = AZURE_LIMITS;
  if (rules.length > L.rulesPerNsg) throw new AzureLimitError(`the plan needs ${rules.length} rules in one NSG, more than Azure's ${L.rulesPerNsg}`);
  const asgs = new Set<string>();
  for (const r of rules) {
    const inRule = [r.source, r.destination].filter((s) => 'group' in s).length;
    if (inRule > L.asgsPerRule) throw new AzureLimitError(`rule ${r.name} references ${inRule} application security groups, more than Azure's ${L.asgsPerRule}`);
    for (const s of [r.source, r.destination]) if ('group' in s) asgs.add(s.group);
    if (r.name.length > L.ruleName) throw new AzureLimitError(`rule name ${r.name} has ${r.name.length} characters, more than Azure's ${L.ruleName}: shorten the group names`);
    if (r.description.length > L.description) throw new AzureLimitError(`rule ${r.name} description has ${r.description.length} characters, more than Azure's ${L.description}`);
  }
  if (asgs.size > L.asgsPerNsg) throw new AzureLimitError(`the plan references ${asgs.size} application security groups in one NSG, more than Azure's ${L.asgsPerNsg}`);
}
