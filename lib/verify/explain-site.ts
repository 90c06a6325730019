import type { Endpoint, PortRange, FlowProtocol, Resolution, ResolvedFlow, RowId } from '../model';
import {
  type EndpointSpec,
  type Packet,
  type PacketSet,
  type PacketSpace,
  PROTOCOL_NUMBERS,
  describeSet,
  difference,
  intersection,
  isEmpty,
  noPackets,
  packets,
  union,
  unionAll,
  witness,
} from '../packets';
import { pairTraffic, party, type Party, type PairQuery } from './explain-pair';
import {
  flowPackets,
  planPackets,
  portsOf,
  ruleViewWith,
  sameFamilyPackets,
  type FlowView,
  type PeerAddresses,
} from './plan-packets';

/**
 * `portplan explain --site aws|azure`: what the plan opens between two parties, against what a
 * deployed site lets through, as exact packet sets. For each planned flow the site blocks, the
 * packets it blocks (the flow's packets minus the site's, never a sample) and the smallest rule
 * change that admits exactly them, with the vendor rows that require it; for what the site admits
 * between the parties that no flow needs, those packets, a witness and the rules that admit them.
 * The clouds' halves (lib/verify/explain-aws.ts, explain-azure.ts) say how a change is written.
 * @packageDocumentation
 */

/** The packets of a flow one side of the site does not let through, and the change that opens them. */
export interface SideGap<C> {
  /** `ingress` at the listener, `egress` at the initiator. */
  readonly side: 'ingress' | 'egress';
  /** The packets, exactly, as lines of text. */
  readonly packets: readonly string[];
  /** Their destination ports, merged into intervals. */
  readonly ports: readonly PortRange[];
  /** One of them. */
  readonly witness: Packet;
  /** The rule changes that admit them, each admitting only packets of the flow (or of the plan, to widen). */
  readonly changes: readonly C[];
}

/** A planned flow between the parties, as the site treats it. */
export interface SiteFlow<C> {
  /** The initiator's group or peer name. */
  readonly from: string;
  /** The listener's group or peer name. */
  readonly to: string;
  /** Transport protocol. */
  readonly protocol: FlowProtocol;
  /** First port. */
  readonly fromPort: number;
  /** Last port. */
  readonly toPort: number;
  /** The vendor rows that require it. */
  readonly rows: readonly RowId[];
  /** `allowed` when the site lets every packet of it through, `blocked` when none, else `partial`. */
  readonly status: 'allowed' | 'partial' | 'blocked';
  /** What each side stops, egress first; empty when allowed. */
  readonly gaps: readonly SideGap<C>[];
}

/** Packets between the parties that the site admits and no vendor row requires. */
export interface Unrequired {
  /** The packets, exactly, as lines of text. */
  readonly packets: readonly string[];
  /** One of them. */
  readonly witness: Packet;
  /** The site's rules that admit some of them. */
  readonly rules: readonly string[];
}

/** One direction of the question, against the site. */
export interface SiteDirection<C> {
  /** The side that opens connections. */
  readonly from: string;
  /** The side that listens. */
  readonly to: string;
  /** The planned flows of this direction that the question asks about, in plan order. */
  readonly flows: readonly SiteFlow<C>[];
  /** What the site admits that no vendor row requires; absent when nothing. */
  readonly unrequired?: Unrequired;
  /** A packet neither the plan nor the site opens (no vendor row requires it); absent when none. */
  readonly closedWitness?: Packet;
}

/** The answer against a site. */
export interface SiteAnswer<C> {
  /** The cloud of the site. */
  readonly cloud: 'aws' | 'azure';
  /** The directions, `from` to `to` first. */
  readonly directions: readonly SiteDirection<C>[];
}

/** What a cloud's half gives the shared part: the site's sets and how to write a change. */
export interface SiteSide<C> {
  /** The space of every set. */
  readonly space: PacketSpace;
  /** The plan's flows as hosts of the site. */
  readonly view: FlowView;
  /** The plan's packets as its rules admit them, compiled once per question (`plannedAdmits`). */
  readonly planned: PacketSet;
  /** The packets each side lets through (each with the packets it does not filter). */
  readonly sets: {
    /** What the listeners' side lets in. */
    readonly ingress: PacketSet;
    /** What the initiators' side lets out. */
    readonly egress: PacketSet;
  };
  /** The changes that admit `missing`, packets of `flow` that `side` stops. */
  readonly changes: (flow: ResolvedFlow, side: 'ingress' | 'egress', missing: PacketSet) => C[];
  /** The names of the rules that admit some of `set` (ingress at its destinations, egress at its sources). */
  readonly admitting: (set: PacketSet) => string[];
}

/** The protocol number of a flow's protocol. */
export const protocolNumber = (p: FlowProtocol): number => PROTOCOL_NUMBERS[p];

/** A party's packets as hosts of the site: a group at the view's addresses, a peer outside at its range. */
function partySpec(view: FlowView, p: Party): EndpointSpec {
  if (p.spec.classes) return view.group(p.name);
  return p.peer && view.peerAddresses ? view.peer(view.peerAddresses(p.peer)) : p.spec;
}

