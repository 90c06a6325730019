// A small universe of packets, enumerated whole, and an oracle that decides each packet by the
// meaning of a spec alone (no intervals, no trees): the engine's sets are checked against it.
import fc from 'fast-check';
import {
  DIMENSIONS,
  PacketSpace,
  complement,
  difference,
  intersection,
  noPackets,
  packets,
  union,
  unionAll,
  type Dimension,
  type EndpointSpec,
  type Packet,
  type PacketSet,
  type PacketSpec,
} from '../../lib/packets';
import { coordinatesOf } from '../../lib/packets/packet';
import { member } from '../../lib/packets/tree';

export const CLASSES = ['a', 'b'];
/** Class of each class number: 0 external. */
const CLASS_OF: (string | undefined)[] = [undefined, 'a', 'b'];
export const ADDRESSES = [
  '10.0.0.0',
  '10.0.0.1',
  '10.0.0.2',
  '10.0.0.3',
  '2001:db8::',
  '2001:db8::1',
  '2001:db8::2',
  '2001:db8::3',
];
/** CIDRs and the indexes (in ADDRESSES) each contains, worked out by hand. */
export const CIDRS: readonly (readonly [string, readonly number[]])[] = [
  ['10.0.0.0/30', [0, 1, 2, 3]],
  ['10.0.0.0/31', [0, 1]],
  ['10.0.0.2/31', [2, 3]],
  ['10.0.0.1', [1]],
  ['10.0.0.3/32', [3]],
  ['0.0.0.0/0', [0, 1, 2, 3]],
  ['10.0.1.0/24', []],
  ['2001:db8::/126', [4, 5, 6, 7]],
  ['2001:db8::2/127', [6, 7]],
  ['2001:db8::1', [5]],
  ['::/0', [4, 5, 6, 7]],
  ['2001:db8::/32', [4, 5, 6, 7]],
  // The same numbers as 10.0.0.0/30, in IPv6: none of the IPv4 addresses.
  ['::a00:0/126', []],
  ['::ffff:10.0.0.0/126', []],
];
export const PROTOCOLS = [1, 6, 17, 58, 99];
/** The service values of the small universe per protocol. */
const SERVICES: Record<number, number[]> = {
  1: [0, 1, 2, 3, 2048, 2049, 2050, 2051], // ICMP type 0 and type 8, codes 0-3
  6: [0, 1, 2, 3, 4, 5, 6, 7],
  17: [0, 1, 2, 3, 4, 5, 6, 7],
  58: [0, 1, 2, 3, 2048, 2049, 2050, 2051],
  99: [0],
};

/** One packet of the universe by its parts. */
export interface Point {
  readonly protocol: number;
  readonly service: number;
  readonly sourceClass: number;
  readonly sourceAddress: number;
  readonly destinationClass: number;
  readonly destinationAddress: number;
}

export function packetOf(p: Point): Packet {
  const end = (c: number, a: number) => ({
    address: ADDRESSES[a],
    ...(CLASS_OF[c] ? { hostClass: CLASS_OF[c] } : {}),
  });
  const ends = {
    source: end(p.sourceClass, p.sourceAddress),
    destination: end(p.destinationClass, p.destinationAddress),
  };
  if (p.protocol === 6 || p.protocol === 17) return { protocol: p.protocol, port: p.service, ...ends };
  if (p.protocol === 1 || p.protocol === 58) {
    return { protocol: p.protocol, icmpType: p.service >> 8, icmpCode: p.service & 255, ...ends };
  }
  return { protocol: p.protocol, ...ends };
}

/** Every packet of the universe. */
export const POINTS: readonly Point[] = PROTOCOLS.flatMap((protocol) =>
  SERVICES[protocol].flatMap((service) =>
    [0, 1, 2].flatMap((sourceClass) =>
      ADDRESSES.flatMap((_, sourceAddress) =>
        [0, 1, 2].flatMap((destinationClass) =>
          ADDRESSES.map((__, destinationAddress) => ({
            protocol,
            service,
            sourceClass,
            sourceAddress,
            destinationClass,
            destinationAddress,
          })),
        ),
      ),
    ),
  ),
);

/** A bitmap over POINTS. */
export type Bits = Uint8Array;

const ENDPOINT_OK = (e: EndpointSpec | undefined, cls: number, addr: number): boolean => {
  if (!e) return true;
  const anyClass = e.classes === undefined && e.external === undefined;
  const classOk = anyClass || (cls === 0 ? e.external === true : (e.classes ?? []).includes(CLASS_OF[cls]!));
  const addrOk = e.addresses === undefined || e.addresses.some((c) => CIDRS.find(([t]) => t === c)![1].includes(addr));
  return classOk && addrOk;
};

const NAMED: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 };

/** Whether the spec admits the packet, from the spec's meaning. */
export function admits(spec: PacketSpec, p: Point): boolean {
  const proto =
    spec.protocol === undefined || spec.protocol === 'all' ? undefined : (NAMED[spec.protocol] ?? spec.protocol);
  if (proto !== undefined && p.protocol !== proto) return false;
  if (spec.ports !== undefined) {
    const list = Array.isArray(spec.ports) ? spec.ports : [spec.ports];
    const inRange = (r: number | { from: number; to: number }) =>
      typeof r === 'number' ? p.service === r : r.from <= p.service && p.service <= r.to;
    if (!list.some(inRange)) return false;
  }
  if (spec.icmp?.type !== undefined && p.service >> 8 !== spec.icmp.type) return false;
  if (spec.icmp?.code !== undefined && (p.service & 255) !== spec.icmp.code) return false;
  return (
    ENDPOINT_OK(spec.source, p.sourceClass, p.sourceAddress) &&
    ENDPOINT_OK(spec.destination, p.destinationClass, p.destinationAddress)
  );
}

