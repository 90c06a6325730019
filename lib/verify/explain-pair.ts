import type { IcmpMessage, IcmpProtocol, RowId } from '../model/catalog';
import { parseCidr } from '../model/cidr';
import { ArgumentError } from '../model/errors';
import { peerCidr } from '../model/peer-address';
import type { PeerEndpoint, Resolution, ResolvedFlow } from '../model/resolve';
import {
  type EndpointSpec,
  type Packet,
  type PacketSet,
  type PacketSpec,
  PacketSpace,
  describeSet,
  difference,
  intersection,
  isEmpty,
  unionAll,
  witness,
  type ProtocolName,
} from '../packets';
import { flowPackets, hostView, sameFamilyPackets } from './plan-packets';

/**
 * What the plan opens between two parties, as exact packet sets: every protocol and port, both
 * directions, in one question (`portplan explain --from A --to B`), or one protocol and a port
 * range (`--port udp/1000-1009`), or ICMP messages (`--port icmp:3/4`). Each part the plan opens comes with the flows and vendor rows
 * behind it; what it leaves closed, with a witness packet, needs no vendor row.
 * @packageDocumentation
 */

/** One party of the question: a group, a peer, or an address range outside every group. */
export interface Party {
  /** The name given. */
  readonly name: string;
  /** Its packets' end, where the plan alone tells its addresses. */
  readonly spec: EndpointSpec;
  /** For a peer, the peer as the flows carry it: a site tells a prefix list's or service tag's addresses. */
  readonly peer?: PeerEndpoint;
}

/** A flow of the plan that opens some of the packets asked about. */
export interface PairFlow {
  /** The flow. */
  readonly flow: ResolvedFlow;
  /** The rows that require it. */
  readonly rows: readonly RowId[];
  /** The packets of the question it opens, as lines of text. */
  readonly packets: readonly string[];
}

/** One direction of the question. */
export interface PairDirection {
  /** The side that opens connections. */
  readonly from: string;
  /** The side that listens. */
  readonly to: string;
  /** The flows that open packets of this direction, in plan order. */
  readonly flows: readonly PairFlow[];
  /** Every packet of the question the plan opens in this direction, as lines of text. */
  readonly open: readonly string[];
  /** One packet of the question the plan leaves closed in this direction: no vendor row requires it. */
  readonly closedWitness?: Packet;
}

/** The answer: each direction asked about. */
export interface PairAnswer {
  /** The directions, `from` to `to` first. */
  readonly directions: readonly PairDirection[];
}

/** One protocol and an inclusive port range. */
export interface PairPorts {
  /** The protocol. */
  readonly protocol: ProtocolName;
  /** The first port. */
  readonly from: number;
  /** The last port. */
  readonly to: number;
}

/** ICMP or ICMPv6 messages: every one, every code of a type, or one type and code. */
export interface PairIcmp {
  /** `icmp` or `icmpv6`. */
  readonly protocol: IcmpProtocol;
  /** The messages: no type is every message, a type without a code every code of it. */
  readonly icmp: IcmpMessage;
}

/** What may be asked: every packet, one protocol and a port range, or ICMP messages. */
export interface PairQuery {
  /** The side that opens connections in the first direction. */
  readonly from: string;
  /** The other side. */
  readonly to: string;
  /** One protocol with its ports, or ICMP messages; absent for every packet, both directions. */
  readonly port?: PairPorts | PairIcmp;
}

/** A party's end where only the plan is read: a peer without a CIDR is refused, naming it. */
function planSpec(p: Party): EndpointSpec {
  if (p.peer && p.spec.addresses?.length === 0) peerCidr(p.peer, 'explain without --site (which reads the site)');
  return p.spec;
}

/**
 * A party named on the command line: a group, a peer, or a masked address range outside every group.
 * @throws ArgumentError at `path` for any other name
 */
export function party(r: Resolution, name: string, path: 'from' | 'to'): Party {
  const d = r.declaration;
  if (d.groups.some((g) => g.name === name)) return { name, spec: { classes: [name] } };
  const peer = d.peers.find((p) => p.name === name);
  if (peer) {
    const end = r.flows.flatMap((f) => [f.from, f.to]).find((e) => e.kind === 'peer' && e.name === name);
    // Without a CIDR the plan alone cannot say the peer's addresses; a site can (see partySpec).
    const addresses = peer.cidr !== undefined ? [peer.cidr] : [];
    return { name, spec: { external: true, addresses }, ...(end?.kind === 'peer' ? { peer: end } : {}) };
  }
  const cidr = parseCidr(name);
  if (cidr?.masked) return { name, spec: { external: true, addresses: [cidr.text] } };
  const names = [...d.groups.map((g) => g.name), ...d.peers.map((p) => p.name)];
  throw new ArgumentError(
    path,
    name,
    `a group or peer of the declaration (${names.join(', ')}) or a masked address range such as 10.0.5.7/32`,
  );
}

/** The protocol and ports, or ICMP messages, of a question as a packet spec (none: every packet). @internal */
export function pairTraffic(query: PairQuery): Pick<PacketSpec, 'protocol' | 'ports' | 'icmp'> {
  const p = query.port;
  if (!p) return {};
  return 'icmp' in p
    ? { protocol: p.protocol, icmp: p.icmp }
    : { protocol: p.protocol, ports: { from: p.from, to: p.to } };
}

function direction(
  space: PacketSpace,
  plan: readonly [ResolvedFlow, PacketSet][],
  ends: readonly [Party, Party],
  query: PairQuery,
): PairDirection {
  const [a, b] = ends;
  const traffic = pairTraffic(query);
  const asked = sameFamilyPackets(space, traffic, planSpec(a), planSpec(b));
  const flows: PairFlow[] = [];
  for (const [flow, set] of plan) {
    const part = intersection(set, asked);
    if (!isEmpty(part)) flows.push({ flow, rows: flow.rows, packets: describeSet(part) });
  }
  const open = intersection(
    unionAll(
      space,
      plan.map(([, s]) => s),
    ),
    asked,
  );
  const closed = witness(difference(asked, open));
  return {
    from: a.name,
    to: b.name,
    flows,
    open: describeSet(open),
    ...(closed ? { closedWitness: closed } : {}),
  };
}

/**
 * Explains what the plan opens between two parties: with no port, every packet of both
 * directions; with a protocol and port range, or ICMP messages, those packets from `from` to `to`.
 * @throws ArgumentError for a party that is neither a group, a peer nor a masked CIDR, or a
 *   port range out of order or out of 0-65535
 */
export function explainPair(r: Resolution, query: PairQuery): PairAnswer {
  const a = party(r, query.from, 'from');
  const b = party(r, query.to, 'to');
  const space = new PacketSpace(r.declaration.groups.map((g) => g.name));
  const view = hostView();
  const plan = r.flows.map((f): [ResolvedFlow, PacketSet] => [f, flowPackets(space, f, view)]);
  const forward = direction(space, plan, [a, b], query);
  if (query.port) return { directions: [forward] };
  return { directions: [forward, direction(space, plan, [b, a], query)] };
}
