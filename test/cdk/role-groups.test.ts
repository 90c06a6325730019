import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PortPlan } from '../../lib/cdk';
import { ArgumentError, type Declaration } from '../../lib/model';
import { testStack } from '../support/cdk';

// A role with two or more groups: its security group, which every host of those groups carries.

const site = (normal: number): Declaration => ({
  groups: [
    { name: 'console', role: 'serverprotect:console' },
    { name: 'information-server', role: 'serverprotect:information-server' },
    ...Array.from({ length: normal }, (_, i) => ({
      name: `normal-${i}`,
      role: 'serverprotect:normal-server' as const,
    })),
  ],
});

function instance(stack: ReturnType<typeof testStack>['stack'], vpc: ec2.IVpc, id: string): ec2.Instance {
  return new ec2.Instance(stack, id, {
    vpc,
    vpcSubnets: {
      subnets: [
        ec2.Subnet.fromSubnetAttributes(stack, `${id}Subnet`, {
          subnetId: 'subnet-12345678',
          availabilityZone: 'us-east-1a',
        }),
      ],
    },
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericWindows({ 'us-east-1': 'ami-12345678' }),
  });
}

test('addTo gives a host its group and its role: the instance carries both, and synth passes', () => {
  const { app, stack, vpc } = testStack();
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration: site(2) });
  const host = instance(stack, vpc, 'Host');
  const group = plan.group('normal-0');
  group.addTo(host);
  expect(group.securityGroups).toEqual([group.securityGroup, plan.roleSecurityGroup('serverprotect:normal-server')]);
  expect(() => app.synth()).not.toThrow();
  const ids = (Template.fromStack(stack).toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>)
    .HostA3E1F3A3?.Properties.SecurityGroupIds;
  const carried =
    ids ?? Object.values(Template.fromStack(stack).findResources('AWS::EC2::Instance'))[0].Properties.SecurityGroupIds;
  // Beside the instance's own default group: both of the role group's.
  expect((carried as unknown[]).map((x) => JSON.stringify(x))).toEqual(
    expect.arrayContaining(group.securityGroups.map((sg) => JSON.stringify(stack.resolve(sg.securityGroupId)))),
  );
});

test("a host that carries its group's security group without its role's fails synth, naming the host and group", () => {
  const { app, stack, vpc } = testStack();
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration: site(2) });
  const host = instance(stack, vpc, 'Host');
  host.addSecurityGroup(plan.group('normal-1').securityGroup);
  expect(() => app.synth()).toThrow(
    /Test\/Host\/Resource carries the security group of normal-1 but not its role's security group: add both with group\.addTo\(host\)/,
  );
});

test('a role with one group has no role-wide group: securityGroups is the group alone', () => {
  const { stack, vpc } = testStack();
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration: site(1) });
  const g = plan.group('normal-0');
  expect([g.securityGroups, g.roleSecurityGroup]).toEqual([[g.securityGroup], undefined]);
  expect(() => plan.roleSecurityGroup('serverprotect:normal-server')).toThrow(ArgumentError);
  Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroup', 3);
});

test("a third group of a role keeps the role's security group and its rules as they were (no replacement)", () => {
  const resources = (n: number) => {
    const { stack, vpc } = testStack();
    new PortPlan(stack, 'Plan', { vpc, declaration: site(n) });
    return Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: unknown }>;
  };
  const two = resources(2);
  const three = resources(3);
  // Every resource of the two-group site is in the three-group site, with the same properties.
  for (const [id, r] of Object.entries(two)) expect([id, three[id]]).toEqual([id, r]);
  expect(Object.keys(three).length).toBe(Object.keys(two).length + 1);
});
