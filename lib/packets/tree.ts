import type { Bound } from './bound';

/**
 * The canonical form of a packet set: a tree of interval partitions, one level per dimension in the
 * space's order. A node at level L is a sorted list of disjoint half-open segments of dimension L,
 * each with a child: the set of the remaining dimensions for every value in the segment. Three
 * rules make the form unique for a set (for a given order), so that two sets are equal exactly when
 * their trees are equal:
 * - no segment has an empty child (empty parts are left out);
 * - two segments that touch never have equal children (they are one segment);
 * - a node whose one segment covers its whole dimension with the full child is itself {@link FULL}.
 *
 * Each of these holds bottom-up, so a child that is "everything" is always the FULL object itself
 * and an empty child is never stored. Nodes are immutable and shared: an operation reuses the
 * children it does not change, and memoises on pairs of node objects, so a subtree reached from many
 * places is computed once per operation.
 *
 * The operations sweep two sorted segment lists together (merge order, no all-pairs), recurse only
 * where segments overlap, and skip with a galloping search where the operation makes a run of one
 * side irrelevant (intersection, difference), so their cost follows the size of what changes.
 */
export interface Node {
  /** Segment starts, ascending. */
  readonly starts: readonly Bound[];
  /** Segment ends (exclusive), ascending; `ends[i] <= starts[i + 1]`. */
  readonly ends: readonly Bound[];
  /** The child of each segment: a node of the next level, or {@link FULL}. */
  readonly kids: readonly Node[];
}

/** The empty set, at any level. */
export const EMPTY: Node = Object.freeze({ starts: [], ends: [], kids: [] });
/** Everything in the remaining dimensions, at any level. Told from EMPTY by identity alone. */
export const FULL: Node = Object.freeze({ starts: [], ends: [], kids: [] });

/** A half-open interval `[from, to)` of one dimension. */
export type Interval = readonly [Bound, Bound];

/** The binary operations. */
export type Op = 'union' | 'intersection' | 'difference';

/** What one operation carries down its recursion: the dimension ends and its memo. */
export interface Context {
  /** The exclusive end of the dimension at each level. */
  readonly dimEnds: readonly Bound[];
  /**
   * Results of the operation by first operand: `[b1, result1, b2, result2, ...]` for each second
   * operand met with it (rows are short: a node meets few others), made on first use.
   */
  memo?: Map<Node, Node[]>;
}

/**
 * A fresh context for one operation over a space with these dimension ends. One context serves
 * one operation (its memo knows no operator), and is dropped after it so that the operation's
 * intermediate nodes can be collected.
 */
export function context(dimEnds: readonly Bound[]): Context {
  return { dimEnds };
}

/** Whether two canonical subtrees are the same set. */
export function same(a: Node, b: Node): boolean {
  if (a === b) return true;
  if (a === FULL || b === FULL || a.kids.length !== b.kids.length) return false;
  for (let i = 0; i < a.kids.length; i++) {
    if (a.starts[i] !== b.starts[i] || a.ends[i] !== b.ends[i]) return false;
  }
  for (let i = 0; i < a.kids.length; i++) if (!same(a.kids[i], b.kids[i])) return false;
  return true;
}

// The segments of a builder before its first: shared, never written (the first add replaces them).
const NO_SEGMENTS: Bound[] = Object.freeze([]) as unknown as Bound[];
const NO_KIDS: Node[] = Object.freeze([]) as unknown as Node[];

/** Segments under construction, merged as they are added. */
class Builder implements Node {
  // Made at the first segment, one long: most nodes hold one or two segments, and an array first
  // grown by a push reserves room for seventeen (allocation is most of a small operation's cost).
  starts: Bound[] = NO_SEGMENTS;
  ends: Bound[] = NO_SEGMENTS;
  kids: Node[] = NO_KIDS;

  /** Adds `[from, to)` with `kid` after the segments so far; merges it with a touching equal one. */
  add(from: Bound, to: Bound, kid: Node): void {
    if (kid === EMPTY) return;
    const n = this.kids.length;
    if (n === 0) {
      this.starts = [from];
      this.ends = [to];
      this.kids = [kid];
      return;
    }
    if (this.ends[n - 1] === from && same(this.kids[n - 1], kid)) {
      this.ends[n - 1] = to;
      return;
    }
    this.starts.push(from);
    this.ends.push(to);
    this.kids.push(kid);
  }

  /** Whether the segments are exactly those of `x`, children identical. */
  isExactly(x: Node): boolean {
    const n = this.kids.length;
    if (x === FULL || x.kids.length !== n) return false;
    for (let i = 0; i < n; i++) {
      if (x.starts[i] !== this.starts[i] || x.ends[i] !== this.ends[i] || x.kids[i] !== this.kids[i]) return false;
    }
    return true;
  }

