import { ADDRESS_END, intervalCidrs } from './address';
import { toBigInt } from './bound';
import { hasIcmp, hasPorts, type Endpoint, type Packet } from './packet';
import { type PacketSet, inSpace } from './set';
import { type Dimension, PROTOCOL_NUMBERS, PacketSpace, protocolPieces } from './space';
import { EMPTY, FULL, type Interval, type Node, same } from './tree';

/**
 * Text forms for people: error messages and verify reports. A set reads as lines such as
 * `tcp 10.0.0.0/28 -> sg:info 5005-5009`: protocol, source, `->`, destination, then the ports or
 * ICMP messages. An endpoint is `any`, a host class list (`sg:info`, `{web, db}`; `external` for
 * hosts carrying no group), an address list as the fewest CIDRs (`{10.0.0.16/28, 10.0.0.32/27}`),
 * or both joined by `@` (`web@10.0.1.0/24`: hosts of class web at those addresses). A class name
 * that could be read as something else (`external`, `any`, or with spaces or punctuation) is quoted.
 * The lines are disjoint and together exactly the set.
 */

const NAMES: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(PROTOCOL_NUMBERS).map(([name, n]) => [n, name])),
);

/** `tcp`, `udp`, `icmp`, `icmpv6`, or `proto N`. */
export function protocolText(protocol: number): string {
  return NAMES[protocol] ?? `proto ${protocol}`;
}

const range = (from: number, to: number): string => (from === to ? `${from}` : `${from}-${to}`);

/** Inclusive ranges from half-open intervals of small numbers. */
const inclusive = (intervals: readonly Interval[]): [number, number][] =>
  intervals.map(([a, b]) => [Number(a), Number(b) - 1]);

function portsText(intervals: readonly Interval[]): string {
  const r = inclusive(intervals);
  if (r.length === 1 && r[0][0] === 0 && r[0][1] === 65535) return 'all ports';
  return r.map(([a, b]) => range(a, b)).join(', ');
}

/** One interval of `type * 256 + code` as message text: partial first type, whole types, partial last type. */
function icmpRange(from: number, to: number): string[] {
  const [t1, c1, t2, c2] = [from >> 8, from & 255, to >> 8, to & 255];
  const codes = (t: number, a: number, b: number) =>
    a === 0 && b === 255 ? `type ${t}` : a === b ? `type ${t} code ${a}` : `type ${t} codes ${a}-${b}`;
  if (t1 === t2) return [codes(t1, c1, c2)];
  const out: string[] = [];
  let first = t1;
  let last = t2;
  if (c1 !== 0) out.push(codes(first++, c1, 255));
  const tail = c2 !== 255 ? codes(last--, 0, c2) : undefined;
  if (first <= last) out.push(first === last ? `type ${first}` : `types ${first}-${last}`);
  if (tail) out.push(tail);
  return out;
}

function icmpText(intervals: readonly Interval[]): string {
  const r = inclusive(intervals);
  if (r.length === 1 && r[0][0] === 0 && r[0][1] === 65535) return 'all types';
  return r.flatMap(([a, b]) => icmpRange(a, b)).join(', ');
}

const SIMPLE_NAME = /^[A-Za-z0-9_.:/+-]+$/;
/** The text of each class number of a space (0: `external`), made once per space: a report names them thousands of times. */
const CLASS_TEXTS = new WeakMap<PacketSpace, readonly string[]>();
/** A host class name as text; 0 is the external class. */
function className(space: PacketSpace, n: number): string {
  let texts = CLASS_TEXTS.get(space);
  if (!texts) {
    const shown = (name: string) =>
      SIMPLE_NAME.test(name) && name !== 'external' && name !== 'any' ? name : JSON.stringify(name);
    CLASS_TEXTS.set(space, (texts = ['external', ...space.classes.map(shown)]));
  }
  return texts[n];
}

const list = (items: readonly string[]): string => (items.length === 1 ? items[0] : `{${items.join(', ')}}`);
const whole = (intervals: readonly Interval[], end: bigint): boolean =>
  intervals.length === 1 && toBigInt(intervals[0][0]) === 0n && toBigInt(intervals[0][1]) === end;

function endpointText(space: PacketSpace, classes: readonly Interval[], addresses: readonly Interval[]): string {
  const everyClass = whole(classes, BigInt(space.classes.length + 1));
  const everyAddress = whole(addresses, ADDRESS_END);
  // Each part is written only when shown: a site of thousands of classes lists them only where asked.
  const classText = () =>
    list(inclusive(classes).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => className(space, a + i))));
  const addressText = () => list(addresses.flatMap(([a, b]) => intervalCidrs(toBigInt(a), toBigInt(b))));
  if (everyClass) return everyAddress ? 'any' : addressText();
  return everyAddress ? classText() : `${classText()}@${addressText()}`;
}

function packetEnd(e: Endpoint): string {
  const cls =
    e.hostClass === undefined
      ? 'external'
      : SIMPLE_NAME.test(e.hostClass) && e.hostClass !== 'external' && e.hostClass !== 'any'
        ? e.hostClass
        : JSON.stringify(e.hostClass);
  return `${cls}@${e.address}`;
}

/** One packet as text: `tcp external@10.0.0.1 -> sg:info@10.0.1.5 5005`, `icmp ... type 8 code 0`. */
export function describePacket(p: Packet): string {
  const head = `${protocolText(p.protocol)} ${packetEnd(p.source)} -> ${packetEnd(p.destination)}`;
  if (hasPorts(p.protocol)) return `${head} ${p.port}`;
  if (hasIcmp(p.protocol)) return `${head} type ${p.icmpType} code ${p.icmpCode}`;
  return head;
}

