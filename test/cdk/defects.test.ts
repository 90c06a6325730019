import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PortPlan, type PortPlanProps } from '../../lib/cdk';
import { ArgumentError, type Declaration, type PeerDeclaration } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER } from '../support/declarations';
import { testApp, testStack } from '../support/cdk';

// One test per defect of the CDK adapter, each written to fail on the code before its fix.

type Json = Record<string, unknown>;
const SG_ID = 'sg-0123456789abcdef0';

function resources(template: Template, type: string): Json[] {
  return Object.values(template.findResources(type)).map((r) => r.Properties as Json);
}

const BOTH: Declaration = { groups: [...SERVERPROTECT.groups, ...SMART_UPDATE_MANAGER.groups] };

function plan(
  declaration: Declaration,
  extra: Partial<PortPlanProps> = {},
  importOptions?: ec2.SecurityGroupImportOptions,
) {
  const { app, stack, vpc } = testStack();
  const existing = importOptions
    ? {
        'information-server': {
          securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Existing', SG_ID, importOptions),
        },
      }
    : undefined;
  const p = new PortPlan(stack, 'Plan', { vpc, declaration, existingSecurityGroups: existing, ...extra });
  return { app, stack, plan: p, template: Template.fromStack(stack) };
}

const UPDATE_V4: PeerDeclaration = { name: 'proxy', kind: 'update-source', cidr: '10.0.8.0/28' };
const UPDATE_V6: PeerDeclaration = { name: 'proxy6', kind: 'update-source', cidr: '2001:db8:8::/64' };

describe('defect 9: egress to a peer CIDR from an existing group names its destination', () => {
  test('AWS::EC2::SecurityGroupEgress carries CidrIp/CidrIpv6, never DestinationCidrIp', () => {
    const declaration: Declaration = { ...SERVERPROTECT, peers: [UPDATE_V4, UPDATE_V6], egress: 'restricted' };
    const { template } = plan(declaration, {}, { allowAllOutbound: false });
    const egress = resources(template, 'AWS::EC2::SecurityGroupEgress').filter((p) => p.GroupId === SG_ID);
    const toPeers = egress.filter((p) => p.DestinationSecurityGroupId === undefined);
    expect(toPeers.length).toBe(4); // 80 and 443 to each peer
    for (const p of toPeers) {
      expect(Object.keys(p).filter((k) => /^Destination(CidrIp|CidrIpv6)$/.test(k))).toEqual([]);
      expect([p.CidrIp, p.CidrIpv6].filter((x) => x !== undefined)).toHaveLength(1);
    }
    expect(toPeers.map((p) => p.CidrIp ?? p.CidrIpv6).sort()).toEqual([
      '10.0.8.0/28',
      '10.0.8.0/28',
      '2001:db8:8::/64',
      '2001:db8:8::/64',
    ]);
  });
});

