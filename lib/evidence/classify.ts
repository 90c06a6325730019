import { cidrContains, closestMatch, parseCidr, peerCidr, type Cidr, type Endpoint, type Resolution } from '../model';
import { addressRange, canonicalAddress } from './address';
import { InventoryError } from './errors';
import type { Inventory } from './inventory';

/**
 * Which planned flows a logged packet belongs to: the one question the evidence asks of the plan,
 * behind one function type ({@link Classifier}), so the way it is answered can change (a packet
 * set engine) without the readers or the report changing. {@link planClassifier} answers it
 * directly over a resolution's flows: group membership through the inventory, peers by CIDR
 * containment, the protocol, and the port within the flow's range.
 * @packageDocumentation
 */

/** A packet as a flow log gives it: its 5-tuple. */
export interface Packet {
  /** Source address (IPv4 or IPv6 text). */
  readonly srcAddr: string;
  /** Destination address. */
  readonly dstAddr: string;
  /** IANA protocol number. */
  readonly protocol: number;
  /** Source port. */
  readonly srcPort: number;
  /** Destination port. */
  readonly dstPort: number;
}

/** The declared groups and peers an address belongs to. */
export interface Membership {
  /** Group names, sorted: the inventory's groups of the address. */
  readonly groups: readonly string[];
  /** Peer names, sorted: the declared peers whose CIDR contains the address. */
  readonly peers: readonly string[];
}

/** What a packet is to the plan. */
export interface PacketClass {
  /**
   * The indices (into `resolution.flows`, ascending) of the planned flows the packet belongs to:
   * its source is the flow's initiator, its destination the listener, its protocol the flow's and
   * its destination port within the flow's range.
   */
  readonly flows: readonly number[];
  /**
   * When `flows` is empty: the indices of the planned flows the packet answers (source the
   * listener, destination the initiator, source port within the range), as AWS logs each
   * direction of a connection as its own record.
   */
  readonly replies: readonly number[];
  /** The source's groups and peers. */
  readonly src: Membership;
  /** The destination's groups and peers. */
  readonly dst: Membership;
}

/** Classifies one packet against a plan. */
export type Classifier = (packet: Packet) => PacketClass;

const PROTOCOL_NUMBER = { tcp: 6, udp: 17 } as const;
// Distinct addresses kept with their membership; the cache starts over when full, so a log of
// many addresses (a scan of the Internet) costs time, never unbounded memory.
const MEMBERSHIP_CACHE = 65_536;
const NONE: Membership = { groups: [], peers: [] };

/**
 * Checks that every group an inventory names is a group of the declaration.
 * @throws InventoryError naming the entry's source, the group and the declared groups
 */
export function checkInventory(resolution: Resolution, inventory: Inventory): void {
  const declared = resolution.declaration.groups.map((g) => g.name);
  for (const e of inventory.entries) {
    if (declared.includes(e.group)) continue;
    const hint = closestMatch(e.group, declared);
    throw new InventoryError(
      e.source,
      'group',
      e.group,
      `a group of the declaration: ${declared.join(', ')}${hint ? `; did you mean ${hint}?` : ''}`,
    );
  }
}

/** A peer's range as flow logs show it: its CIDR (a prefix list or service tag alone is refused). */
const peerRange = (p: Resolution['declaration']['peers'][number]): Cidr => parseCidr(peerCidr(p, 'flow logs')) as Cidr;

/**
 * The classifier of a resolution's flows: group endpoints through the inventory's addresses,
 * peer endpoints through the peers' CIDRs.
 * @throws InventoryError when the inventory names a group the declaration does not have
 */
export function planClassifier(resolution: Resolution, inventory: Inventory): Classifier {
  checkInventory(resolution, inventory);
  const flows = resolution.flows;
  const peers = resolution.declaration.peers.map((p) => ({ name: p.name, cidr: peerRange(p) }));
  const byPort = new Map<number, number[]>();
  const cache = new Map<string, Membership>();

  // The flows of a protocol whose range holds a port, computed once per (protocol, port).
  const candidates = (protocol: number, port: number): readonly number[] => {
    if (protocol !== 6 && protocol !== 17) return [];
    const key = protocol * 65536 + port;
    let list = byPort.get(key);
    if (!list) {
      list = [];
      flows.forEach((f, i) => {
        // Flow logs' ports are TCP's and UDP's: an ICMP flow's range is message types, never matched.
        if (
          (f.protocol === 'tcp' || f.protocol === 'udp') &&
          PROTOCOL_NUMBER[f.protocol] === protocol &&
          f.fromPort <= port &&
          port <= f.toPort
        )
          list?.push(i);
      });
      byPort.set(key, list);
    }
    return list;
  };
  const membership = (address: string): Membership => {
    const known = cache.get(address);
    if (known) return known;
    const text = canonicalAddress(address);
    const range = text === undefined ? undefined : addressRange(text);
    const m = !range
      ? NONE
      : {
          groups: inventory.groupsOf(address),
          peers: peers
            .filter((p) => cidrContains(p.cidr, range))
            .map((p) => p.name)
            .sort(),
        };
    if (cache.size >= MEMBERSHIP_CACHE) cache.clear();
    cache.set(address, m);
    return m;
  };
  const has = (e: Endpoint, m: Membership): boolean =>
    e.kind === 'group' ? m.groups.includes(e.name) : m.peers.includes(e.name);

  return (p) => {
    const src = membership(p.srcAddr);
    const dst = membership(p.dstAddr);
    const matched = candidates(p.protocol, p.dstPort).filter((i) => has(flows[i].from, src) && has(flows[i].to, dst));
    const replies = matched.length
      ? []
      : candidates(p.protocol, p.srcPort).filter((i) => has(flows[i].to, src) && has(flows[i].from, dst));
    return { flows: matched, replies, src, dst };
  };
}
