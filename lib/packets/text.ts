import { intervalCidrs } from './address';
import { type Bound, toBigInt } from './bound';
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
// Bounds have one form each (a number when small enough), so `===` compares them exactly.
const whole = (intervals: readonly Interval[], end: Bound): boolean =>
  intervals.length === 1 && intervals[0][0] === 0 && intervals[0][1] === end;

/** The text of each list of classes shown so far, by space: the lines of a report repeat a few lists. */
const CLASS_LISTS = new WeakMap<PacketSpace, Map<string, string>>();
/** Lists kept per space at most; past that the texts are made anew (a space of very many classes). */
const CLASS_LISTS_KEPT = 10_000;

function classListText(space: PacketSpace, classes: readonly Interval[]): string {
  let known = CLASS_LISTS.get(space);
  if (!known || known.size > CLASS_LISTS_KEPT) CLASS_LISTS.set(space, (known = new Map()));
  const key = classes.map(([a, b]) => `${a}-${b}`).join(' ');
  let text = known.get(key);
  if (text === undefined) {
    const names = inclusive(classes).flatMap(([a, b]) =>
      Array.from({ length: b - a + 1 }, (_, i) => className(space, a + i)),
    );
    known.set(key, (text = list(names)));
  }
  return text;
}

function endpointText(space: PacketSpace, classes: readonly Interval[], addresses: readonly Interval[]): string {
  const everyClass = whole(classes, space.dimensionEnd.sourceClass);
  const everyAddress = whole(addresses, space.dimensionEnd.sourceAddress);
  // Each part is written only when shown: a site of thousands of classes lists them only where asked.
  const classText = () => classListText(space, classes);
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

/**
 * Numbers for subtrees, equal for equal sets, so that segments with equal children can be listed
 * together. One per space, kept between descriptions: the sets of one report share most of their
 * subtrees, which are so numbered once.
 */
class Interner {
  private readonly byNode = new WeakMap<Node, number>();
  private readonly byKey = new Map<string, number>();

  /** How many distinct subtrees it knows. */
  get size(): number {
    return this.byKey.size;
  }

  id(n: Node): number {
    const known = this.byNode.get(n);
    if (known !== undefined) return known;
    let key = 'F';
    if (n !== FULL) {
      key = '';
      for (let i = 0; i < n.kids.length; i++) key += `${n.starts[i]}-${n.ends[i]}:${this.id(n.kids[i])},`;
    }
    let id = this.byKey.get(key);
    if (id === undefined) this.byKey.set(key, (id = this.byKey.size));
    this.byNode.set(n, id);
    return id;
  }
}

const INTERNERS = new WeakMap<PacketSpace, Interner>();
/** Subtrees numbered per space at most; past that the next description starts a new numbering. */
const INTERNED_KEPT = 100_000;

function internerOf(space: PacketSpace): Interner {
  let ids = INTERNERS.get(space);
  if (!ids || ids.size > INTERNED_KEPT) INTERNERS.set(space, (ids = new Interner()));
  return ids;
}

/** A node's segments grouped by equal child, in the order of each group's first segment. */
function groups(n: Node, end: Bound, ids: Interner): [Interval[], Node][] {
  if (n === FULL) return [[[[0, end]], FULL]];
  if (n.kids.length === 1) return [[[[n.starts[0], n.ends[0]]], n.kids[0]]];
  const out = new Map<number, [Interval[], Node]>();
  for (let k = 0; k < n.kids.length; k++) {
    const id = ids.id(n.kids[k]);
    const g = out.get(id);
    if (g) g[0].push([n.starts[k], n.ends[k]]);
    else out.set(id, [[[n.starts[k], n.ends[k]]], n.kids[k]]);
  }
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
  const ids = internerOf(view);
  const ends = view.levelEnds;
  const out: string[] = [];
  // The endpoints' intervals of the walk's path (depth first: each level overwrites its own), and
  // the source's text, made once for all the lines below it when both its levels are known.
  const parts: Interval[][] = [];
  const walk = (n: Node, level: number, src: string): void => {
    if (level === ENDPOINT_LEVELS) {
      const dst = endpointText(view, parts[2], parts[3]);
      const texts = trafficTexts(n, every);
      for (let t = 0; t < texts.length; t++) {
        out.push(`${texts[t][0]} ${src} -> ${dst}${texts[t][1] ? ` ${texts[t][1]}` : ''}`);
      }
      return;
    }
    const parted = groups(n, ends[level], ids);
    for (let g = 0; g < parted.length; g++) {
      parts[level] = parted[g][0];
      walk(parted[g][1], level + 1, level === 1 ? endpointText(view, parts[0], parts[1]) : src);
    }
  };
  walk(root, 0, '');
  return out;
}
