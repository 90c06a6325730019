// What a new version of a product's catalog changes, for reviewing a vendor update before it ships:
// the ports one declaration's flows gain and lose (port by port, collapsed into ranges), and the
// product fields, documents, rows, roles, peer kinds, options, presets and broadcasts that differ
// between the two files. Pure functions
// over resolve() output and catalog definitions.
import type { FlowProtocol, RowId } from './catalog';
import type { CatalogDefinition } from './catalog-format';
import { citationsOf } from './catalog-checks';
import { flowOrder, type Endpoint, type PortRange, type ResolvedFlow } from './resolve';

/** What a port comparison reads of a flow: its two sides, protocol, ports and rows. */
export type FlowPorts = Pick<ResolvedFlow, 'from' | 'to' | 'protocol' | 'fromPort' | 'toPort' | 'rows'>;

/** Ports one version opens between two sides and the other does not, with the rows of the version that has them. */
export interface FlowChange extends PortRange {
  /** The initiator. */
  readonly from: Endpoint;
  /** The listener. */
  readonly to: Endpoint;
  /** Transport protocol. */
  readonly protocol: FlowProtocol;
  /** The rows that require these ports, in the version that opens them. */
  readonly rows: readonly RowId[];
}

/** Ports both versions open, for other rows. */
export interface FlowRowsChange extends PortRange {
  /** The initiator. */
  readonly from: Endpoint;
  /** The listener. */
  readonly to: Endpoint;
  /** Transport protocol. */
  readonly protocol: FlowProtocol;
  /** The rows in the old version. */
  readonly before: readonly RowId[];
  /** The rows in the new version. */
  readonly after: readonly RowId[];
}

/** How two sets of flows differ, port by port: {@link diffFlows}'s result. */
export interface FlowDiff {
  /** Ports only the new flows open, collapsed into ranges. */
  readonly opened: readonly FlowChange[];
  /** Ports only the old flows open, collapsed into ranges. */
  readonly closed: readonly FlowChange[];
  /** Ports both open, for different rows. */
  readonly rowsChanged: readonly FlowRowsChange[];
}

interface Segment {
  fromPort: number;
  toPort: number;
  rows: readonly RowId[];
}

interface Pair {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly protocol: FlowProtocol;
}

const endpointKey = (e: Endpoint): string => `${e.kind}:${e.name}`;
const pairKey = (f: Pair): string => `${endpointKey(f.from)}|${endpointKey(f.to)}|${f.protocol}`;
const sameRows = (a: readonly RowId[], b: readonly RowId[]): boolean =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

// Flows grouped by their two sides and protocol, in first-seen order.
function byPair(flows: readonly FlowPorts[], into = new Map<string, { pair: Pair; flows: FlowPorts[] }>()) {
  for (const f of flows) {
    const k = pairKey(f);
    const entry = into.get(k) ?? { pair: { from: f.from, to: f.to, protocol: f.protocol }, flows: [] };
    entry.flows.push(f);
    into.set(k, entry);
  }
  return into;
}

// Cuts the port line at every flow's ends: within one piece, every flow covers all of it or none.
function pieces(flows: readonly FlowPorts[]): [number, number][] {
  const cuts = [...new Set(flows.flatMap((f) => [f.fromPort, f.toPort + 1]))].sort((a, b) => a - b);
  return cuts.slice(0, -1).map((c, i) => [c, cuts[i + 1] - 1]);
}

// The rows of the flows that cover a piece (its first port stands for all of it), or undefined if none does.
function rowsAt(flows: readonly FlowPorts[], port: number): RowId[] | undefined {
  const covering = flows.filter((f) => f.fromPort <= port && port <= f.toPort);
  return covering.length ? [...new Set(covering.flatMap((f) => f.rows))] : undefined;
}

// Appends a range, joining it to the last one when they touch and carry the same rows.
function extend<T extends PortRange>(list: T[], next: T, same: (a: T, b: T) => boolean): void {
  const last = list.at(-1);
  if (last && last.toPort + 1 === next.fromPort && same(last, next))
    list[list.length - 1] = { ...last, toPort: next.toPort };
  else list.push(next);
}

// Resolve's order: listener, initiator, protocol, first port.
function sorted<T extends Pair & PortRange>(list: T[]): T[] {
  return list.sort(flowOrder);
}

