import { isIP } from 'node:net';
import { ROLE_IDS, portRangeText as portText, type Endpoint, type Protocol, type Resolution, type RoleId, type RowId } from '../spec';
import { unique } from './render';

/** Host operating systems with a firewall portplan writes rules for. */
export const HOST_OS = ['windows', 'linux'] as const;

/** A host operating system. */
export type HostOs = (typeof HOST_OS)[number];

/**
 * The operating systems each role's hosts run, as far as portplan writes their firewall.
 * ServerProtect for Windows runs on Windows; an Integrity target is reached over SSH, and only its
 * Linux case is written (HP-UX filters with IPFilter, which portplan does not write); management
 * processors, switches and ESXi hosts are appliances whose firewalls are not PowerShell or nftables.
 */
const ROLE_OS: Record<RoleId, readonly HostOs[]> = {
  'serverprotect:console': ['windows'],
  'serverprotect:information-server': ['windows'],
  'serverprotect:normal-server': ['windows'],
  'sum:workstation': ['windows', 'linux'],
  'sum:target:windows': ['windows'],
  'sum:target:linux': ['linux'],
  'sum:target:integrity': ['linux'],
  'sum:target:vmware': [],
  'sum:target:ilo': [],
  'sum:target:onboard-administrator': [],
  'sum:target:virtual-connect': [],
  'sum:target:switch': [],
  'sum:target:superdome-x': [],
  'sum:target:superdome-flex': [],
};

/** A bad `host-firewall` request: names the option, the value and what is allowed. */
export class HostFirewallError extends Error {
  /** Always `HostFirewallError`, so the error can be told apart after serialization. */
  override readonly name = 'HostFirewallError';
}

/** One rule of a host's own firewall. */
export interface HostRule {
  /** `inbound`: the host listens; `outbound`: the host opens the connection (restricted egress only). */
  readonly direction: 'inbound' | 'outbound';
  readonly protocol: Protocol;
  readonly fromPort: number;
  readonly toPort: number;
  /** The other side: a group or a peer. */
  readonly remote: Endpoint;
  /** The other side's address ranges; empty when the user gave none for a group (any address). */
  readonly addresses: readonly string[];
  readonly rows: readonly RowId[];
  readonly description: string;
}

/** What `host-firewall` renders: the rules for one role, and the groups with no address given. */
export interface HostRules {
  readonly role: RoleId;
  readonly os: HostOs;
  /** The declaration's groups of the role. */
  readonly groups: readonly string[];
  readonly rules: readonly HostRule[];
  /** Groups whose rules admit any address because the user gave none. */
  readonly unaddressed: readonly string[];
}

