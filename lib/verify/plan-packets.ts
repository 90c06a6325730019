import { peerCidr } from '../model/peer-address';
import type { Endpoint, PeerEndpoint, PortRange, ResolvedFlow } from '../model/resolve';
import {
  type EndpointSpec,
  type PacketSet,
  type PacketSpace,
  type PacketSpec,
  boxes,
  intervalCidrs,
  packets,
  project,
  unionAll,
} from '../packets';

/**
 * The plan's flows as packet sets, for checking a site against them (lib/packets). A flow is
 * every packet of its protocol and ports from its initiator to its listener; how an endpoint reads
 * as packets depends on the question:
 * - {@link hostView}, for asking whether a flow gets through: a group is its hosts (their class, at
 *   the addresses hosts of the site have), a peer is an outside host (no group) at every address of
 *   its CIDR, so every address counts, never only the first;
 * - {@link ruleView}, for asking which packets the plan needs a rule to admit: a group is its
 *   class at any address (as a rule naming the group admits it), a peer is every host at its
 *   addresses (as the plan's CIDR rule admits them, whatever they carry).
 * @packageDocumentation
 */

/** How the endpoints of a flow read as packets. */
export interface FlowView {
  /** A group's hosts. */
  readonly group: (name: string) => EndpointSpec;
  /** A peer's hosts, given the peer's addresses. */
  readonly peer: (addresses: readonly string[]) => EndpointSpec;
  /** Whether a packet's two addresses are of one family (IPv4 to IPv4, IPv6 to IPv6), as on the wire. */
  readonly sameFamily: boolean;
  /**
   * The addresses of a peer: its CIDR by default; a site that knows the entries of a prefix list
   * or the ranges of a service tag gives them here.
   */
  readonly peerAddresses?: PeerAddresses;
}

/**
 * The addresses of a peer endpoint as a site reads them: a prefix list's entries on AWS, a service
 * tag's ranges on Azure, else the peer's CIDR.
 * @throws ArgumentError when the site does not know them
 */
export type PeerAddresses = (peer: PeerEndpoint) => readonly string[];

/** A peer's CIDR, the addresses every target agrees on. */
export const peerCidrAddresses: PeerAddresses = (p) => [
  peerCidr(p, "checks without the site's prefix lists and service tags"),
];

/**
 * Endpoints as hosts: a group's hosts at `addresses` (every address when absent), a peer outside
 * every group at its addresses.
 */
export function hostView(addresses?: readonly string[], peerAddresses?: PeerAddresses): FlowView {
  return {
    group: (name) => (addresses ? { classes: [name], addresses } : { classes: [name] }),
    peer: (at) => ({ external: true, addresses: at }),
    sameFamily: true,
    ...(peerAddresses ? { peerAddresses } : {}),
  };
}

/** Endpoints as the plan's rules admit them: a group's class anywhere, every host at a peer's addresses. */
export const ruleView: FlowView = Object.freeze({
  group: (name: string): EndpointSpec => ({ classes: [name] }),
  peer: (at: readonly string[]): EndpointSpec => ({ addresses: at }),
  // Rules admit by one end each, so the sets they are compared with do not pair the families.
  sameFamily: false,
});

/** {@link ruleView} with a site's addresses of its peers' prefix lists or service tags, where it has them. */
export function ruleViewWith(peerAddresses: PeerAddresses | undefined): FlowView {
  return peerAddresses ? { ...ruleView, peerAddresses } : ruleView;
}

const endpoint = (view: FlowView, e: Endpoint): EndpointSpec =>
  e.kind === 'group' ? view.group(e.name) : view.peer((view.peerAddresses ?? peerCidrAddresses)(e));

const FAMILIES = [
  ['0.0.0.0/0', (c: string) => !c.includes(':')],
  ['::/0', (c: string) => c.includes(':')],
] as const;

/** An endpoint cut to one family's addresses; undefined when it has none of them. */
function inFamily(e: EndpointSpec, all: string, member: (cidr: string) => boolean): EndpointSpec | undefined {
  if (e.addresses === undefined) return { ...e, addresses: [all] };
  const kept = e.addresses.filter(member);
  return kept.length ? { ...e, addresses: kept } : undefined;
}

