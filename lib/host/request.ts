import { HOST_OS, type HostOs, type Resolution } from '../model';
import { firewalld } from './firewalld';
import { nftables } from './nftables';
import { DEFAULT_PROFILES, parseProfiles, powershell } from './powershell';
import { HostAddressRequiredError, HostFirewallError, parseAddresses, planHost, type HostRules } from './rules';
import { HOST_FORMATS } from './formats';

export { HOST_FORMATS, type HostFormat } from './formats';

/** What a host firewall script is for: the options of `portplan host-firewall`, as given. */
export interface HostFirewallRequest {
  /** The role of the hosts, e.g. `serverprotect:console`. */
  readonly role: string;
  /** Their operating system. */
  readonly os: HostOs;
  /** `group=cidr[,cidr]` values: the address ranges of the remote groups. */
  readonly addresses?: readonly string[];
  /** Admit any address for the remote groups with no address, on purpose. @default false */
  readonly anyAddress?: boolean;
  /** Windows only: the firewall profiles (`Domain,Private`, `Any`). @default Domain,Private */
  readonly profile?: string;
  /** The output format. @default the first of {@link HOST_FORMATS} for the OS */
  readonly format?: string;
  /** firewalld only: the zone of the inbound rules. @default the default zone when the script runs */
  readonly zone?: string;
}

// firewalld zone names: letters, digits, `_`, `-`, `/`, at most 17 characters (the netfilter chain
// names firewalld derives from them hold 28): firewalld's own check, firewall/functions.py max_zone_name_len.
const ZONE = /^[A-Za-z0-9_/-]{1,17}$/;

/** A host firewall script and what the user should know about it. */
export interface HostFirewallScript {
  /** The rules behind the script. */
  readonly rules: HostRules;
  /** The script, ready to run. */
  readonly text: string;
  /** One line each, for standard error. */
  readonly warnings: readonly string[];
}

/**
 * The host firewall script for one role. Least privilege by default: every remote group needs its
 * addresses unless `anyAddress` says otherwise, and Windows rules are active on the Domain and
 * Private profiles only.
 * @throws HostFirewallError for a bad option, HostAddressRequiredError when groups have no address
 */
export function hostFirewall(r: Resolution, q: HostFirewallRequest): HostFirewallScript {
  if (!(HOST_OS as readonly string[]).includes(q.os)) {
    throw new HostFirewallError('--os', q.os, `--os ${JSON.stringify(q.os)}: must be one of ${HOST_OS.join(', ')}`);
  }
  const formats: readonly string[] = HOST_FORMATS[q.os];
  const format = q.format ?? formats[0];
  if (!formats.includes(format)) {
    const why = `--os ${q.os} takes ${formats.join(' or ')}`;
    throw new HostFirewallError('--format', format, `--format ${JSON.stringify(format)}: ${why}`);
  }
  if (q.profile !== undefined && q.os !== 'windows') {
    const why = `Windows firewall profiles; --os ${q.os} has none`;
    throw new HostFirewallError('--profile', q.profile, `--profile ${JSON.stringify(q.profile)}: ${why}`);
  }
  if (q.zone !== undefined && format !== 'firewalld') {
    const why = `a firewalld zone; --format ${format} has none`;
    throw new HostFirewallError('--zone', q.zone, `--zone ${JSON.stringify(q.zone)}: ${why}`);
  }
  if (q.zone !== undefined && !ZONE.test(q.zone)) {
    const why = 'a zone name: letters, digits, _, - or /, at most 17 characters';
    throw new HostFirewallError('--zone', q.zone, `--zone ${JSON.stringify(q.zone)}: ${why}`);
  }
  const profiles = q.profile === undefined ? DEFAULT_PROFILES : parseProfiles(q.profile);
  const parsed = parseAddresses(q.addresses ?? [], r);
  const h = planHost(r, { role: q.role, os: q.os, addresses: parsed.addresses });
  const warnings = [...parsed.warnings];
  if (h.unaddressed.length) {
    if (!q.anyAddress) throw new HostAddressRequiredError(h.unaddressed);
    const their = h.unaddressed.length === 1 ? 'its rules admit' : 'their rules admit';
    warnings.push(`--any-address: no address for ${h.unaddressed.join(', ')}: ${their} any address`);
  }
  const text =
    format === 'powershell' ? powershell(h, profiles) : format === 'firewalld' ? firewalld(h, q.zone) : nftables(h);
  return { rules: h, text, warnings };
}
