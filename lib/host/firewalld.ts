import {
  NAME_TARGETS,
  checkDistinct,
  cidrFamily,
  composeName,
  icmpText,
  portRangeText as portText,
  user,
  type IcmpProtocol,
} from '../model';
import type { HostRule, HostRules } from './rules';

/**
 * firewalld output. A service holds ports (`<port protocol= port=>`,
 * https://firewalld.org/documentation/man-pages/firewalld.service.html) and a zone rich rule admits a
 * source to it (`rule family="ipv4" source address="..." service name="..." accept`,
 * https://firewalld.org/documentation/man-pages/firewalld.richlanguage.html). One service per role
 * and remote, not per role: a rich rule admits its source to every port of the service, so one
 * service for the role would open each remote's ports to every other remote.
 *
 * Outbound (restricted egress): firewalld filters the host's own outgoing traffic only in a policy
 * whose ingress zone is HOST (https://firewalld.org/documentation/man-pages/firewalld.policies.html).
 * The accepts go into one shared policy, {@link FIREWALLD_OUT_POLICY} (HOST to ANY, target CONTINUE),
 * as nftables accepts go into a chain: they take effect once the administrator rejects the rest.
 *
 * Which services are a role's: one host may hold several roles, whose ids can be prefixes of each
 * other (`shop:app`, `shop:app:batch`), so no name prefix tells them apart. Every service portplan
 * writes carries its owner in its short description, {@link firewalldServiceShort}: `portplan
 * <role> from|to <remote>`, four words (role ids and remote names hold no space). A rerun removes
 * exactly the services whose short text names its role in that form, and the rich rules and zone
 * or policy entries naming those services by their exact names. Earlier portplan versions wrote
 * the same short text (under names of another form), so their services for the role are found and
 * removed the same way; a service of the administrator's own, even one named like portplan's, is
 * left alone unless its short text claims the role.
 */

/** The shared policy for outbound accepts; policy names hold at most 17 characters. */
export const FIREWALLD_OUT_POLICY = 'portplan-out';

/**
 * The service of one remote of a role, by portplan's naming scheme (`composeName`), e.g.
 * `portplan-in-sum_target_linux-from-workstation`. The direction comes first: with it between the
 * two user parts (`portplan-<role>-from-<remote>` beside `portplan-<role>-to-<remote>`), role
 * `shop:a-to-b` from `c` and role `shop:a` to `b-from-c` would share a name.
 */
export const firewalldServiceName = (role: string, direction: HostRule['direction'], remote: string): string =>
  direction === 'inbound'
    ? composeName(NAME_TARGETS.firewalldService, ['portplan', 'in', user(role), 'from', user(remote)])
    : composeName(NAME_TARGETS.firewalldService, ['portplan', 'out', user(role), 'to', user(remote)]);

/** A service's short description, which names its owner: `portplan <role> from|to <remote>`. */
export const firewalldServiceShort = (role: string, direction: HostRule['direction'], remote: string): string =>
  `portplan ${role} ${direction === 'inbound' ? 'from' : 'to'} ${remote}`;

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Single-quoted for the shell: a ' inside ends the quote, adds an escaped ', and reopens it.
const sh = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

interface Service {
  readonly name: string;
  readonly direction: HostRule['direction'];
  readonly rules: HostRule[];
}

/** The script's start: `fw` for the running daemon or the offline tool, the zone, the role. */
function header(h: HostRules, zone: string | undefined): string[] {
  return [
    '#!/bin/sh',
    `# portplan firewalld rules for ${h.role} (groups: ${h.groups.join(', ')}). Run as root.`,
    '# firewall-cmd --permanent (then --reload) when firewalld runs, firewall-offline-cmd when it does not.',
    'set -eu',
    'if command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then',
    '  fw() { firewall-cmd --permanent "$@"; }',
    '  unservice() { fw "$1" --remove-service="$2"; }',
    '  running=1',
    'else',
    '  fw() { firewall-offline-cmd "$@"; }',
    '  # firewall-offline-cmd reads --remove-service as the old lokkit option; it names zone and policy.',
    '  unservice() { case "$1" in --zone=*) w=zone ;; *) w=policy ;; esac; fw "$1" --remove-service-from-"$w"="$2"; }',
    '  running=0',
    'fi',
    zone === undefined
      ? 'if [ "$running" = 1 ]; then zone=$(firewall-cmd --get-default-zone); else zone=$(fw --get-default-zone); fi'
      : `zone=${sh(zone)}`,
    `role=${sh(h.role)}`,
    `policy=${sh(FIREWALLD_OUT_POLICY)}`,
  ];
}

