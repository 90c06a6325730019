import { parseCidr, peerCidr, type Cidr, type Resolution } from '../model';
import type { Membership } from './classify';
import type { Inventory } from './inventory';

/**
 * The address space cut into intervals of one membership each: every address of an interval is
 * in the same declared groups (by the inventory) and the same peers (by their CIDRs). An address
 * in no interval is in no group and no peer. This is what lets a query engine find an address's
 * groups and peers with one range lookup, as {@link planClassifier} finds them in process.
 * @packageDocumentation
 */

/** One interval of addresses of one family with the same groups and peers. */
export interface AddressRegion {
  /** The address family. */
  readonly family: 4 | 6;
  /** The first address, as a number. */
  readonly first: bigint;
  /** The last address, as a number. */
  readonly last: bigint;
  /** The groups and peers of every address in it (never both empty). */
  readonly membership: Membership;
}

interface Span {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  readonly name: string;
  readonly kind: 'group' | 'peer';
}

const span = (c: Cidr, name: string, kind: 'group' | 'peer'): Span => {
  const bits = BigInt((c.family === 4 ? 32 : 128) - c.prefix);
  return { family: c.family, first: c.network, last: c.network + (1n << bits) - 1n, name, kind };
};

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const sameMembership = (a: Membership, b: Membership): boolean =>
  a.groups.join(' ') === b.groups.join(' ') && a.peers.join(' ') === b.peers.join(' ');

const key = (s: Span): string => `${s.kind === 'group' ? 'g' : 'p'}${s.name}`;
const byNumber = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

// The intervals of one family, by a sweep over the spans' ends: at each cut the spans that start
// there join the active count, those that ended just before leave; neighbours of the same
// membership are joined.
function familyRegions(family: 4 | 6, spans: readonly Span[]): AddressRegion[] {
  const events = new Map<bigint, Span[][]>();
  const at = (n: bigint) => events.get(n) ?? (events.set(n, [[], []]).get(n) as Span[][]);
  for (const s of spans) {
    at(s.first)[0].push(s);
    at(s.last + 1n)[1].push(s);
  }
  const cuts = [...events.keys()].sort(byNumber);
  const active = new Map<string, { span: Span; count: number }>();
  const out: AddressRegion[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [starting, ending] = events.get(cuts[i]) as Span[][];
    for (const s of ending) {
      const a = active.get(key(s)) as { count: number };
      if (--a.count === 0) active.delete(key(s));
    }
    for (const s of starting) {
      const a = active.get(key(s));
      if (a) a.count++;
      else active.set(key(s), { span: s, count: 1 });
    }
    if (!active.size) continue;
    const list = [...active.values()].map((a) => a.span);
    const membership = {
      groups: sorted(list.filter((s) => s.kind === 'group').map((s) => s.name)),
      peers: sorted(list.filter((s) => s.kind === 'peer').map((s) => s.name)),
    };
    const first = cuts[i];
    const last = cuts[i + 1] - 1n;
    const prev = out[out.length - 1];
    if (prev && prev.last + 1n === first && sameMembership(prev.membership, membership))
      out[out.length - 1] = { ...prev, last };
    else out.push({ family, first, last, membership });
  }
  return out;
}

/**
 * The regions of a plan's inventory and peers, IPv4 first, each family in address order.
 * Time grows with the number of entries times the entries active at once (ranges nested in
 * each other); an inventory of host addresses costs n log n.
 */
export function addressRegions(resolution: Resolution, inventory: Inventory): AddressRegion[] {
  const spans: Span[] = [
    ...inventory.entries.map((e) => span(parseCidr(e.range) as Cidr, e.group, 'group')),
    ...resolution.declaration.peers.map((p) => span(parseCidr(peerCidr(p, 'flow logs')) as Cidr, p.name, 'peer')),
  ];
  return ([4, 6] as const).flatMap((f) =>
    familyRegions(
      f,
      spans.filter((s) => s.family === f),
    ),
  );
}
