import { portRangeText as portText } from '../spec';
import type { HostRule, HostRules } from './rules';

/** A rule's name, unique within its role: direction, remote, protocol and ports. */
export const ruleName = (x: HostRule): string => `portplan-${x.direction === 'inbound' ? 'in' : 'out'}-${x.remote.name}-${x.protocol}-${portText(x)}`;
const psQuote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** PowerShell `New-NetFirewallRule` commands; re-running replaces the role's earlier rules. */
export function powershell(h: HostRules): string {
  const group = `portplan ${h.role}`;
  const lines = [
    `# portplan host firewall rules for ${h.role} (groups: ${h.groups.join(', ')}). Run in an elevated PowerShell.`,
    `Remove-NetFirewallRule -Group ${psQuote(group)} -ErrorAction SilentlyContinue`,
  ];
  for (const x of h.rules) {
    const inbound = x.direction === 'inbound';
    const args = [
      `-Name ${psQuote(`${ruleName(x)}-${h.role.replace(/:/g, '-')}`)}`,
      `-DisplayName ${psQuote(`portplan ${x.rows.join(' ')} ${inbound ? 'from' : 'to'} ${x.remote.name} ${x.protocol} ${portText(x)}`)}`,
      `-Group ${psQuote(group)}`,
      `-Direction ${inbound ? 'Inbound' : 'Outbound'}`,
      '-Action Allow',
      `-Protocol ${x.protocol.toUpperCase()}`,
      `${inbound ? '-LocalPort' : '-RemotePort'} ${psQuote(portText(x))}`,
      ...(x.addresses.length ? [`-RemoteAddress ${x.addresses.map(psQuote).join(', ')}`] : []),
      `-Description ${psQuote(x.description)}`,
    ];
    if (!x.addresses.length) lines.push(`# ${x.remote.name}: no address given (--address ${x.remote.name}=<cidr>), so any address`);
    lines.push(`New-NetFirewallRule ${args.join(' ')} | Out-Null`);
  }
  return `${lines.join('\n')}\n`;
}
