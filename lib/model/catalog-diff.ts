// What a new version of a product's catalog changes, for reviewing a vendor update before it ships:
// the ports one declaration's flows gain and lose (port by port, collapsed into ranges; ICMP message
// by message, type and code), and the product fields, documents, rows, roles, peer kinds, options,
// presets and broadcasts that differ between the two files. Pure functions
// over resolve() output and catalog definitions.
import type { FlowProtocol, RowId } from './catalog';
import type { CatalogDefinition } from './catalog-format';
import { citationsOf } from './catalog-checks';
import { isIcmp } from './port-ranges';
import { flowOrder, type Endpoint, type PortRange, type ResolvedFlow } from './resolve';

/** The codes of an ICMP change: `fromCode`-`toCode` of each of its types (0-255: every code). */
export interface IcmpCodes {
  /** The first code. */
  readonly fromCode: number;
  /** The last code. */
  readonly toCode: number;
}

/**
 * What a port comparison reads of a flow: its two sides, protocol, ports (an ICMP flow's message
 * types), its ICMP messages or codes, and rows. A resolved flow is one, and so is a change.
 */
export type FlowPorts = Pick<ResolvedFlow, 'from' | 'to' | 'protocol' | 'fromPort' | 'toPort' | 'icmp' | 'rows'> & {
  /** For ICMP changes: the codes of each type (a change is read by its codes, not its `icmp`). */
  readonly codes?: IcmpCodes;
};

/**
 * Ports one version opens between two sides and the other does not, with the rows of the version
 * that has them. For ICMP, `fromPort`-`toPort` are message types and `codes` their codes: types
 * `0-255` with codes `0-255` is every message, one type with codes `0-255` every code of it.
 */
export interface FlowChange extends PortRange {
  /** The initiator. */
  readonly from: Endpoint;
  /** The listener. */
  readonly to: Endpoint;
  /** Transport protocol, or ICMP. */
  readonly protocol: FlowProtocol;
  /** For ICMP only: the codes of each of the types (several types: always every code). */
  readonly codes?: IcmpCodes;
  /** The rows that require these ports, in the version that opens them. */
  readonly rows: readonly RowId[];
}