/**
 * The packets between two endpoints whose addresses are of one family at both ends (IPv4 to IPv4,
 * IPv6 to IPv6), as on the wire.
 */
export function sameFamilyPackets(
  space: PacketSpace,
  traffic: Pick<PacketSpec, 'protocol' | 'ports' | 'icmp'>,
  source: EndpointSpec,
  destination: EndpointSpec,
): PacketSet {
  const parts = FAMILIES.flatMap(([all, member]) => {
    const s = inFamily(source, all, member);
    const d = inFamily(destination, all, member);
    return s && d ? [packets(space, { ...traffic, source: s, destination: d })] : [];
  });
  return unionAll(space, parts);
}

/**
 * The packets of one flow, in a space that has a class for each group it names: every port of its
 * range, every address of each end (of one family at both ends, where the view says so).
 */
export function flowPackets(space: PacketSpace, flow: ResolvedFlow, view: FlowView): PacketSet {
  if (flow.icmp) return icmpPackets(space, flow, view);
  return pairPackets(space, flow, [{ from: flow.fromPort, to: flow.toPort }], view);
}

/** The packets of an ICMP flow: its messages (every one, a type's codes, or one type and code). */
function icmpPackets(space: PacketSpace, flow: ResolvedFlow, view: FlowView): PacketSet {
  const traffic = { protocol: flow.protocol, icmp: flow.icmp ?? {} };
  const source = endpoint(view, flow.from);
  const destination = endpoint(view, flow.to);
  if (!view.sameFamily) return packets(space, { ...traffic, source, destination });
  return sameFamilyPackets(space, traffic, source, destination);
}

/** The packets of flows between the same ends over one protocol, given their port ranges. */
function pairPackets(
  space: PacketSpace,
  flow: Pick<ResolvedFlow, 'from' | 'to' | 'protocol'>,
  ports: readonly { from: number; to: number }[],
  view: FlowView,
): PacketSet {
  const traffic = { protocol: flow.protocol, ports };
  const source = endpoint(view, flow.from);
  const destination = endpoint(view, flow.to);
  if (!view.sameFamily) return packets(space, { ...traffic, source, destination });
  return sameFamilyPackets(space, traffic, source, destination);
}

/** Flows that share their traffic: one end, and the other ends of them all (as one endpoint each). */
interface Bundle {
  readonly protocol: ResolvedFlow['protocol'];
  readonly ports: readonly { from: number; to: number }[];
  readonly source: EndpointSpec;
  readonly destination: EndpointSpec;
}

/**
 * Which part of an endpoint varies when ends are merged: the classes of a group's hosts (same
 * addresses), or the addresses of hosts of the same classes. The key is the rest, as JSON.
 */
function mergeKey(e: EndpointSpec): string {
  return e.classes !== undefined
    ? JSON.stringify(['classes', e.external ?? null, e.addresses ?? null])
    : JSON.stringify(['addresses', e.external ?? null]);
}

/** Endpoints of one {@link mergeKey}, as one: their classes together, or their addresses together. */
function mergeEnds(ends: readonly EndpointSpec[]): EndpointSpec {
  const [first] = ends;
  if (ends.length === 1) return first;
  if (first.classes !== undefined) return { ...first, classes: [...new Set(ends.flatMap((e) => e.classes!))] };
  // Every address of one of them: every address.
  if (ends.some((e) => e.addresses === undefined)) return { ...first, addresses: undefined };
  return { ...first, addresses: [...new Set(ends.flatMap((e) => e.addresses!))] };
}

/**
 * Bundles with the same traffic and the same `fixed` end, merged into one whose other end is the
 * union of theirs. Sound because a bundle is a product: fixed end x traffic x other end, and a
 * union of products with all factors but one equal is the product with that factor's union
 * (within one address family too, which splits each end by family).
 */
