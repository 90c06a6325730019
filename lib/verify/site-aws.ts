import {
  ArgumentError,
  GROUP_TAG,
  parseCidr,
  placeCloudRules,
  roleGroupOf,
  type Endpoint,
  type Resolution,
} from '../model';
import {
  allowed,
  type ConnectionEnd,
  type HostModel,
  type SecurityGroupModel,
  type SecurityGroupRuleModel,
} from '../aws';
import {
  firstAddress,
  flowCheck,
  portPieces,
  sortExtra,
  type BlockedPorts,
  type ExtraRule,
  type SiteReport,
} from './site';

/**
 * `portplan verify aws` without the SDK: deployed security groups (in the evaluator's model, read
 * from EC2 by lib/verify/ec2.ts or from a template in tests) checked against a resolution. Every
 * planned flow goes through the AWS evaluator ({@link allowed}); every deployed rule that is not a
 * planned rule is reported.
 * @packageDocumentation
 */

/** A deployed rule: the evaluator's rule with the id EC2 gave it (`sgr-...`). */
export interface DeployedRule extends SecurityGroupRuleModel {
  /** The rule's id, where known. */
  readonly ruleId?: string;
  /**
   * A managed prefix list the rule admits. The evaluator does not model prefix lists: such a rule
   * allows no planned flow here, and is reported as extra with the list's id.
   */
  readonly prefixListId?: string;
}

/** A deployed security group: the evaluator's group with rules that carry their ids. */
export interface DeployedGroup extends SecurityGroupModel {
  /** Inbound rules. */
  readonly ingress: readonly DeployedRule[];
  /** Outbound rules. */
  readonly egress: readonly DeployedRule[];
}

