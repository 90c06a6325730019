import { ArgumentError } from '../model/errors';
import { addressInterval, addressText } from './address';
import { type Bound, toBigInt, toBound } from './bound';
import { type Dimension, PROTOCOL_NUMBERS, type PacketSpace } from './space';

/** One end of a packet: an address and the kind of host that has it. */
export interface Endpoint {
  /** An IPv4 or IPv6 address, without prefix length (`10.0.0.1`, `2001:db8::1`). */
  readonly address: string;
  /** The host's class, one of the space's names; absent for an external host (one carrying no group). */
  readonly hostClass?: string;
}

/**
 * One packet, as a firewall rule sees it. `port` is set for TCP and UDP only, `icmpType` and
 * `icmpCode` for ICMP and ICMPv6 only; other protocols have neither.
 */
export interface Packet {
  /** The IANA protocol number, 0-255 (ICMP 1, TCP 6, UDP 17, ICMPv6 58). */
  readonly protocol: number;
  /** The destination port, 0-65535 (TCP, UDP). */
  readonly port?: number;
  /** The ICMP or ICMPv6 message type, 0-255. */
  readonly icmpType?: number;
  /** The ICMP or ICMPv6 message code, 0-255. */
  readonly icmpCode?: number;
  /** Where it comes from. */
  readonly source: Endpoint;
  /** Where it goes. */
  readonly destination: Endpoint;
}

/** The coordinates of a packet, one per dimension. */
export type Coordinates = Readonly<Record<Dimension, Bound>>;

const isByte = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 255;
const isPort = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 65535;

/** Whether the protocol's service coordinate is a port (TCP, UDP). */
export const hasPorts = (protocol: number): boolean =>
  protocol === PROTOCOL_NUMBERS.tcp || protocol === PROTOCOL_NUMBERS.udp;
/** Whether the protocol's service coordinate is an ICMP type and code (ICMP, ICMPv6). */
export const hasIcmp = (protocol: number): boolean =>
  protocol === PROTOCOL_NUMBERS.icmp || protocol === PROTOCOL_NUMBERS.icmpv6;

function service(p: Packet, path: string): number {
  const portGiven = p.port !== undefined;
  const icmpGiven = p.icmpType !== undefined || p.icmpCode !== undefined;
  if (hasPorts(p.protocol)) {
    if (icmpGiven) throw new ArgumentError(`${path}.icmpType`, p.icmpType, 'no ICMP type or code on TCP or UDP');
    if (!isPort(p.port)) throw new ArgumentError(`${path}.port`, p.port, 'a port number 0-65535');
    return p.port;
  }
  if (portGiven) throw new ArgumentError(`${path}.port`, p.port, 'a port only with protocol TCP (6) or UDP (17)');
  if (hasIcmp(p.protocol)) {
    if (!isByte(p.icmpType)) throw new ArgumentError(`${path}.icmpType`, p.icmpType, 'an ICMP type 0-255');
    if (!isByte(p.icmpCode)) throw new ArgumentError(`${path}.icmpCode`, p.icmpCode, 'an ICMP code 0-255');
    return p.icmpType * 256 + p.icmpCode;
  }
  if (icmpGiven) {
    throw new ArgumentError(`${path}.icmpType`, p.icmpType, 'an ICMP type only with protocol ICMP (1) or ICMPv6 (58)');
  }
  return 0;
}

function endpoint(space: PacketSpace, e: Endpoint, path: string): [number, Bound] {
  if (typeof e !== 'object' || e === null) throw new ArgumentError(path, e, 'an endpoint { address, hostClass? }');
  let hostClass = 0;
  if (e.hostClass !== undefined) {
    const n = space.classNumber.get(e.hostClass);
    if (n === undefined) {
      throw new ArgumentError(
        `${path}.hostClass`,
        e.hostClass,
        `one of the space's host classes (${space.classes.join(', ')}), or none for an external host`,
      );
    }
    hostClass = n;
  }
  if (typeof e.address !== 'string' || e.address.includes('/')) {
    throw new ArgumentError(`${path}.address`, e.address, 'one IPv4 or IPv6 address, without prefix length');
  }
  return [hostClass, toBound(addressInterval(e.address, `${path}.address`).from)];
}

/**
 * The coordinates of a packet in a space.
 * @param path where the packet came from, for errors
 * @throws ArgumentError naming the field at fault
 */
export function coordinatesOf(space: PacketSpace, p: Packet, path: string): Coordinates {
  if (typeof p !== 'object' || p === null) throw new ArgumentError(path, p, 'a packet');
  if (!isByte(p.protocol)) throw new ArgumentError(`${path}.protocol`, p.protocol, 'an IANA protocol number 0-255');
  const [sourceClass, sourceAddress] = endpoint(space, p.source, `${path}.source`);
  const [destinationClass, destinationAddress] = endpoint(space, p.destination, `${path}.destination`);
  return {
    protocol: p.protocol,
    service: service(p, path),
    sourceClass,
    sourceAddress,
    destinationClass,
    destinationAddress,
  };
}

function endpointOf(space: PacketSpace, hostClass: Bound, address: Bound): Endpoint {
  const a = addressText(toBigInt(address));
  return hostClass === 0 ? { address: a } : { address: a, hostClass: space.classes[Number(hostClass) - 1] };
}

/** The packet at coordinates of a space (which must lie in its universe). */
export function packetAt(space: PacketSpace, c: Coordinates): Packet {
  const protocol = Number(c.protocol);
  const s = Number(c.service);
  const ends = {
    source: endpointOf(space, c.sourceClass, c.sourceAddress),
    destination: endpointOf(space, c.destinationClass, c.destinationAddress),
  };
  if (hasPorts(protocol)) return { protocol, port: s, ...ends };
  if (hasIcmp(protocol)) return { protocol, icmpType: s >> 8, icmpCode: s & 255, ...ends };
  return { protocol, ...ends };
}
