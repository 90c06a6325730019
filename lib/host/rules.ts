import {
  BROAD_PREFIX,
  HOST_OS,
  parseCidr,
  placeRules,
  type Endpoint,
  type HostOs,
  type PlacedRule,
  type FlowProtocol,
  type IcmpMessage,
  type Resolution,
  type RoleId,
  type RowId,
  peerCidr,
} from '../model';
import { groupHostOs, hostOsMismatch } from '../model/group-options';
import { HostFirewallError } from './errors';

export { HostAddressRequiredError, HostFirewallError } from './errors';

/** One rule of a host's own firewall. */
export interface HostRule {
  /** `inbound`: the host listens; `outbound`: the host opens the connection (restricted egress only). */
  readonly direction: PlacedRule['direction'];
  /** Transport protocol, or ICMP. */
  readonly protocol: FlowProtocol;
  /** First port of the range (for ICMP, first message type). */
  readonly fromPort: number;
  /** Last port of the range (for ICMP, last message type). */
  readonly toPort: number;
  /** For ICMP rules only: the messages, `{}` for every one. */
  readonly icmp?: IcmpMessage;
  /** The other side: a group or a peer. */
  readonly remote: Endpoint;
  /** The other side's address ranges; empty when the user gave none for a group (any address). */
  readonly addresses: readonly string[];
  /** The catalog rows the rule carries. */
  readonly rows: readonly RowId[];
  /** Rows and purposes, as the flow's description. */
  readonly description: string;
}

/** The rules for the hosts of one role, and the groups with no address given. */
export interface HostRules {
  /** The role of the hosts. */
  readonly role: RoleId;
  /** Their operating system. */
  readonly os: HostOs;
  /** The declaration's groups of the role. */
  readonly groups: readonly string[];
  /** The rules, in placement order, one per direction, remote, protocol and ports. */
  readonly rules: readonly HostRule[];
  /** Groups whose rules admit any address because the user gave none. */
  readonly unaddressed: readonly string[];
}

const uniq = (xs: readonly string[]): string[] => [...new Set(xs)];

/** `--address` values parsed: address ranges by group name, and warnings about them. */
export interface GroupAddresses {
  /** Masked ranges in canonical text, by group name, each once, in the order given. */
  readonly addresses: Readonly<Record<string, readonly string[]>>;
  /** Ranges broader than the spec's `BROAD_PREFIX`, one line each. */
  readonly warnings: readonly string[];
}

/**
 * Parses `--address group=cidr[,cidr]` values into address ranges by group name. Each range is
 * checked with the spec's `parseCidr`: IPv4 or IPv6, no zone index (a zone is local to one host
 * and `nft` refuses it), no host bits (`10.0.3.5/24` names `10.0.3.0/24`: the firewalls would
 * mask it silently, so the rule would not say what the user wrote), not every address.
 * @throws HostFirewallError naming the bad value and what is allowed
 */
export function parseAddresses(values: readonly string[], r: Resolution): GroupAddresses {
  const groups = r.declaration.groups.map((g) => g.name);
  const out: Record<string, string[]> = {};
  const warnings: string[] = [];
  for (const value of values) {
    const [name, list] = value.split('=', 2);
    const at = `--address ${JSON.stringify(value)}`;
    const fail = (why: string) => new HostFirewallError('--address', value, `${at}: ${why}`);
    if (!name || !list) throw fail('must be <group>=<cidr>[,<cidr>...], e.g. console=10.0.1.0/24');
    if (!groups.includes(name)) throw fail(`no group ${name} in the declaration; groups: ${groups.join(', ')}`);
    for (const text of list.split(',')) {
      const zone = /%[^/]*/.exec(text)?.[0];
      if (zone) {
        const bare = parseCidr(text.replace(zone, ''));
        const e = bare ? `, e.g. ${bare.text}` : '';
        const why = `a zone is local to one host; give the range alone${e}`;
        throw fail(`${JSON.stringify(text)} has a zone index (${zone}): ${why}`);
      }
      const c = parseCidr(text);
      if (!c) throw fail(`${JSON.stringify(text)} is not an IPv4 or IPv6 CIDR such as 10.0.1.0/24`);
      if (!c.masked) {
        const host = `${text.split('/')[0]}/${c.family === 4 ? 32 : 128}`;
        throw fail(`${JSON.stringify(text)} has host bits set: did you mean ${c.text}? (one host is ${host})`);
      }
      if (c.prefix === 0) throw fail(`${text} is every address; pass --any-address to admit any address on purpose`);
      if (c.prefix < BROAD_PREFIX[c.family]) {
        const why = "least privilege asks for the group's own addresses";
        warnings.push(`--address ${name}=${c.text}: broader than /${BROAD_PREFIX[c.family]}; ${why}`);
      }
      const mine = (out[name] ??= []);
      if (!mine.includes(c.text)) mine.push(c.text);
    }
  }
  return { addresses: out, warnings };
}

