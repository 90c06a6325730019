import {
  NAME_TARGETS,
  checkDistinct,
  cidrFamily,
  composeName,
  describeRows,
  placeCloudRules,
  type CloudRule,
  type FlowProtocol,
  type IcmpMessage,
  type Resolution,
  type ResolvedFlow,
  type RoleId,
  type RowId,
  type RuleDirection,
  type RuleParty,
  awsPeerAddress,
  user,
  type ResolvedPrefixList,
} from '../model';
import { checkRuleCounts } from './limits';

/**
 * The pure half of the CDK adapter: from `resolve()` output and what is known about existing
 * groups to plain rule objects. No aws-cdk-lib here, so the plan is tested without synthesizing,
 * and the construct only renders it.
 */

/** How portplan may treat one role group's security group. */
export interface GroupTreatment {
  /** Whether the group exists already (portplan does not create it). */
  readonly existing: boolean;
  /** Whether portplan may add rules to it. Always true for groups portplan creates. */
  readonly mutable: boolean;
  /**
   * Whether an existing group is taken to allow all outbound traffic (CDK's `allowAllOutbound`
   * of the imported group). Ignored for groups portplan creates.
   */
  readonly allowsAllOutbound?: boolean;
}

/** A role group, or a role-wide group, as the other side of a rule. */
export interface GroupRemote {
  /** Discriminator. */
  readonly kind: 'group';
  /** The group's declared name, or the role id of a role-wide group. */
  readonly name: string;
}

/** An address range as the other side of a rule. */
export interface CidrRemote {
  /** Discriminator. */
  readonly kind: 'cidr';
  /** The masked CIDR, as the spec validated it. */
  readonly cidr: string;
  /** Its address family: AWS writes IPv4 ranges as `CidrIp`, IPv6 ones as `CidrIpv6`. */
  readonly family: 4 | 6;
}

/**
 * An AWS managed prefix list as the other side of a rule
 * (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html): written as
 * `SourcePrefixListId`/`DestinationPrefixListId`, by id or by an AWS-managed list's name looked up
 * at synthesis.
 */
export interface PrefixListRemote {
  /** Discriminator. */
  readonly kind: 'prefixList';
  /** The list: its id or name, the rules each rule naming it counts as, and its family. */
  readonly prefixList: ResolvedPrefixList;
  /** The list's address family: its rules count against that family's quota. */
  readonly family: 4 | 6;
}

/** The other side of a planned rule: a role group, an address range or a prefix list, with its family. */
export type RuleRemote = GroupRemote | CidrRemote | PrefixListRemote;

/**
 * Where a rule lives in the template: `inline` in the created group's `SecurityGroupIngress`/
 * `SecurityGroupEgress`, or `separate` as an `AWS::EC2::SecurityGroupIngress`/`Egress` resource.
 */
export type RulePlacement = 'inline' | 'separate';

/** One security group rule portplan will write. */
export interface PlannedRule {
  /** The group that carries the rule: a declared group's name, or the role id of a role-wide group. */
  readonly group: string;
  /** `inbound` on the listener, `outbound` on the initiator. */
  readonly direction: RuleDirection;
  /** The initiator of an inbound rule, the listener of an outbound one. */
  readonly remote: RuleRemote;
  /** Transport protocol, or ICMP (`icmp`, `icmpv6`). */
  readonly protocol: FlowProtocol;
  /** First port; for ICMP, EC2's FromPort: the message type, -1 for every message. */
  readonly fromPort: number;
  /** Last port; for ICMP, EC2's ToPort: the code, -1 for every code. */
  readonly toPort: number;
  /** For ICMP rules only: the messages, `{}` for every one. */
  readonly icmp?: IcmpMessage;
  /** The rows of every flow the rule carries, in catalog order. */
  readonly rows: readonly RowId[];
  /** Rows and purposes, at most 140 characters (the spec's `describeRows`). */
  readonly description: string;
  /** The flows the rule carries: more than one where peers share a CIDR. */
  readonly flows: readonly ResolvedFlow[];
  /** Inline on a created group, or a separate resource. */
  readonly placement: RulePlacement;
  /** Construct id of a separate rule (stable: from the first flow's names, protocol and ports). */
  readonly id: string;
}

/**
 * Egress rules a group carries that no flow asked for: CDK's allow-all rules of a created group
 * under default egress, and, under restricted egress, the "Disallow all traffic" placeholder CDK
 * keeps on a created group until an IPv4 egress rule is added to it inline. They count against
 * the rules quota like any rule.
 */
