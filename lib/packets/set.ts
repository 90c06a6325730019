import { ArgumentError } from '../model/errors';
import { type Bound, toBigInt, toBound } from './bound';
import { type Coordinates, type Packet, coordinatesOf, packetAt } from './packet';
import { DIMENSIONS, type Dimension, PacketSpace } from './space';
import * as tree from './tree';

/**
 * A set of packets of one {@link PacketSpace}, held exactly in canonical form: every CIDR, port
 * range and host class counts whole, never by a sample. Immutable; the operations return new sets
 * and share the parts they leave unchanged.
 */
export class PacketSet {
  /**
   * Made by the builders ({@link packets}) and the operations, not directly.
   * @param space the space the set belongs to
   * @param tree the canonical tree, in the space's order
   */
  constructor(
    /** The space the set belongs to. */
    readonly space: PacketSpace,
    /** The canonical tree (an internal form: read a set through the functions of this module). */
    readonly tree: tree.Node,
  ) {}
}

/** An inclusive range of one dimension's number line. */
export interface BoxRange {
  /** The first value. */
  readonly from: bigint;
  /** The last value. */
  readonly to: bigint;
}

/** A box of a set's canonical form: one inclusive range per dimension. */
export type PacketBox = Readonly<Record<Dimension, BoxRange>>;

/**
 * The one space of the named sets.
 * @throws ArgumentError naming the argument that is not a set, or not of the first one's space
 */
function spaceOf(sets: readonly (readonly [PacketSet, string])[]): PacketSpace {
  // Indexed, not iterated: every operation checks its operands, often before the code is optimised.
  for (let i = 0; i < sets.length; i++) {
    if (!(sets[i][0] instanceof PacketSet)) throw new ArgumentError(sets[i][1], sets[i][0], 'a PacketSet');
  }
  const first = sets[0][0];
  for (let i = 1; i < sets.length; i++) {
    const s = sets[i][0];
    if (s.space !== first.space) {
      throw new ArgumentError(
        sets[i][1],
        s.space.classes,
        `a set of the same packet space as ${sets[0][1]} (host classes ${JSON.stringify(first.space.classes)})`,
      );
    }
  }
  return first.space;
}

function binary(op: tree.Op, a: PacketSet, b: PacketSet): PacketSet {
  const space =
    a instanceof PacketSet && b instanceof PacketSet && a.space === b.space
      ? a.space
      : spaceOf([
          [a, 'a'],
          [b, 'b'],
        ]);
  return new PacketSet(space, tree.combine(op, a.tree, b.tree, 0, tree.context(space.levelEnds)));
}

/** The packets in `a` or `b` (or both). */
export function union(a: PacketSet, b: PacketSet): PacketSet {
  return binary('union', a, b);
}

/**
 * The packets in any of `sets`, merged all at once (one sweep per tree level over every operand):
 * the way to build a set from many rules, where adding them one by one would copy the growing set
 * once per rule.
 */
export function unionAll(space: PacketSpace, sets: readonly PacketSet[]): PacketSet {
  if (!(space instanceof PacketSpace)) throw new ArgumentError('space', space, 'a PacketSpace');
  for (const [i, s] of sets.entries()) {
    if (!(s instanceof PacketSet)) throw new ArgumentError(`sets[${i}]`, s, 'a PacketSet');
    if (s.space !== space) throw new ArgumentError(`sets[${i}]`, s.space.classes, 'a set of the packet space given');
  }
  return new PacketSet(
    space,
    tree.unionMany(
      sets.map((s) => s.tree),
      0,
      space.levelEnds,
    ),
  );
}

/** The packets in both `a` and `b`. */
export function intersection(a: PacketSet, b: PacketSet): PacketSet {
  return binary('intersection', a, b);
}

/** The packets in `a` and not in `b`. */
export function difference(a: PacketSet, b: PacketSet): PacketSet {
  return binary('difference', a, b);
}

/** How many differences of {@link differenceEach} share one memo before it is dropped (it keeps every part it met). */
const SHARED_SPAN = 64;

/**
 * Each of `sets` less `b`, in order: `difference(sets[i], b)` for every `i`, with the work on the
 * parts the sets share (sets of many rules built alike) done once rather than once per set.
 */
export function differenceEach(sets: readonly PacketSet[], b: PacketSet): PacketSet[] {
  let ctx: tree.Context | undefined;
  return sets.map((a, i) => {
    const space = a instanceof PacketSet && b instanceof PacketSet && a.space === b.space ? a.space : undefined;
    if (!space)
      spaceOf([
        [a, `sets[${i}]`],
        [b, 'b'],
      ]);
    if (!ctx || i % SHARED_SPAN === 0) ctx = tree.context(a.space.levelEnds);
    const t = tree.combine('difference', a.tree, b.tree, 0, ctx);
    return t === a.tree ? a : new PacketSet(a.space, t);
  });
}

/** The packets of the space not in `set`. */
export function complement(set: PacketSet): PacketSet {
  const space = spaceOf([[set, 'set']]);
  return new PacketSet(space, tree.combine('difference', space.universe, set.tree, 0, tree.context(space.levelEnds)));
}

/** Whether the set holds no packet. */
export function isEmpty(set: PacketSet): boolean {
  if (!(set instanceof PacketSet)) throw new ArgumentError('set', set, 'a PacketSet');
  return set.tree === tree.EMPTY;
}

/** Whether `a` and `b` hold the same packets: their canonical forms are compared. */
export function equals(a: PacketSet, b: PacketSet): boolean {
  spaceOf([
    [a, 'a'],
    [b, 'b'],
  ]);
  return tree.same(a.tree, b.tree);
}

