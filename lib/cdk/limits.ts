import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { ArgumentError, PortplanError } from '../spec';
import { ruleCountsByFamily, type RulePlan } from './rules';

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
          `more than the limit of ${max} per group; ` +
          'split the role group, or raise maxRulesPerGroup if the account quota is raised',
      );
    }
  }
}

/** The security group lists of one resource, one per network interface it configures. */
function interfaceGroupLists(r: CfnResource): unknown[] {
  const s = Stack.of(r);
  const lists: unknown[] = [];
  const interfaces = (value: unknown, key: 'groupSet' | 'groups') => {
    const resolved: unknown = s.resolve(value);
    if (!Array.isArray(resolved)) return;
    for (const ni of resolved) lists.push((ni as Record<string, unknown> | undefined)?.[key]);
  };
  if (r instanceof ec2.CfnInstance) {
    // An instance's own group list applies to its primary interface; network interfaces carry their own.
    lists.push([...asArray(s.resolve(r.securityGroupIds)), ...asArray(s.resolve(r.securityGroups))]);
    interfaces(r.networkInterfaces, 'groupSet');
  } else if (r instanceof ec2.CfnNetworkInterface) {
    lists.push(s.resolve(r.groupSet));
  } else if (r instanceof ec2.CfnLaunchTemplate) {
    const data = s.resolve(r.launchTemplateData) as Record<string, unknown> | undefined;
    lists.push([...asArray(data?.securityGroupIds), ...asArray(data?.securityGroups)]);
    interfaces(data?.networkInterfaces, 'groups');
  }
  return lists;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Synth-time checks: resources in the plan's stack, and security groups per network interface on
 * every instance, network interface and launch template of the whole app (groups of a plan can
 * be attached in any stack). Lists whose length is a token (unknown at synth) are not counted.
 */
export function appLimits(stack: Stack, maxGroupsPerInterface: number): string[] {
  const errors: string[] = [];
  const resources = stack.node.findAll().filter(CfnResource.isCfnResource);
  if (resources.length > MAX_RESOURCES_PER_STACK) {
    errors.push(
      `stack ${stack.stackName} has ${resources.length} resources, ` +
        `more than CloudFormation's ${MAX_RESOURCES_PER_STACK}; ` +
        'spread the role groups over several PortPlan constructs in different stacks',
    );
  }
  const all = (stack.node.root as IConstruct).node.findAll().filter(CfnResource.isCfnResource);
  for (const r of all) {
    for (const list of interfaceGroupLists(r)) {
      if (Array.isArray(list) && list.length > maxGroupsPerInterface) {
        errors.push(
          `${r.node.path} has ${list.length} security groups on one network interface, ` +
            `more than ${maxGroupsPerInterface} ` +
            '(AWS quota: security groups per network interface; 5 unless the account raised it, 16 at most)',
        );
      }
    }
  }
  return errors;
}
