import type { Resolution } from '../model';
import {
  PacketSpace,
  type Packet,
  type PacketSet,
  difference,
  protocolText,
  summarize,
  unionAll,
  witness,
} from '../packets';
import { type FlowView, flowPackets } from './plan-packets';

/**
 * What a new catalog version opens and closes for one declaration, as packets between roles (the
 * second half of `portplan catalog diff`): the plan under each version as a packet set whose host
 * classes are the roles, and the two differences split per role pair and protocol.
 * @packageDocumentation
 */

/** The packets one version opens between two roles (or a role and peers), for one protocol. */
export interface RolePairChange {
  /** The initiator's role, or `external` for peers. */
  readonly from: string;
  /** The listener's role, or `external` for peers. */
  readonly to: string;
  /** `tcp`, `udp`, ... */
  readonly protocol: string;
  /** The packets exactly, as lines of text (lib/packets describeSet). */
  readonly packets: readonly string[];
  /** One of them. */
  readonly witness: Packet;
}

/** How two plans differ as packets: {@link diffPlanPackets}'s result. */
export interface PlanPacketDiff {
  /** Packets only the new plan opens. */
  readonly opened: readonly RolePairChange[];
  /** Packets only the old plan opens. */
  readonly closed: readonly RolePairChange[];
}

function changes(set: PacketSet): RolePairChange[] {
  return summarize(set).map((s) => ({
    from: s.sourceClass ?? 'external',
    to: s.destinationClass ?? 'external',
    protocol: typeof s.protocol === 'number' ? protocolText(s.protocol) : 'other',
    packets: s.lines,
    witness: witness(s.set)!,
  }));
}

/**
 * The packets each plan opens that the other does not, per role pair: a group stands for its
 * role (at any address), a peer for the outside hosts at its CIDR. Both plans are of one
 * declaration, so the roles are the same on both sides.
 */
export function diffPlanPackets(before: Resolution, after: Resolution): PlanPacketDiff {
  const roleOf = new Map(
    [...before.declaration.groups, ...after.declaration.groups].map((g) => [g.name, g.role as string]),
  );
  const space = new PacketSpace([...new Set(roleOf.values())]);
  const view: FlowView = {
    group: (name) => ({ classes: [roleOf.get(name)!] }),
    peer: (at) => ({ external: true, addresses: at }),
    sameFamily: false,
  };
  const plan = (r: Resolution) =>
    unionAll(
      space,
      r.flows.map((f) => flowPackets(space, f, view)),
    );
  const [was, is] = [plan(before), plan(after)];
  return { opened: changes(difference(is, was)), closed: changes(difference(was, is)) };
}

/** The packet half of a catalog diff for people: `+` opened, `-` closed, one line per part. */
export function planPacketDiffText(d: PlanPacketDiff): string {
  const lines = [
    ...d.opened.flatMap((c) => c.packets.map((l) => `+ ${l}`)),
    ...d.closed.flatMap((c) => c.packets.map((l) => `- ${l}`)),
  ];
  const head = 'packets between roles (+ opened, - closed):';
  return lines.length ? `${head}\n${lines.join('\n')}\n` : `${head} none\n`;
}
