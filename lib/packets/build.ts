import { ArgumentError } from '../model/errors';
import { addressBounds, addressInterval } from './address';
import { hasIcmp, hasPorts } from './packet';
import { PacketSet } from './set';
import { type Dimension, DIMENSIONS, PROTOCOL_NUMBERS, PacketSpace } from './space';
import { EMPTY, FULL, type Interval, type Node, combine, context, normalize, segments } from './tree';
import { type Bound, toBound } from './bound';

/** A protocol by name. */
export type ProtocolName = keyof typeof PROTOCOL_NUMBERS;

/** A protocol: a name, an IANA number 0-255, or `all` (every protocol, with every service). */
export type ProtocolSpec = ProtocolName | number | 'all';

/** An inclusive range of ports. */
export interface PortRange {
  /** The first port, 0-65535. */
  readonly from: number;
  /** The last port, `from`-65535. */
  readonly to: number;
}

/** ICMP or ICMPv6 messages: every message, every code of one type, or one type and code. */
export interface IcmpSpec {
  /** The message type, 0-255; absent for every type. */
  readonly type?: number;
  /** The code, 0-255; absent for every code. Only with a type. */
  readonly code?: number;
}

/**
 * Which endpoints: a host class condition and an address condition, both of which must hold. The
 * class condition is every class (external included) when `classes` and `external` are both
 * absent, else the classes listed plus the external class when `external` is true. A rule that
 * references a security group admits the classes that carry the group, at any address: leave
 * `addresses` out. A CIDR rule admits its addresses from hosts of every class: leave the classes out.
 */
export interface EndpointSpec {
  /** Named host classes of the space. */
  readonly classes?: readonly string[];
  /** Whether external hosts (carrying no group) are included. */
  readonly external?: boolean;
  /** CIDRs or single addresses, IPv4 or IPv6; absent for every address of both families. */
  readonly addresses?: readonly string[];
}

/**
 * A set of packets given by conditions, all of which must hold; an absent condition holds for
 * every packet. `ports` needs protocol `tcp` or `udp` (6, 17), `icmp` needs `icmp` or `icmpv6`
 * (1, 58).
 */
export interface PacketSpec {
  /** The protocol; absent or `all` for every protocol. */
  readonly protocol?: ProtocolSpec;
  /** Destination ports: a port, a range, or a list of them; absent for every port. */
  readonly ports?: number | PortRange | readonly (number | PortRange)[];
  /** ICMP messages; absent for every message. */
  readonly icmp?: IcmpSpec;
  /** The source endpoints. */
  readonly source?: EndpointSpec;
  /** The destination endpoints. */
  readonly destination?: EndpointSpec;
}

const SPEC_KEYS = ['protocol', 'ports', 'icmp', 'source', 'destination'];
const ENDPOINT_KEYS = ['classes', 'external', 'addresses'];
const ICMP_KEYS = ['type', 'code'];

function checkKeys(value: unknown, keys: readonly string[], path: string, what: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArgumentError(path, value, `${what}: an object with ${keys.join(', ')}`);
  }
  for (const k of Object.keys(value)) {
    // An unknown key (a typo such as `port`) would otherwise widen the set to every value.
    if (!keys.includes(k))
      throw new ArgumentError(
        `${path}.${k}`,
        (value as Record<string, unknown>)[k],
        `one of the fields ${keys.join(', ')}`,
      );
  }
}

function protocolNumber(p: ProtocolSpec | undefined, path: string): number | 'all' {
  if (p === undefined || p === 'all') return 'all';
  if (typeof p === 'string' && Object.hasOwn(PROTOCOL_NUMBERS, p)) return PROTOCOL_NUMBERS[p as ProtocolName];
  if (Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 255) return p as number;
  throw new ArgumentError(path, p, "tcp, udp, icmp, icmpv6, 'all' or an IANA protocol number 0-255");
}

function portIntervals(ports: PacketSpec['ports'], path: string): Interval[] {
  if (ports === undefined) return [[0, 65536]];
  const list = (Array.isArray(ports) ? ports : [ports]) as readonly (number | PortRange)[];
  const isPort = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 65535;
  return normalize(
    list.map((r, i) => {
      const at = Array.isArray(ports) ? `${path}[${i}]` : path;
      if (typeof r === 'number') {
        if (!isPort(r)) throw new ArgumentError(at, r, 'a port 0-65535');
        return [r, r + 1];
      }
      checkKeys(r, ['from', 'to'], at, 'a port range');
      if (!isPort(r.from)) throw new ArgumentError(`${at}.from`, r.from, 'a port 0-65535');
      if (!isPort(r.to) || r.to < r.from) throw new ArgumentError(`${at}.to`, r.to, `a port ${r.from}-65535`);
      return [r.from, r.to + 1];
    }),
  );
}

