// The baseline for bench/packets.ts: the textbook exact representation, a list of disjoint boxes,
// with all-pairs operations. A new box joins the list by subtracting every box already in it; a
// difference subtracts every box of one list from every box of the other. Exact, like the engine,
// but its cost grows with the product of the list sizes.

/** A half-open interval; bounds compare across number and bigint. */
type Interval = readonly [number | bigint, number | bigint];
/** One interval per dimension. */
export type Box = readonly Interval[];

const disjoint = (a: Box, b: Box): boolean => a.some(([lo, hi], d) => hi <= b[d][0] || b[d][1] <= lo);

/** `a` minus `b` as at most two boxes per dimension, disjoint. */
function subtract(a: Box, b: Box): Box[] {
  if (disjoint(a, b)) return [a];
  const out: Box[] = [];
  const rest = [...a];
  for (let d = 0; d < rest.length; d++) {
    const [lo, hi] = rest[d];
    if (lo < b[d][0]) out.push(rest.map((x, k) => (k === d ? ([lo, b[d][0]] as const) : x)));
    if (b[d][1] < hi) out.push(rest.map((x, k) => (k === d ? ([b[d][1], hi] as const) : x)));
    rest[d] = [lo < b[d][0] ? b[d][0] : lo, b[d][1] < hi ? b[d][1] : hi];
  }
  return out;
}

/** The boxes of `a` less every box of `b`. */
export function difference(a: readonly Box[], b: readonly Box[]): Box[] {
  let out = [...a];
  for (const x of b) out = out.flatMap((y) => subtract(y, x));
  return out;
}

/** The union of boxes, as a disjoint list: each box less the boxes before it. */
export function unionAll(boxes: readonly Box[]): Box[] {
  const out: Box[] = [];
  for (const b of boxes) out.push(...difference([b], out));
  return out;
}

/** How many points the disjoint boxes hold. */
export function volume(boxes: readonly Box[]): bigint {
  return boxes.reduce((sum, b) => sum + b.reduce((p, [lo, hi]) => p * (BigInt(hi) - BigInt(lo)), 1n), 0n);
}
