import {
  ArgumentError,
  GROUP_TAG,
  awsPeerAddress,
  parseCidr,
  placeCloudRules,
  type CloudPlacement,
  type Resolution,
} from '../model';
import {
  PacketSpace,
  TEXT_ORDER,
  difference,
  intersection,
  isEmpty,
  noPackets,
  packets,
  unionAll,
  type PacketSet,
} from '../packets';
import type { SecurityGroupRuleModel } from '../aws';
import { awsRulePackets, awsSitePackets, type AwsRuleContext, type AwsSitePackets } from '../aws/site-packets';
import { flowPackets, hostView, planPackets, ruleViewWith, type PeerAddresses } from './plan-packets';
import { flowCheck, sortExtra, surplusOf, type ExtraRule, type SiteReport } from './site';

/**
 * `portplan verify aws` without the SDK: deployed security groups (read from EC2 by
 * lib/verify/ec2.ts, or from a template in tests) compiled into packet sets (lib/aws/site-packets)
 * and compared with the plan's flows as packet sets, so that every address of a CIDR and every
 * port of a range counts.
 * @packageDocumentation
 */

/** A deployed rule: the evaluator's rule with the id EC2 gave it (`sgr-...`). */
export interface DeployedRule extends SecurityGroupRuleModel {
  /** The rule's id, where known. */
  readonly ruleId?: string;
  /** A managed prefix list the rule admits: its entries count where they are given. */
  readonly prefixListId?: string;
}

/** A deployed security group: its id and rules, with their ids. */
export interface DeployedGroup {
  /** The group id. */
  readonly groupId: string;
  /** Inbound rules. */
  readonly ingress: readonly DeployedRule[];
  /** Outbound rules. */
  readonly egress: readonly DeployedRule[];
}

/** What else the check may be told about the site. */
export interface AwsSiteOptions {
  /** The CIDRs of each managed prefix list the rules name, by id (`GetManagedPrefixListEntries`). */
  readonly prefixLists?: Readonly<Record<string, readonly string[]>>;
  /**
   * Where the hosts of the plan's groups have addresses (the VPC's CIDRs). By default every IPv4
   * address, and every IPv6 address too when the plan or a rule of its groups names an IPv6 range:
   * a site with no IPv6 anywhere is taken to have IPv4 hosts only.
   */
  readonly addressSpace?: readonly string[];
}

const PROTOCOL_NAME: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
const protocolName = (p: string): string => PROTOCOL_NAME[p] ?? p.toLowerCase();
const masked = (cidr: string): string => parseCidr(cidr)?.text ?? cidr;
const WORLD = ['0.0.0.0/0', '::/0'];

/**
 * The rule CDK writes on a created group whose egress is restricted, so EC2 does not add its
 * allow-all rule: ICMP type 252 code 86 to 255.255.255.255/32, which matches no packet
 * (aws-cdk-lib aws-ec2/lib/security-group.ts, `MATCH_NO_TRAFFIC`): the limited broadcast address is
 * never routed. It opens nothing.
 */
function isNoTrafficPlaceholder(r: SecurityGroupRuleModel): boolean {
  return (
    protocolName(r.ipProtocol) === 'icmp' &&
    r.fromPort === 252 &&
    r.toPort === 86 &&
    r.cidrIpv4 === '255.255.255.255/32'
  );
}

/** The groups of the site, checked: every holder has an id, ids are distinct and EC2 has them. */
function mapGroups(
  holders: readonly string[],
  groupIds: Readonly<Record<string, string>>,
  groups: readonly DeployedGroup[],
): Map<string, string> {
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
  return seen;
}

/**
 * The class of hosts carrying a group the plan does not have, which a rule references: a name no
 * declared group can have (declared names have no colon), one per group id.
 */
const unplannedClass = (groupId: string): string => `unplanned:${groupId}`;

/** The site's rules in one walk: each with its group, direction, name in errors, and packets. */
interface CompiledRule {
  readonly holder: string;
  readonly group: DeployedGroup;
  readonly direction: 'ingress' | 'egress';
  readonly rule: DeployedRule;
  readonly packets: PacketSet | undefined;
}

