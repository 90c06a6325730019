import { cidrFamily, portRangeText as portText } from '../model';
import type { HostRules } from './rules';

/** The nftables chains for a role in table `inet filter`, for `nft -f`; re-running replaces their rules. */
export function nftables(h: HostRules): string {
  // One pair of chains per role, so a host with two roles loads both files side by side.
  const base = `portplan_${h.role.replace(/[:-]/g, '_')}`;
  const chain = { inbound: `${base}_in`, outbound: `${base}_out` } as const;
  // Both chains every time, flushed: a rerun with no outbound rules must empty the outbound chain
  // an earlier run filled (restricted egress, then default egress), not leave its accepts behind.
  const both = ['inbound', 'outbound'] as const;
  const lines = [
    '#!/usr/sbin/nft -f',
    `# portplan host firewall rules for ${h.role} (groups: ${h.groups.join(', ')}).`,
    '# The chains accept what the flows need; call them from your own base chains, e.g.',
    ...both.map((d) => `#   nft add rule inet filter ${d === 'inbound' ? 'input' : 'output'} jump ${chain[d]}`),
    'add table inet filter',
    ...both.flatMap((d) => [`add chain inet filter ${chain[d]}`, `flush chain inet filter ${chain[d]}`]),
  ];
  for (const x of h.rules) {
    const inbound = x.direction === 'inbound';
    const match = `${x.protocol} dport ${portText(x)}`;
    // nftables comments hold at most 128 bytes.
    const comment = `comment "${x.description.replace(/"/g, "'").slice(0, 120)}"`;
    const families = [
      ['ip', x.addresses.filter((a) => cidrFamily(a) === 4)],
      ['ip6', x.addresses.filter((a) => cidrFamily(a) === 6)],
    ] as const;
    if (!x.addresses.length) {
      lines.push(`# ${x.remote.name}: no address given (--address ${x.remote.name}=<cidr>), so any address`);
      lines.push(`add rule inet filter ${chain[x.direction]} ${match} accept ${comment}`);
    }
    for (const [family, list] of families) {
      if (!list.length) continue;
      const set = list.length === 1 ? list[0] : `{ ${list.join(', ')} }`;
      const side = inbound ? 'saddr' : 'daddr';
      lines.push(`add rule inet filter ${chain[x.direction]} ${family} ${side} ${set} ${match} accept ${comment}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