  /**
   * The canonical node of these segments at a level whose dimension ends at `end`: the builder
   * itself (one object less per node), never added to again.
   */
  finish(end: Bound): Node {
    const n = this.kids.length;
    if (n === 0) return EMPTY;
    if (n === 1 && this.kids[0] === FULL && this.starts[0] === 0 && this.ends[0] === end) return FULL;
    return this;
  }
}

/** Sorts half-open intervals and merges those that overlap or touch. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  if (intervals.length === 1) {
    const a = intervals[0][0];
    const b = intervals[0][1];
    return a < b ? [[a, b]] : [];
  }
  const sorted = intervals.filter((x) => x[0] < x[1]).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: [Bound, Bound][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i][0];
    const b = sorted[i][1];
    const last = out[out.length - 1];
    if (last && a <= last[1]) {
      if (b > last[1]) last[1] = b;
    } else out.push([a, b]);
  }
  return out;
}

/** The node that holds `kid` over each of `intervals` (sorted, disjoint) at a level ending at `end`. */
export function segments(intervals: readonly Interval[], kid: Node, end: Bound): Node {
  const b = new Builder();
  // Indexed, not iterated: building a rule's tree is a hot path, often before the code is optimised.
  if (kid === EMPTY) return EMPTY;
  for (let i = 0; i < intervals.length; i++) {
    const from = intervals[i][0];
    const to = intervals[i][1];
    if (from < to) b.add(from, to, kid);
  }
  return b.finish(end);
}

/** The tree of one box: one interval list per level, deepest level last. */
export function boxTree(levels: readonly (readonly Interval[])[], dimEnds: readonly Bound[]): Node {
  let node = FULL;
  for (let l = levels.length - 1; l >= 0; l--) node = segments(levels[l], node, dimEnds[l]);
  return node;
}

function terminal(op: Op, a: Node, b: Node): Node | undefined {
  if (op === 'union') {
    if (a === EMPTY || b === FULL || a === b) return b;
    if (b === EMPTY || a === FULL) return a;
  } else if (op === 'intersection') {
    if (a === EMPTY || b === FULL || a === b) return a;
    if (b === EMPTY || a === FULL) return b;
  } else {
    if (a === EMPTY || b === FULL || a === b) return EMPTY;
    if (b === EMPTY) return a;
  }
  return undefined;
}

