import { type CatalogRow, type Citation, type EndpointSpec, type PortSpec, type Protocol, type RowId } from './catalog';
import { cidrContains, parseCidr } from './cidr';
import { ArgumentError } from './errors';
import type { PeerKind, RoleId } from './roles';
import type { Endpoint, GroupEndpoint, Resolution, ResolvedFlow } from './resolve';
import type { CatalogSet } from './catalog-set';
import { pairOptions } from './group-options';

/** A question to {@link explain}: may `from` open a connection to `to` on this port? */
export interface ExplainQuery {
  /** A group or peer name of the declaration, or an address range (`10.0.5.7/32`, `2001:db8::/64`). */
  readonly from: string;
  /** A group name of the declaration: the listener. */
  readonly to: string;
  /** The listening port. */
  readonly port: number;
  /** The transport protocol. */
  readonly protocol: Protocol;
}

/** A catalog row as an explanation cites it. */
export interface RowReason {
  /** The row id. */
  readonly id: RowId;
  /** What the row is for. */
  readonly purpose: string;
  /** When the row applies, in words. */
  readonly condition: string;
  /** Where the row comes from: the first of `citations`. */
  readonly citation: Citation;
  /** Every citation of the row, in catalog order. */
  readonly citations: readonly Citation[];
  /**
   * The declaration settings that decide whether this row opens the port: the options of its
   * condition and port rule, in the declaration's terms (`serverProtect.localInstall`).
   */
  readonly controlledBy: readonly string[];
}

/** A row that could open the port in another declaration, and what it would take. */
export interface WouldOpen extends RowReason {
  /** What the declaration lacks for the row to open this port, each as one sentence. */
  readonly needs: readonly string[];
}

/** The answer of {@link explain}. */
export interface Explanation {
  /** The question, as asked. */
  readonly query: ExplainQuery;
  /** Whether the plan opens the port from `from` to `to`. */
  readonly allowed: boolean;
  /** The flows that open it (empty when not allowed). */
  readonly flows: readonly ResolvedFlow[];
  /** The rows behind those flows, in catalog order. */
  readonly because: readonly RowReason[];
  /** When not allowed: rows whose flow could open it under other options, roles or peers. */
  readonly wouldOpen: readonly WouldOpen[];
}

type Side = { kind: 'group'; role: RoleId; name?: string } | { kind: 'peer'; peerKind?: PeerKind; name?: undefined };

// The options a port rule reads, as declaration paths.
function portOption(spec: PortSpec): string[] {
  if (spec.kind === 'fallback') return [`${spec.optionsField}.${spec.pin}`];
  if (spec.kind === 'counted') return [`${spec.optionsField}.${spec.count}`];
  if (spec.kind === 'peer') return ['peers[].ports'];
  return [];
}

// The settings a row's condition reads: its options, and the peers when a flow reaches one.
function reason(row: CatalogRow, spec?: PortSpec): RowReason {
  const fromCondition = Object.keys(row.when).map((k) => `${row.optionsField}.${k}`);
  const reachesPeer = row.flows.some((f) => 'peer' in f.listener || 'peer' in f.initiator);
  const controlledBy = [
    ...new Set([...fromCondition, ...(reachesPeer ? ['peers'] : []), ...(spec ? portOption(spec) : [])]),
  ];
  return {
    id: row.id,
    purpose: row.purpose,
    condition: row.condition,
    citation: row.citation,
    citations: row.citations,
    controlledBy,
  };
}

// The largest value of a count option: the catalog states it.
function countMaximum(catalog: CatalogSet, row: CatalogRow, option: string): number {
  const o = catalog.catalog(row.product)?.options.find((x) => x.name === option);
  return o?.type === 'count' ? o.max : 0;
}

// Whether some setting of the row's options opens `port`, and which setting, in words.
function portCouldOpen(spec: PortSpec, port: number, max: () => number): string | undefined {
  switch (spec.kind) {
    case 'fixed':
      return spec.ports.some((r) => port >= r.fromPort && port <= r.toPort) ? '' : undefined;
    case 'fallback': {
      const inRange = port === spec.base || (port >= spec.fallback[0] && port <= spec.fallback[1]);
      return inRange ? `${portOption(spec)[0]} unset or ${port}` : undefined;
    }
    case 'counted': {
      const needed = port - spec.base + 1;
      return needed >= 1 && needed <= max() ? `${portOption(spec)[0]} of at least ${needed}` : undefined;
    }
    case 'peer':
      return spec.defaults.includes(port)
        ? 'the peer leaving ports unset, or listing it'
        : `the peer listing ${port} in its ports`;
  }
}

function matches(spec: EndpointSpec, side: Side): boolean {
  if ('peer' in spec) return side.kind === 'peer' && (side.peerKind === undefined || side.peerKind === spec.peer);
  return side.kind === 'group' && spec.roles.includes(side.role);
}

