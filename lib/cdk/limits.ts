import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ArgumentError, PortplanError } from '../model';
import { ruleCountsByFamily, type RulePlan } from '../aws';

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
          'each peer address range and each group or role reaching it needs its own rules: ' +
          "give fewer, wider peers, or raise maxRulesPerGroup where the account's quota is raised",
      );
    }
  }
}

type Props = Record<string, unknown>;

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A property of a resource or of a structure in it, resolved where it is a token. */
function field(s: Stack, from: unknown, key: string): unknown {
  if (typeof from !== 'object' || from === null) return undefined;
  const value = (from as Props)[key];
  // A plain list is counted as it is (its items may be group objects, ISecurityGroupRef); a list
  // token (a Lazy list, as an AutoScalingGroup writes) and any other value are resolved.
  return Array.isArray(value) && !Token.isUnresolved(value) ? value : s.resolve(value);
}

/** The items of a list property; none when it is absent or its length is a token. */
const items = (s: Stack, from: unknown, key: string): unknown[] => asArray(field(s, from, key));

/** One list of groups per network interface of each structure in `list`, read from `key`. */
const eachInterface = (s: Stack, list: unknown[], key: string): unknown[] => list.map((ni) => field(s, ni, key));

/**
 * The security group lists a resource puts on network interfaces, one per interface, by
 * CloudFormation type. The types are those of aws-cdk-lib's EC2 and Auto Scaling L1 classes
 * (its CloudFormation specs) with a security group property whose groups go on the network
 * interfaces of instances or endpoints:
 * - `AWS::EC2::Instance`: SecurityGroupIds and SecurityGroups (the primary interface),
 *   NetworkInterfaces[].GroupSet;
 * - `AWS::EC2::NetworkInterface`: GroupSet;
 * - `AWS::EC2::LaunchTemplate`: LaunchTemplateData.SecurityGroupIds and SecurityGroups,
 *   LaunchTemplateData.NetworkInterfaces[].Groups;
 * - `AWS::AutoScaling::LaunchConfiguration`: SecurityGroups (what an AutoScalingGroup writes with
 *   `@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig` off);
 * - `AWS::EC2::SpotFleet`: SpotFleetRequestConfigData.LaunchSpecifications[].SecurityGroups[] and
 *   .NetworkInterfaces[].Groups;
 * - `AWS::EC2::EC2Fleet`: LaunchTemplateConfigs[].Overrides[].NetworkInterfaces[].Groups;
 * - `AWS::EC2::VPCEndpoint`, `AWS::EC2::InstanceConnectEndpoint`, `AWS::EC2::ClientVpnEndpoint`:
 *   SecurityGroupIds (on the endpoint's network interfaces).
 * Not counted: `AWS::EC2::NetworkInsightsAnalysis` (its groups are findings, not settings), and the
 * other services' resources with security groups (Lambda, ECS, RDS, load balancers, EFS and
 * others), whose interfaces are the service's own, with limits of their own.
 */
const INTERFACE_GROUPS: Readonly<Record<string, (s: Stack, r: Props) => unknown[]>> = {
  'AWS::EC2::Instance': (s, r) => [
    [...items(s, r, 'securityGroupIds'), ...items(s, r, 'securityGroups')],
    ...eachInterface(s, items(s, r, 'networkInterfaces'), 'groupSet'),
  ],
  'AWS::EC2::NetworkInterface': (s, r) => [field(s, r, 'groupSet')],
  'AWS::EC2::LaunchTemplate': (s, r) => {
    const data = field(s, r, 'launchTemplateData');
    return [
      [...items(s, data, 'securityGroupIds'), ...items(s, data, 'securityGroups')],
      ...eachInterface(s, items(s, data, 'networkInterfaces'), 'groups'),
    ];
  },
  'AWS::AutoScaling::LaunchConfiguration': (s, r) => [field(s, r, 'securityGroups')],
  'AWS::EC2::SpotFleet': (s, r) =>
    items(s, field(s, r, 'spotFleetRequestConfigData'), 'launchSpecifications').flatMap((spec) => [
      field(s, spec, 'securityGroups'),
      ...eachInterface(s, items(s, spec, 'networkInterfaces'), 'groups'),
    ]),
  'AWS::EC2::EC2Fleet': (s, r) =>
    items(s, r, 'launchTemplateConfigs')
      .flatMap((c) => items(s, c, 'overrides'))
      .flatMap((o) => eachInterface(s, items(s, o, 'networkInterfaces'), 'groups')),
  'AWS::EC2::VPCEndpoint': (s, r) => [field(s, r, 'securityGroupIds')],
  'AWS::EC2::InstanceConnectEndpoint': (s, r) => [field(s, r, 'securityGroupIds')],
  'AWS::EC2::ClientVpnEndpoint': (s, r) => [field(s, r, 'securityGroupIds')],
};

/** The security group lists of one resource, one per network interface it configures. @internal */
export function interfaceGroupLists(r: CfnResource): unknown[] {
  const lists = INTERFACE_GROUPS[r.cfnResourceType];
  // An L1 resource's properties are its public fields, named as in the L1 props.
  return lists ? lists(Stack.of(r), r as unknown as Props) : [];
}

/**
 * Synth-time checks: resources in the plan's stack, and security groups per network interface on
 * every resource of the whole app that puts groups on a network interface ({@link INTERFACE_GROUPS};
 * groups of a plan can be attached in any stack). Lists whose length is a token (unknown at
 * synth) are not counted.
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
