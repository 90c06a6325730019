import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MAX_RESOURCES_PER_STACK, MAX_RULES_PER_GROUP, PortPlan, ruleCountsByFamily } from '../../lib/cdk';
import { AZURE_LIMITS, planAzureRules } from '../../lib/pulumi';
import type { Declaration } from '../../lib/model';

// A ServerProtect site with 200 normal-server groups and the defaults (remote install on: every pair
// of normal servers talks), within every default quota of AWS and Azure: the rules of a role's
// groups are written once, on the role-wide group, instead of once per group or per pair.

const N = 200;
const SITE: Declaration = {
  groups: [
    { name: 'console', role: 'serverprotect:console' },
    { name: 'information-server', role: 'serverprotect:information-server' },
    ...Array.from({ length: N }, (_, i) => ({ name: `normal-${i}`, role: 'serverprotect:normal-server' as const })),
  ],
};

test('AWS: 200 normal-server groups synthesize with the default quotas and aws-cdk-lib template validation', () => {
  // Template validation on, as `cdk synth` runs it by default.
  const app = new App();
  const stack = new Stack(app, 'Site');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'] });
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration: SITE });
  // Every normal server also carries the role's group: an instance of each takes both.
  for (let i = 0; i < N; i += 50) {
    const host = new ec2.CfnNetworkInterface(stack, `Eni${i}`, {
      subnetId: 'subnet-12345678',
      groupSet: plan.group(`normal-${i}`).securityGroups.map((sg) => sg.securityGroupId),
    });
    expect(host.groupSet).toHaveLength(2);
  }
  expect(() => app.synth()).not.toThrow();
  const counts = ruleCountsByFamily(plan.rulePlan);
  expect(Math.max(...counts.map((c) => c.count))).toBeLessThanOrEqual(MAX_RULES_PER_GROUP);
  const resources = stack.node.findAll().filter(CfnResource.isCfnResource).length;
  expect(resources).toBeLessThanOrEqual(MAX_RESOURCES_PER_STACK);
  // The rules: what two normal-server groups need, not 200 times (or 200 squared times) as many.
  const two = new PortPlan(new Stack(new App(), 'Two'), 'Plan', {
    vpc: ec2.Vpc.fromVpcAttributes(new Stack(new App(), 'V'), 'Vpc', {
      vpcId: 'vpc-12345678',
      availabilityZones: ['us-east-1a'],
    }),
    declaration: { groups: SITE.groups.slice(0, 4) },
  });
  expect(plan.rulePlan.rules.length).toBe(two.rulePlan.rules.length);
});

test('Azure: 200 normal-server groups fit one NSG with the whole band, within the rule and ASG limits', () => {
  const plan = planAzureRules(SITE, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
  expect(plan.rules.length).toBeLessThanOrEqual(AZURE_LIMITS.rulesPerNsg);
  const referenced = new Set(
    plan.rules.flatMap((r) => [r.source, r.destination]).flatMap((e) => ('group' in e ? [e.group] : [])),
  );
  expect(referenced.size).toBeLessThanOrEqual(AZURE_LIMITS.asgsPerNsg);
  expect(plan.roleGroups.map((r) => [r.role, r.groups.length])).toEqual([['serverprotect:normal-server', N]]);
});