/**
 * Compares two sets of flows port by port: the ports the new flows open that the old ones do not
 * (`opened`, with the new rows), the reverse (`closed`, with the old rows), and the ports both open
 * for other rows. Sides are matched by kind and name. Each list is collapsed into ranges (adjacent
 * ports with the same rows join) and sorted as {@link resolve} sorts flows. Flows may overlap: a
 * port's rows are those of every flow that covers it. A resolved flow's rows are those of its whole
 * range, so a port the new version adds next to an existing range is opened with the rows of the
 * merged flow, and the range it joins is listed in `rowsChanged`.
 * @param before the flows of the old version (a resolution's `flows`)
 * @param after the flows of the new version
 */
export function diffFlows(before: readonly FlowPorts[], after: readonly FlowPorts[]): FlowDiff {
  const old = byPair(before);
  const now = byPair(after);
  const opened: FlowChange[] = [];
  const closed: FlowChange[] = [];
  const rowsChanged: FlowRowsChange[] = [];
  const keys = [...new Set([...old.keys(), ...now.keys()])];
  for (const k of keys) {
    const a = old.get(k)?.flows ?? [];
    const b = now.get(k)?.flows ?? [];
    const pair = (now.get(k) ?? old.get(k))!.pair;
    // Per pair, so that ranges join only within one pair.
    const o: FlowChange[] = [];
    const c: FlowChange[] = [];
    const r: FlowRowsChange[] = [];
    for (const [fromPort, toPort] of pieces([...a, ...b])) {
      const was = rowsAt(a, fromPort);
      const is = rowsAt(b, fromPort);
      if (is && !was) extend(o, { ...pair, fromPort, toPort, rows: is }, (x, y) => sameRows(x.rows, y.rows));
      else if (was && !is) extend(c, { ...pair, fromPort, toPort, rows: was }, (x, y) => sameRows(x.rows, y.rows));
      else if (was && is && !sameRows(was, is))
        extend(
          r,
          { ...pair, fromPort, toPort, before: was, after: is },
          (x, y) => sameRows(x.before, y.before) && sameRows(x.after, y.after),
        );
    }
    opened.push(...o);
    closed.push(...c);
    rowsChanged.push(...r);
  }
  return { opened: sorted(opened), closed: sorted(closed), rowsChanged: sorted(rowsChanged) };
}

/**
 * Flows as non-overlapping ranges: per pair of sides and protocol, every port with the rows of the
 * flows that cover it, adjacent ports with the same rows joined; sorted as {@link resolve} sorts.
 * Two sets of flows open the same ports for the same rows exactly when their normal forms are equal.
 */
export function normalizeFlows(flows: readonly FlowPorts[]): FlowChange[] {
  const out: FlowChange[] = [];
  for (const { pair, flows: list } of byPair(flows).values()) {
    const mine: FlowChange[] = [];
    for (const [fromPort, toPort] of pieces(list)) {
      const rows = rowsAt(list, fromPort);
      if (rows) extend(mine, { ...pair, fromPort, toPort, rows }, (x, y) => sameRows(x.rows, y.rows));
    }
    out.push(...mine);
  }
  return sorted(out);
}

// Sets the rows of a range of one pair (undefined: closes it), cutting the ranges it overlaps.
function paint(list: Segment[], fromPort: number, toPort: number, rows: readonly RowId[] | undefined): Segment[] {
  const out: Segment[] = [];
  for (const s of list) {
    if (s.toPort < fromPort || s.fromPort > toPort) out.push(s);
    else {
      if (s.fromPort < fromPort) out.push({ ...s, toPort: fromPort - 1 });
      if (s.toPort > toPort) out.push({ ...s, fromPort: toPort + 1 });
    }
  }
  if (rows) out.push({ fromPort, toPort, rows });
  return out.sort((a, b) => a.fromPort - b.fromPort);
}

/**
 * The flows a diff turns the old flows into: the old ports, less the closed ones, with the rows of
 * the changed ones replaced, plus the opened ones; in {@link normalizeFlows} form.
 * `applyFlowDiff(a, diffFlows(a, b))` opens exactly the ports of `b`, each for the rows of `b`.
 */
