/**
 * Exact sets of packets, for checking firewall rules as sets rather than by samples: a CIDR counts
 * as all of its addresses, a port range as all of its ports, a security group as every kind of host
 * that carries it.
 *
 * A packet has a protocol, a service (the TCP or UDP destination port, or the ICMP type and code),
 * and two endpoints; an endpoint is an address together with a host class: `external` (a host
 * carrying no group) or one of the named classes of a {@link PacketSpace} (the kinds of host of a
 * site, each carrying some groups). A rule that references a group then admits exactly the
 * classes that carry it, at any address, and a CIDR rule exactly its addresses, for every class.
 *
 * ```ts
 * const space = new PacketSpace(['web', 'db']);
 * const wide = packets(space, { protocol: 'tcp', ports: 5432, source: { addresses: ['10.0.0.0/24'] }, destination: { classes: ['db'] } });
 * const narrow = packets(space, { protocol: 'tcp', ports: 5432, source: { addresses: ['10.0.0.0/28'] }, destination: { classes: ['db'] } });
 * describeSet(difference(wide, narrow)); // ['tcp {10.0.0.16/28, 10.0.0.32/27, 10.0.0.64/26, 10.0.0.128/25} -> db 5432']
 * witness(difference(wide, narrow));     // { protocol: 6, port: 5432, source: { address: '10.0.0.16' }, ... }
 * ```
 *
 * Pure: no cloud SDK, no state outside the values; every result is deterministic.
 * @packageDocumentation
 */
export { PacketSpace, DEFAULT_ORDER, DIMENSIONS, EGRESS_ORDER, INGRESS_ORDER, PROTOCOL_NUMBERS } from './space';
export type { Dimension, PacketSpaceOptions } from './space';
export type { Endpoint, Packet } from './packet';
export {
  PacketSet,
  boxes,
  boxesMeet,
  complement,
  difference,
  differenceEach,
  equals,
  has,
  hull,
  inSpace,
  intersection,
  isEmpty,
  isSubset,
  packetCount,
  packetSet,
  project,
  treeSize,
  union,
  unionAll,
  witness,
} from './set';
export type { BoxRange, PacketBox } from './set';
export { allPackets, noPackets, packets, productBuilder } from './build';
export type {
  DimensionRanges,
  EndpointSpec,
  IcmpSpec,
  PacketSpec,
  PortRange,
  ProtocolName,
  ProductBuilder,
  ProtocolSpec,
} from './build';
export { firstMatcher } from './first-match';
export type { FirstMatcher } from './first-match';
export { TEXT_ORDER, describePacket, describeSet, protocolText } from './text';
export { summarize } from './summary';
export type { PacketSummary } from './summary';
export { ADDRESS_END, IPV6_BASE, addressInterval, addressText, cidrInterval, intervalCidrs } from './address';
