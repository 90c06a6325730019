// Properties over real-size sets (whole port ranges, /0 to /128 CIDRs of both families, every
// class), which the small universe cannot hold: one canonical form however a set is built, the
// algebraic laws, exact counts, and membership of packets at the edges of the ranges against an
// oracle that reads CIDRs with lib/model's parser.
import fc from 'fast-check';
import { cidrContains, parseCidr } from '../../lib/model';
import {
  PacketSpace,
  allPackets,
  boxes,
  complement,
  difference,
  equals,
  has,
  intersection,
  isEmpty,
  isSubset,
  noPackets,
  packetCount,
  packets,
  union,
  unionAll,
  witness,
  type EndpointSpec,
  type Packet,
  type PacketSet,
  type PacketSpec,
} from '../../lib/packets';
import { orderArb } from './universe';

const CLASSES = ['web', 'db', 'sg:info'];
const CIDRS = [
  '0.0.0.0/0',
  '10.0.0.0/8',
  '10.0.0.0/24',
  '10.0.0.0/28',
  '10.0.0.16/28',
  '10.0.0.255',
  '255.255.255.255/32',
  '::/0',
  '2001:db8::/32',
  '2001:db8::/64',
  '2001:db8:0:1::/64',
  '2001:db8::1',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128',
  '::a00:0/120',
];
const ADDRESSES = [
  '0.0.0.0',
  '9.255.255.255',
  '10.0.0.0',
  '10.0.0.15',
  '10.0.0.16',
  '10.0.0.31',
  '10.0.0.255',
  '10.0.1.0',
  '255.255.255.255',
  '::',
  '::a00:1',
  '2001:db8::',
  '2001:db8::1',
  '2001:db8::ffff:ffff:ffff:ffff',
  '2001:db8:0:1::',
  '2001:db9::',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];
const PORTS = [0, 1, 22, 79, 80, 81, 443, 1000, 1004, 1005, 1009, 1023, 1024, 65534, 65535];

const endpointArb: fc.Arbitrary<EndpointSpec | undefined> = fc.option(
  fc.record(
    { classes: fc.subarray(CLASSES), external: fc.boolean(), addresses: fc.subarray(CIDRS, { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);
const rangeArb = fc
  .tuple(fc.constantFrom(...PORTS), fc.constantFrom(...PORTS))
  .map(([x, y]) => ({ from: Math.min(x, y), to: Math.max(x, y) }));

const specArb: fc.Arbitrary<PacketSpec> = fc.oneof(
  fc.record({
    protocol: fc.constantFrom('tcp' as const, 'udp' as const),
    ports: fc.option(fc.array(rangeArb, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    source: endpointArb,
    destination: endpointArb,
  }),
  fc.record({
    protocol: fc.constantFrom('icmp' as const, 'icmpv6' as const),
    icmp: fc.option(
      fc.oneof(
        fc.record({ type: fc.constantFrom(0, 3, 8, 255) }),
        fc.record({ type: fc.constantFrom(3, 8), code: fc.constantFrom(0, 1, 255) }),
      ),
      { nil: undefined },
    ),
    source: endpointArb,
    destination: endpointArb,
  }),
  fc.record({
    protocol: fc.constantFrom<PacketSpec['protocol']>('all', 0, 50, 255),
    source: endpointArb,
    destination: endpointArb,
  }),
);

type Expr = { spec: PacketSpec } | { op: 'union' | 'intersection' | 'difference'; a: Expr; b: Expr } | { not: Expr };
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    specArb.map((spec) => ({ spec })),
    fc.record({
      op: fc.constantFrom('union' as const, 'intersection' as const, 'difference' as const),
      a: tie('e'),
      b: tie('e'),
    }),
    tie('e').map((e) => ({ not: e })),
  ),
})).e;

function evaluate(space: PacketSpace, e: Expr): PacketSet {
  if ('spec' in e) return packets(space, e.spec);
  if ('not' in e) return complement(evaluate(space, e.not));
  return { union, intersection, difference }[e.op](evaluate(space, e.a), evaluate(space, e.b));
}

const NAMED: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 };
const address = (a: string) => parseCidr(`${a}/${a.includes(':') ? 128 : 32}`)!;
function endpointOk(e: EndpointSpec | undefined, end: Packet['source']): boolean {
  if (!e) return true;
  const anyClass = e.classes === undefined && e.external === undefined;
  const classOk = anyClass || (end.hostClass ? (e.classes ?? []).includes(end.hostClass) : e.external === true);
  const addrOk =
    e.addresses === undefined ||
    e.addresses.some((c) =>
      cidrContains(parseCidr(c.includes('/') ? c : `${c}/${c.includes(':') ? 128 : 32}`)!, address(end.address)),
    );
  return classOk && addrOk;
}
function admits(spec: PacketSpec, p: Packet): boolean {
  const proto =
    spec.protocol === undefined || spec.protocol === 'all' ? undefined : (NAMED[spec.protocol] ?? spec.protocol);
  if (proto !== undefined && p.protocol !== proto) return false;
  const ports = spec.ports === undefined ? undefined : Array.isArray(spec.ports) ? spec.ports : [spec.ports];
  if (ports && !ports.some((r: { from: number; to: number }) => r.from <= p.port! && p.port! <= r.to)) return false;
  if (spec.icmp?.type !== undefined && p.icmpType !== spec.icmp.type) return false;
  if (spec.icmp?.code !== undefined && p.icmpCode !== spec.icmp.code) return false;
  return endpointOk(spec.source, p.source) && endpointOk(spec.destination, p.destination);
}
function holds(e: Expr, p: Packet): boolean {
  if ('spec' in e) return admits(e.spec, p);
  if ('not' in e) return !holds(e.not, p);
  const [a, b] = [holds(e.a, p), holds(e.b, p)];
  return e.op === 'union' ? a || b : e.op === 'intersection' ? a && b : a && !b;
}

const endArb = fc
  .record({ address: fc.constantFrom(...ADDRESSES), hostClass: fc.constantFrom(undefined, ...CLASSES) })
  .map((e) => (e.hostClass === undefined ? { address: e.address } : { address: e.address, hostClass: e.hostClass }));
const packetArb: fc.Arbitrary<Packet> = fc
  .tuple(
    fc.constantFrom(1, 6, 17, 58, 0, 50, 255),
    fc.constantFrom(...PORTS),
    fc.constantFrom(0, 3, 8, 255),
    fc.constantFrom(0, 1, 255),
    endArb,
    endArb,
  )
  .map(([protocol, port, icmpType, icmpCode, source, destination]) =>
    protocol === 6 || protocol === 17
      ? { protocol, port, source, destination }
      : protocol === 1 || protocol === 58
        ? { protocol, icmpType, icmpCode, source, destination }
        : { protocol, source, destination },
  );

const spaceOf = (order: PacketSpace['order']) => new PacketSpace(CLASSES, { order });
const json = (s: PacketSet) => JSON.stringify(boxes(s), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));