/**
 * The addresses of a peer as this site's rules name it: a prefix list's entries, as read from EC2
 * (by id, or by an AWS-managed list's name), else its CIDR.
 */
function awsPeerAddresses(ctx: AwsRuleContext): PeerAddresses {
  return (p) => {
    const address = awsPeerAddress(p);
    if ('cidr' in address) return [address.cidr];
    const key = address.prefixList.id ?? address.prefixList.name!;
    const entries = ctx.prefixLists?.get(key);
    if (entries) return entries;
    throw new ArgumentError(
      'prefixLists',
      key,
      `the entries of peer ${p.name}'s prefix list ${key} (GetManagedPrefixListEntries), keyed by its id or name`,
    );
  };
}

/** The space of a site: a class per declared group, and per group the rules reference but the plan lacks. */
function siteContext(
  placement: CloudPlacement,
  names: readonly string[],
  ids: ReadonlyMap<string, string>,
  site: readonly DeployedGroup[],
  prefixLists: AwsSiteOptions['prefixLists'],
): AwsRuleContext {
  const carriers = new Map<string, string[]>();
  for (const [id, name] of ids) {
    const role = placement.roleGroups.find((r) => r.name === name);
    carriers.set(id, role ? [...role.groups] : [name]);
  }
  const others = new Set<string>();
  for (const g of site) {
    for (const r of [...g.ingress, ...g.egress]) {
      if (r.referencedGroupId !== undefined && !ids.has(r.referencedGroupId)) others.add(r.referencedGroupId);
    }
  }
  const unplanned = [...others].sort();
  for (const id of unplanned) carriers.set(id, [unplannedClass(id)]);
  return {
    space: new PacketSpace([...names, ...unplanned.map(unplannedClass)], { order: TEXT_ORDER }),
    carriers,
    prefixLists: new Map(Object.entries(prefixLists ?? {})),
  };
}

/** Every rule of the plan's groups compiled, but CDK's match-no-traffic placeholder. */
function compileRules(ctx: AwsRuleContext, holders: readonly string[], site: readonly DeployedGroup[]): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (const [gi, group] of site.entries()) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const [i, rule] of group[direction].entries()) {
        if (direction === 'egress' && isNoTrafficPlaceholder(rule)) continue;
        const path = `${group.groupId}.${direction}[${i}]`;
        const set = awsRulePackets(ctx, group.groupId, direction, rule, path);
        out.push({ holder: holders[gi], group, direction, rule, packets: set });
      }
    }
  }
  return out;
}

/** Where the plan's hosts have addresses (see {@link AwsSiteOptions.addressSpace}). */
function hostAddresses(r: Resolution, rules: readonly CompiledRule[], given?: readonly string[]): string[] | undefined {
  if (given) return given.map((c) => masked(c));
  const ipv6 =
    r.declaration.peers.some((p) => p.cidr?.includes(':') || p.prefixList?.family === 'IPv6') ||
    rules.some((c) => c.rule.cidrIpv6 !== undefined);
  return ipv6 ? undefined : ['0.0.0.0/0'];
}

/** The part of `set` in `within`: nothing at once when `within` is empty, as it most often is. */
const partOf = (set: PacketSet, within: PacketSet): PacketSet => (isEmpty(within) ? within : intersection(set, within));