/** An expression over specs. */
export type Expr =
  | { readonly spec: PacketSpec }
  | { readonly op: 'union' | 'intersection' | 'difference'; readonly a: Expr; readonly b: Expr }
  | { readonly complement: Expr };

const endpointArb: fc.Arbitrary<EndpointSpec | undefined> = fc.option(
  fc.record(
    {
      classes: fc.subarray(CLASSES),
      external: fc.boolean(),
      addresses: fc.subarray(
        CIDRS.map(([t]) => t),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

const portArb = fc.oneof(
  fc.integer({ min: 0, max: 9 }),
  fc
    .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }))
    .map(([x, y]) => ({ from: Math.min(x, y), to: Math.max(x, y) })),
);

/** A spec whose fields fit its protocol. */
export const specArb: fc.Arbitrary<PacketSpec> = fc
  .record({
    protocol: fc.constantFrom<PacketSpec['protocol']>('tcp', 'udp', 'icmp', 'icmpv6', 99, 6, 'all', undefined),
    ports: fc.option(fc.oneof(portArb, fc.array(portArb, { maxLength: 3 })), { nil: undefined }),
    icmp: fc.option(
      fc.record({
        type: fc.constantFrom(0, 3, 8),
        code: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    source: endpointArb,
    destination: endpointArb,
  })
  .map(({ protocol, ports, icmp, source, destination }) => {
    const tcpUdp = protocol === 'tcp' || protocol === 'udp' || protocol === 6;
    const isIcmp = protocol === 'icmp' || protocol === 'icmpv6';
    const spec: Record<string, unknown> = {};
    if (protocol !== undefined) spec.protocol = protocol;
    if (tcpUdp && ports !== undefined) spec.ports = ports;
    if (isIcmp && icmp !== undefined) spec.icmp = icmp.code === undefined ? { type: icmp.type } : icmp;
    if (source) spec.source = source;
    if (destination) spec.destination = destination;
    return spec as PacketSpec;
  });

export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    specArb.map((spec) => ({ spec })),
    fc.record({
      op: fc.constantFrom('union' as const, 'intersection' as const, 'difference' as const),
      a: tie('e'),
      b: tie('e'),
    }),
    tie('e').map((e) => ({ complement: e })),
  ),
})).e;

/** A tree order: a permutation of the dimensions. */
export const orderArb: fc.Arbitrary<Dimension[]> = fc.shuffledSubarray([...DIMENSIONS], {
  minLength: DIMENSIONS.length,
  maxLength: DIMENSIONS.length,
});

/** The specs whose union is the small universe. */
function universeSpecs(): PacketSpec[] {
  const ends = { addresses: ['10.0.0.0/30', '2001:db8::/126'] };
  const end = { source: ends, destination: ends };
  const icmp = (protocol: 'icmp' | 'icmpv6') =>
    [0, 8].flatMap((type) => [0, 1, 2, 3].map((code) => ({ protocol, icmp: { type, code }, ...end })));
  return [
    { protocol: 'tcp', ports: { from: 0, to: 7 }, ...end },
    { protocol: 'udp', ports: { from: 0, to: 7 }, ...end },
    ...icmp('icmp'),
    ...icmp('icmpv6'),
    { protocol: 99, ...end },
  ];
}

/** The coordinates of every point (the same in every space with these classes, whatever its order). */
const BASE = new PacketSpace(CLASSES);
const COORDINATES = POINTS.map((p) => coordinatesOf(BASE, packetOf(p), 'packet'));

/** The coordinates of point `i`, by dimension, as bigints. */
export function coordinatesAt(i: number): Record<Dimension, bigint> {
  const c = COORDINATES[i];
  return Object.fromEntries(DIMENSIONS.map((d) => [d, BigInt(c[d])])) as Record<Dimension, bigint>;
}

/** A space with its small universe and the points' coordinates, for fast membership. */
export class Small {
  readonly universe: PacketSet;
  private readonly coords: (number | bigint)[][];

  constructor(readonly space: PacketSpace) {
    this.universe = unionAll(
      space,
      universeSpecs().map((s) => packets(space, s)),
    );
    this.coords = COORDINATES.map((c) => space.order.map((d) => c[d]));
  }

  /** The engine's set of an expression, kept to the small universe. */
  eval(e: Expr): PacketSet {
    if ('spec' in e) return intersection(packets(this.space, e.spec), this.universe);
    if ('complement' in e) return intersection(complement(this.eval(e.complement)), this.universe);
    const f = { union, intersection, difference }[e.op];
    return f(this.eval(e.a), this.eval(e.b));
  }

  /** Which points the engine's set holds. */
  bits(s: PacketSet): Bits {
    return Uint8Array.from(this.coords, (c) => (member(s.tree, c) ? 1 : 0));
  }

  /** The empty set. */
  none(): PacketSet {
    return noPackets(this.space);
  }
}

/** The oracle's points of an expression. */
export function oracle(e: Expr): Bits {
  if ('spec' in e) return Uint8Array.from(POINTS, (p) => (admits(e.spec, p) ? 1 : 0));
  if ('complement' in e) return oracle(e.complement).map((x) => 1 - x);
  const a = oracle(e.a);
  const b = oracle(e.b);
  if (e.op === 'union') return a.map((x, i) => x | b[i]);
  if (e.op === 'intersection') return a.map((x, i) => x & b[i]);
  return a.map((x, i) => x & (1 - b[i]));
}
