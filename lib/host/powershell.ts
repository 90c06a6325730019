import { NAME_TARGETS, checkDistinct, composeName, portRangeText as portText, user } from '../model';
import { HostFirewallError, type HostRule, type HostRules } from './rules';

/** The Windows Firewall network profiles a rule can be assigned to. */
export const WINDOWS_PROFILES = ['Domain', 'Private', 'Public'] as const;

/** A Windows Firewall network profile, or `Any` (all of them). */
export type WindowsProfile = (typeof WINDOWS_PROFILES)[number] | 'Any';

/**
 * The profiles portplan assigns its rules to unless told otherwise: Domain and Private.
 * `New-NetFirewallRule` assigns a rule to `Any` profile by default, and a rule is active only
 * while one of its profiles is
 * (https://learn.microsoft.com/powershell/module/netsecurity/new-netfirewallrule, parameter
 * -Profile). Public is the profile of networks Windows does not trust, and Microsoft advises
 * against enabling rules on it by default
 * (https://learn.microsoft.com/previous-versions/windows/desktop/ics/windows-firewall-profiles);
 * the management traffic of ServerProtect and HP SUM belongs to the managed network, so a host
 * that finds itself on a public network keeps these ports closed.
 */
export const DEFAULT_PROFILES: readonly WindowsProfile[] = ['Domain', 'Private'];

/**
 * Parses `--profile`: `Any`, or one or more of Domain, Private, Public, comma-separated, in any
 * case; returned in that canonical order, each once.
 * @throws HostFirewallError naming the value and what is allowed
 */
export function parseProfiles(text: string): WindowsProfile[] {
  const names = text.split(',').map((x) => x.trim().toLowerCase());
  const known = [...WINDOWS_PROFILES, 'Any'] as const;
  const found = names.map((n) => known.find((k) => k.toLowerCase() === n));
  const bad = !text || found.some((f) => !f) || (found.includes('Any') && found.length > 1);
  if (bad) {
    throw new HostFirewallError(
      '--profile',
      text,
      `--profile ${JSON.stringify(text)}: must be Any, or one or more of ${WINDOWS_PROFILES.join(', ')}, ` +
        `comma-separated (default ${DEFAULT_PROFILES.join(',')})`,
    );
  }
  if (found.includes('Any')) return ['Any'];
  return WINDOWS_PROFILES.filter((p) => found.includes(p));
}

/**
 * A rule's `-Name` (its unique id in Windows Firewall), by portplan's naming scheme: role,
 * direction, remote, protocol and ports, e.g. `portplan-in-serverprotect_console-from-information-server-tcp-1000-1009`.
 * The direction comes first, before the two user parts, so that no role and remote of one
 * direction spell a name of the other.
 */
export const windowsRuleName = (role: string, x: HostRule): string =>
  x.direction === 'inbound'
    ? composeName(NAME_TARGETS.windowsRule, [
        'portplan',
        'in',
        user(role),
        'from',
        user(x.remote.name),
        x.protocol,
        matchText(x),
      ])
    : composeName(NAME_TARGETS.windowsRule, [
        'portplan',
        'out',
        user(role),
        'to',
        user(x.remote.name),
        x.protocol,
        matchText(x),
      ]);
/** A rule's ports, or its ICMP messages: `all`, a type (`8`), or type and code (`3-4`). @internal */
export function matchText(x: HostRule): string {
  if (x.protocol === 'tcp' || x.protocol === 'udp') return portText(x);
  const m = x.icmp ?? {};
  return m.type === undefined ? 'all' : m.code === undefined ? `${m.type}` : `${m.type}-${m.code}`;
}

// What a rule matches in New-NetFirewallRule's terms: -Protocol with -LocalPort or -RemotePort, or
// ICMPv4/ICMPv6 with -IcmpType "type" or "type:code" (every message without it)
// (https://learn.microsoft.com/en-us/powershell/module/netsecurity/new-netfirewallrule).
function psMatch(x: HostRule, inbound: boolean): string[] {
  if (x.protocol === 'tcp' || x.protocol === 'udp')
    return [
      `-Protocol ${x.protocol.toUpperCase()}`,
      `${inbound ? '-LocalPort' : '-RemotePort'} ${psQuote(portText(x))}`,
    ];
  const m = x.icmp ?? {};
  const type =
    m.type === undefined ? [] : [`-IcmpType ${psQuote(m.code === undefined ? `${m.type}` : `${m.type}:${m.code}`)}`];
  return [`-Protocol ${x.protocol === 'icmp' ? 'ICMPv4' : 'ICMPv6'}`, ...type];
}

const psQuote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * PowerShell `New-NetFirewallRule` commands; re-running replaces the role's earlier rules. They
 * are all in the rule group `portplan <role>`, which `Remove-NetFirewallRule -Group` removes
 * first: by the group's exact name (the parameter takes wildcards, which no role id holds), so
 * another role's group is never matched, and the rules of earlier portplan versions, in the same
 * group under names of another form, are removed too.
 * @param profiles the Windows Firewall profiles the rules are active on
 * @throws NameCollisionError when two rules would share a name (only shortened names can)
 */
export function powershell(h: HostRules, profiles: readonly WindowsProfile[] = DEFAULT_PROFILES): string {
  const group = `portplan ${h.role}`;
  const names = h.rules.map((x) => ({
    name: windowsRuleName(h.role, x),
    what: `${x.direction} ${x.remote.name} ${x.protocol} ${matchText(x)}`,
  }));
  checkDistinct(NAME_TARGETS.windowsRule, names);
  const lines = [
    `# portplan host firewall rules for ${h.role} (groups: ${h.groups.join(', ')}). Run in an elevated PowerShell.`,
    `# The rules are active on the ${profiles.join(', ')} profile(s) only (--profile); ` +
      "Get-NetConnectionProfile shows the host's.",
    `Remove-NetFirewallRule -Group ${psQuote(group)} -ErrorAction SilentlyContinue`,
  ];
  for (const [i, x] of h.rules.entries()) {
    const inbound = x.direction === 'inbound';
    const side = inbound ? 'from' : 'to';
    const args = [
      `-Name ${psQuote(names[i].name)}`,
      `-DisplayName ${psQuote(`portplan ${x.rows.join(' ')} ${side} ${x.remote.name} ${x.protocol} ${matchText(x)}`)}`,
      `-Group ${psQuote(group)}`,
      `-Direction ${inbound ? 'Inbound' : 'Outbound'}`,
      // Comma-separated without spaces, as the -Profile parameter takes several profiles.
      `-Profile ${profiles.join(',')}`,
      '-Action Allow',
      ...psMatch(x, inbound),
      ...(x.addresses.length ? [`-RemoteAddress ${x.addresses.map(psQuote).join(', ')}`] : []),
      `-Description ${psQuote(x.description)}`,
    ];
    if (!x.addresses.length) {
      lines.push(`# ${x.remote.name}: no address given (--address ${x.remote.name}=<cidr>), so any address`);
    }
    lines.push(`New-NetFirewallRule ${args.join(' ')} | Out-Null`);
  }
  return `${lines.join('\n')}\n`;
}