/** The rule as a row of the report's extra rules, with its surplus. */
function extraRule(c: CompiledRule, nameOf: ReadonlyMap<string, string>, surplus: PacketSet | undefined): ExtraRule {
  const r = c.rule;
  const cidr = r.cidrIpv4 ?? r.cidrIpv6;
  const protocol = protocolName(r.ipProtocol);
  // For ICMP the "ports" are the type and code; -1 and other protocols cover everything.
  const all = r.fromPort === undefined || r.fromPort === -1 || !['tcp', 'udp', 'icmp', 'icmpv6'].includes(protocol);
  const ports = all
    ? 'all'
    : protocol.startsWith('icmp')
      ? `type ${r.fromPort} code ${r.toPort}`
      : r.fromPort === r.toPort
        ? `${r.fromPort}`
        : `${r.fromPort}-${r.toPort}`;
  const part = surplus
    ? surplusOf(surplus)!
    : { surplus: [`every address of prefix list ${r.prefixListId} (its entries were not read)`] };
  return {
    group: c.holder,
    direction: c.direction === 'ingress' ? 'inbound' : 'outbound',
    remote:
      r.referencedGroupId !== undefined
        ? (nameOf.get(r.referencedGroupId) ?? r.referencedGroupId)
        : (r.prefixListId ?? masked(cidr as string)),
    protocol,
    ports,
    ...(r.description !== undefined ? { description: r.description } : {}),
    rule: r.ruleId ?? `${c.group.groupId} ${c.direction}`,
    worldOpen: cidr !== undefined && WORLD.includes(masked(cidr)),
    ...part,
  };
}

/**
 * The rules that admit packets no planned flow needs, each with exactly those packets. Needed: the
 * flows as the plan's rules admit them ({@link ruleView}); outbound under `egress: default`, also
 * everything the plan's groups send, which EC2's default egress rules let out
 * (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#default-security-group-rules).
 * A narrowed rule admits nothing beyond them and is not extra; a widened one is extra by its surplus.
 */
function extraRules(
  r: Resolution,
  ctx: AwsRuleContext,
  rules: readonly CompiledRule[],
  nameOf: ReadonlyMap<string, string>,
): ExtraRule[] {
  const names = r.declaration.groups.map((g) => g.name);
  const needed = planPackets(ctx.space, r.flows, ruleViewWith(awsPeerAddresses(ctx)));
  const sends =
    r.declaration.egress !== 'restricted' ? packets(ctx.space, { source: { classes: names } }) : noPackets(ctx.space);
  const neededOut = unionAll(ctx.space, [needed, sends]);
  // The surplus of all the rules of a direction at once; each rule then takes its part of it.
  const surplus = (direction: 'ingress' | 'egress') =>
    difference(
      unionAll(
        ctx.space,
        rules.filter((c) => c.direction === direction && c.packets).map((c) => c.packets!),
      ),
      direction === 'ingress' ? needed : neededOut,
    );
  const beyond = { ingress: surplus('ingress'), egress: surplus('egress') };
  const out: ExtraRule[] = [];
  for (const c of rules) {
    if (!c.packets) {
      out.push(extraRule(c, nameOf, undefined));
      continue;
    }
    const part = partOf(c.packets, beyond[c.direction]);
    if (!isEmpty(part)) out.push(extraRule(c, nameOf, part));
  }
  return out;
}

// The site compiled once, for the whole check and for explain: every group it has (the declared
// ones and each role-wide one, a role with two or more groups), their rules as packets, what the
// site lets in and out, and the plan's flows as hosts of the site.
function compileSite(
  resolution: Resolution,
  groupIds: Readonly<Record<string, string>>,
  groups: readonly DeployedGroup[],
  options: AwsSiteOptions,
) {
  const placement = placeCloudRules(resolution);
  const names = resolution.declaration.groups.map((g) => g.name);
  const holders = [...names, ...placement.roleGroups.map((r) => r.name)];
  const nameOf = mapGroups(holders, groupIds, groups);
  const byId = new Map(groups.map((g) => [g.groupId, g]));
  const site = holders.map((n) => byId.get(groupIds[n])!);
  const ctx = siteContext(placement, names, nameOf, site, options.prefixLists);
  const rules = compileRules(ctx, holders, site);
  const sets: AwsSitePackets = awsSitePackets(ctx.space, names, {
    ingress: rules.filter((c) => c.direction === 'ingress' && c.packets).map((c) => c.packets!),
    egress: rules.filter((c) => c.direction === 'egress' && c.packets).map((c) => c.packets!),
  });
  const view = hostView(hostAddresses(resolution, rules, options.addressSpace), awsPeerAddresses(ctx));
  return { holders, nameOf, site, ctx, rules, sets, view };
}

