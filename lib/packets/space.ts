import { ArgumentError } from '../model/errors';
import { ADDRESS_END } from './address';
import { type Bound, toBound } from './bound';
import { type Interval, type Node, boxTree, unionMany } from './tree';

/**
 * The six dimensions of a packet:
 * - `protocol`: the IANA protocol number, 0-255;
 * - `service`: what the protocol's header says about the service. For TCP (6) and UDP (17) the
 *   destination port, 0-65535; for ICMP (1) and ICMPv6 (58) `type * 256 + code`, 0-65535; for
 *   every other protocol only 0. One dimension serves all protocols because a packet has a port or
 *   a type and code, never both: separate dimensions would give each TCP packet a meaningless ICMP
 *   coordinate that every set must cover whole, and "all traffic" would no longer be a few boxes.
 *   Other protocols are pinned to 0 (rather than spanning 0-65535) so that each packet is one point
 *   and each set has one canonical form;
 * - `sourceClass`, `destinationClass`: the kind of host at each end, 0 for an external host (one
 *   carrying no group) and 1..n for the space's named host classes, in the order given;
 * - `sourceAddress`, `destinationAddress`: the address on the address line: IPv4 address `v` at `v`,
 *   IPv6 address `v` at `2^32 + v`. Both families live on one line so that "any address" is one
 *   interval and a CIDR of either family is one interval, while no CIDR's interval can reach into
 *   the other family and the two families' equal numbers (`10.0.0.1`, `::a00:1`) never meet.
 */
export type Dimension =
  'protocol' | 'service' | 'sourceClass' | 'sourceAddress' | 'destinationClass' | 'destinationAddress';

/** The dimensions, in the order boxes and packets list them. */
export const DIMENSIONS: readonly Dimension[] = Object.freeze([
  'protocol',
  'service',
  'sourceClass',
  'sourceAddress',
  'destinationClass',
  'destinationAddress',
]);

/**
 * The order in which a space's canonical tree splits the dimensions, unless told otherwise: both
 * host classes first, then the protocol and its service, the addresses last (most rules leave one
 * of them whole). Rules are written per group, so one group's rules form one subtree under the
 * classes that carry it. Of the orders measured in bench/packets.ts it is the one that stays small
 * for sets of inbound rules and of outbound rules alike; for sets of one direction only,
 * {@link INGRESS_ORDER} and {@link EGRESS_ORDER} are smaller still.
 */
export const DEFAULT_ORDER: readonly Dimension[] = Object.freeze([
  'destinationClass',
  'sourceClass',
  'protocol',
  'service',
  'sourceAddress',
  'destinationAddress',
]);

/**
 * An order for sets of inbound rules (each rule names the destination's classes and a source
 * group or CIDR): the destination class, then the traffic, then the source. A source CIDR rule
 * then sits once under its destination class instead of once per source class.
 */
export const INGRESS_ORDER: readonly Dimension[] = Object.freeze([
  'destinationClass',
  'protocol',
  'service',
  'sourceClass',
  'sourceAddress',
  'destinationAddress',
]);

/** The mirror of {@link INGRESS_ORDER}, for sets of outbound rules. */
export const EGRESS_ORDER: readonly Dimension[] = Object.freeze([
  'sourceClass',
  'protocol',
  'service',
  'destinationClass',
  'destinationAddress',
  'sourceAddress',
]);

/** The IANA protocol numbers that have a service coordinate other than 0. */
export const PROTOCOL_NUMBERS = Object.freeze({
  /** ICMP for IPv4: the service is `type * 256 + code`. */
  icmp: 1,
  /** TCP: the service is the destination port. */
  tcp: 6,
  /** UDP: the service is the destination port. */
  udp: 17,
  /** ICMPv6: the service is `type * 256 + code`. */
  icmpv6: 58,
} as const);

/** Options of a {@link PacketSpace}. */
export interface PacketSpaceOptions {
  /**
   * The order of the dimensions in the canonical tree, each once. Only speed and memory depend on
   * it; every result is the same set. Defaults to {@link DEFAULT_ORDER}.
   */
  readonly order?: readonly Dimension[];
}

function checkedClasses(classes: readonly string[]): ReadonlyMap<string, number> {
  if (!Array.isArray(classes)) throw new ArgumentError('classes', classes, 'an array of host class names');
  const index = new Map<string, number>();
  classes.forEach((name, i) => {
    if (typeof name !== 'string' || name === '') {
      throw new ArgumentError(`classes[${i}]`, name, 'a host class name: a non-empty string');
    }
    if (index.has(name)) {
      throw new ArgumentError(`classes[${i}]`, name, `a name not used before (it is classes[${index.get(name)! - 1}])`);
    }
    index.set(name, i + 1);
  });
  return index;
}

