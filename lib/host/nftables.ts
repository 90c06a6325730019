import { NAME_TARGETS, cidrFamily, composeName, portRangeText as portText, user } from '../model';
import type { HostRule, HostRules } from './rules';

/**
 * A role's chain for one direction, by portplan's naming scheme: `portplan_<role>_in` and `_out`
 * (`portplan_sum_target_linux_in`). One pair per role, so a host with two roles loads both files
 * side by side: roles differing only in `:` and `-` (`shop:app:batch`, `shop:app-batch`) get two
 * pairs (`portplan_shop_app_batch_in`, `portplan_shop_app-batch_in`).
 */
export const nftChainName = (role: string, direction: HostRule['direction']): string =>
  composeName(NAME_TARGETS.nftChain, ['portplan', user(role), direction === 'inbound' ? 'in' : 'out']);

/**
 * The chain names of portplan before its naming scheme (`:` and `-` both written `_`), when they
 * differ from today's. Such a name is shared by every role differing only in `:` and `-`, so it
 * does not identify this role's chain; and a chain the administrator's base chain still jumps to
 * cannot be deleted (nft refuses, and would refuse the whole file). So the ruleset only names it,
 * in a comment, for the administrator to move the jump and delete it.
 */
function earlierChains(h: HostRules): string[] {
  const both = ['inbound', 'outbound'] as const;
  const earlier = (d: HostRule['direction']) =>
    `portplan_${h.role.replace(/[:-]/g, '_')}_${d === 'inbound' ? 'in' : 'out'}`;
  if (both.every((d) => earlier(d) === nftChainName(h.role, d))) return [];
  return [
    `# Earlier portplan versions named these chains ${both.map(earlier).join(' and ')}, names shared`,
    `# by every role spelt like ${h.role} up to ':' and '-'. If those are this role's, point your jumps`,
    '# at the chains below and delete them (nft delete chain inet filter <name>).',
  ];
}

/**
 * What a rule matches: ports, or ICMP messages by number (`icmp type 8 icmp code 0`; every message
 * is `meta l4proto icmp`, ICMPv6's protocol being `ipv6-icmp`), per nft(8) "ICMP HEADER EXPRESSION".
 */
function nftMatch(x: HostRule): string {
  if (x.protocol === 'tcp' || x.protocol === 'udp') return `${x.protocol} dport ${portText(x)}`;
  const m = x.icmp ?? {};
  if (m.type === undefined) return `meta l4proto ${x.protocol === 'icmp' ? 'icmp' : 'ipv6-icmp'}`;
  return `${x.protocol} type ${m.type}${m.code === undefined ? '' : ` ${x.protocol} code ${m.code}`}`;
}

/** The nftables chains for a role in table `inet filter`, for `nft -f`; re-running replaces their rules. */
export function nftables(h: HostRules): string {
  const chain = { inbound: nftChainName(h.role, 'inbound'), outbound: nftChainName(h.role, 'outbound') } as const;
  // Both chains every time, flushed: a rerun with no outbound rules must empty the outbound chain
  // an earlier run filled (restricted egress, then default egress), not leave its accepts behind.
  const both = ['inbound', 'outbound'] as const;
  const lines = [
    '#!/usr/sbin/nft -f',
    `# portplan host firewall rules for ${h.role} (groups: ${h.groups.join(', ')}).`,
    '# The chains accept what the flows need; call them from your own base chains, e.g.',
    ...both.map((d) => `#   nft add rule inet filter ${d === 'inbound' ? 'input' : 'output'} jump ${chain[d]}`),
    ...earlierChains(h),
    'add table inet filter',
    ...both.flatMap((d) => [`add chain inet filter ${chain[d]}`, `flush chain inet filter ${chain[d]}`]),
  ];
  for (const x of h.rules) {
    const inbound = x.direction === 'inbound';
    const match = nftMatch(x);
    // nftables comments hold at most 128 bytes.
    const comment = `comment "${x.description.replace(/"/g, "'").slice(0, 120)}"`;
    // ICMP is IPv4's, ICMPv6 IPv6's: the other family's addresses send neither.
    const families = [
      ['ip', x.protocol === 'icmpv6' ? [] : x.addresses.filter((a) => cidrFamily(a) === 4)],
      ['ip6', x.protocol === 'icmp' ? [] : x.addresses.filter((a) => cidrFamily(a) === 6)],
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