export function applyFlowDiff(before: readonly FlowPorts[], diff: FlowDiff): FlowChange[] {
  const pairs = new Map<string, { pair: Pair; segments: Segment[] }>();
  const at = (p: Pair) => {
    const k = pairKey(p);
    const entry = pairs.get(k) ?? { pair: { from: p.from, to: p.to, protocol: p.protocol }, segments: [] };
    pairs.set(k, entry);
    return entry;
  };
  for (const f of normalizeFlows(before)) at(f).segments.push({ fromPort: f.fromPort, toPort: f.toPort, rows: f.rows });
  const apply = (p: Pair & PortRange, rows: readonly RowId[] | undefined) => {
    const entry = at(p);
    entry.segments = paint(entry.segments, p.fromPort, p.toPort, rows);
  };
  diff.closed.forEach((c) => apply(c, undefined));
  diff.rowsChanged.forEach((c) => apply(c, c.after));
  diff.opened.forEach((c) => apply(c, c.rows));
  return normalizeFlows([...pairs.values()].flatMap(({ pair, segments }) => segments.map((s) => ({ ...pair, ...s }))));
}

/** An item of a catalog (row, role, option...) that both versions have, with other data. */
export interface CatalogItemChange {
  /** The item's id or name. */
  readonly id: string;
  /** Its fields whose values differ, in the new version's field order. */
  readonly fields: readonly string[];
}

/** How one list of a catalog differs between two versions, by id (or name). */
export interface CatalogItemsDiff {
  /** Ids only the new version has, in its order. */
  readonly added: readonly string[];
  /** Ids only the old version has, in its order. */
  readonly removed: readonly string[];
  /** Ids both have, with any difference in the item's data (key order aside), in the new version's order. */
  readonly changed: readonly CatalogItemChange[];
}

/** How two versions of a product's catalog differ: {@link diffCatalogs}'s result. */
export interface CatalogDiff {
  /** The fields of the `product` block whose values differ (its `name`, `optionsField`), in the new version's order. */
  readonly product: readonly string[];
  /** The cited documents. */
  readonly documents: CatalogItemsDiff;
  /** The rows of the port table. */
  readonly rows: CatalogItemsDiff;
  /** The roles. */
  readonly roles: CatalogItemsDiff;
  /** The peer kinds. */
  readonly peerKinds: CatalogItemsDiff;
  /** The options, by name. */
  readonly options: CatalogItemsDiff;
  /** The presets, by name. */
  readonly presets: CatalogItemsDiff;
  /** The broadcasts flows rely on. */
  readonly broadcasts: CatalogItemsDiff;
}

// JSON with object keys sorted: equal for equal data, whatever order a file wrote the keys in.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

type Item = Readonly<Record<string, unknown>>;

// The keys of either object whose values differ, the new object's keys first.
function changedFields(wasObject: object, nowObject: object): string[] {
  const was = wasObject as Item;
  const now = nowObject as Item;
  return [...new Set([...Object.keys(now), ...Object.keys(was)])].filter(
    (f) => canonical(now[f]) !== canonical(was[f]),
  );
}

function diffItems(before: readonly Item[] = [], after: readonly Item[] = [], key: 'id' | 'name'): CatalogItemsDiff {
  const old = new Map(before.map((x) => [String(x[key]), x]));
  const now = new Map(after.map((x) => [String(x[key]), x]));
  const changed: CatalogItemChange[] = [];
  for (const [id, x] of now) {
    const was = old.get(id);
    if (!was) continue;
    const fields = changedFields(was, x);
    if (fields.length) changed.push({ id, fields });
  }
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed,
  };
}

const withCitationList = (r: CatalogDefinition['rows'][number]) => ({ ...r, citation: citationsOf(r) });

/**
 * Compares two versions of a catalog list by list: the product block field by field; the documents,
 * rows, roles, peer kinds and broadcasts by id; the options and presets by name. An item both
 * versions have is changed when any of its data differs.
 * @param before the old version
 * @param after the new version
 */
export function diffCatalogs(before: CatalogDefinition, after: CatalogDefinition): CatalogDiff {
  const items = (list: readonly object[] | undefined) => list as readonly Item[] | undefined;
  return {
    product: changedFields(before.product, after.product),
    documents: diffItems(items(before.documents), items(after.documents), 'id'),
    // A row's one citation and a list of it alone say the same: rows are compared with lists.
    rows: diffItems(items(before.rows.map(withCitationList)), items(after.rows.map(withCitationList)), 'id'),
    roles: diffItems(items(before.roles), items(after.roles), 'id'),
    peerKinds: diffItems(items(before.peerKinds), items(after.peerKinds), 'id'),
    options: diffItems(items(before.options), items(after.options), 'name'),
    presets: diffItems(items(before.presets), items(after.presets), 'name'),
    broadcasts: diffItems(items(before.broadcasts), items(after.broadcasts), 'id'),
  };
}