/**
 * The order the text reads a set in: both endpoints, then what travels between them. A set of a
 * space in this order is described without being rebuilt in it: the order for spaces whose sets
 * are mostly described (reports of many small differences).
 */
export const TEXT_ORDER: readonly Dimension[] = Object.freeze([
  'sourceClass',
  'sourceAddress',
  'destinationClass',
  'destinationAddress',
  'protocol',
  'service',
]);
const ENDPOINT_LEVELS = 4;

/** Numbers for subtrees, equal for equal sets, so that segments with equal children can be listed together. */
class Interner {
  private readonly byNode = new Map<Node, number>();
  private readonly byKey = new Map<string, number>();

  id(n: Node): number {
    const known = this.byNode.get(n);
    if (known !== undefined) return known;
    const key = n === FULL ? 'F' : n.kids.map((k, i) => `${n.starts[i]}-${n.ends[i]}:${this.id(k)}`).join(',');
    let id = this.byKey.get(key);
    if (id === undefined) this.byKey.set(key, (id = this.byKey.size));
    this.byNode.set(n, id);
    return id;
  }
}

/** Above this many segments a node's children are grouped by interned number, below by comparing them. */
const FEW = 8;

/** A node's segments grouped by equal child, in the order of each group's first segment. */
function groups(n: Node, end: bigint, ids: Interner): [Interval[], Node][] {
  if (n === FULL) return [[[[0, end]], FULL]];
  if (n.kids.length <= FEW) {
    // Few children: compared directly (most often the same object), with no numbering of subtrees.
    const out: [Interval[], Node][] = [];
    for (let k = 0; k < n.kids.length; k++) {
      const g = out.find((x) => same(x[1], n.kids[k]));
      if (g) g[0].push([n.starts[k], n.ends[k]]);
      else out.push([[[n.starts[k], n.ends[k]]], n.kids[k]]);
    }
    return out;
  }
  const out = new Map<number, [Interval[], Node]>();
  n.kids.forEach((kid, k) => {
    const id = ids.id(kid);
    const g = out.get(id);
    if (g) g[0].push([n.starts[k], n.ends[k]]);
    else out.set(id, [[[n.starts[k], n.ends[k]]], kid]);
  });
  return [...out.values()];
}

/**
 * The text pairs of each traffic subtree described so far, by node: the protocol and service
 * levels mean the same in every space, and the sets of one report share these subtrees.
 */
const TRAFFIC_TEXTS = new WeakMap<Node, readonly (readonly [string, string])[]>();

/** `[protocol text, service text]` pairs of a traffic subtree (protocol, then service). */
function trafficTexts(t: Node, every: Node): readonly (readonly [string, string])[] {
  let texts = TRAFFIC_TEXTS.get(t);
  if (!texts) TRAFFIC_TEXTS.set(t, (texts = newTrafficTexts(t, every)));
  return texts;
}

function newTrafficTexts(t: Node, every: Node): [string, string][] {
  if (same(t, every)) return [['all', '']];
  const out: [string, string][] = [];
  const others: [number, number][] = [];
  const segs: [Interval, Node][] =
    t === FULL ? [[[0, 256], FULL]] : t.kids.map((k, i) => [[t.starts[i], t.ends[i]], k]);
  for (const [[from, to], kid] of segs) {
    const service: Interval[] = kid === FULL ? [[0, 65536]] : kid.kids.map((_, i) => [kid.starts[i], kid.ends[i]]);
    for (const [a, b] of protocolPieces(Number(from), Number(to))) {
      if (hasPorts(a)) out.push([protocolText(a), portsText(service)]);
      else if (hasIcmp(a)) out.push([protocolText(a), icmpText(service)]);
      else if (others.length && others[others.length - 1][1] === a) others[others.length - 1][1] = b;
      else others.push([a, b]);
    }
  }
  // Every other protocol's service is 0 alone: one line lists them all.
  if (others.length) out.push([`proto ${others.map(([a, b]) => range(a, b - 1)).join(', ')}`, '']);
  return out;
}

/**
 * A set as lines of text, one per part (see the module's description); no lines for the empty
 * set. Meant for differences and reports: a set built from thousands of unrelated rules reads as
 * thousands of lines.
 */
export function describeSet(set: PacketSet): string[] {
  const space = set.space;
  const view = TEXT_ORDER.every((d, i) => space.order[i] === d)
    ? space
    : new PacketSpace(space.classes, { order: TEXT_ORDER });
  const root = inSpace(set, view).tree;
  if (root === EMPTY) return [];
  let every = view.universe;
  for (let l = 0; l < ENDPOINT_LEVELS; l++) every = every.kids[0];
  const ids = new Interner();
  const ends = view.levelEnds.map((e) => toBigInt(e));
  const out: string[] = [];
  const walk = (n: Node, level: number, parts: Interval[][]): void => {
    if (level === ENDPOINT_LEVELS) {
      const src = endpointText(view, parts[0], parts[1]);
      const dst = endpointText(view, parts[2], parts[3]);
      for (const [p, s] of trafficTexts(n, every)) out.push(`${p} ${src} -> ${dst}${s ? ` ${s}` : ''}`);
      return;
    }
    for (const [intervals, kid] of groups(n, ends[level], ids)) walk(kid, level + 1, parts.concat([intervals]));
  };
  walk(root, 0, []);
  return out;
}
