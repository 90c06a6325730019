/**
 * Address ranges as the clouds take them. Azure refuses a prefix with host bits set
 * (`10.0.9.10/24`); AWS masks it silently, so the rule would not say what the user wrote. portplan
 * accepts only masked prefixes and names the masked form in the error.
 */

/** An address range in CIDR notation, parsed. */
export interface Cidr {
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** The prefix length. */
  readonly prefix: number;
  /** The network address as a number (host bits cleared). */
  readonly network: bigint;
  /** Whether the text had no host bits set. */
  readonly masked: boolean;
  /** The masked range in canonical text (`10.0.9.0/24`, `2001:db8::/32`). */
  readonly text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): bigint | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  // Summed as a number (below 2^32, exact) and made a bigint once.
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i];
    // Leading zeros read as octal in some tools; refuse them rather than guess.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return BigInt(n);
}

function parseIpv6(text: string): bigint | undefined {
  // No zone index (`%eth0`): a zone is local to one host and means nothing in a firewall rule.
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...Array<number>(missing).fill(0), ...tail].reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

function ipv4Text(n: bigint): string {
  const v = Number(n);
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
function ipv6Text(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** Parses `address/prefix`; undefined when it is not an IPv4 or IPv6 CIDR (no zone, no octal). */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = parseIpv4(m[1]);
  const family = v4 !== undefined ? 4 : 6;
  const address = v4 ?? parseIpv6(m[1]);
  const bits = family === 4 ? 32 : 128;
  if (address === undefined || prefix > bits || (m[2].length > 1 && m[2].startsWith('0'))) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const network = address & ~hostMask;
  const text2 = `${family === 4 ? ipv4Text(network) : ipv6Text(network)}/${prefix}`;
  return { family, prefix, network, masked: network === address, text: text2 };
}

/** The address family of a CIDR the spec validated: 6 when it has a colon, else 4. */
export function cidrFamily(cidr: string): 4 | 6 {
  return cidr.includes(':') ? 6 : 4;
}

/** Whether range `inner` lies wholly inside range `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}

/**
 * Prefix lengths shorter than these are "broad": more than a /16 of IPv4 (65,536 addresses) or a
 * /48 of IPv6 (a whole site). They pass, with a `broad-peer` warning, since least privilege asks
 * for the peer's own addresses.
 */
export const BROAD_PREFIX: Readonly<Record<4 | 6, number>> = { 4: 16, 6: 48 };

/** A block of addresses no peer across a VPC or VNet can have, and why. */
export interface NeverRoutedBlock {
  /** The block, as a CIDR. */
  readonly block: string;
  /** What it is and why no peer is there, with the registry or RFC that says so. */
  readonly why: string;
}

const IPV4_REGISTRY = 'https://www.iana.org/assignments/iana-ipv4-special-registry/';
const IPV6_REGISTRY = 'https://www.iana.org/assignments/iana-ipv6-special-registry/';
const UNFORWARDED = 'no router forwards it, so no peer across a VPC or VNet is there';

/**
 * The blocks a peer's range must not lie inside. The IANA special-purpose registries (RFC 6890)
 * mark which blocks a router may forward ("Forwardable"); a peer is reached through routers, so a
 * block marked not forwardable holds no peer. Taken: "this network" 0.0.0.0/8, loopback
 * 127.0.0.0/8 and ::1/128, link-local 169.254.0.0/16 and fe80::/10, reserved 240.0.0.0/4 (with the
 * limited broadcast 255.255.255.255/32), the unspecified ::/128 and IPv4-mapped ::ffff:0:0/96
 * (IPv4 hosts written as IPv6; no IPv6 packet carries them). Multicast (224.0.0.0/4, RFC 5771;
 * ff00::/8, RFC 4291), in no special-purpose registry, is taken too: a group address is no host's,
 * and portplan's flows are connections with a host.
 *
 * Left allowed, though also marked not forwardable or not globally reachable: the documentation
 * blocks (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20), which private
 * networks do route and examples write for real ranges; single addresses of 192.0.0.0/24 (protocol
 * assignments such as the IPv4 dummy address 192.0.0.8/32), too specific to be written as a peer
 * by mistake. Everything else in the registries (private, shared, benchmarking, NAT64, unique
 * local, discard-only) is forwardable and may hold a peer.
 */
export const NEVER_ROUTED: readonly NeverRoutedBlock[] = [
  {
    block: '0.0.0.0/8',
    why: `"this network": addresses of the sending host itself; ${UNFORWARDED} (${IPV4_REGISTRY})`,
  },
  { block: '127.0.0.0/8', why: `IPv4 loopback: a host's own; ${UNFORWARDED} (${IPV4_REGISTRY})` },
  { block: '169.254.0.0/16', why: `IPv4 link-local: one link only; ${UNFORWARDED} (${IPV4_REGISTRY})` },
  {
    block: '224.0.0.0/4',
    why: 'IPv4 multicast: a group, no host has it, so no peer across a VPC or VNet is there (RFC 5771)',
  },
  {
    block: '240.0.0.0/4',
    why: `reserved (with the limited broadcast 255.255.255.255): no host is given it; ${UNFORWARDED} (${IPV4_REGISTRY})`,
  },
  { block: '::/128', why: `the unspecified IPv6 address: no host's; ${UNFORWARDED} (${IPV6_REGISTRY})` },
  { block: '::1/128', why: `IPv6 loopback: a host's own; ${UNFORWARDED} (${IPV6_REGISTRY})` },
  {
    block: '::ffff:0:0/96',
    why: `IPv4-mapped: IPv4 hosts written as IPv6, never on the wire; give the IPv4 range; ${UNFORWARDED} (${IPV6_REGISTRY})`,
  },
  { block: 'fe80::/10', why: `IPv6 link-local: one link only; ${UNFORWARDED} (${IPV6_REGISTRY})` },
  {
    block: 'ff00::/8',
    why: 'IPv6 multicast: a group, no host has it, so no peer across a VPC or VNet is there (RFC 4291)',
  },
];

/** The never-routed block ({@link NEVER_ROUTED}) range `c` lies inside, if any; a range that only contains one is not inside it. */
export function neverRoutedBlock(c: Cidr): NeverRoutedBlock | undefined {
  return NEVER_ROUTED.find((b) => cidrContains(parseCidr(b.block)!, c));
}