/** Whether every packet of `a` is in `b`. */
export function isSubset(a: PacketSet, b: PacketSet): boolean {
  return difference(a, b).tree === tree.EMPTY;
}

/** The coordinates at tree levels, by dimension. */
function byDimension(space: PacketSpace, point: readonly Bound[]): Coordinates {
  return Object.fromEntries(space.order.map((d, l) => [d, point[l]])) as Record<Dimension, Bound>;
}

/**
 * One packet of the set, or undefined when it is empty: the least packet in the order of the
 * space's tree (lowest class numbers, protocol, service and addresses first), so the same set
 * always gives the same witness.
 */
export function witness(set: PacketSet): Packet | undefined {
  const space = spaceOf([[set, 'set']]);
  if (set.tree === tree.EMPTY) return undefined;
  return packetAt(space, byDimension(space, tree.corner(set.tree, space.order.length)));
}

/**
 * Whether the packet is in the set.
 * @throws ArgumentError when the packet is malformed or names a host class the space does not have
 */
export function has(set: PacketSet, packet: Packet): boolean {
  const space = spaceOf([[set, 'set']]);
  const c = coordinatesOf(space, packet, 'packet');
  return tree.member(
    set.tree,
    space.order.map((d) => c[d]),
  );
}

/** The set of one packet. */
export function packetSet(space: PacketSpace, packet: Packet): PacketSet {
  if (!(space instanceof PacketSpace)) throw new ArgumentError('space', space, 'a PacketSpace');
  const c = coordinatesOf(space, packet, 'packet');
  const point = (d: Dimension): tree.Interval[] => [[c[d], toBound(toBigInt(c[d]) + 1n)]];
  const intervals: Partial<Record<Dimension, tree.Interval[]>> = {};
  for (const d of DIMENSIONS) intervals[d] = point(d);
  return new PacketSet(space, space.box(intervals));
}

/** How many packets the set holds. */
export function packetCount(set: PacketSet): bigint {
  const space = spaceOf([[set, 'set']]);
  if (set.tree === tree.EMPTY) return 0n;
  return tree.count(
    set.tree,
    0,
    space.levelEnds.map((e) => toBigInt(e)),
    new Map(),
  );
}

/**
 * The set's canonical form as disjoint boxes, in the order of its tree: equal sets give equal
 * lists. Ranges are inclusive, on the dimensions' number lines (see {@link Dimension}). A set
 * built from many overlapping parts can have many more boxes than its tree has nodes.
 */
export function boxes(set: PacketSet): PacketBox[] {
  const space = spaceOf([[set, 'set']]);
  const out: PacketBox[] = [];
  for (const box of tree.boxes(set.tree, space.levelEnds)) {
    out.push(
      Object.fromEntries(
        space.order.map((d, l) => [d, { from: toBigInt(box[l][0]), to: toBigInt(box[l][1]) - 1n }]),
      ) as PacketBox,
    );
  }
  return out;
}

/**
 * The least box that holds the set: on each dimension, from its least to its greatest value
 * (inclusive, as {@link boxes} gives ranges); undefined for the empty set. Two sets whose hulls
 * are disjoint on some dimension share no packet, which is cheap to tell from the hulls alone.
 */
export function hull(set: PacketSet): PacketBox | undefined {
  const space = spaceOf([[set, 'set']]);
  const box = tree.hull(set.tree, space.levelEnds);
  if (!box) return undefined;
  return Object.fromEntries(
    space.order.map((d, l) => [d, { from: toBigInt(box[l][0]), to: toBigInt(box[l][1]) - 1n }]),
  ) as PacketBox;
}

/** Whether two boxes share a point: they overlap on every dimension. */
export function boxesMeet(a: PacketBox, b: PacketBox): boolean {
  return DIMENSIONS.every((d) => a[d].from <= b[d].to && b[d].from <= a[d].to);
}

/**
 * How many segments the set's tree holds, each shared part once: a measure of its memory. Equal
 * sets have equal trees, but may share their parts differently, so this can differ between them.
 */
export function treeSize(set: PacketSet): number {
  spaceOf([[set, 'set']]);
  return tree.segmentCount(set.tree);
}

/**
 * The packets that agree with some packet of the set on the dimensions kept, whatever their other
 * coordinates (within the space). Projecting on `sourceClass` and `destinationClass` answers
 * "which host classes may talk at all".
 */
export function project(set: PacketSet, keep: readonly Dimension[]): PacketSet {
  const space = spaceOf([[set, 'set']]);
  keep.forEach((d, i) => {
    if (!DIMENSIONS.includes(d)) throw new ArgumentError(`keep[${i}]`, d, `one of ${DIMENSIONS.join(', ')}`);
  });
  const shadow = tree.project(
    set.tree,
    space.order.map((d) => keep.includes(d)),
    0,
    space.levelEnds,
    new Map(),
  );
  // Made whole on a dimension, a protocol gets every service value: keep to the universe.
  return new PacketSet(space, tree.combine('intersection', shadow, space.universe, 0, tree.context(space.levelEnds)));
}

/** The same set in another space with the same host classes (another tree order). */
export function inSpace(set: PacketSet, space: PacketSpace): PacketSet {
  const from = spaceOf([[set, 'set']]);
  if (from === space) return set;
  if (JSON.stringify(from.classes) !== JSON.stringify(space.classes)) {
    throw new ArgumentError(
      'space',
      space.classes,
      `a space with the same host classes (${JSON.stringify(from.classes)})`,
    );
  }
  const parts: tree.Node[] = [];
  for (const box of tree.boxes(set.tree, from.levelEnds)) {
    parts.push(space.box(Object.fromEntries(from.order.map((d, l) => [d, [box[l]]]))));
  }
  return new PacketSet(space, tree.unionMany(parts, 0, space.levelEnds));
}
