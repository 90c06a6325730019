// The engine against brute force: on a small universe (5 protocols, 8 services each, 3 host classes,
// 4 IPv4 and 4 IPv6 addresses: 19,008 packets) every set is enumerated packet by packet and
// compared with an oracle that reads the specs' meaning directly. Spaces use random tree orders:
// the order may change speed, never a result.
import fc from 'fast-check';
import {
  DIMENSIONS,
  PacketSpace,
  boxes,
  describeSet,
  difference,
  equals,
  has,
  inSpace,
  intersection,
  isEmpty,
  isSubset,
  packetCount,
  project,
  summarize,
  union,
  witness,
  type Dimension,
  type PacketSet,
} from '../../lib/packets';
import { POINTS, Small, coordinatesAt, exprArb, oracle, orderArb, packetOf, type Bits } from './universe';

const smalls = new Map<string, Small>();
/** One Small per order, made once. */
function small(order: readonly Dimension[]): Small {
  const key = order.join(',');
  let s = smalls.get(key);
  if (!s) smalls.set(key, (s = new Small(new PacketSpace(['a', 'b'], { order }))));
  return s;
}

const sameBits = (x: Bits, y: Bits) => x.every((v, i) => v === y[i]);
const count = (x: Bits) => x.reduce((n, v) => n + v, 0);
const show = (s: PacketSet) => describeSet(s).join('\n');