/** Ports both versions open, for other rows (ICMP: messages, as in {@link FlowChange}). */
export interface FlowRowsChange extends PortRange {
  /** The initiator. */
  readonly from: Endpoint;
  /** The listener. */
  readonly to: Endpoint;
  /** Transport protocol, or ICMP. */
  readonly protocol: FlowProtocol;
  /** For ICMP only: the codes of each of the types (several types: always every code). */
  readonly codes?: IcmpCodes;
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

// A range of one pair's line, with its rows. The line is the ports (TCP, UDP), or the ICMP messages
// as type * 256 + code (as lib/packets writes them), so that a code counts as much as a port does.
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

// A flow's range of its pair's line: its ports, or its messages (a change's codes, a resolved
// flow's one code, else every code of its types).
function lineOf(f: FlowPorts): PortRange {
  if (!isIcmp(f.protocol)) return { fromPort: f.fromPort, toPort: f.toPort };
  const code = f.icmp?.code;
  const [a, b] = f.codes ? [f.codes.fromCode, f.codes.toCode] : code !== undefined ? [code, code] : [0, 255];
  return { fromPort: f.fromPort * 256 + a, toPort: f.toPort * 256 + b };
}

// A range of a pair's line as changes: one for ports; for ICMP messages, the codes left of the first
// type, the whole types, the codes of the last type (as lib/packets prints them).
function fromLine<T>(pair: Pair, r: PortRange, rest: T): (Pair & PortRange & { codes?: IcmpCodes } & T)[] {
  if (!isIcmp(pair.protocol)) return [{ ...pair, ...r, ...rest }];
  const at = (t1: number, t2: number, fromCode: number, toCode: number) => ({
    ...pair,
    fromPort: t1,
    toPort: t2,
    codes: { fromCode, toCode },
    ...rest,
  });
  const [t1, c1, t2, c2] = [r.fromPort >> 8, r.fromPort & 255, r.toPort >> 8, r.toPort & 255];
  if (t1 === t2) return [at(t1, t1, c1, c2)];
  // Whole types between a partial first and a partial last one.
  const first = c1 === 0 ? t1 : t1 + 1;
  const last = c2 === 255 ? t2 : t2 - 1;
  return [
    ...(c1 !== 0 ? [at(t1, t1, c1, 255)] : []),
    ...(first <= last ? [at(first, last, 0, 255)] : []),
    ...(c2 !== 255 ? [at(t2, t2, 0, c2)] : []),
  ];
}

/**
 * What a change admits after its protocol, as `catalog diff` prints it: its ports (`1000-1009`,
 * `22`); for ICMP, `all`, a type (`8`, every code), types (`0-2`, every code), a type and code
 * (`3/4`) or a type and codes (`3/0-3`).
 */
export function changePortsText(c: PortRange & { readonly codes?: IcmpCodes }): string {
  const range = (a: number, b: number) => (a === b ? `${a}` : `${a}-${b}`);
  if (!c.codes) return range(c.fromPort, c.toPort);
  const { fromCode, toCode } = c.codes;
  if (fromCode === 0 && toCode === 255)
    return c.fromPort === 0 && c.toPort === 255 ? 'all' : range(c.fromPort, c.toPort);
  return `${c.fromPort}/${range(fromCode, toCode)}`;
}

// Flows grouped by their two sides and protocol, in first-seen order, as ranges of the pair's line.
function byPair(flows: readonly FlowPorts[], into = new Map<string, { pair: Pair; flows: Segment[] }>()) {
  for (const f of flows) {
    const k = pairKey(f);
    const entry = into.get(k) ?? { pair: { from: f.from, to: f.to, protocol: f.protocol }, flows: [] };
    entry.flows.push({ ...lineOf(f), rows: f.rows });
    into.set(k, entry);
  }
  return into;
}

// Cuts the line at every flow's ends: within one piece, every flow covers all of it or none.
function pieces(flows: readonly Segment[]): [number, number][] {
  const cuts = [...new Set(flows.flatMap((f) => [f.fromPort, f.toPort + 1]))].sort((a, b) => a - b);
  return cuts.slice(0, -1).map((c, i) => [c, cuts[i + 1] - 1]);
}

// The rows of the flows that cover a piece (its first port stands for all of it), or undefined if none does.
function rowsAt(flows: readonly Segment[], port: number): RowId[] | undefined {
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

// Resolve's order: listener, initiator, protocol, first port (ICMP: first type, then first code).
function sorted<T extends Pair & PortRange & { readonly codes?: IcmpCodes }>(list: T[]): T[] {
  return list.sort((a, b) => flowOrder(a, b) || (a.codes?.fromCode ?? 0) - (b.codes?.fromCode ?? 0));
}

/**
 * Compares two sets of flows port by port: the ports the new flows open that the old ones do not
 * (`opened`, with the new rows), the reverse (`closed`, with the old rows), and the ports both open
 * for other rows. ICMP flows are compared message by message, by type and code: a flow that keeps
 * its type and changes its code, or narrows every code of a type to one, opens and closes messages.
 * Sides are matched by kind and name. Each list is collapsed into ranges (adjacent
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
    const o: (PortRange & { rows: readonly RowId[] })[] = [];
    const c: (PortRange & { rows: readonly RowId[] })[] = [];
    const r: (PortRange & { before: readonly RowId[]; after: readonly RowId[] })[] = [];
    for (const [fromPort, toPort] of pieces([...a, ...b])) {
      const was = rowsAt(a, fromPort);
      const is = rowsAt(b, fromPort);
      if (is && !was) extend(o, { fromPort, toPort, rows: is }, (x, y) => sameRows(x.rows, y.rows));
      else if (was && !is) extend(c, { fromPort, toPort, rows: was }, (x, y) => sameRows(x.rows, y.rows));
      else if (was && is && !sameRows(was, is))
        extend(
          r,
          { fromPort, toPort, before: was, after: is },
          (x, y) => sameRows(x.before, y.before) && sameRows(x.after, y.after),
        );
    }
    opened.push(...o.flatMap(({ rows, ...x }) => fromLine(pair, x, { rows })));
    closed.push(...c.flatMap(({ rows, ...x }) => fromLine(pair, x, { rows })));
    rowsChanged.push(...r.flatMap(({ before: b0, after: a0, ...x }) => fromLine(pair, x, { before: b0, after: a0 })));
  }
  return { opened: sorted(opened), closed: sorted(closed), rowsChanged: sorted(rowsChanged) };
}

// The normal form of pairs' ranges of their lines: every point with the rows that cover it, joined.
function normalForm(pairs: Iterable<{ pair: Pair; flows: readonly Segment[] }>): FlowChange[] {
  const out: FlowChange[] = [];
  for (const { pair, flows: list } of pairs) {
    const mine: Segment[] = [];
    for (const [fromPort, toPort] of pieces(list)) {
      const rows = rowsAt(list, fromPort);
      if (rows) extend(mine, { fromPort, toPort, rows }, (x, y) => sameRows(x.rows, y.rows));
    }
    out.push(...mine.flatMap(({ rows, ...x }) => fromLine(pair, x, { rows })));
  }
  return sorted(out);
}

/**
 * Flows as non-overlapping ranges: per pair of sides and protocol, every port (ICMP: every message)
 * with the rows of the flows that cover it, adjacent ports with the same rows joined; sorted as
 * {@link resolve} sorts. Two sets of flows open the same ports for the same rows exactly when their
 * normal forms are equal.
 */
export function normalizeFlows(flows: readonly FlowPorts[]): FlowChange[] {
  return normalForm(byPair(flows).values());
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
  const pairs = byPair(normalizeFlows(before));
  const apply = (p: FlowPorts, rows: readonly RowId[] | undefined) => {
    const k = pairKey(p);
    const entry = pairs.get(k) ?? { pair: { from: p.from, to: p.to, protocol: p.protocol }, flows: [] };
    const r = lineOf(p);
    entry.flows = paint(entry.flows, r.fromPort, r.toPort, rows);
    pairs.set(k, entry);
  };
  diff.closed.forEach((c) => apply(c, undefined));
  diff.rowsChanged.forEach((c) => apply({ ...c, rows: c.after }, c.after));
  diff.opened.forEach((c) => apply(c, c.rows));
  return normalForm(pairs.values());
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