/**
 * Removes what an earlier run (of this or an earlier portplan version) wrote for the role: the
 * services whose short text is exactly `portplan <role> from|to <remote>`, then, in every zone and
 * policy, the rich rules and service entries naming one of them exactly, then the services.
 */
function cleanup(): string[] {
  return [
    '',
    '# Remove what an earlier run wrote for this role: the services whose short text names the role',
    '# ("portplan <role> from|to <remote>", the same in earlier versions), found among those named',
    '# portplan-*; then the rich rules and service entries naming one of them exactly, in every zone',
    '# and policy (one listing each: a call per zone would take seconds); then the services.',
    "mine=''",
    'set -f',
    'for s in $(fw --get-services); do',
    '  case "$s" in portplan-*) ;; *) continue ;; esac',
    '  set -- $(fw --service="$s" --get-short)',
    '  if [ "$#" = 4 ] && [ "$1" = portplan ] && [ "$2" = "$role" ] && { [ "$3" = from ] || [ "$3" = to ]; }; then',
    '    mine="$mine $s"',
    '  fi',
    'done',
    'set +f',
    'if [ -n "$mine" ]; then',
    "  tab=$(printf '\\t')",
    '  for kind in zone policy; do',
    '    if [ "$kind" = zone ]; then all=--list-all-zones; else all=--list-all-policies; fi',
    '    fw "$all" | awk -v mine="$mine" \'',
    '      BEGIN { n = split(mine, list, " "); for (i = 1; i <= n; i++) ours[list[i]] = 1 }',
    '      /^[^ \\t]/ { name = $1 }',
    '      /^\\t/ && match($0, /service name="[^"]*"/) && (substr($0, RSTART + 14, RLENGTH - 15) in ours) {',
    '        sub(/^\\t+/, ""); print name "\\trule\\t" $0',
    '      }',
    '      /^  services:/ { for (i = 2; i <= NF; i++) if ($i in ours) print name "\\tservice\\t" $i }',
    '    \' | while IFS="$tab" read -r name what item; do',
    '      if [ "$what" = rule ]; then fw --"$kind"="$name" --remove-rich-rule="$item" >/dev/null',
    '      else unservice --"$kind"="$name" "$item" >/dev/null; fi',
    '    done',
    '  done',
    '  for s in $mine; do fw --delete-service="$s" >/dev/null; done',
    'fi',
  ];
}

/**
 * A service's entry for a rule: its ports, or for ICMP its protocol (`icmp`, `ipv6-icmp`). A service
 * names no ICMP type (firewalld's types are `icmp-block`s and rich rules of their own names), so an
 * ICMP rule of some types admits every message of its protocol, and the script says so.
 */
function serviceEntry(x: HostRule): string {
  if (x.protocol === 'tcp' || x.protocol === 'udp') return `  <port protocol="${x.protocol}" port="${portText(x)}"/>`;
  return `  <protocol value="${x.protocol === 'icmp' ? 'icmp' : 'ipv6-icmp'}"/>`;
}

// The ICMP rules of a service that admit more than their flows ask for, as comments.
const icmpNotes = (s: Service): string[] =>
  s.rules
    .filter((x) => (x.protocol === 'icmp' || x.protocol === 'icmpv6') && x.icmp?.type !== undefined)
    .map(
      (x) =>
        `# warning: ${icmpText(x.protocol as IcmpProtocol, x.icmp ?? {})} is admitted as every ${x.protocol} message (a service names no ICMP type)`,
    );