function icmpIntervals(icmp: IcmpSpec | undefined, path: string): Interval[] {
  if (icmp === undefined) return [[0, 65536]];
  checkKeys(icmp, ICMP_KEYS, path, 'ICMP messages');
  const isByte = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 255;
  if (icmp.type === undefined) {
    if (icmp.code !== undefined) throw new ArgumentError(`${path}.code`, icmp.code, 'a code only with a type');
    return [[0, 65536]];
  }
  if (!isByte(icmp.type)) throw new ArgumentError(`${path}.type`, icmp.type, 'an ICMP type 0-255');
  const base = icmp.type * 256;
  if (icmp.code === undefined) return [[base, base + 256]];
  if (!isByte(icmp.code)) throw new ArgumentError(`${path}.code`, icmp.code, 'an ICMP code 0-255');
  return [[base + icmp.code, base + icmp.code + 1]];
}

function classIntervals(space: PacketSpace, e: EndpointSpec, path: string): Interval[] | undefined {
  if (e.classes === undefined && e.external === undefined) return undefined;
  if (e.external !== undefined && typeof e.external !== 'boolean') {
    throw new ArgumentError(`${path}.external`, e.external, 'true or false');
  }
  if (e.classes !== undefined && !Array.isArray(e.classes)) {
    throw new ArgumentError(`${path}.classes`, e.classes, 'an array of host class names');
  }
  const numbers = (e.classes ?? []).map((name, i) => {
    const n = space.classNumber.get(name);
    if (n === undefined) {
      throw new ArgumentError(
        `${path}.classes[${i}]`,
        name,
        `one of the space's host classes (${space.classes.join(', ')})`,
      );
    }
    return n;
  });
  if (e.external) numbers.push(0);
  return normalize(numbers.map((n) => [n, n + 1]));
}

function addressIntervals(e: EndpointSpec, path: string): Interval[] | undefined {
  if (e.addresses === undefined) return undefined;
  if (!Array.isArray(e.addresses))
    throw new ArgumentError(`${path}.addresses`, e.addresses, 'an array of CIDRs or addresses');
  return normalize(e.addresses.map((a, i) => addressBounds(addressInterval(a, `${path}.addresses[${i}]`))));
}

type EndIntervals = { classes?: Interval[]; addresses?: Interval[] };

function endpointIntervals(space: PacketSpace, e: EndpointSpec | undefined, path: string): EndIntervals {
  if (e === undefined) return {};
  checkKeys(e, ENDPOINT_KEYS, path, 'an endpoint');
  return { classes: classIntervals(space, e, path), addresses: addressIntervals(e, path) };
}

/** The protocol and service intervals of a spec; undefined for every protocol. */
function traffic(spec: PacketSpec, path: string): [Interval[], Interval[]] | undefined {
  const protocol = protocolNumber(spec.protocol, `${path}.protocol`);
  const ports = spec.ports !== undefined;
  const icmp = spec.icmp !== undefined;
  const shown = protocol === 'all' ? 'every protocol' : `protocol ${protocol}`;
  if (ports && (protocol === 'all' || !hasPorts(protocol))) {
    throw new ArgumentError(`${path}.ports`, spec.ports, `ports only with protocol tcp or udp (the spec has ${shown})`);
  }
  if (icmp && (protocol === 'all' || !hasIcmp(protocol))) {
    throw new ArgumentError(
      `${path}.icmp`,
      spec.icmp,
      `ICMP messages only with protocol icmp or icmpv6 (the spec has ${shown})`,
    );
  }
  if (protocol === 'all') return undefined;
  if (hasPorts(protocol)) return [[[protocol, protocol + 1]], portIntervals(spec.ports, `${path}.ports`)];
  if (hasIcmp(protocol)) return [[[protocol, protocol + 1]], icmpIntervals(spec.icmp, `${path}.icmp`)];
  return [[[protocol, protocol + 1]], [[0, 1]]];
}

/**
 * The set of packets a spec describes.
 * @param path the name of the spec in the caller's terms, for errors (`rules[3]`)
 * @throws ArgumentError naming the field at fault: an unknown field, a protocol, port, ICMP type or
 *   code out of range, ports or ICMP messages on a protocol without them, an unknown host class,
 *   an address that is not an address or a CIDR with host bits set
 */
export function packets(space: PacketSpace, spec: PacketSpec = {}, path = 'spec'): PacketSet {
  if (!(space instanceof PacketSpace)) throw new ArgumentError('space', space, 'a PacketSpace');
  checkKeys(spec, SPEC_KEYS, path, 'a packet spec');
  const source = endpointIntervals(space, spec.source, `${path}.source`);
  const destination = endpointIntervals(space, spec.destination, `${path}.destination`);
  const ends = {
    sourceClass: source.classes,
    sourceAddress: source.addresses,
    destinationClass: destination.classes,
    destinationAddress: destination.addresses,
  };
  const parts = traffic(spec, path);
  // Every protocol: the endpoints asked for, cut to the universe (each protocol's own services).
  const tree = parts
    ? space.box({ ...ends, protocol: parts[0], service: parts[1] })
    : combine(
        'intersection',
        space.box({ ...ends, service: [[0, 65536]] }),
        space.universe,
        0,
        context(space.levelEnds),
      );
  return new PacketSet(space, tree);
}