export type DefaultEgressRule = 'allow-all-ipv4' | 'allow-all-ipv6' | 'no-traffic-placeholder';

/** A role group as the plan sees it. */
export interface PlannedGroup {
  /** The declared name. */
  readonly name: string;
  /** The role of its hosts. */
  readonly role: RoleId;
  /** Whether portplan creates the security group. */
  readonly created: boolean;
  /** Whether portplan writes rules to it. */
  readonly mutable: boolean;
  /** Egress rules of the group that carry no flow (created groups only). */
  readonly defaultEgress: readonly DefaultEgressRule[];
  /**
   * An existing mutable group under restricted egress that is taken to allow all outbound
   * traffic: portplan adds the egress rules but cannot remove rules it does not own.
   */
  readonly keepsOwnEgress: boolean;
}

/**
 * The security group of a role with two or more groups, which every host of those groups carries
 * (the spec's `RoleWideGroup`): flows all the role's groups have alike are written once, on it.
 */
export interface PlannedRoleGroup extends PlannedGroup {
  /** The role's groups, in declaration order. */
  readonly groups: readonly string[];
}

/** The whole plan: groups, rules, and the flows left for the owners of immutable groups. */
export interface RulePlan {
  /** Every role group, in declaration order. */
  readonly groups: readonly PlannedGroup[];
  /** One role-wide group per role with two or more groups; its name is the role id. */
  readonly roleGroups: readonly PlannedRoleGroup[];
  /** Every rule to write, once each, in the order of the spec's `placeCloudRules()`. */
  readonly rules: readonly PlannedRule[];
  /** Flows with a rule on an immutable group, in flow order, each once. */
  readonly skippedFlows: readonly ResolvedFlow[];
}

/** Options of {@link planAws}. */
export interface AwsPlanOptions {
  /**
   * Existing groups by name; a group not named here is created by portplan.
   * @default - every group is created
   */
  readonly existingGroups?: Readonly<Record<string, GroupTreatment>>;
  /**
   * Most inbound (and most outbound) rules of one address family a group may carry: the plan is
   * checked against it (the AWS quota "inbound or outbound rules per security group", with IPv4 and
   * IPv6 rules counted apart: {@link ruleCountsByFamily}) when given.
   * @default - not checked
   */
  readonly maxRulesPerGroup?: number;
}

/**
 * Plans the rules of a resolution. Reads the spec's `placeCloudRules()` for which group (or role-wide
 * group, for flows every group of a role has alike) carries which rule, skips rules on immutable
 * groups, and merges rules that are the same to EC2 (same group, direction, remote, protocol and
 * ports: two peers with one CIDR), which it would otherwise refuse as `InvalidPermission.Duplicate`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 * Rules to an address range on a created group are inline; rules between groups, and every rule
 * on an existing group, are separate resources, so groups that allow each other form no circular
 * dependency and groups of other stacks are only referenced.
 * @param resolution the resolved declaration, resolved once by the caller
 * @throws LimitError when `maxRulesPerGroup` is given and a group would carry more rules
 */
export function planAws(resolution: Resolution, options: AwsPlanOptions = {}): RulePlan {
  const treatment = options.existingGroups ?? {};
  const d = resolution.declaration;
  const existing = (name: string) => treatment[name]?.existing === true;
  const mutable = (name: string) => !existing(name) || treatment[name].mutable;
  const placement = placeCloudRules(resolution);
  const { rules, skipped } = mergeRules(resolution, placement.rules, existing, mutable);
  checkDistinct(
    NAME_TARGETS.cdkId,
    rules
      .filter((r) => r.placement === 'separate')
      .map((r) => ({ name: r.id, what: `the ${r.direction} rule of ${r.group} (${r.description})` })),
  );
  const restricted = d.egress === 'restricted';
  const groups = d.groups.map((g): PlannedGroup => {
    const created = !existing(g.name);
    const keepsOwnEgress = !created && restricted && mutable(g.name) && treatment[g.name].allowsAllOutbound !== false;
    const defaultEgress = created ? createdGroupEgress(g.name, restricted, rules) : [];
    return { name: g.name, role: g.role, created, mutable: mutable(g.name), defaultEgress, keepsOwnEgress };
  });
  const roleGroups = placement.roleGroups.map((rw): PlannedRoleGroup => ({
    name: rw.name,
    role: rw.role,
    groups: rw.groups,
    created: true,
    mutable: true,
    defaultEgress: createdGroupEgress(rw.name, restricted, rules),
    keepsOwnEgress: false,
  }));
  const plan: RulePlan = { groups, roleGroups, rules, skippedFlows: resolution.flows.filter((f) => skipped.has(f)) };
  if (options.maxRulesPerGroup !== undefined) checkRuleCounts(plan, options.maxRulesPerGroup);
  return plan;
}