/** The first index `k >= from` with `ends[k] > x`, or `ends.length`: galloping, then halving. */
function firstEndAfter(ends: readonly Bound[], x: Bound, from: number): number {
  let lo = from;
  let step = 1;
  let hi = from;
  while (hi < ends.length && ends[hi] <= x) {
    lo = hi + 1;
    hi = from + step;
    step *= 2;
  }
  if (hi > ends.length) hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const max = (x: Bound, y: Bound): Bound => (x < y ? y : x);
const min = (x: Bound, y: Bound): Bound => (x < y ? x : y);

/** Adds what remains of `x` from segment `i` on, each clipped to start no earlier than `at`. */
function rest(out: Builder, x: Node, i: number, at: Bound): void {
  for (let k = i; k < x.kids.length; k++) out.add(max(x.starts[k], at), x.ends[k], x.kids[k]);
}

/** The level's segments of `a op b`: both lists swept together, children combined where they overlap. */
function sweep(op: Op, a: Node, b: Node, level: number, ctx: Context): Builder {
  const out = new Builder();
  const keepA = op !== 'intersection';
  const keepB = op === 'union';
  let i = 0;
  let j = 0;
  let at: Bound = 0;
  while (i < a.kids.length && j < b.kids.length) {
    const as = max(a.starts[i], at);
    const bs = max(b.starts[j], at);
    if (a.ends[i] <= bs) {
      // a's segment ends before b's begins: it is kept whole, or a run of them is skipped.
      if (keepA) {
        out.add(as, a.ends[i], a.kids[i]);
        i++;
      } else i = firstEndAfter(a.ends, bs, i + 1);
    } else if (b.ends[j] <= as) {
      if (keepB) {
        out.add(bs, b.ends[j], b.kids[j]);
        j++;
      } else j = firstEndAfter(b.ends, as, j + 1);
    } else if (as < bs) {
      if (keepA) out.add(as, bs, a.kids[i]);
      at = bs;
    } else if (bs < as) {
      if (keepB) out.add(bs, as, b.kids[j]);
      at = as;
    } else {
      const to = min(a.ends[i], b.ends[j]);
      out.add(as, to, combine(op, a.kids[i], b.kids[j], level + 1, ctx));
      at = to;
      if (a.ends[i] === to) i++;
      if (b.ends[j] === to) j++;
    }
  }
  if (keepA) rest(out, a, i, at);
  if (keepB) rest(out, b, j, at);
  return out;
}

/** `a op b` for two canonical subtrees at `level`; the result is canonical. */
export function combine(op: Op, a: Node, b: Node, level: number, ctx: Context): Node {
  const t = terminal(op, a, b);
  if (t !== undefined) return t;
  const memo = (ctx.memo ??= new Map());
  const row = memo.get(a);
  if (row) for (let k = 0; k < row.length; k += 2) if (row[k] === b) return row[k + 1];
  // Only a difference can reach here with a FULL operand (a = FULL): it is one whole segment.
  const left = a === FULL ? { starts: [0], ends: [ctx.dimEnds[level]], kids: [FULL] } : a;
  const out = sweep(op, left, b, level, ctx);
  // The operand itself when nothing changed, so that sharing survives and equality stays cheap.
  const result = out.isExactly(a) ? a : out.isExactly(b) ? b : out.finish(ctx.dimEnds[level]);
  if (!row) memo.set(a, [b, result]);
  else row.push(b, result);
  return result;
}

/** What a many-way union carries down: the dimension ends, a number per node, results by operand set. */
interface ManyContext {
  readonly dimEnds: readonly Bound[];
  readonly ids: Map<Node, number>;
  readonly memo: Map<string, Node>;
}

const byBound = (x: Bound, y: Bound): number => (x < y ? -1 : x > y ? 1 : 0);

/**
 * The union of many subtrees at `level`, all at once: the segments of every operand are swept
 * together (sorted by start, with the set of segments covering each elementary piece), and only a
 * piece covered by two or more operands recurses; a piece covered by one reuses that operand's
 * child as it is. Each input segment is so visited about once, where merging in pairs would copy
 * it once per round (log n rounds).
 */
export function unionMany(nodes: readonly Node[], level: number, dimEnds: readonly Bound[]): Node {
  return unionOf(nodes, level, { dimEnds, ids: new Map(), memo: new Map() });
}

function unionOf(nodes: readonly Node[], level: number, ctx: ManyContext): Node {
  const live: Node[] = [];
  // Indexed loops throughout: a union of a site's rules runs them thousands of times, often unoptimised.
  for (let i = 0; i < nodes.length; i++) {
    if (nodes[i] === FULL) return FULL;
    if (nodes[i] !== EMPTY) live.push(nodes[i]);
  }
  if (live.length <= 1) return live[0] ?? EMPTY;
  if (live.length === 2) return combine('union', live[0], live[1], level, context(ctx.dimEnds));
  const ids = live.map((n) => {
    let k = ctx.ids.get(n);
    if (k === undefined) ctx.ids.set(n, (k = ctx.ids.size));
    return k;
  });
  // A node object lives at one level only, so the operands alone name the result.
  const key = ids.sort((x, y) => x - y).join(',');
  const known = ctx.memo.get(key);
  if (known !== undefined) return known;
  const result = sweepMany(live, level, ctx);
  ctx.memo.set(key, result);
  return result;
}

interface Segment {
  readonly from: Bound;
  readonly to: Bound;
  readonly kid: Node;
}

function sweepMany(nodes: readonly Node[], level: number, ctx: ManyContext): Node {
  const segs: Segment[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    for (let k = 0; k < n.kids.length; k++) segs.push({ from: n.starts[k], to: n.ends[k], kid: n.kids[k] });
  }
  segs.sort((x, y) => byBound(x.from, y.from));
  const out = new Builder();
  const active: Segment[] = [];
  let next = 0;
  let at: Bound = segs[0].from;
  while (next < segs.length || active.length > 0) {
    if (active.length === 0 && segs[next].from > at) at = segs[next].from;
    while (next < segs.length && segs[next].from <= at) active.push(segs[next++]);
    // The piece ends where the next segment starts or an active one ends, whichever is first.
    let to = next < segs.length ? segs[next].from : active[0].to;
    for (let a = 0; a < active.length; a++) if (active[a].to < to) to = active[a].to;
    const kid =
      active.length === 1
        ? active[0].kid
        : unionOf(
            active.map((a) => a.kid),
            level + 1,
            ctx,
          );
    out.add(at, to, kid);
    at = to;
    let keep = 0;
    for (let a = 0; a < active.length; a++) if (active[a].to > at) active[keep++] = active[a];
    active.length = keep;
  }
  return out.finish(ctx.dimEnds[level]);
}

/** Whether the point (one value per level) is in the subtree. */
export function member(node: Node, point: readonly Bound[], level = 0): boolean {
  let n = node;
  for (let l = level; l < point.length; l++) {
    if (n === FULL) return true;
    const k = firstEndAfter(n.ends, point[l], 0);
    if (k === n.kids.length || n.starts[k] > point[l]) return false;
    n = n.kids[k];
  }
  return n === FULL;
}

/** The least point of a non-empty subtree in the order of the levels: the first segment's start at each level. */
export function corner(node: Node, depth: number): Bound[] {
  const point: Bound[] = [];
  let n = node;
  for (let l = 0; l < depth; l++) {
    if (n === FULL) {
      point.push(0);
    } else {
      point.push(n.starts[0]);
      n = n.kids[0];
    }
  }
  return point;
}

/**
 * Every box of the tree, one interval per level, in tree order: the canonical disjoint boxes. A box
 * is yielded as the same array each time, changed in place: copy it to keep it.
 */
export function* boxes(node: Node, dimEnds: readonly Bound[]): Generator<Interval[]> {
  const box: Interval[] = new Array<Interval>(dimEnds.length);
  function* walk(n: Node, l: number): Generator<Interval[]> {
    if (l === dimEnds.length) {
      yield box;
      return;
    }
    if (n === FULL) {
      box[l] = [0, dimEnds[l]];
      yield* walk(FULL, l + 1);
      return;
    }
    for (let k = 0; k < n.kids.length; k++) {
      box[l] = [n.starts[k], n.ends[k]];
      yield* walk(n.kids[k], l + 1);
    }
  }
  if (node !== EMPTY) yield* walk(node, 0);
}

/** How many points the subtree at `level` holds; shared subtrees are counted once per operation. */
export function count(node: Node, level: number, sizes: readonly bigint[], memo: Map<Node, bigint>): bigint {
  if (node === FULL) return sizes.slice(level).reduce((p, s) => p * s, 1n);
  const known = memo.get(node);
  if (known !== undefined) return known;
  let total = 0n;
  for (let k = 0; k < node.kids.length; k++) {
    const width = BigInt(node.ends[k]) - BigInt(node.starts[k]);
    total += width * count(node.kids[k], level + 1, sizes, memo);
  }
  memo.set(node, total);
  return total;
}

/** How many segments the tree holds, each shared subtree counted once: the memory it takes. */
export function segmentCount(node: Node, seen: Set<Node> = new Set()): number {
  if (node === FULL || node === EMPTY || seen.has(node)) return 0;
  seen.add(node);
  return node.kids.reduce((n, kid) => n + segmentCount(kid, seen), node.kids.length);
}

/**
 * The subtree with every level not in `keep` made whole: the points that agree with some point of
 * the set on the kept levels (the set's shadow on them, extended over the others).
 */
export function project(
  node: Node,
  keep: readonly boolean[],
  level: number,
  dimEnds: readonly Bound[],
  memo: Map<Node, Node>,
): Node {
  if (node === FULL || node === EMPTY || level === keep.length) return node;
  const known = memo.get(node);
  if (known !== undefined) return known;
  const kids = node.kids.map((kid) => project(kid, keep, level + 1, dimEnds, memo));
  let result: Node;
  if (keep[level]) {
    const b = new Builder();
    for (let k = 0; k < kids.length; k++) b.add(node.starts[k], node.ends[k], kids[k]);
    result = b.finish(dimEnds[level]);
  } else {
    result = segments([[0, dimEnds[level]]], unionMany(kids, level + 1, dimEnds), dimEnds[level]);
  }
  memo.set(node, result);
  return result;
}

/**
 * The least box holding the subtree, as one half-open interval per level: at each level, the
 * first start and the last end of every node met there. Undefined for the empty set.
 */
export function hull(node: Node, dimEnds: readonly Bound[]): Interval[] | undefined {
  if (node === EMPTY) return undefined;
  const lo: Bound[] = dimEnds.slice();
  const hi: Bound[] = dimEnds.map(() => 0);
  // A node object lives at one level only: each is visited once.
  const seen = new Set<Node>();
  const walk = (n: Node, level: number): void => {
    if (level === dimEnds.length || seen.has(n)) return;
    if (n === FULL) {
      for (let l = level; l < dimEnds.length; l++) [lo[l], hi[l]] = [0, dimEnds[l]];
      return;
    }
    seen.add(n);
    if (n.starts[0] < lo[level]) lo[level] = n.starts[0];
    if (n.ends[n.ends.length - 1] > hi[level]) hi[level] = n.ends[n.ends.length - 1];
    for (let k = 0; k < n.kids.length; k++) walk(n.kids[k], level + 1);
  };
  walk(node, 0);
  return lo.map((from, l) => [from, hi[l]] as const);
}
