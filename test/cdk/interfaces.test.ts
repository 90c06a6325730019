import { App, type Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PortPlan } from '../../lib/cdk';
import type { Declaration } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER } from '../support/declarations';
import { testStack } from '../support/cdk';

// Security groups per network interface (AWS quota: 5, up to 16) are counted on every resource of
// the app that puts security groups on an instance's or endpoint's network interfaces, whatever
// form CloudFormation gives them: launch configurations, fleets and endpoints as well as instances,
// network interfaces and launch templates.

const BOTH: Declaration = { groups: [...SERVERPROTECT.groups, ...SMART_UPDATE_MANAGER.groups] };
const FLAG = '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig';

function groupsIn(app: App) {
  const { stack, vpc } = testStack(app);
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration: BOTH });
  const ids = plan.groups.map((g) => g.securityGroup.securityGroupId);
  expect(ids.length).toBeGreaterThanOrEqual(6);
  return { stack, groups: plan.groups.map((g) => g.securityGroup), six: ids.slice(0, 6), five: ids.slice(0, 5) };
}

describe('an AutoScalingGroup with six portplan groups fails synth, with a launch template or a launch configuration', () => {
  test.each([
    ['a launch configuration (the feature flag off)', false, 'AWS::AutoScaling::LaunchConfiguration'],
    ['a launch template (the feature flag on)', true, 'AWS::EC2::LaunchTemplate'],
  ])('%s', (_name, flag, type) => {
    const app = new App({ context: { [FLAG]: flag }, builtinCloudFormationValidation: false } as ConstructorParameters<
      typeof App
    >[0]);
    const { stack, groups } = groupsIn(app);
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'AsgVpc', {
      vpcId: 'vpc-12345678',
      availabilityZones: ['us-east-1a'],
      privateSubnetIds: ['subnet-12345678'],
    });
    const asg = new autoscaling.AutoScalingGroup(stack, 'Asg', {
      vpc,
      instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: new ec2.GenericLinuxImage({ 'us-east-1': 'ami-12345678' }),
      securityGroup: groups[0],
    });
    for (const g of groups.slice(1, 6)) asg.addSecurityGroup(g);
    // The resource that carries the groups is the one the flag chooses.
    expect(stack.node.findAll().some((c) => (c as { cfnResourceType?: string }).cfnResourceType === type)).toBe(true);
    expect(() => app.synth()).toThrow(/Test\/Asg\/\S+ has 6 security groups on one network interface, more than 5/);
  });
});

describe('every resource type that puts groups on a network interface is counted', () => {
  const CASES: [string, (s: Stack, ids: string[]) => void][] = [
    [
      'AWS::AutoScaling::LaunchConfiguration',
      (s, ids) =>
        new autoscaling.CfnLaunchConfiguration(s, 'Host', {
          imageId: 'ami-12345678',
          instanceType: 't3.micro',
          securityGroups: ids,
        }),
    ],
    [
      'AWS::EC2::SpotFleet launch specification',
      (s, ids) =>
        new ec2.CfnSpotFleet(s, 'Host', {
          spotFleetRequestConfigData: {
            iamFleetRole: 'arn:aws:iam::123456789012:role/fleet',
            targetCapacity: 1,
            launchSpecifications: [{ imageId: 'ami-12345678', securityGroups: ids.map((groupId) => ({ groupId })) }],
          },
        }),
    ],
    [
      'AWS::EC2::SpotFleet network interface',
      (s, ids) =>
        new ec2.CfnSpotFleet(s, 'Host', {
          spotFleetRequestConfigData: {
            iamFleetRole: 'arn:aws:iam::123456789012:role/fleet',
            targetCapacity: 1,
            launchSpecifications: [{ imageId: 'ami-12345678', networkInterfaces: [{ deviceIndex: 0, groups: ids }] }],
          },
        }),
    ],
    [
      'AWS::EC2::EC2Fleet override network interface',
      (s, ids) =>
        new ec2.CfnEC2Fleet(s, 'Host', {
          targetCapacitySpecification: { totalTargetCapacity: 1 },
          launchTemplateConfigs: [
            {
              launchTemplateSpecification: { launchTemplateId: 'lt-12345678', version: '1' },
              overrides: [{ networkInterfaces: [{ deviceIndex: 0, groups: ids }] }],
            },
          ],
        }),
    ],
    [
      'AWS::EC2::VPCEndpoint',
      (s, ids) =>
        new ec2.CfnVPCEndpoint(s, 'Host', {
          vpcId: 'vpc-12345678',
          serviceName: 'com.amazonaws.us-east-1.ssm',
          vpcEndpointType: 'Interface',
          securityGroupIds: ids,
        }),
    ],
    [
      'AWS::EC2::InstanceConnectEndpoint',
      (s, ids) => new ec2.CfnInstanceConnectEndpoint(s, 'Host', { subnetId: 'subnet-12345678', securityGroupIds: ids }),
    ],
    [
      'AWS::EC2::ClientVpnEndpoint',
      (s, ids) =>
        new ec2.CfnClientVpnEndpoint(s, 'Host', {
          authenticationOptions: [],
          clientCidrBlock: '10.100.0.0/22',
          connectionLogOptions: { enabled: false },
          serverCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x',
          vpcId: 'vpc-12345678',
          securityGroupIds: ids,
        }),
    ],
  ];

  test.each(CASES)('%s: six groups fail synth naming it, five pass', (_name, make) => {
    const six = new App({ builtinCloudFormationValidation: false } as ConstructorParameters<typeof App>[0]);
    const a = groupsIn(six);
    make(a.stack, a.six);
    expect(() => six.synth()).toThrow(/Test\/Host has 6 security groups on one network interface, more than 5/);
    const five = new App({ builtinCloudFormationValidation: false } as ConstructorParameters<typeof App>[0]);
    const b = groupsIn(five);
    make(b.stack, b.five);
    expect(() => five.synth()).not.toThrow();
  });
});
