import { parseCidr, type Cidr } from '../model';

/**
 * Host addresses as flow logs write them. Every address is kept in one canonical text (IPv4
 * dotted quad; IPv6 in RFC 5952 form, as {@link parseCidr} writes it), so an address from a log
 * and the same address from an inventory are the same key, whatever case or zero compression
 * either used.
 */

// The dotted quad without leading zeros (some tools read them as octal; the clouds never write
// them): a hand-written scan, since every record has two addresses.
function ipv4Valid(text: string): boolean {
  const n = text.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return false;
      value = value * 10 + (c - 48);
      digits++;
      if (digits > 3) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}

/** An address in canonical text, or undefined when the text is not an IPv4 or IPv6 address. */
export function canonicalAddress(text: string): string | undefined {
  if (ipv4Valid(text)) return text;
  if (!text.includes(':')) return undefined;
  const c = parseCidr(`${text}/128`);
  return c ? c.text.slice(0, -4) : undefined;
}

/** An address or a range as one parsed CIDR: a bare address is its /32 or /128. */
export function addressRange(text: string): Cidr | undefined {
  if (text.includes('/')) return parseCidr(text);
  return parseCidr(`${text}/${text.includes(':') ? 128 : 32}`);
}
