// A synthetic site for the packet-set benchmarks: n groups, one host class each, RULES_PER_GROUP
// rules per group (70 % naming another group, 30 % a CIDR, a tenth of those IPv6), and the rules as
// deployed, of which a few are narrowed, widened or missing, so that the two sets differ a little,
// as a drifted site does. Deterministic: a seeded generator, no clock.
import type { PacketSpec } from '../lib/packets';

/** Rules per group: 1,000 groups give 50,000 rules. */
export const RULES_PER_GROUP = 50;

/** Which side a rule filters: inbound rules name their source, outbound rules their destination. */
export type Direction = 'ingress' | 'egress';

/** A site: its host classes and two rule lists to compare. */
export interface Site {
  /** One host class per group. */
  readonly classes: readonly string[];
  /** The rules as deployed. */
  readonly deployed: readonly PacketSpec[];
  /** The rules as planned. */
  readonly planned: readonly PacketSpec[];
}

/** mulberry32: a small seeded generator, so every run measures the same site. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PORTS = Array.from({ length: 200 }, (_, i) => 1000 + i * 37);

function cidr(r: () => number): string {
  if (r() < 0.1) {
    const prefix = 48 + Math.floor(r() * 17);
    const group = Math.floor(r() * 65536).toString(16);
    return prefix === 48
      ? `2001:db8:${group}::/48`
      : `2001:db8:${group}:${Math.floor(r() * 65536).toString(16)}::/${Math.max(prefix, 64)}`;
  }
  const prefix = 16 + Math.floor(r() * 17);
  const address = (10 << 24) | Math.floor(r() * 2 ** 24);
  const network = prefix === 32 ? address : address & ~((1 << (32 - prefix)) - 1);
  const text = [24, 16, 8, 0].map((s) => (network >>> s) & 255).join('.');
  return `${text}/${prefix}`;
}

function rule(r: () => number, n: number, g: number, direction: Direction): PacketSpec {
  const mine = { classes: [`g${g}`] };
  const other = r() < 0.7 ? { classes: [`g${Math.floor(r() * n)}`] } : { addresses: [cidr(r)] };
  const ends = direction === 'ingress' ? { source: other, destination: mine } : { source: mine, destination: other };
  const kind = r();
  if (kind < 0.05) return { protocol: 'icmp', icmp: { type: 8 }, ...ends };
  const from = PORTS[Math.floor(r() * PORTS.length)];
  const width = r() < 0.6 ? 0 : Math.floor(r() * 20);
  return { protocol: kind < 0.85 ? 'tcp' : 'udp', ports: { from, to: from + width }, ...ends };
}

/** A planned rule as drift left it: gone, narrowed or widened; most are unchanged. */
function drift(r: () => number, spec: PacketSpec): PacketSpec[] {
  const x = r();
  if (x > 0.03) return [spec];
  if (x < 0.01) return [];
  const wider = x >= 0.02;
  const side = spec.source?.addresses ? 'source' : spec.destination?.addresses ? 'destination' : undefined;
  if (side) {
    const [net, prefix] = spec[side]!.addresses![0].split('/');
    if (!wider)
      return [
        { ...spec, [side]: { addresses: [`${net}/${Math.min(Number(prefix) + 4, net.includes(':') ? 128 : 32)}`] } },
      ];
  }
  const p = spec.ports as { from: number; to: number } | undefined;
  if (!p) return [spec];
  const to = wider ? Math.min(p.to + 10, 65535) : p.from + Math.floor((p.to - p.from) / 2);
  return [{ ...spec, ports: { from: p.from, to } }];
}

/** The site of `n` groups, with rules of one direction. */
export function site(n: number, direction: Direction, seed = 1): Site {
  const r = random(seed);
  const classes = Array.from({ length: n }, (_, g) => `g${g}`);
  const planned: PacketSpec[] = [];
  for (let g = 0; g < n; g++) for (let k = 0; k < RULES_PER_GROUP; k++) planned.push(rule(r, n, g, direction));
  const deployed = planned.flatMap((spec) => drift(r, spec));
  return { classes, deployed, planned };
}