describe('real-size sets', () => {
  test('membership at the edges of ranges and CIDRs agrees with the specs', () => {
    fc.assert(
      fc.property(orderArb, exprArb, fc.array(packetArb, { minLength: 1, maxLength: 30 }), (order, e, ps) => {
        const set = evaluate(spaceOf(order), e);
        for (const p of ps) expect([p, has(set, p)]).toEqual([p, holds(e, p)]);
      }),
    );
  });

  test('one canonical form however a set is put together', () => {
    fc.assert(
      fc.property(orderArb, fc.array(specArb, { minLength: 1, maxLength: 6 }), (order, specs) => {
        const space = spaceOf(order);
        const parts = specs.map((s) => packets(space, s));
        const left = parts.reduce((x, y) => union(x, y));
        const balanced = unionAll(space, [...parts].reverse());
        // Built again from scratch, so no part is shared with the first build.
        const again = specs.map((s) => packets(space, s)).reduceRight((x, y) => union(y, x));
        const viaComplement = complement(complement(left));
        for (const other of [balanced, again, viaComplement]) {
          expect(equals(left, other)).toBe(true);
          expect(json(other)).toBe(json(left));
        }
      }),
    );
  });

  test('equality is the double difference, and boxes are equal exactly when sets are', () => {
    fc.assert(
      fc.property(orderArb, exprArb, exprArb, (order, e1, e2) => {
        const space = spaceOf(order);
        const [a, b] = [evaluate(space, e1), evaluate(space, e2)];
        const equal = isEmpty(difference(a, b)) && isEmpty(difference(b, a));
        expect(equals(a, b)).toBe(equal);
        expect(json(a) === json(b)).toBe(equal);
        expect(isSubset(a, b)).toBe(isEmpty(difference(a, b)));
      }),
    );
  });

  test('laws: De Morgan, distributivity, complement twice, inclusion-exclusion of counts', () => {
    fc.assert(
      fc.property(orderArb, exprArb, exprArb, exprArb, (order, e1, e2, e3) => {
        const space = spaceOf(order);
        const [a, b, c] = [evaluate(space, e1), evaluate(space, e2), evaluate(space, e3)];
        expect(equals(complement(union(a, b)), intersection(complement(a), complement(b)))).toBe(true);
        expect(equals(complement(complement(a)), a)).toBe(true);
        expect(equals(intersection(a, union(b, c)), union(intersection(a, b), intersection(a, c)))).toBe(true);
        expect(equals(union(union(a, b), c), union(a, union(b, c)))).toBe(true);
        expect(packetCount(union(a, b)) + packetCount(intersection(a, b))).toBe(packetCount(a) + packetCount(b));
        expect(packetCount(a) + packetCount(complement(a))).toBe(packetCount(allPackets(space)));
        expect(equals(union(a, complement(a)), allPackets(space))).toBe(true);
        expect(equals(intersection(a, complement(a)), noPackets(space))).toBe(true);
      }),
    );
  });

  test('a witness of a real-size set is in it, and none exists for an empty one', () => {
    fc.assert(
      fc.property(orderArb, exprArb, (order, e) => {
        const set = evaluate(spaceOf(order), e);
        const w = witness(set);
        expect(w === undefined).toBe(isEmpty(set));
        if (w) {
          expect(has(set, w)).toBe(true);
          expect(holds(e, w)).toBe(true);
        }
      }),
    );
  });
});