describe('defect 10: default egress lets created groups reach IPv6 peers', () => {
  test('a created group keeps all outbound traffic open for IPv6 as for IPv4', () => {
    const { stack, template } = plan({ ...SERVERPROTECT, peers: [UPDATE_V6] });
    const group = stack.node.findChild('Plan').node.findChild('information-server');
    const sg = group.node.defaultChild as ec2.CfnSecurityGroup;
    const info = Stack.of(stack).getLogicalId(sg);
    const egress = (template.toJSON().Resources[info].Properties.SecurityGroupEgress ?? []) as Json[];
    expect(egress).toEqual(expect.arrayContaining([expect.objectContaining({ CidrIpv6: '::/0', IpProtocol: '-1' })]));
    expect(egress).toEqual(
      expect.arrayContaining([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' })]),
    );
  });
});

describe('defect 11: security groups per network interface are counted everywhere they are attached', () => {
  const sixGroups = () => {
    const { app, stack, vpc } = testStack();
    const p = new PortPlan(stack, 'Plan', { vpc, declaration: BOTH });
    return { app, stack, vpc, groups: p.groups.map((g) => g.securityGroup) };
  };

  test('an ec2.LaunchTemplate with six groups fails synth', () => {
    const { app, stack, groups } = sixGroups();
    const lt = new ec2.LaunchTemplate(stack, 'Lt', { securityGroup: groups[0] });
    for (const g of groups.slice(1)) lt.addSecurityGroup(g);
    expect(() => app.synth()).toThrow(/Test\/Lt.* has 6 security groups on one network interface, more than 5/);
  });

  test('a CfnLaunchTemplate network interface with six groups fails synth', () => {
    const { app, stack, groups } = sixGroups();
    new ec2.CfnLaunchTemplate(stack, 'Lt', {
      launchTemplateData: { networkInterfaces: [{ deviceIndex: 0, groups: groups.map((g) => g.securityGroupId) }] },
    });
    expect(() => app.synth()).toThrow(/Test\/Lt has 6 security groups on one network interface/);
  });

  test("an instance's networkInterfaces[].groupSet with six groups fails synth", () => {
    const { app, stack, groups } = sixGroups();
    new ec2.CfnInstance(stack, 'Host', {
      imageId: 'ami-12345678',
      networkInterfaces: [{ deviceIndex: '0', subnetId: 'subnet-1', groupSet: groups.map((g) => g.securityGroupId) }],
    });
    expect(() => app.synth()).toThrow(/Test\/Host has 6 security groups on one network interface/);
  });

  test('an instance in another stack of the app with six groups fails synth', () => {
    const { app, groups } = sixGroups();
    const other = new Stack(app, 'Other');
    new ec2.CfnInstance(other, 'Host', {
      imageId: 'ami-12345678',
      securityGroupIds: groups.map((g) => g.securityGroupId),
    });
    expect(() => app.synth()).toThrow(/Other\/Host has 6 security groups on one network interface/);
  });

  test('the limit is a prop: 6 allowed where the account quota is raised; 0 and 17 are argument errors', () => {
    const app = testApp();
    const { stack, vpc } = testStack(app);
    const p = new PortPlan(stack, 'Plan', {
      vpc,
      declaration: BOTH,
      maxSecurityGroupsPerInterface: 6,
    } as PortPlanProps);
    new ec2.CfnNetworkInterface(stack, 'Host', {
      subnetId: 'subnet-1',
      groupSet: p.groups.map((g) => g.securityGroup.securityGroupId),
    });
    expect(() => app.synth()).not.toThrow();
    for (const bad of [0, 17, 2.5]) {
      const t = testStack();
      const props = { vpc: t.vpc, declaration: SERVERPROTECT, maxSecurityGroupsPerInterface: bad };
      expect(() => new PortPlan(t.stack, 'Plan', props)).toThrow(ArgumentError);
      expect(t.stack.node.tryFindChild('Plan')).toBeUndefined();
    }
  });
});

describe("defect 12: CDK's 'Disallow all traffic' placeholder counts against the outbound limit", () => {
  test('a restricted group whose outbound rules are all separate has one more outbound rule than it looks', () => {
    const declaration: Declaration = { ...SMART_UPDATE_MANAGER, egress: 'restricted' };
    const { template } = plan(declaration, { maxRulesPerGroup: 1000, maxSecurityGroupsPerInterface: 1 });
    // Rules portplan asked for, per group and direction (the placeholder left out).
    const counts = new Map<string, number>();
    const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const [id, r] of Object.entries(template.findResources('AWS::EC2::SecurityGroup'))) {
      const g = JSON.stringify({ 'Fn::GetAtt': [id, 'GroupId'] });
      for (let i = 0; i < ((r.Properties.SecurityGroupIngress ?? []) as Json[]).length; i++) add(`in ${g}`);
      for (const e of (r.Properties.SecurityGroupEgress ?? []) as Json[]) {
        if (e.Description !== 'Disallow all traffic') add(`out ${g}`);
      }
    }
    for (const p of resources(template, 'AWS::EC2::SecurityGroupIngress')) add(`in ${JSON.stringify(p.GroupId)}`);
    for (const p of resources(template, 'AWS::EC2::SecurityGroupEgress')) add(`out ${JSON.stringify(p.GroupId)}`);
    const most = Math.max(...counts.values());
    const outMost = Math.max(...[...counts].filter(([k]) => k.startsWith('out ')).map(([, n]) => n));
    // The busiest direction of any group is an outbound one made only of separate rules (to groups).
    expect(outMost).toBe(most);
    expect(() => plan(declaration, { maxRulesPerGroup: most })).toThrow(expect.objectContaining({ code: 'AWS_LIMIT' }));
    expect(() => plan(declaration, { maxRulesPerGroup: most + 1 })).not.toThrow();
  });
});

describe("defect 13: CDK's own mutable: false is honoured", () => {
  test('a group imported with mutable: false gets no rules, and its flows are listed as skipped', () => {
    const { plan: p, template, stack } = plan(SERVERPROTECT, {}, { mutable: false });
    expect(resources(template, 'AWS::EC2::SecurityGroupIngress').filter((r) => r.GroupId === SG_ID)).toEqual([]);
    expect(p.skippedFlows.length).toBe(p.resolution.flows.filter((f) => f.to.name === 'information-server').length);
    Annotations.fromStack(stack).hasWarning('/Test/Plan', Match.stringLikeRegexp('information-server'));
  });

  test("portplan's own mutable: false still works on a group CDK may change", () => {
    const { stack, vpc } = testStack();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Existing', SG_ID);
    const p = new PortPlan(stack, 'Plan', {
      vpc,
      declaration: SERVERPROTECT,
      existingSecurityGroups: { 'information-server': { securityGroup: sg, mutable: false } },
    });
    const ingress = resources(Template.fromStack(stack), 'AWS::EC2::SecurityGroupIngress');
    expect(ingress.filter((r) => r.GroupId === SG_ID)).toEqual([]);
    expect(p.skippedFlows.length).toBeGreaterThan(0);
  });
});

describe('defect 14: an existing group under restricted egress warns that its own egress stays', () => {
  test('warning portplan:existing-group-egress names the group', () => {
    const { stack } = plan({ ...SERVERPROTECT, egress: 'restricted' }, {}, {});
    Annotations.fromStack(stack).hasWarning(
      '/Test/Plan',
      Match.stringLikeRegexp('information-server.*\\[ack: portplan:existing-group-egress\\]'),
    );
  });

  test('no such warning under default egress', () => {
    const { stack } = plan(SERVERPROTECT, {}, {});
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('existing-group-egress'))).toEqual([]);
  });
});

