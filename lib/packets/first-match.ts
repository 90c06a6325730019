import { ArgumentError } from '../model/errors';
import { PacketSet } from './set';
import { PacketSpace } from './space';
import { type Context, EMPTY, type Node, combine, context, hull } from './tree';

/**
 * First match over an ordered list of sets (the rules of a firewall that the first matching rule
 * decides): each set less every set before it. Subtracting a running union of everything before
 * would copy that growing union once per set; instead the sets stand at the leaves of a tree of
 * aligned blocks (sets `[s * 2^k, (s + 1) * 2^k)`), each block with the least box around its sets,
 * and a set subtracts only blocks whose box meets its own: where one half of a block misses it,
 * the other half is looked into alone; where both halves meet it, the whole block is subtracted in
 * one difference. A set that meets few sets before it so costs a few box tests and a few small
 * differences, and one that meets many at most about log2(n) differences of blocks, each built once.
 */

/**
 * A block's least box as numbers, `[from, to)` of each tree level in turn; undefined when its sets
 * are all empty. Address bounds beyond 2^53 are rounded, which never parts two boxes that meet:
 * rounding keeps order, so `a < b` gives `a <= b` rounded, and the test below asks only that.
 */
type Hull = Float64Array | undefined;

/** Whether two boxes may share a point (they surely do not when this is false). */
function meets(a: Hull, b: Hull): boolean {
  if (!a || !b) return false;
  for (let l = 0; l < a.length; l += 2) if (!(a[l] <= b[l + 1] && b[l] <= a[l + 1])) return false;
  return true;
}

/** The least box around two. */
function join(a: Hull, b: Hull): Hull {
  if (!a || !b) return a ?? b;
  const out = new Float64Array(a.length);
  for (let l = 0; l < a.length; l += 2) {
    out[l] = Math.min(a[l], b[l]);
    out[l + 1] = Math.max(a[l + 1], b[l + 1]);
  }
  return out;
}

function hullOf(space: PacketSpace, node: Node): Hull {
  const box = hull(node, space.levelEnds);
  if (!box) return undefined;
  const out = new Float64Array(2 * box.length);
  for (let l = 0; l < box.length; l++) {
    out[2 * l] = Number(box[l][0]);
    out[2 * l + 1] = Number(box[l][1]);
  }
  return out;
}

/**
 * The blocks of one list: their boxes and their sets, each made when first needed. Only blocks
 * wholly before the set asked are tested against it (one that reaches past it is looked into), so
 * asking the first rules of a long list reads only the boxes of the rules before them.
 */
class Blocks {
  /** How many sets each level has blocks for (level 0: the sets themselves). */
  private readonly counts: number[];
  /** `hulls[k][s]`: the box of block `s` of level `k`, once made (null: not yet). */
  private readonly hulls: (Hull | null)[][];
  /** `trees[k][s]`: the union of block `s` of level `k`, once made. */
  private readonly trees: (Node | undefined)[][];
  /** One memo for every union of blocks. */
  private readonly unions: Context;

  constructor(
    private readonly space: PacketSpace,
    leaves: readonly Node[],
  ) {
    this.unions = context(space.levelEnds);
    this.counts = [leaves.length];
    while (this.counts[this.counts.length - 1] > 1)
      this.counts.push(Math.ceil(this.counts[this.counts.length - 1] / 2));
    this.hulls = this.counts.map((n) => new Array<Hull | null>(n).fill(null));
    this.trees = this.counts.map(() => []);
    this.trees[0] = leaves.slice();
  }

  /** The box of block `s` of level `k`. */
  hull(k: number, s: number): Hull {
    const known = this.hulls[k][s];
    if (known !== null) return known;
    const made =
      k === 0
        ? hullOf(this.space, this.trees[0][s]!)
        : join(this.hull(k - 1, 2 * s), 2 * s + 1 < this.counts[k - 1] ? this.hull(k - 1, 2 * s + 1) : undefined);
    return (this.hulls[k][s] = made);
  }