/** The packets of the question: both parties, and the protocol and ports when given. */
function askedPackets(space: PacketSpace, view: FlowView, ends: readonly [Party, Party], query: PairQuery): PacketSet {
  return sameFamilyPackets(space, pairTraffic(query), partySpec(view, ends[0]), partySpec(view, ends[1]));
}

/** Every packet of the protocol and ports asked about (all when none were given). */
function trafficOf(space: PacketSpace, query: PairQuery): PacketSet {
  return packets(space, pairTraffic(query));
}

/** One planned flow against the site: its packets of the question that each side stops. */
function siteFlow<C>(side: SiteSide<C>, flow: ResolvedFlow, traffic: PacketSet): SiteFlow<C> {
  const own = intersection(flowPackets(side.space, flow, side.view), traffic);
  const gaps: SideGap<C>[] = [];
  let stopped = noPackets(side.space);
  for (const s of ['egress', 'ingress'] as const) {
    const missing = difference(own, side.sets[s]);
    const w = witness(missing);
    if (!w) continue;
    stopped = union(stopped, missing);
    gaps.push({
      side: s,
      packets: describeSet(missing),
      ports: portsOf(missing, protocolNumber(flow.protocol)),
      witness: w,
      changes: side.changes(flow, s, missing),
    });
  }
  const status = !gaps.length ? 'allowed' : isEmpty(difference(own, stopped)) ? 'blocked' : 'partial';
  return {
    from: flow.from.name,
    to: flow.to.name,
    protocol: flow.protocol,
    fromPort: flow.fromPort,
    toPort: flow.toPort,
    rows: flow.rows,
    status,
    gaps,
  };
}

function siteDirection<C>(
  side: SiteSide<C>,
  r: Resolution,
  ends: readonly [Party, Party],
  query: PairQuery,
): SiteDirection<C> {
  const asked = askedPackets(side.space, side.view, ends, query);
  const traffic = trafficOf(side.space, query);
  const plan = r.flows.map((f): [ResolvedFlow, PacketSet] => [f, flowPackets(side.space, f, side.view)]);
  const touched = plan.filter(([, s]) => !isEmpty(intersection(s, asked)));
  const open = intersection(
    unionAll(
      side.space,
      plan.map(([, s]) => s),
    ),
    asked,
  );
  const admitted = intersection(asked, intersection(side.sets.ingress, side.sets.egress));
  // Beyond the plan as its rules admit it: a host of a group at a peer's addresses is admitted as
  // the peer is, which no change to the site can tell apart.
  const extra = difference(admitted, union(open, side.planned));
  const extraWitness = witness(extra);
  const closed = witness(difference(asked, union(open, admitted)));
  return {
    from: ends[0].name,
    to: ends[1].name,
    flows: touched.map(([f]) => siteFlow(side, f, traffic)),
    ...(extraWitness
      ? { unrequired: { packets: describeSet(extra), witness: extraWitness, rules: side.admitting(extra) } }
      : {}),
    ...(closed ? { closedWitness: closed } : {}),
  };
}

/**
 * Explains what the plan opens between two parties against a site: per planned flow, what the site
 * stops and the rule changes that open it; what the site admits that no vendor row requires.
 * @throws ArgumentError for a party that is neither a group, a peer nor a masked CIDR
 */
export function explainSite<C>(
  r: Resolution,
  query: PairQuery,
  cloud: 'aws' | 'azure',
  side: SiteSide<C>,
): SiteAnswer<C> {
  const a = party(r, query.from, 'from');
  const b = party(r, query.to, 'to');
  const forward = siteDirection(side, r, [a, b], query);
  if (query.port) return { cloud, directions: [forward] };
  return { cloud, directions: [forward, siteDirection(side, r, [b, a], query)] };
}

/**
 * The plan's packets as its rules admit them (`planned`, {@link ruleView} with the site's peer
 * addresses), compiled once; and what a change may admit beyond the packets it opens on each side:
 * those packets, and outbound under `egress: default` everything the groups send, which the
 * cloud's default outbound rules admit.
 */
export function plannedAdmits(
  space: PacketSpace,
  r: Resolution,
  peerAddresses?: PeerAddresses,
): { planned: PacketSet; ingress: PacketSet; egress: PacketSet } {
  const planned = planPackets(space, r.flows, ruleViewWith(peerAddresses));
  if (r.declaration.egress === 'restricted') return { planned, ingress: planned, egress: planned };
  const sends = packets(space, { source: { classes: r.declaration.groups.map((g) => g.name) } });
  return { planned, ingress: planned, egress: union(planned, sends) };
}

/** The flow's far end from the side that holds the rule: the source for ingress, the destination for egress. */
export const remoteEnd = (flow: ResolvedFlow, side: 'ingress' | 'egress'): Endpoint =>
  side === 'ingress' ? flow.from : flow.to;

/** The flow's end that holds the rule: the destination for ingress, the source for egress. */
export const ownEnd = (flow: ResolvedFlow, side: 'ingress' | 'egress'): Endpoint =>
  side === 'ingress' ? flow.to : flow.from;