/**
 * Checks deployed security groups against a resolution, as packet sets.
 * - Site: a host class per declared group, whose hosts carry the group's security group and its
 *   role's (where the role has two or more groups); a class per group the rules reference that the
 *   plan lacks. Ingress: the union of the inbound rules of every group on the destination's hosts;
 *   egress likewise at the source; a connection needs both (lib/aws/site-packets).
 * - Flows: every packet of the flow ({@link hostView}): a peer is an outside host at every address
 *   of its CIDR. Each side's shortfall is the flow's packets it does not let through, with a witness.
 * - Extra: every rule that admits packets no planned flow needs, with exactly those packets.
 * @param groupIds the security group id of each declared group, by group name
 * @param groups the deployed groups; at least every id of `groupIds`
 * @throws ArgumentError when a declared group has no id, two groups share one, or an id has no
 *   group; or for a rule EC2 would not give (no remote, a protocol or CIDR it does not have)
 */
export function verifyAwsSite(
  resolution: Resolution,
  groupIds: Readonly<Record<string, string>>,
  groups: readonly DeployedGroup[],
  options: AwsSiteOptions = {},
): SiteReport {
  const { holders, nameOf, ctx, rules, sets, view } = compileSite(resolution, groupIds, groups, options);
  // What each side stops of all the flows at once; each flow then takes its part of that, and
  // when nothing is stopped no flow needs a set of its own.
  const all = planPackets(ctx.space, resolution.flows, view);
  const stops = { egress: difference(all, sets.egress), ingress: difference(all, sets.ingress) };
  const none = noPackets(ctx.space);
  const flows = resolution.flows.map((flow) => {
    if (isEmpty(stops.egress) && isEmpty(stops.ingress)) return flowCheck(flow, none, []);
    const own = flowPackets(ctx.space, flow, view);
    return flowCheck(flow, own, [
      { side: 'egress', missing: partOf(own, stops.egress) },
      { side: 'ingress', missing: partOf(own, stops.ingress) },
    ]);
  });
  const extra = sortExtra(extraRules(resolution, ctx, rules, nameOf), holders);
  return {
    cloud: 'aws',
    groups: holders.map((name) => ({ name, id: groupIds[name] })),
    flows,
    extra,
    drift: extra.length > 0 || flows.some((f) => f.status !== 'allowed'),
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

/** A site's security groups compiled once: what `explain --site aws` compares the plan with. */
export interface AwsSiteModel {
  /** The space, carriers and prefix lists the rules compile against. */
  readonly ctx: AwsRuleContext;
  /** Every group of the site: the declared ones, then each role-wide one. */
  readonly holders: readonly string[];
  /** Each holder's security group. */
  readonly groups: ReadonlyMap<string, DeployedGroup>;
  /** Every rule with its packets (undefined for a prefix list not read), in the site's order. */
  readonly rules: readonly {
    /** The plan's group that holds the rule. */
    readonly holder: string;
    /** Inbound or outbound. */
    readonly direction: 'ingress' | 'egress';
    /** The rule as read. */
    readonly rule: DeployedRule;
    /** What it admits; undefined for a prefix list whose entries were not read. */
    readonly packets: PacketSet | undefined;
  }[];
  /** What the site lets in, lets out, and through. */
  readonly sets: AwsSitePackets;
  /** The plan's flows as hosts of this site ({@link hostView} at the hosts' addresses). */
  readonly view: ReturnType<typeof hostView>;
}

/**
 * The site as {@link verifyAwsSite} compiles it, for questions other than the whole check.
 * @throws ArgumentError as verifyAwsSite does
 */
export function awsSiteModel(
  resolution: Resolution,
  groupIds: Readonly<Record<string, string>>,
  groups: readonly DeployedGroup[],
  options: AwsSiteOptions = {},
): AwsSiteModel {
  const { holders, site, ctx, rules, sets, view } = compileSite(resolution, groupIds, groups, options);
  return {
    ctx,
    holders,
    groups: new Map(holders.map((h, i) => [h, site[i]])),
    rules: rules.map(({ holder, direction, rule, packets: p }) => ({ holder, direction, rule, packets: p })),
    sets,
    view,
  };
}