function validCidr(text: string): boolean {
  const [address, prefix, extra] = text.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Parses `--address group=cidr[,cidr]` values into address ranges by group name.
 * @throws HostFirewallError naming the bad value
 */
export function parseAddresses(values: readonly string[], r: Resolution): Record<string, string[]> {
  const groups = r.declaration.groups.map((g) => g.name);
  const out: Record<string, string[]> = {};
  for (const value of values) {
    const [name, list] = value.split('=', 2);
    if (!name || !list) throw new HostFirewallError(`--address ${JSON.stringify(value)}: must be <group>=<cidr>[,<cidr>...], e.g. console=10.0.1.0/24`);
    if (!groups.includes(name)) throw new HostFirewallError(`--address ${JSON.stringify(value)}: no group ${name} in the declaration; groups: ${groups.join(', ')}`);
    for (const cidr of list.split(',')) {
      if (!validCidr(cidr)) throw new HostFirewallError(`--address ${JSON.stringify(value)}: ${JSON.stringify(cidr)} is not an IPv4 or IPv6 CIDR such as 10.0.1.0/24`);
      if (/\/0$/.test(cidr)) throw new HostFirewallError(`--address ${JSON.stringify(value)}: ${cidr} is every address; leave the group out to admit any address`);
      (out[name] ??= []).push(cidr);
    }
  }
  return out;
}

/**
 * The host-side rules for the hosts of one role: inbound for each flow the role listens on,
 * outbound for each flow it opens when the declaration restricts egress.
 * @throws HostFirewallError when the role is unknown, not declared, or does not run on `os`
 */
export function hostRules(r: Resolution, role: string, os: HostOs, addresses: Readonly<Record<string, readonly string[]>>): HostRules {
  if (!(ROLE_IDS as readonly string[]).includes(role)) throw new HostFirewallError(`--role ${JSON.stringify(role)}: must be one of ${ROLE_IDS.join(', ')}`);
  const roleId = role as RoleId;
  const groups = r.declaration.groups.filter((g) => g.role === roleId).map((g) => g.name);
  if (!groups.length) {
    throw new HostFirewallError(`--role ${role}: no group of this role in the declaration; its roles: ${unique(r.declaration.groups.map((g) => g.role)).join(', ')}`);
  }
  const oses = ROLE_OS[roleId];
  if (!oses.includes(os)) {
    throw new HostFirewallError(
      oses.length
        ? `--os ${os}: ${role} hosts run ${oses.join(' or ')}`
        : `--role ${role}: an appliance; its firewall is not configured with PowerShell or nftables`,
    );
  }
  const workstationOs = r.declaration.sum.workstationOs;
  if (roleId === 'sum:workstation' && os !== workstationOs) {
    throw new HostFirewallError(`--os ${os}: the declaration's sum.workstationOs is ${workstationOs}`);
  }
  const mine = (e: Endpoint) => e.kind === 'group' && groups.includes(e.name);
  const peerCidr = (e: Endpoint) => r.declaration.peers.find((p) => p.name === e.name)?.cidr;
  const rules = new Map<string, HostRule>();
  const unaddressed = new Set<string>();
  const add = (direction: HostRule['direction'], remote: Endpoint, f: Resolution['flows'][number]) => {
    const cidr = remote.kind === 'peer' ? peerCidr(remote) : undefined;
    const known = cidr ? [cidr] : (addresses[remote.name] ?? []);
    if (!known.length) unaddressed.add(remote.name);
    // Several groups of one role share one host rule per remote, protocol and ports.
    const key = `${direction} ${remote.kind}:${remote.name} ${f.protocol} ${f.fromPort}-${f.toPort}`;
    if (!rules.has(key)) rules.set(key, { direction, protocol: f.protocol, fromPort: f.fromPort, toPort: f.toPort, remote, addresses: known, rows: f.rows, description: f.description });
  };
  for (const f of r.flows) {
    if (mine(f.to)) add('inbound', f.from, f);
    if (mine(f.from) && r.declaration.egress === 'restricted') add('outbound', f.to, f);
  }
  return { role: roleId, os, groups, rules: [...rules.values()], unaddressed: [...unaddressed].sort() };
}

const ruleName = (x: HostRule) => `portplan-${x.direction === 'inbound' ? 'in' : 'out'}-${x.remote.name}-${x.protocol}-${portText(x)}`;
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

/** The nftables chains for a role in table `inet filter`, for `nft -f`; re-running replaces their rules. */
export function nftables(h: HostRules): string {
  // One pair of chains per role, so a host with two roles loads both files side by side.
  const base = `portplan_${h.role.replace(/[:-]/g, '_')}`;
  const chain = { inbound: `${base}_in`, outbound: `${base}_out` } as const;
  const used = (['inbound', 'outbound'] as const).filter((d) => h.rules.some((x) => x.direction === d));
  const lines = [
    '#!/usr/sbin/nft -f',
    `# portplan host firewall rules for ${h.role} (groups: ${h.groups.join(', ')}).`,
    '# The chains accept what the flows need; call them from your own base chains, e.g.',
    ...used.map((d) => `#   nft add rule inet filter ${d === 'inbound' ? 'input' : 'output'} jump ${chain[d]}`),
    'add table inet filter',
    ...used.flatMap((d) => [`add chain inet filter ${chain[d]}`, `flush chain inet filter ${chain[d]}`]),
  ];
  for (const x of h.rules) {
    const inbound = x.direction === 'inbound';
    const match = `${x.protocol} dport ${portText(x)}`;
    // nftables comments hold at most 128 bytes.
    const comment = `comment "${x.description.replace(/"/g, "'").slice(0, 120)}"`;
    const families = [
      ['ip', x.addresses.filter((a) => isIP(a.split('/')[0]) === 4)],
      ['ip6', x.addresses.filter((a) => isIP(a.split('/')[0]) === 6)],
    ] as const;
    if (!x.addresses.length) {
      lines.push(`# ${x.remote.name}: no address given (--address ${x.remote.name}=<cidr>), so any address`);
      lines.push(`add rule inet filter ${chain[x.direction]} ${match} accept ${comment}`);
    }
    for (const [family, list] of families) {
      if (!list.length) continue;
      const set = list.length === 1 ? list[0] : `{ ${list.join(', ')} }`;
      lines.push(`add rule inet filter ${chain[x.direction]} ${family} ${inbound ? 'saddr' : 'daddr'} ${set} ${match} accept ${comment}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
