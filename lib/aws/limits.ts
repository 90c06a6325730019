import { ArgumentError, PortplanError, type RuleDirection } from '../model';
import type { RulePlan } from './plan';

/**
 * AWS's security group quotas as pure checks: the numbers, the checks of the options that raise
 * them, and the rule counts of a plan. The CDK adapter adds the synth-time checks that need the
 * construct tree (resources per stack, groups per network interface).
 */

// AWS quotas for security groups:
// https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups

/** AWS quota: security groups on one network interface, by default. */
export const MAX_GROUPS_PER_INTERFACE = 5;
/** AWS quota: the most security groups per network interface an account can be raised to. */
export const MAX_GROUPS_PER_INTERFACE_RAISED = 16;
/** AWS quota: inbound (and, separately, outbound) rules per security group and address family, by default. */
export const MAX_RULES_PER_GROUP = 60;
/** AWS quota: rules per security group times security groups per network interface, at most. */
export const MAX_RULES_TIMES_GROUPS = 1000;
/**
 * CloudFormation quota: resources in one stack
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 */
export const MAX_RESOURCES_PER_STACK = 500;

/** A cloud limit a plan would exceed: `path` names the group or resource, `value` the count. */
export class LimitError extends PortplanError {
  /** Always `AWS_LIMIT`. */
  readonly code = 'AWS_LIMIT';
}

/** Throws an {@link ArgumentError} unless `value` is a whole number from `min` to `max` (or undefined). */
export function checkWholeNumber(path: string, value: unknown, min: number, max: number, why: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new ArgumentError(path, value, `must be a whole number ${range}${why ? ` (${why})` : ''}`);
  }
}

/**
 * Throws an {@link ArgumentError} when `maxRulesPerGroup` times `maxSecurityGroupsPerInterface`
 * (each at its default, 60 and 5, when not given) is more than 1,000: AWS raises either quota only
 * as far as "this quota multiplied by the quota for security groups per network interface cannot
 * exceed 1,000" (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups),
 * so no account can have both.
 */
export function checkQuotaProduct(
  maxRulesPerGroup: number | undefined,
  maxSecurityGroupsPerInterface: number | undefined,
): void {
  const given = {
    maxRulesPerGroup: maxRulesPerGroup ?? MAX_RULES_PER_GROUP,
    maxSecurityGroupsPerInterface: maxSecurityGroupsPerInterface ?? MAX_GROUPS_PER_INTERFACE,
  };
  const product = given.maxRulesPerGroup * given.maxSecurityGroupsPerInterface;
  if (product <= MAX_RULES_TIMES_GROUPS) return;
  const count = (n: number) => n.toLocaleString('en-US');
  throw new ArgumentError(
    'maxRulesPerGroup × maxSecurityGroupsPerInterface',
    given,
    `at most ${count(MAX_RULES_TIMES_GROUPS)} (AWS quota: rules per security group times security groups per ` +
      'network interface, https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups); ' +
      `${count(given.maxRulesPerGroup)} × ${given.maxSecurityGroupsPerInterface} is ${count(product)}: lower one of them`,
  );
}

/**
 * Throws a {@link LimitError} when a group of the plan would carry more inbound or outbound rules
 * of one address family than `max`. Reads the plan after de-duplication, with CDK's default and
 * placeholder egress rules counted.
 */
export function checkRuleCounts(plan: RulePlan, max: number): void {
  for (const c of ruleCountsByFamily(plan)) {
    if (c.count > max) {
      throw new LimitError(
        `groups.${c.group}`,
        c.count,
        `security group ${c.group} would have ${c.count} ${c.direction} IPv${c.family} rules, ` +
          `more than the limit of ${max} per group (AWS quota: inbound or outbound rules per security group); ` +
          'each peer address range and each group or role reaching it needs its own rules, and a rule naming a ' +
          'prefix list counts as its maximum entries: ' +
          "give fewer, wider peers, or raise maxRulesPerGroup where the account's quota is raised",
      );
    }
  }
}

/** How many rules one group carries in one direction for one address family. */
export interface RuleCount {
  /** The group. */
  readonly group: string;
  /** Inbound or outbound. */
  readonly direction: RuleDirection;
  /** IPv4 or IPv6 rules. */
  readonly family: 4 | 6;
  /** Rules portplan writes, plus the CDK default egress rules of created groups. */
  readonly count: number;
}

/**
 * Rule counts against the AWS quota "inbound or outbound rules per security group", which is
 * enforced separately for IPv4 and IPv6 rules
 * (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
 * A rule that references a security group is counted in both families (it admits both), and the
 * default egress rules of created groups count like any other; a rule naming a prefix list counts as
 * the list's maximum entries. Rules already on existing groups
 * are not known here and not counted. Zero counts are left out; order: groups, then inbound
 * before outbound, then IPv4 before IPv6.
 */
export function ruleCountsByFamily(plan: RulePlan): RuleCount[] {
  // Counted in one pass over the rules, so the check stays linear in the plan's size.
  const counts = new Map<string, number>();
  const add = (group: string, direction: RuleDirection, family: 4 | 6, n = 1) => {
    const k = JSON.stringify([group, direction, family]);
    counts.set(k, (counts.get(k) ?? 0) + n);
  };
  for (const r of plan.rules) {
    // A rule that names a prefix list counts as the list's maximum entries (or an AWS-managed
    // list's weight): https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html
    const n = r.remote.kind === 'prefixList' ? r.remote.prefixList.maxEntries : 1;
    for (const family of [4, 6] as const) {
      if (r.remote.kind === 'group' || r.remote.family === family) add(r.group, r.direction, family, n);
    }
  }
  const out: RuleCount[] = [];
  for (const g of [...plan.groups, ...plan.roleGroups]) {
    for (const direction of ['inbound', 'outbound'] as const) {
      for (const family of [4, 6] as const) {
        const defaults =
          direction === 'inbound'
            ? 0
            : g.defaultEgress.filter((e) => (e === 'allow-all-ipv6' ? 6 : 4) === family).length;
        const count = (counts.get(JSON.stringify([g.name, direction, family])) ?? 0) + defaults;
        if (count > 0) out.push({ group: g.name, direction, family, count });
      }
    }
  }
  return out;
}