describe('set operations agree with enumerating every packet', () => {
  test('membership of any expression (union, intersection, difference, complement)', () => {
    fc.assert(
      fc.property(orderArb, exprArb, (order, e) => {
        const u = small(order);
        const set = u.eval(e);
        const want = oracle(e);
        expect(sameBits(u.bits(set), want)).toBe(true);
        expect(isEmpty(set)).toBe(count(want) === 0);
        expect(packetCount(set)).toBe(BigInt(count(want)));
      }),
    );
  });

  test('equals, isSubset and the canonical form decide as the packets do', () => {
    fc.assert(
      fc.property(orderArb, exprArb, exprArb, (order, e1, e2) => {
        const u = small(order);
        const [a, b] = [u.eval(e1), u.eval(e2)];
        const [x, y] = [oracle(e1), oracle(e2)];
        const equal = sameBits(x, y);
        expect(equals(a, b)).toBe(equal);
        expect(isSubset(a, b)).toBe(x.every((v, i) => v <= y[i]));
        // Equal sets have one form: the same boxes and the same text.
        expect(JSON.stringify(boxes(a), big) === JSON.stringify(boxes(b), big)).toBe(equal);
        if (equal) expect(show(a)).toBe(show(b));
        // Double difference: equal exactly when both differences are empty.
        expect(isEmpty(difference(a, b)) && isEmpty(difference(b, a))).toBe(equal);
      }),
    );
  });

  test('a witness is in the set, is the least packet in tree order, and exists exactly when the set is not empty', () => {
    fc.assert(
      fc.property(orderArb, exprArb, (order, e) => {
        const u = small(order);
        const set = u.eval(e);
        const want = oracle(e);
        const w = witness(set);
        if (count(want) === 0) return expect(w).toBeUndefined();
        expect(w).toBeDefined();
        expect(has(set, w!)).toBe(true);
        // The least member by the space's order, found by brute force.
        const rank = (i: number) => order.map((d) => POINTS[i][d]);
        let best = -1;
        want.forEach((v, i) => {
          if (!v) return;
          if (best < 0) best = i;
          else {
            const [r, s] = [rank(i), rank(best)];
            const k = r.findIndex((x, j) => x !== s[j]);
            if (k >= 0 && r[k] < s[k]) best = i;
          }
        });
        expect(w).toEqual(packetOf(POINTS[best]));
      }),
    );
  });

  test('has() answers for single packets as the oracle does', () => {
    fc.assert(
      fc.property(orderArb, exprArb, fc.array(fc.nat(POINTS.length - 1), { maxLength: 20 }), (order, e, picks) => {
        const u = small(order);
        const set = u.eval(e);
        const want = oracle(e);
        for (const i of picks) expect(has(set, packetOf(POINTS[i]))).toBe(want[i] === 1);
      }),
    );
  });

  test('the boxes are disjoint and cover exactly the set', () => {
    fc.assert(
      fc.property(orderArb, exprArb, (order, e) => {
        const set = small(order).eval(e);
        const bs = boxes(set);
        const covered = POINTS.map((_, i) => {
          const c = coordinatesAt(i);
          return bs.filter((b) => DIMENSIONS.every((d) => b[d].from <= c[d] && c[d] <= b[d].to)).length;
        });
        expect(covered.every((n) => n <= 1)).toBe(true);
        expect(sameBits(Uint8Array.from(covered), oracle(e))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  test('project keeps exactly the combinations of the kept dimensions that occur', () => {
    const keepArb = fc.subarray([...DIMENSIONS], { minLength: 1 });
    fc.assert(
      fc.property(orderArb, exprArb, keepArb, (order, e, keep) => {
        const u = small(order);
        const shadow = intersection(project(u.eval(e), keep), u.universe);
        const want = oracle(e);
        const key = (i: number) => keep.map((d) => POINTS[i][d]).join(',');
        const present = new Set<string>();
        POINTS.forEach((_, i) => want[i] && present.add(key(i)));
        const expected = Uint8Array.from(POINTS, (_, i) => (present.has(key(i)) ? 1 : 0));
        expect(sameBits(u.bits(shadow), expected)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  test('summaries are disjoint, cover the set, and each holds only its classes and protocol', () => {
    fc.assert(
      fc.property(orderArb, exprArb, (order, e) => {
        const u = small(order);
        const set = u.eval(e);
        const parts = summarize(set);
        const seen = new Uint8Array(POINTS.length);
        const misplaced: number[] = [];
        for (const part of parts) {
          expect(isEmpty(part.set)).toBe(false);
          const source = part.sourceClass ? ['a', 'b'].indexOf(part.sourceClass) + 1 : 0;
          const destination = part.destinationClass ? ['a', 'b'].indexOf(part.destinationClass) + 1 : 0;
          const protocolOk = (p: number) =>
            part.protocol === 'other' ? ![1, 6, 17, 58].includes(p) : p === part.protocol;
          u.bits(part.set).forEach((v, i) => {
            if (!v) return;
            const p = POINTS[i];
            seen[i] += 1;
            if (p.sourceClass !== source || p.destinationClass !== destination || !protocolOk(p.protocol))
              misplaced.push(i);
          });
        }
        expect(misplaced).toEqual([]);
        expect(sameBits(seen, oracle(e))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  test('a set moved to a space of another order holds the same packets', () => {
    fc.assert(
      fc.property(orderArb, orderArb, exprArb, (o1, o2, e) => {
        const [u1, u2] = [small(o1), small(o2)];
        const moved = inSpace(u1.eval(e), u2.space);
        expect(sameBits(u2.bits(moved), oracle(e))).toBe(true);
        expect(equals(moved, u2.eval(e))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('algebraic laws (checked as set equality)', () => {
  const three = fc.tuple(orderArb, exprArb, exprArb, exprArb);

  test('union and intersection are commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(three, ([order, e1, e2, e3]) => {
        const u = small(order);
        const [a, b, c] = [u.eval(e1), u.eval(e2), u.eval(e3)];
        for (const f of [union, intersection]) {
          expect(equals(f(a, b), f(b, a))).toBe(true);
          expect(equals(f(f(a, b), c), f(a, f(b, c)))).toBe(true);
          expect(equals(f(a, a), a)).toBe(true);
        }
      }),
    );
  });

  test('distributivity, absorption, and difference as intersection with the complement', () => {
    fc.assert(
      fc.property(three, ([order, e1, e2, e3]) => {
        const u = small(order);
        const [a, b, c] = [u.eval(e1), u.eval(e2), u.eval(e3)];
        const not = (x: PacketSet) => difference(u.universe, x);
        expect(equals(intersection(a, union(b, c)), union(intersection(a, b), intersection(a, c)))).toBe(true);
        expect(equals(union(a, intersection(b, c)), intersection(union(a, b), union(a, c)))).toBe(true);
        expect(equals(union(a, intersection(a, b)), a)).toBe(true);
        expect(equals(difference(a, b), intersection(a, not(b)))).toBe(true);
        expect(equals(not(union(a, b)), intersection(not(a), not(b)))).toBe(true);
        expect(equals(union(a, difference(b, a)), union(a, b))).toBe(true);
        expect(isEmpty(intersection(difference(a, b), b))).toBe(true);
        expect(equals(difference(a, difference(a, b)), intersection(a, b))).toBe(true);
      }),
    );
  });

  test('the empty set and the universe are identities', () => {
    fc.assert(
      fc.property(orderArb, exprArb, (order, e) => {
        const u = small(order);
        const a = u.eval(e);
        expect(equals(union(a, u.none()), a)).toBe(true);
        expect(equals(intersection(a, u.universe), a)).toBe(true);
        expect(isEmpty(difference(a, a))).toBe(true);
        expect(isSubset(u.none(), a) && isSubset(a, u.universe)).toBe(true);
      }),
    );
  });
});

/** Bigints as text, for comparing box lists as JSON. */
function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