function checkedOrder(order: readonly Dimension[]): readonly Dimension[] {
  const ok = Array.isArray(order) && order.length === DIMENSIONS.length && DIMENSIONS.every((d) => order.includes(d));
  if (!ok) throw new ArgumentError('order', order, `each of ${DIMENSIONS.join(', ')} once`);
  return [...order];
}

/**
 * The packets a set may hold, in one site: the host classes it names and the order of its trees.
 * Sets of different spaces do not mix (their class numbers mean different hosts).
 */
export class PacketSpace {
  /** The named host classes, in order; class number `i + 1` is `classes[i]`, 0 is external. */
  readonly classes: readonly string[];
  /** The order of the dimensions in this space's canonical trees. */
  readonly order: readonly Dimension[];
  /** The class number of each named class. */
  readonly classNumber: ReadonlyMap<string, number>;
  /** The exclusive end of each dimension, by dimension. */
  readonly dimensionEnd: Readonly<Record<Dimension, Bound>>;
  /** The exclusive end of the dimension at each tree level. */
  readonly levelEnds: readonly Bound[];
  /** The tree level of each dimension. */
  readonly levelOf: Readonly<Record<Dimension, number>>;
  /** The tree of every packet: the canonical service range of each protocol, any ends. */
  readonly universe: Node;

  /**
   * @param classes the named host classes, each name once
   * @param options the tree order
   * @throws ArgumentError for a duplicate or empty class name or an order that is not a permutation
   */
  constructor(classes: readonly string[], options: PacketSpaceOptions = {}) {
    this.classNumber = checkedClasses(classes);
    this.classes = [...classes];
    this.order = checkedOrder(options.order ?? DEFAULT_ORDER);
    const addressEnd = toBound(ADDRESS_END);
    const classEnd = classes.length + 1;
    this.dimensionEnd = {
      protocol: 256,
      service: 65536,
      sourceClass: classEnd,
      sourceAddress: addressEnd,
      destinationClass: classEnd,
      destinationAddress: addressEnd,
    };
    this.levelEnds = this.order.map((d) => this.dimensionEnd[d]);
    this.levelOf = Object.fromEntries(this.order.map((d, l) => [d, l])) as Record<Dimension, number>;
    this.universe = unionMany(
      [this.box({ protocol: WITH_SERVICE, service: [[0, 65536]] }), this.box({ protocol: pinnedProtocols() })],
      0,
      this.levelEnds,
    );
  }

  /**
   * The tree of one box: the given intervals (sorted, disjoint, half-open) on the dimensions named,
   * every value on the others; `service` defaults to `[0, 1)` so that a box stays in the universe
   * only if the caller widens it for the protocols that have services.
   */
  box(intervals: Partial<Record<Dimension, readonly Interval[]>>): Node {
    const full = (d: Dimension): readonly Interval[] => [[0, this.dimensionEnd[d]]];
    const levels = this.order.map((d) => intervals[d] ?? (d === 'service' ? [[0, 1] as const] : full(d)));
    return boxTree(levels, this.levelEnds);
  }
}

/** The protocols with a service coordinate, as intervals. */
const WITH_SERVICE: readonly Interval[] = Object.freeze(
  Object.values(PROTOCOL_NUMBERS)
    .sort((a, b) => a - b)
    .map((p) => [p, p + 1] as const),
);

/** Every other protocol, as intervals. */
function pinnedProtocols(): Interval[] {
  const out: Interval[] = [];
  let from = 0;
  for (const [p] of WITH_SERVICE) {
    if (from < (p as number)) out.push([from, p]);
    from = (p as number) + 1;
  }
  out.push([from, 256]);
  return out;
}

/**
 * The protocols `[from, to)` cut into pieces that read alike: each protocol with a service (TCP,
 * UDP, ICMP, ICMPv6) alone, and the runs of other protocols between them. Half-open pieces, in order.
 */
export function protocolPieces(from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = from; a < to;) {
    const next = WITH_SERVICE.find(([p]) => (p as number) >= a);
    const named = next?.[0] === a;
    const b = named ? a + 1 : Math.min(to, next ? (next[0] as number) : 256);
    out.push([a, b]);
    a = b;
  }
  return out;
}