describe('defect 15: two peers with the same CIDR give one rule, carrying both flows', () => {
  const CM_A: PeerDeclaration = { name: 'tmcm-a', kind: 'control-manager', cidr: '10.0.9.10/32' };
  const CM_B: PeerDeclaration = { name: 'tmcm-b', kind: 'control-manager', cidr: '10.0.9.10/32' };

  test('separate rules on an existing group: no two identical ingress resources', () => {
    const declaration: Declaration = {
      ...SERVERPROTECT,
      peers: [CM_A, CM_B],
      serverProtect: { controlManagerAgent: 'tmi' },
    };
    const { template } = plan(declaration, {}, {});
    const fromCm = resources(template, 'AWS::EC2::SecurityGroupIngress').filter((r) => r.CidrIp === '10.0.9.10/32');
    expect(fromCm).toHaveLength(1);
    expect(fromCm[0]).toMatchObject({ GroupId: SG_ID, FromPort: 10319, ToPort: 10319 });
  });

  test('inline rules: one egress rule whose description cites the rows of both flows', () => {
    const cm: PeerDeclaration = { name: 'tmcm', kind: 'control-manager', cidr: '10.0.8.0/28' };
    const { template } = plan({
      ...SERVERPROTECT,
      peers: [cm, UPDATE_V4],
      serverProtect: { controlManagerAgent: 'mcp' },
      egress: 'restricted',
    });
    const groups = resources(template, 'AWS::EC2::SecurityGroup');
    const rules = groups
      .flatMap((g) => (g.SecurityGroupEgress ?? []) as Json[])
      .filter((r) => r.CidrIp === '10.0.8.0/28');
    const rows = rules.map((r) => `${r.FromPort} ${String(r.Description).split(':')[0]}`).sort();
    expect(rows).toEqual(['443 SP11 SP12', '80 SP11 SP12']);
  });
});