// Synthetic hosts, one per group, carry only their group. Their addresses come from the ranges
// reserved for benchmarking (RFC 2544: 198.18.0.0/15; RFC 5180: 2001:2::/48), which no peer of a
// deployment names, so only rules naming the group, or a range that covers any address, admit them.
const hostAddresses = (i: number): string[] => [
  `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  `2001:2::${(i + 1).toString(16)}`,
];

const PROTOCOL_NAME: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
const protocolName = (p: string): string => PROTOCOL_NAME[p] ?? p.toLowerCase();
const masked = (cidr: string): string => parseCidr(cidr)?.text ?? cidr;
const WORLD = ['0.0.0.0/0', '::/0'];

/**
 * The rule CDK writes on a created group whose egress is restricted, so EC2 does not add its
 * allow-all rule: ICMP type 252 code 86 to 255.255.255.255/32, which matches no packet
 * (aws-cdk-lib aws-ec2/lib/security-group.ts, `MATCH_NO_TRAFFIC`). It opens nothing.
 */
function isNoTrafficPlaceholder(r: SecurityGroupRuleModel): boolean {
  return (
    protocolName(r.ipProtocol) === 'icmp' &&
    r.fromPort === 252 &&
    r.toPort === 86 &&
    r.cidrIpv4 === '255.255.255.255/32'
  );
}

/** An allow-all rule to any IPv4 or IPv6 address: EC2's default egress rule. */
function isAllowAll(r: SecurityGroupRuleModel): boolean {
  return r.ipProtocol === '-1' && (r.cidrIpv4 === '0.0.0.0/0' || r.cidrIpv6 === '::/0');
}

const ruleKey = (
  groupId: string,
  direction: string,
  remote: string,
  protocol: string,
  from: number | undefined,
  to: number | undefined,
) => [groupId, direction, remote, protocolName(protocol), from ?? -1, to ?? -1].join('|');

const remoteKey = (r: DeployedRule): string =>
  r.referencedGroupId !== undefined
    ? `sg:${r.referencedGroupId}`
    : r.prefixListId !== undefined
      ? `pl:${r.prefixListId}`
      : `cidr:${masked((r.cidrIpv4 ?? r.cidrIpv6) as string)}`;

/**
 * Checks deployed security groups against a resolution.
 * - Model: one synthetic host per declared group carrying only that group's security group, and
 *   each peer as the first address of its CIDR (outside every group, so filtered by nothing of its
 *   own); the flow is asked of the evaluator for every piece of its port range.
 * - Expected rules: the spec's `placeRules()`; under `egress: default` EC2's allow-all egress rules
 *   (0.0.0.0/0, ::/0) too, which EC2 puts on every new group
 *   (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html); CDK's
 *   match-no-traffic egress placeholder is never an opening.
 * - Extra: every other rule on the declared groups, world-open first.
 * @param groupIds the security group id of each declared group, by group name
 * @param groups the deployed groups; at least every id of `groupIds`
 * @throws ArgumentError when a declared group has no id, two groups share one, or an id has no group
 */
export function verifyAwsSite(
  resolution: Resolution,
  groupIds: Readonly<Record<string, string>>,
  groups: readonly DeployedGroup[],
): SiteReport {
  const placement = placeCloudRules(resolution);
  const names = resolution.declaration.groups.map((g) => g.name);
  // Every group the site has: the declared ones and each role-wide one (a role with two or more groups).
  const holders = [...names, ...placement.roleGroups.map((r) => r.name)];
  const byId = new Map(groups.map((g) => [g.groupId, g]));
  const seen = new Map<string, string>();
  for (const name of holders) {
    const id = groupIds[name];
    if (id === undefined) {
      throw new ArgumentError(
        '--group',
        name,
        `a security group for every declared group: tag one portplan:group=${name}, or give --group ${name}=sg-...`,
      );
    }
    if (seen.has(id))
      throw new ArgumentError(
        '--group',
        `${name}=${id}`,
        `one security group per declared group (${id} is also ${seen.get(id)})`,
      );
    seen.set(id, name);
  }
  // Every pair whose id EC2 does not have, each named as the user gave it.
  const unknown = holders.filter((n) => !byId.has(groupIds[n])).map((n) => `${n}=${groupIds[n]}`);
  if (unknown.length) {
    throw new ArgumentError(
      '--group',
      unknown.join(' '),
      `ids of security groups that exist in this account and region: EC2 has none with the id of ${unknown.join(', ')}`,
    );
  }
  const nameOf = (id: string) => seen.get(id);
  // A host of a group carries the group's security group and its role's, where the role has one.
  const carried = (name: string): string[] => {
    const role = roleGroupOf(placement, name);
    return role ? [name, role.name] : [name];
  };
  const hosts: HostModel[] = names.map((name, i) => ({
    name,
    securityGroupIds: carried(name).map((n) => groupIds[n]),
    addresses: hostAddresses(i),
  }));
  const modelled = (rules: readonly DeployedRule[]) => rules.filter((r) => r.prefixListId === undefined);
  const model = {
    groups: holders
      .map((n) => byId.get(groupIds[n])!)
      .map((g) => ({ ...g, ingress: modelled(g.ingress), egress: modelled(g.egress) })),
    hosts,
  };
  const end = (e: Endpoint): ConnectionEnd =>
    e.kind === 'group' ? { host: e.name } : { address: firstAddress(e.cidr) };

  const flows = resolution.flows.map((flow) => {
    const rules = [
      ...(flow.from.kind === 'group' ? carried(flow.from.name).flatMap((n) => byId.get(groupIds[n])!.egress) : []),
      ...(flow.to.kind === 'group' ? carried(flow.to.name).flatMap((n) => byId.get(groupIds[n])!.ingress) : []),
    ];
    const blocked: BlockedPorts[] = [];
    for (const [from, to] of portPieces(flow.fromPort, flow.toPort, rules)) {
      const v = allowed(model, end(flow.from), end(flow.to), flow.protocol, from);
      if (v.allowed) continue;
      const by = [
        ...(v.egress === false ? [{ side: 'egress' as const }] : []),
        ...(v.ingress === false ? [{ side: 'ingress' as const }] : []),
      ];
      blocked.push({ fromPort: from, toPort: to, by });
    }
    return flowCheck(flow, blocked);
  });

  const expected = new Set<string>();
  for (const p of placement.rules) {
    const remote = p.remote.kind === 'peer' ? `cidr:${masked(p.remote.cidr)}` : `sg:${groupIds[p.remote.name]}`;
    const dir = p.direction === 'inbound' ? 'ingress' : 'egress';
    expected.add(ruleKey(groupIds[p.holder.name], dir, remote, p.protocol, p.fromPort, p.toPort));
  }
  const defaultEgress = resolution.declaration.egress !== 'restricted';
  const extra: ExtraRule[] = [];
  for (const name of holders) {
    const g = byId.get(groupIds[name])!;
    for (const dir of ['ingress', 'egress'] as const) {
      for (const r of g[dir]) {
        if (expected.has(ruleKey(g.groupId, dir, remoteKey(r), r.ipProtocol, r.fromPort, r.toPort))) continue;
        if (dir === 'egress' && (isNoTrafficPlaceholder(r) || (defaultEgress && isAllowAll(r)))) continue;
        const cidr = r.cidrIpv4 ?? r.cidrIpv6;
        const protocol = protocolName(r.ipProtocol);
        // For ICMP the "ports" are the type and code; -1 and other protocols cover everything.
        const all =
          r.fromPort === undefined || r.fromPort === -1 || !['tcp', 'udp', 'icmp', 'icmpv6'].includes(protocol);
        const icmp = protocol.startsWith('icmp');
        extra.push({
          group: name,
          direction: dir === 'ingress' ? 'inbound' : 'outbound',
          remote:
            r.referencedGroupId !== undefined
              ? (nameOf(r.referencedGroupId) ?? r.referencedGroupId)
              : (r.prefixListId ?? masked(cidr as string)),
          protocol,
          ports: all
            ? 'all'
            : icmp
              ? `type ${r.fromPort} code ${r.toPort}`
              : r.fromPort === r.toPort
                ? `${r.fromPort}`
                : `${r.fromPort}-${r.toPort}`,
          ...(r.description !== undefined ? { description: r.description } : {}),
          rule: r.ruleId ?? `${g.groupId} ${dir}`,
          worldOpen: cidr !== undefined && WORLD.includes(masked(cidr)),
        });
      }
    }
  }
  const sorted = sortExtra(extra, holders);
  return {
    cloud: 'aws',
    groups: holders.map((name) => ({ name, id: groupIds[name] })),
    flows,
    extra: sorted,
    drift: sorted.length > 0 || flows.some((f) => f.status === 'blocked'),
  };
}

/** A deployed security group's id and tags, as EC2 lists them. */
export interface TaggedGroup {
  /** The group id. */
  readonly groupId: string;
  /** Its tags, by key. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The security group of each declared group: given on the command line (`--group name=sg-...`), or
 * else the one group found tagged `portplan:group=<name>`.
 * @param given `name=id` pairs as typed, in order
 * @throws ArgumentError for a malformed pair, a name the declaration does not have, a name given
 *   twice, or a tag found on more than one group
 */
export function groupIdsByTag(
  names: readonly string[],
  found: readonly TaggedGroup[],
  given: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of given) {
    const m = /^([^=]+)=(.+)$/.exec(pair);
    if (!m)
      throw new ArgumentError(
        '--group',
        pair,
        'must be <group>=<security group id>, e.g. information-server=sg-0123456789abcdef0',
      );
    if (!names.includes(m[1]))
      throw new ArgumentError('--group', pair, `a declared group name before "=": ${names.join(', ')}`);
    // The form EC2 gives group ids: sg- and 8 or 17 hexadecimal digits.
    if (!/^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(m[2]))
      throw new ArgumentError('--group', pair, 'a security group id after "=": sg- and 8 or 17 hexadecimal digits');
    if (out[m[1]] !== undefined)
      throw new ArgumentError('--group', pair, `each group once (${m[1]} is ${out[m[1]]} already)`);
    out[m[1]] = m[2];
  }
  for (const name of names) {
    if (out[name] !== undefined) continue;
    const tagged = found.filter((g) => g.tags[GROUP_TAG] === name).map((g) => g.groupId);
    if (tagged.length > 1) {
      throw new ArgumentError(
        '--group',
        name,
        `one security group tagged ${GROUP_TAG}=${name} (found ${tagged.join(', ')}); choose with --group ${name}=<id>`,
      );
    }
    if (tagged.length === 1) out[name] = tagged[0];
  }
  return out;
}