  /** The union of the sets of block `s` of level `k`. */
  tree(k: number, s: number): Node {
    const known = this.trees[k][s];
    if (known) return known;
    const left = this.tree(k - 1, 2 * s);
    const right = 2 * s + 1 < this.counts[k - 1] ? this.tree(k - 1, 2 * s + 1) : EMPTY;
    return (this.trees[k][s] = combine('union', left, right, 0, this.unions));
  }

  /** The blocks, all of sets before `i`, whose subtraction leaves set `i` less every set before it. */
  before(i: number, own: Hull, k = this.counts.length - 1, s = 0, out: number[] = []): number[] {
    const start = s << k;
    const whole = start + (1 << k) <= i;
    if (start >= i || (whole && !meets(this.hull(k, s), own))) return out;
    const left = 2 * s;
    const right = left + 1;
    const halves = k > 0 ? this.counts[k - 1] : 0;
    // A leaf, or a block before `i` whose two halves both meet the set: subtracted whole.
    if (
      k === 0 ||
      (whole && right < halves && meets(this.hull(k - 1, left), own) && meets(this.hull(k - 1, right), own))
    ) {
      out.push(k, s);
      return out;
    }
    this.before(i, own, k - 1, left, out);
    if (right < halves) this.before(i, own, k - 1, right, out);
    return out;
  }
}

/**
 * How many sets' differences share one memo: a memo keeps every part it met, and the parts of one
 * set are met again by the next sets only where they share them, so it is dropped now and then.
 */
const MEMO_SPAN = 64;

/** First match over one list: what each set decides, made when first asked ({@link firstMatcher}). */
export type FirstMatcher = (i: number) => PacketSet;

/**
 * First match over an ordered list of sets, within a scope: what each rule of a first-match list
 * decides when the sets are what the rules match. `decided(i)` is exactly `scope ∩ sets[i]` minus
 * `sets[0] ∪ ... ∪ sets[i - 1]`, made when first asked (a report that needs only some rules' parts
 * pays for those), then kept. The operations share their results on equal parts (sets built by
 * one {@link productBuilder} share theirs), so rules that differ in one field cost about the
 * work of that field.
 * @param scope the packets decided; every packet of the space by default
 * @throws ArgumentError naming a set that is not a set of the space; `decided` throws for an index out of the list
 */
export function firstMatcher(space: PacketSpace, sets: readonly PacketSet[], scope?: PacketSet): FirstMatcher {
  if (!(space instanceof PacketSpace)) throw new ArgumentError('space', space, 'a PacketSpace');
  for (let i = 0; i <= sets.length; i++) {
    const s = i < sets.length ? sets[i] : scope;
    if (s === undefined) continue;
    const name = i < sets.length ? `sets[${i}]` : 'scope';
    if (!(s instanceof PacketSet)) throw new ArgumentError(name, s, 'a PacketSet');
    if (s.space !== space) throw new ArgumentError(name, s.space.classes, 'a set of the packet space given');
  }
  let blocks: Blocks | undefined;
  const made: (PacketSet | undefined)[] = [];
  let within = context(space.levelEnds);
  let less = context(space.levelEnds);
  let count = 0;
  return (i) => {
    if (!Number.isInteger(i) || i < 0 || i >= sets.length) {
      throw new ArgumentError('i', i, `an index of the sets, 0-${sets.length - 1}`);
    }
    const known = made[i];
    if (known) return known;
    if (++count % MEMO_SPAN === 0) {
      within = context(space.levelEnds);
      less = context(space.levelEnds);
    }
    blocks ??= new Blocks(
      space,
      sets.map((s) => s.tree),
    );
    let decided = scope ? combine('intersection', sets[i].tree, scope.tree, 0, within) : sets[i].tree;
    const before = decided === EMPTY ? [] : blocks.before(i, blocks.hull(0, i));
    for (let b = 0; b < before.length && decided !== EMPTY; b += 2) {
      decided = combine('difference', decided, blocks.tree(before[b], before[b + 1]), 0, less);
    }
    return (made[i] = decided === sets[i].tree ? sets[i] : new PacketSet(space, decided));
  };
}
