import { ArgumentError } from '../model/errors';
import { type Cidr, parseCidr } from '../model/cidr';
import { type Bound, toBound } from './bound';

/**
 * The address line: IPv4 and IPv6 addresses as positions on one line of integers. IPv4 address `v`
 * sits at `v` (0 to 2^32 - 1); IPv6 address `v` sits at `2^32 + v`. One dimension then holds both
 * families, so a rule for either family is one interval and "any address" is one interval
 * `[0, 2^32 + 2^128)`; yet no interval built from a CIDR can hold addresses of both families, and
 * an IPv6 address whose number is small (`::a00:1`) never meets the IPv4 address with the same
 * number (`10.0.0.1`). IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are IPv6 addresses here, as
 * the clouds treat `::ffff:0:0/96` as an IPv6 range.
 */

/** Where the IPv6 addresses begin on the address line: 2^32. */
export const IPV6_BASE = 1n << 32n;
/** One past the last position of the address line: 2^32 + 2^128. */
export const ADDRESS_END = IPV6_BASE + (1n << 128n);

/** A half-open interval of the address line. */
export interface AddressInterval {
  /** The first position. */
  readonly from: bigint;
  /** One past the last position. */
  readonly to: bigint;
}

/**
 * The interval of a CIDR (`10.0.0.0/24`, `2001:db8::/64`) or of one address (`10.0.0.1`,
 * `2001:db8::1`) on the address line.
 * @param path the field the text came from, for the error
 * @throws ArgumentError when it is neither, or when a CIDR has host bits set (the clouds either
 *   refuse it or mask it silently, so the text would not say what it admits)
 */
export function addressInterval(text: string, path: string): AddressInterval {
  const bare = typeof text === 'string' && !text.includes('/');
  const cidr =
    typeof text === 'string' ? parseCidr(bare ? `${text}/${text.includes(':') ? 128 : 32}` : text) : undefined;
  if (!cidr) throw new ArgumentError(path, text, 'an IPv4 or IPv6 CIDR or address (10.0.0.0/24, 2001:db8::1)');
  if (!cidr.masked) throw new ArgumentError(path, text, `a CIDR without host bits set (the network is ${cidr.text})`);
  return cidrInterval(cidr);
}

/** The interval of a parsed CIDR's network (host bits, if the text had any, cleared) on the address line. */
export function cidrInterval(cidr: Cidr): AddressInterval {
  const base = cidr.family === 4 ? 0n : IPV6_BASE;
  const size = 1n << BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return { from: base + cidr.network, to: base + cidr.network + size };
}

/** Both ends of an {@link AddressInterval} as interval bounds. */
export function addressBounds(i: AddressInterval): [Bound, Bound] {
  return [toBound(i.from), toBound(i.to)];
}

function ipv4Text(n: bigint | number): string {
  const v = Number(n);
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text: lower case, the first longest run of two or more zero groups as `::`. */
function ipv6Text(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let at = -1;
  let len = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > len) [at, len] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  if (at < 0) return hex.join(':');
  return `${hex.slice(0, at).join(':')}::${hex.slice(at + len).join(':')}`;
}

/** The text of the address at a position of the address line (`10.0.0.1`, `2001:db8::1`). */
export function addressText(position: bigint): string {
  return position < IPV6_BASE ? ipv4Text(position) : ipv6Text(position - IPV6_BASE);
}

/**
 * The fewest CIDRs that cover exactly the half-open range `[from, to)` of one family's addresses:
 * at each step the largest aligned block that starts at `from` and fits.
 */
function familyCidrs(from: bigint, to: bigint, bits: number, text: (n: bigint) => string): string[] {
  const out: string[] = [];
  let at = from;
  while (at < to) {
    let size = at === 0n ? 1n << BigInt(bits) : at & -at;
    while (size > to - at) size >>= 1n;
    out.push(`${text(at)}/${bits - (size.toString(2).length - 1)}`);
    at += size;
  }
  return out;
}

/**
 * {@link familyCidrs} of IPv4 in numbers (every IPv4 position and block size is exact in a double):
 * a report writes thousands of IPv4 ranges, and bigint arithmetic allocates at each step.
 */
function ipv4Cidrs(from: number, to: number): string[] {
  const out: string[] = [];
  let at = from;
  while (at < to) {
    // The lowest set bit of `at` (2^32 for 0): the largest aligned block starting there.
    let size = at === 0 ? 2 ** 32 : lowestBit(at);
    while (size > to - at) size /= 2;
    out.push(`${ipv4Text(at)}/${32 - Math.log2(size)}`);
    at += size;
  }
  return out;
}

/** The lowest set bit of a whole number from 1 to 2^32 - 1 (bit operations read it modulo 2^32, exactly). */
const lowestBit = (n: number): number => (n & -n) >>> 0;

/**
 * The fewest CIDRs that cover exactly the half-open interval `[from, to)` of the address line, the
 * IPv4 ones first. An interval that crosses from IPv4 into IPv6 is cut where the families meet.
 */
export function intervalCidrs(from: bigint, to: bigint): string[] {
  if (to <= IPV6_BASE) return ipv4Cidrs(Number(from), Number(to));
  const v4 = from < IPV6_BASE ? familyCidrs(from, to < IPV6_BASE ? to : IPV6_BASE, 32, ipv4Text) : [];
  const v6 =
    to > IPV6_BASE ? familyCidrs((from > IPV6_BASE ? from : IPV6_BASE) - IPV6_BASE, to - IPV6_BASE, 128, ipv6Text) : [];
  return [...v4, ...v6];
}