/**
 * The role's id and its groups, once the role is known, declared and runs on `os`.
 * @throws HostFirewallError when the role is unknown, not declared, or does not run on `os`
 */
function checkHostRole(r: Resolution, role: string, os: HostOs): { roleId: RoleId; groups: string[] } {
  const known = r.catalog.role(role);
  if (!known) {
    const why = `must be one of ${r.catalog.roleIds.join(', ')}`;
    throw new HostFirewallError('--role', role, `--role ${JSON.stringify(role)}: ${why}`);
  }
  const roleId: RoleId = role;
  const groups = r.declaration.groups.filter((g) => g.role === roleId).map((g) => g.name);
  if (!groups.length) {
    const roles = uniq(r.declaration.groups.map((g) => g.role)).join(', ');
    const why = `no group of this role in the declaration; its roles: ${roles}`;
    throw new HostFirewallError('--role', role, `--role ${role}: ${why}`);
  }
  const oses = known.hostOs;
  if (!(HOST_OS as readonly string[]).includes(os) || !oses.includes(os)) {
    throw new HostFirewallError(
      oses.length ? '--os' : '--role',
      oses.length ? os : role,
      oses.length
        ? `--os ${os}: ${role} hosts run ${oses.join(' or ')}`
        : `--role ${role}: an appliance; its firewall is not configured with PowerShell, nftables or firewalld`,
    );
  }
  // A role whose OS is an option of its product (hostOsOption): the groups whose options give `os`.
  const running = groups.filter((g) => groupHostOs(r.catalog, r.declaration, g).includes(os));
  if (!running.length)
    throw new HostFirewallError('--os', os, `--os ${os}: ${hostOsMismatch(r.catalog, r.declaration, roleId)}`);
  return { roleId, groups: running };
}

/** Options of {@link planHost}: the hosts whose rules are planned, and the groups' addresses. */
export interface HostPlanOptions {
  /** The role of the hosts, e.g. `serverprotect:console`. */
  readonly role: string;
  /** Their operating system. */
  readonly os: HostOs;
  /**
   * Address ranges of the remote groups, by group name (see {@link parseAddresses}).
   * @default - none: every remote group is unaddressed
   */
  readonly addresses?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The host-side rules for the hosts of one role: the spec's `placeRules()` on the role's groups
 * (inbound on the listener, outbound on the initiator under restricted egress), one rule per
 * direction, remote, protocol and ports however many groups the role has. Peers bring their own
 * CIDR; groups take the `addresses` given for them.
 * @param r the resolved declaration, resolved once by the caller
 * @throws HostFirewallError when the role is unknown, not declared, or does not run on `os`
 */
export function planHost(r: Resolution, options: HostPlanOptions): HostRules {
  const { role, os } = options;
  const addresses = options.addresses ?? {};
  const { roleId, groups } = checkHostRole(r, role, os);
  const rules = new Map<string, HostRule>();
  const unaddressed = new Set<string>();
  for (const p of placeRules(r)) {
    if (!groups.includes(p.group.name)) continue;
    const { remote, flow: f } = p;
    const known = remote.kind === 'peer' ? [peerCidr(remote, 'host firewalls')] : (addresses[remote.name] ?? []);
    if (!known.length) unaddressed.add(remote.name);
    // Several groups of one role share one host rule per remote, protocol and ports.
    // A JSON array is an injective key: no name can make two remotes' keys equal.
    const key = JSON.stringify([p.direction, remote.kind, remote.name, f.protocol, f.fromPort, f.toPort, f.icmp?.code]);
    if (!rules.has(key)) {
      rules.set(key, {
        direction: p.direction,
        protocol: f.protocol,
        fromPort: f.fromPort,
        toPort: f.toPort,
        ...(f.icmp ? { icmp: f.icmp } : {}),
        remote,
        addresses: known,
        rows: f.rows,
        description: f.description,
      });
    }
  }
  return { role: roleId, os, groups, rules: [...rules.values()], unaddressed: [...unaddressed].sort() };
}

/**
 * {@link planHost} with its options as arguments.
 * @deprecated use `planHost(resolution, { role, os, addresses })`
 * @throws HostFirewallError when the role is unknown, not declared, or does not run on `os`
 */
export function hostRules(
  r: Resolution,
  role: string,
  os: HostOs,
  addresses: Readonly<Record<string, readonly string[]>>,
): HostRules {
  return planHost(r, { role, os, addresses });
}