/** One service: its definition, then the rich rules (or the zone or policy entry) granting it. */
function serviceLines(h: HostRules, s: Service): string[] {
  const inbound = s.direction === 'inbound';
  const remote = s.rules[0].remote.name;
  const rows = [...new Set(s.rules.flatMap((x) => x.rows))];
  const ports = [...new Set(s.rules.map(serviceEntry))];
  const lines = [
    '',
    `# ${s.name}: ${inbound ? 'from' : 'to'} ${remote}, rows ${rows.join(' ')}`,
    ...icmpNotes(s),
    `cat > "$tmp/${s.name}.xml" <<'PORTPLAN_XML'`,
    '<?xml version="1.0" encoding="utf-8"?>',
    '<service>',
    `  <short>${xml(firewalldServiceShort(h.role, s.direction, remote))}</short>`,
    `  <description>${xml([...new Set(s.rules.map((x) => x.description))].join('; '))}</description>`,
    ...ports,
    '</service>',
    'PORTPLAN_XML',
    `fw --new-service-from-file="$tmp/${s.name}.xml" --name=${s.name} >/dev/null`,
  ];
  const where = inbound ? '--zone="$zone"' : '--policy="$policy"';
  const addresses = s.rules[0].addresses;
  if (!addresses.length) {
    lines.push(
      `# ${remote}: no address given (--any-address), so any address`,
      `fw ${where} --add-service=${s.name} >/dev/null`,
    );
  }
  for (const a of addresses) {
    const side = inbound ? 'source' : 'destination';
    const rule = `rule family="ipv${cidrFamily(a)}" ${side} address="${a}" service name="${s.name}" accept`;
    lines.push(`fw ${where} --add-rich-rule=${sh(rule)} >/dev/null`);
  }
  return lines;
}

/**
 * A POSIX shell script that writes the role's firewalld services and the rich rules admitting
 * their sources (inbound, in the zone) and destinations (outbound, in {@link FIREWALLD_OUT_POLICY}).
 * It runs `firewall-cmd --permanent` and `--reload` when firewalld is running, `firewall-offline-cmd`
 * when it is not (which the man page says is the only time to use it). Rerunning first removes what
 * an earlier run wrote for the role, and only that (see the module's note): its rich rules and
 * services in every zone and in the policy, then the services themselves.
 * @param zone the zone for the inbound rules; undefined: the default zone at run time
 * @throws NameCollisionError when two services would share a name (only shortened names can)
 */
export function firewalld(h: HostRules, zone?: string): string {
  // One service per direction and remote, checked before grouping: two names alike could only be
  // a hash collision of shortened names, and must not merge two remotes into one service.
  const names = new Map<string, string>();
  for (const x of h.rules) {
    const what = `${h.role} ${x.direction === 'inbound' ? 'from' : 'to'} ${x.remote.name}`;
    names.set(what, firewalldServiceName(h.role, x.direction, x.remote.name));
  }
  checkDistinct(
    NAME_TARGETS.firewalldService,
    [...names].map(([what, name]) => ({ name, what })),
  );
  const services = new Map<string, Service>();
  for (const x of h.rules) {
    const name = firewalldServiceName(h.role, x.direction, x.remote.name);
    const s = services.get(name) ?? { name, direction: x.direction, rules: [] };
    s.rules.push(x);
    services.set(name, s);
  }
  const lines = [...header(h, zone), ...cleanup(), '', 'tmp=$(mktemp -d)', 'trap \'rm -rf "$tmp"\' EXIT'];
  if ([...services.values()].some((s) => s.direction === 'outbound')) {
    lines.push(
      '',
      '# Outbound accepts go into a policy from the host (HOST) to anywhere (ANY).',
      'if ! fw --get-policies | tr " " "\\n" | grep -qx "$policy"; then',
      '  fw --new-policy="$policy" >/dev/null',
      '  fw --policy="$policy" --add-ingress-zone=HOST >/dev/null',
      '  fw --policy="$policy" --add-egress-zone=ANY >/dev/null',
      'fi',
    );
  }
  for (const s of services.values()) lines.push(...serviceLines(h, s));
  lines.push('', 'if [ "$running" = 1 ]; then firewall-cmd --reload >/dev/null; fi');
  return `${lines.join('\n')}\n`;
}
