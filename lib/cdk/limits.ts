import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { MAX_RESOURCES_PER_STACK } from '../aws';

// The synth-time checks, which read the construct tree; the pure quotas are in lib/aws/limits.ts.

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