/** Every packet of the space. */
export function allPackets(space: PacketSpace): PacketSet {
  if (!(space instanceof PacketSpace)) throw new ArgumentError('space', space, 'a PacketSpace');
  return new PacketSet(space, space.universe);
}

/** The empty set of the space. */
export function noPackets(space: PacketSpace): PacketSet {
  if (!(space instanceof PacketSpace)) throw new ArgumentError('space', space, 'a PacketSpace');
  return new PacketSet(space, EMPTY);
}

/** Inclusive ranges of one dimension's number line ({@link Dimension}), in any order; they may overlap. */
export type DimensionRanges = readonly (readonly [from: number | bigint, to: number | bigint])[];

const SERVICE_PROTOCOLS = new Set<Bound>(Object.values(PROTOCOL_NUMBERS));

/** One inclusive range as a half-open interval of bounds, checked against the dimension's end. */
function rangeInterval(range: readonly [number | bigint, number | bigint], end: Bound, path: string): Interval {
  const [from, to] = Array.isArray(range) ? range : [];
  const whole = (x: unknown): x is number | bigint => typeof x === 'bigint' || Number.isSafeInteger(x);
  if (!whole(from) || !whole(to) || from < 0 || to < from || to >= end) {
    throw new ArgumentError(path, range, `an inclusive range [from, to] of whole numbers, 0 <= from <= to < ${end}`);
  }
  const next = typeof to === 'number' && to < Number.MAX_SAFE_INTEGER ? to + 1 : toBound(BigInt(to) + 1n);
  return [typeof from === 'bigint' ? toBound(from) : from, next];
}

/** Builds products of ranges ({@link productBuilder}): one set per call. */
export type ProductBuilder = (
  ranges: Partial<Readonly<Record<Dimension, DimensionRanges>>>,
  path?: string,
) => PacketSet;

/**
 * A builder of products of ranges: each call gives the packets of the space whose value on each
 * dimension named lies in one of its ranges; a dimension not named holds every value (the
 * protocol every protocol, the service every service its protocol has). The way for a compiler
 * that has parsed its rules into numbers already (a rule is one such product) to build them
 * without a {@link PacketSpec}. The sets of one builder share their equal parts (rules that differ
 * only in a source address share the subtree of everything after it), so that operations on them
 * meet the same parts again and sets of many rules take little memory.
 * @throws ArgumentError (from a call) naming a dimension that is none, or a range that is not one of its values
 */
export function productBuilder(space: PacketSpace): ProductBuilder {
  if (!(space instanceof PacketSpace)) throw new ArgumentError('space', space, 'a PacketSpace');
  const parts = new Map<string, Node>();
  const ids = new Map<Node, number>([[FULL, 0]]);
  const cut = context(space.levelEnds);
  return (ranges, path = 'ranges') => {
    const levels = levelIntervals(space, ranges, path);
    let node = FULL;
    for (let l = space.order.length - 1; l >= 0 && node !== EMPTY; l--) {
      const key = `${l} ${ids.get(node)} ${intervalsKey(levels[l], space.levelEnds[l])}`;
      let part = parts.get(key);
      if (!part) {
        parts.set(key, (part = segments(levels[l], node, space.levelEnds[l])));
        if (!ids.has(part)) ids.set(part, ids.size);
      }
      node = part;
    }
    // Protocols without a service hold only service 0: cut to the universe unless every protocol has one.
    const served = levels[space.levelOf.protocol].every(
      ([a, b]) => Number(b) - Number(a) === 1 && SERVICE_PROTOCOLS.has(a),
    );
    return new PacketSet(space, served ? node : combine('intersection', node, space.universe, 0, cut));
  };
}

/** Intervals as a key: `*` for the whole dimension (whose end on the address line is a bigint slow to print). */
function intervalsKey(intervals: readonly Interval[], end: Bound): string {
  if (intervals.length === 1 && intervals[0][0] === 0 && intervals[0][1] === end) return '*';
  let key = '';
  for (let i = 0; i < intervals.length; i++) key += `${intervals[i][0]}-${intervals[i][1]} `;
  return key;
}

/** The intervals of each tree level of a product of ranges: every value where a dimension is not named. */
function levelIntervals(
  space: PacketSpace,
  ranges: Partial<Readonly<Record<Dimension, DimensionRanges>>>,
  path: string,
): (readonly Interval[])[] {
  for (const d of Object.keys(ranges)) {
    if (!DIMENSIONS.includes(d as Dimension)) {
      throw new ArgumentError(`${path}.${d}`, ranges[d as Dimension], `one of ${DIMENSIONS.join(', ')}`);
    }
  }
  return space.order.map((d) => {
    const list = ranges[d];
    if (list === undefined) return [[0, space.dimensionEnd[d]]];
    if (!Array.isArray(list)) throw new ArgumentError(`${path}.${d}`, list, 'an array of [from, to] ranges');
    return normalize(list.map((r, i) => rangeInterval(r, space.dimensionEnd[d], `${path}.${d}[${i}]`)));
  });
}