function mergeBy(bundles: readonly Bundle[], fixed: 'source' | 'destination'): Bundle[] {
  const other = fixed === 'source' ? 'destination' : 'source';
  const merged = new Map<string, { bundle: Bundle; others: EndpointSpec[] }>();
  for (const b of bundles) {
    const k = JSON.stringify([b.protocol, b.ports, b[fixed], mergeKey(b[other])]);
    const known = merged.get(k);
    if (known) known.others.push(b[other]);
    else merged.set(k, { bundle: b, others: [b[other]] });
  }
  return [...merged.values()].map(({ bundle, others }) => ({ ...bundle, [other]: mergeEnds(others) }));
}

/**
 * The packets of all the flows: the same set as the union of their {@link flowPackets}, built
 * once per bundle of flows rather than once per flow: the port ranges of the flows between the
 * same ends over one protocol together, then the flows from one end (to one end) with the same
 * traffic to many ends together, so a group that talks to a thousand others is one set.
 */
export function planPackets(space: PacketSpace, flows: readonly ResolvedFlow[], view: FlowView): PacketSet {
  const byPair = new Map<string, { flow: ResolvedFlow; ports: { from: number; to: number }[] }>();
  const icmp: PacketSet[] = [];
  for (const f of flows) {
    // ICMP flows carry messages, not ports: each is its own set.
    if (f.icmp) {
      icmp.push(icmpPackets(space, f, view));
      continue;
    }
    // An injective key: JSON of the ends' kinds and names, and the protocol.
    const key = JSON.stringify([f.from.kind, f.from.name, f.to.kind, f.to.name, f.protocol]);
    const entry = byPair.get(key);
    if (entry) entry.ports.push({ from: f.fromPort, to: f.toPort });
    else byPair.set(key, { flow: f, ports: [{ from: f.fromPort, to: f.toPort }] });
  }
  const pairs: Bundle[] = [...byPair.values()].map(({ flow, ports }) => ({
    protocol: flow.protocol,
    ports: normalizePorts(ports),
    source: endpoint(view, flow.from),
    destination: endpoint(view, flow.to),
  }));
  const bundles = mergeBy(mergeBy(pairs, 'source'), 'destination');
  return unionAll(space, [
    ...bundles.map((b) => {
      const traffic = { protocol: b.protocol, ports: b.ports };
      if (!view.sameFamily) return packets(space, { ...traffic, source: b.source, destination: b.destination });
      return sameFamilyPackets(space, traffic, b.source, b.destination);
    }),
    ...icmp,
  ]);
}

/** Port ranges sorted and merged where they overlap or touch: equal sets of ports, equal lists. */
function normalizePorts(ports: readonly { from: number; to: number }[]): { from: number; to: number }[] {
  const sorted = [...ports].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: { from: number; to: number }[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && p.from <= last.to + 1) last.to = Math.max(last.to, p.to);
    else out.push({ ...p });
  }
  return out;
}

type Merged = [bigint, bigint][];
function merge(list: Merged): Merged {
  const sorted = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Merged = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = b > last[1] ? b : last[1];
    else out.push([a, b]);
  }
  return out;
}

/** The inclusive port ranges that packets of the set with this protocol (TCP or UDP) have. */
export function portsOf(set: PacketSet, protocol: number): PortRange[] {
  const found: Merged = [];
  for (const b of boxes(project(set, ['protocol', 'service']))) {
    if (b.protocol.from <= BigInt(protocol) && BigInt(protocol) <= b.protocol.to) {
      found.push([b.service.from, b.service.to + 1n]);
    }
  }
  return merge(found).map(([a, b]) => ({ fromPort: Number(a), toPort: Number(b - 1n) }));
}

/** The addresses one end of the set's packets has, as the fewest CIDRs. */
export function addressesOf(set: PacketSet, side: 'sourceAddress' | 'destinationAddress'): string[] {
  const found: Merged = boxes(project(set, [side])).map((b) => [b[side].from, b[side].to + 1n]);
  return merge(found).flatMap(([a, b]) => intervalCidrs(a, b));
}