/**
 * The plan of {@link planAws} with existing groups given as `treatment`, unchecked against the rule
 * quota.
 * @deprecated use `planAws(resolution, { existingGroups: treatment })`
 */
export function planRules(resolution: Resolution, treatment: Readonly<Record<string, GroupTreatment>> = {}): RulePlan {
  return planAws(resolution, { existingGroups: treatment });
}

/** CDK's egress rules on a group it creates that carry no flow (see {@link DefaultEgressRule}). */
function createdGroupEgress(name: string, restricted: boolean, rules: readonly PlannedRule[]): DefaultEgressRule[] {
  if (!restricted) return ['allow-all-ipv4', 'allow-all-ipv6'];
  const inlineIpv4Egress = rules.some(
    (r) =>
      r.group === name &&
      r.direction === 'outbound' &&
      r.placement === 'inline' &&
      r.remote.kind === 'cidr' &&
      r.remote.family === 4,
  );
  return inlineIpv4Egress ? [] : ['no-traffic-placeholder'];
}

/**
 * A rule's FromPort and ToPort as EC2 reads them: the ports, or for ICMP the message type and code,
 * -1 for every type or every code of the type
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
 */
function ec2Ports(c: CloudRule): { fromPort: number; toPort: number } {
  if (!c.icmp) return { fromPort: c.fromPort, toPort: c.toPort };
  return { fromPort: c.icmp.type ?? -1, toPort: c.icmp.code ?? -1 };
}

/** The other side of a rule: a group, or a peer as AWS names it (its prefix list, else its CIDR). */
function ruleRemote(remote: RuleParty): RuleRemote {
  if (remote.kind !== 'peer') return { kind: 'group', name: remote.name };
  const address = awsPeerAddress(remote);
  return 'cidr' in address
    ? { kind: 'cidr', cidr: address.cidr, family: cidrFamily(address.cidr) }
    : { kind: 'prefixList', prefixList: address.prefixList, family: address.prefixList.family };
}

/** The cloud rules as EC2 rules: those on immutable groups skipped, those EC2 sees as one merged. */
function mergeRules(
  resolution: Resolution,
  placed: readonly CloudRule[],
  existing: (name: string) => boolean,
  mutable: (name: string) => boolean,
): { rules: PlannedRule[]; skipped: Set<ResolvedFlow> } {
  type Draft = { rule: Omit<PlannedRule, 'rows' | 'description' | 'flows'>; flows: ResolvedFlow[] };
  const merged = new Map<string, Draft>();
  const skipped = new Set<ResolvedFlow>();
  for (const c of placed) {
    const { holder, remote, direction } = c;
    if (holder.kind === 'group' && !mutable(holder.name)) {
      for (const f of c.flows) skipped.add(f);
      continue;
    }
    const r = ruleRemote(remote);
    const remoteKey = JSON.stringify(r);
    const { fromPort, toPort } = ec2Ports(c);
    const key = JSON.stringify([holder.name, direction, remoteKey, c.protocol, fromPort, toPort]);
    const seen = merged.get(key);
    if (seen) {
      seen.flows.push(...c.flows);
      continue;
    }
    const dir = direction === 'inbound' ? 'in' : 'out';
    const parts = [dir, user(holder.name), dir === 'in' ? 'from' : 'to', user(remote.name)];
    merged.set(key, {
      rule: {
        group: holder.name,
        direction,
        remote: r,
        protocol: c.protocol,
        fromPort,
        toPort,
        ...(c.icmp ? { icmp: c.icmp } : {}),
        // A prefix list rule is separate, as aws-cdk-lib writes one (its Peer.prefixList cannot be inline).
        placement: r.kind === 'cidr' && !existing(holder.name) ? 'inline' : 'separate',
        id: composeName(NAME_TARGETS.cdkId, [...parts, c.protocol, fromPort, toPort]),
      },
      flows: [...c.flows],
    });
  }
  const rules = [...merged.values()].map(({ rule, flows }): PlannedRule => {
    const rows = [...new Set(flows.flatMap((f) => f.rows))].sort(resolution.catalog.rowOrder);
    const description = flows.length === 1 ? flows[0].description : describeRows(rows, resolution.catalog);
    return { ...rule, rows, description, flows };
  });
  return { rules, skipped };
}
