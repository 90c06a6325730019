import { type Cidr } from '../model';
import { addressRange, canonicalAddress } from './address';
import { InventoryError } from './errors';

/**
 * Which addresses belong to which declared group: security groups and NSGs log addresses, the
 * plan speaks of groups. An address may belong to several groups (a host of several roles joins
 * several groups); an entry may be a single address or a range.
 * @packageDocumentation
 */

/** One address or range of a group, and where it was read. */
export interface InventoryEntry {
  /** The address range, canonical CIDR text (`10.0.1.5/32`, `2001:db8::/64`). */
  readonly range: string;
  /** The declared group's name. */
  readonly group: string;
  /** Where it was read: `hosts.txt line 3`, `enis.json NetworkInterfaces[0].PrivateIpAddresses[1]`. */
  readonly source: string;
}

/** A declared group's name, as the declaration allows it. */
export const GROUP_NAME = /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/** What {@link GROUP_NAME} allows, in words. @internal */
export const GROUP_NAME_TEXT =
  'a group name: lower-case letters, digits and dashes, starting with a letter and ending with a letter or digit, at most 40 characters';

/** Checks a group name read from an inventory file. @internal */
export function checkGroupName(name: unknown, file: string, where: string): string {
  if (typeof name !== 'string' || !GROUP_NAME.test(name)) throw new InventoryError(file, where, name, GROUP_NAME_TEXT);
  return name;
}

interface RangeSet {
  readonly family: 4 | 6;
  readonly prefix: number;
  readonly byNetwork: Map<bigint, string[]>;
}

const sortedUnique = (xs: readonly string[]): string[] => [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Addresses and ranges by group, and the groups of any address. */
export class Inventory {
  /** Every entry, in the order given. */
  readonly entries: readonly InventoryEntry[];
  private readonly hosts = new Map<string, string[]>();
  private readonly ranges: RangeSet[] = [];

  /**
   * @param entries the entries of one or more inventory files
   * @throws InventoryError when an entry's range is not a masked CIDR
   */
  constructor(entries: readonly InventoryEntry[]) {
    this.entries = entries;
    for (const e of entries) {
      const c = addressRange(e.range);
      if (!c || !c.masked || c.text !== e.range)
        throw new InventoryError(
          e.source,
          'range',
          e.range,
          `a masked CIDR in canonical form${c ? `: ${c.text}` : ''}`,
        );
      const bits = c.family === 4 ? 32 : 128;
      if (c.prefix === bits) this.add(this.hosts, c.text.slice(0, c.text.indexOf('/')), e.group);
      else this.add(this.rangeSet(c).byNetwork, c.network, e.group);
    }
    for (const [k, v] of this.hosts) this.hosts.set(k, sortedUnique(v));
    for (const r of this.ranges) for (const [k, v] of r.byNetwork) r.byNetwork.set(k, sortedUnique(v));
  }

  /** Every group some entry names, sorted. */
  get groups(): readonly string[] {
    return sortedUnique(this.entries.map((e) => e.group));
  }

  /** The groups an address belongs to, sorted; empty when no entry covers it or it is not an address. */
  groupsOf(address: string): readonly string[] {
    const text = canonicalAddress(address);
    if (text === undefined) return [];
    const exact = this.hosts.get(text);
    if (!this.ranges.length) return exact ?? [];
    const c = addressRange(text) as Cidr;
    const found = [...(exact ?? [])];
    const bits = c.family === 4 ? 32 : 128;
    for (const r of this.ranges) {
      if (r.family !== c.family) continue;
      const network = (c.network >> BigInt(bits - r.prefix)) << BigInt(bits - r.prefix);
      found.push(...(r.byNetwork.get(network) ?? []));
    }
    return sortedUnique(found);
  }

  private add<K>(map: Map<K, string[]>, key: K, group: string): void {
    const list = map.get(key);
    if (list) list.push(group);
    else map.set(key, [group]);
  }

  private rangeSet(c: Cidr): RangeSet {
    let r = this.ranges.find((x) => x.family === c.family && x.prefix === c.prefix);
    if (!r) {
      r = { family: c.family, prefix: c.prefix, byNetwork: new Map() };
      this.ranges.push(r);
    }
    return r;
  }
}

/**
 * Reads a hosts file: one entry a line, `address-or-CIDR group-name [group-name...]`, fields
 * separated by spaces or tabs; `#` starts a comment; blank lines are skipped.
 * ```
 * # ServerProtect
 * 10.0.1.5        console
 * 10.0.2.0/24     normal-servers
 * 2001:db8:2::7   information-server normal-servers
 * ```
 * @param text the file's text
 * @param file its name, named in errors and in each entry's source
 * @throws InventoryError naming the line and the value when an address, range or name is malformed
 */
export function parseHostsFile(text: string, file: string): InventoryEntry[] {
  const out: InventoryEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const where = `line ${i + 1}`;
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const [address, ...groups] = line.split(/[ \t]+/);
    if (!groups.length) throw new InventoryError(file, where, raw, 'an address or CIDR, then one or more group names');
    const range = addressRange(address);
    if (!range)
      throw new InventoryError(file, where, address, 'an IPv4 or IPv6 address, or a CIDR such as 10.0.2.0/24');
    if (!range.masked) throw new InventoryError(file, where, address, `a masked CIDR: ${range.text}`);
    for (const g of groups)
      out.push({ range: range.text, group: checkGroupName(g, file, where), source: `${file} ${where}` });
  });
  return out;
}