function sideText(spec: EndpointSpec): string {
  return 'peer' in spec ? `a peer of kind ${spec.peer}` : `a group of role ${spec.roles.join(' or ')}`;
}

/**
 * Says whether a resolution opens one port from one side to a group, and why: the flows, rows,
 * conditions, citations and options behind it; or, when it does not, which rows could open it and
 * what the declaration would need (an option, a role, a peer).
 * @throws ArgumentError when `to` is not a group, `from` is neither a name nor a CIDR, or the port is out of range
 */
export function explain(resolution: Resolution, query: ExplainQuery): Explanation {
  const d = resolution.declaration;
  const names = [...d.groups.map((g) => g.name), ...d.peers.map((p) => p.name)];
  if (!Number.isInteger(query.port) || query.port < 1 || query.port > 65535) {
    throw new ArgumentError('port', query.port, 'must be a whole number from 1 to 65535');
  }
  const toGroup = d.groups.find((g) => g.name === query.to);
  if (!toGroup)
    throw new ArgumentError(
      'to',
      query.to,
      `must be a group of the declaration: ${d.groups.map((g) => g.name).join(', ')}`,
    );
  const to: GroupEndpoint = { kind: 'group', name: toGroup.name, role: toGroup.role };

  const fromGroup = d.groups.find((g) => g.name === query.from);
  const fromPeer = d.peers.find((p) => p.name === query.from);
  const address = fromGroup || fromPeer ? undefined : parseCidr(query.from);
  if (!fromGroup && !fromPeer && !address) {
    throw new ArgumentError(
      'from',
      query.from,
      `must be a group or peer of the declaration (${names.join(', ')}) or an address range such as 10.0.5.7/32`,
    );
  }
  if (address && !address.masked)
    throw new ArgumentError('from', query.from, `must be a masked range: ${address.text}`);

  const fromMatches = (e: Endpoint): boolean => {
    if (fromGroup || fromPeer) return e.name === query.from;
    // An address is covered by a peer whose range contains it; group members have no fixed address.
    const range = e.kind === 'peer' && e.cidr !== undefined ? parseCidr(e.cidr) : undefined;
    return range !== undefined && address !== undefined && cidrContains(range, address);
  };
  const flows = resolution.flows.filter(
    (f) =>
      f.to.kind === 'group' &&
      f.to.name === to.name &&
      fromMatches(f.from) &&
      f.protocol === query.protocol &&
      f.fromPort <= query.port &&
      query.port <= f.toPort,
  );
  const byId = new Map(resolution.catalog.rows.map((r) => [r.id, r]));
  const because = [...new Set(flows.flatMap((f) => f.rows))].map((id) => {
    const row = byId.get(id) as CatalogRow;
    const spec = row.flows.find(
      (t) => t.protocol === query.protocol && matches(t.listener, { kind: 'group', role: to.role }),
    )?.ports;
    return reason(row, spec);
  });

  const side: Side = fromGroup
    ? { kind: 'group', role: fromGroup.role, name: fromGroup.name }
    : { kind: 'peer', peerKind: fromPeer?.kind };
  const wouldOpen = flows.length ? [] : rowsThatWouldOpen(resolution, query, to, side, address !== undefined);
  return { query, allowed: flows.length > 0, flows, because, wouldOpen };
}

// The catalog rows that could open a port no flow opens, and what the declaration would need for each.
function rowsThatWouldOpen(
  resolution: Resolution,
  query: ExplainQuery,
  to: GroupEndpoint,
  side: Side,
  byAddress: boolean,
): WouldOpen[] {
  const wouldOpen: WouldOpen[] = [];
  const pairs = pairOptions(resolution.catalog, resolution.declaration);
  for (const row of resolution.catalog.rows) {
    for (const t of row.flows) {
      if (t.protocol !== query.protocol || !matches(t.listener, { kind: 'group', role: to.role })) continue;
      const setting = portCouldOpen(t.ports, query.port, () =>
        countMaximum(resolution.catalog, row, t.ports.kind === 'counted' ? t.ports.count : ''),
      );
      if (setting === undefined) continue;
      const needs: string[] = [];
      // Another initiator role or peer kind: the row opens the port, but not from this side.
      if (!matches(t.initiator, side)) needs.push(`the connection to come from ${sideText(t.initiator)}`);
      else if (byAddress && 'peer' in t.initiator)
        needs.push(`${sideText(t.initiator)} whose cidr contains ${query.from}`);
      // The pair's options decide, where a group sets its own (a peer or an address sets none).
      const from = { kind: side.kind, name: side.name ?? '' };
      if (!pairs.holds(row, from, to, row.applies(resolution.declaration))) {
        const options = reason(row).controlledBy;
        needs.push(`the row's condition: ${row.condition}${options.length ? ` (${options.join(', ')})` : ''}`);
      }
      if (setting) needs.push(setting);
      wouldOpen.push({ ...reason(row, t.ports), needs });
      break;
    }
  }
  return wouldOpen;
}
