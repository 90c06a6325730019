import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { App, Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { LimitError, PortPlan, ServerProtect, SmartUpdateManager, groupDescription } from '../../lib/cdk';
import { DeclarationError, ROW_IDS, type Declaration } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER, SMART_UPDATE_MANAGER_7, validDeclaration } from '../support/declarations';
import { ROW_CASES } from '../support/rows';
import { expectedRules, templateRules, testApp, testStack } from '../support/cdk';

const BOTH: Declaration = { groups: [...SERVERPROTECT.groups, ...SMART_UPDATE_MANAGER.groups] };
const CM = { name: 'tmcm', kind: 'control-manager' as const, cidr: '10.0.9.10/32' };
const PEERS: Declaration['peers'] = [
  CM,
  { name: 'proxy', kind: 'update-source', cidr: '10.0.8.0/28', ports: [8080] },
  { name: 'nms', kind: 'snmp', cidr: 'fd00::162/128' },
];

function synth(declaration: Declaration, extra: Partial<ConstructorParameters<typeof PortPlan>[2]> = {}) {
  const { stack, vpc } = testStack();
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration, ...extra });
  return { stack, plan, template: Template.fromStack(stack) };
}

describe('every synthesized rule is a resolve() flow and every flow is a rule', () => {
  test.each<[string, Declaration]>([
    ['ServerProtect defaults', SERVERPROTECT],
    ['SUM defaults', SMART_UPDATE_MANAGER],
    ['both products', BOTH],
    [
      'named pipes, installed, pinned ports',
      {
        ...SERVERPROTECT,
        serverProtect: { communication: 'namedPipes', localInstall: false, remoteInstall: false, managementPort: 5007 },
      },
    ],
    [
      'Control Manager TMI, peers, restricted egress',
      { ...SERVERPROTECT, peers: PEERS, serverProtect: { controlManagerAgent: 'tmi' }, egress: 'restricted' },
    ],
    [
      'Control Manager MCP, restricted egress',
      { ...SERVERPROTECT, peers: [CM], serverProtect: { controlManagerAgent: 'mcp' }, egress: 'restricted' },
    ],
    [
      'SUM wide, NetBIOS, restricted',
      {
        ...SMART_UPDATE_MANAGER,
        sum: { concurrentTargets: 32, netbiosNameService: true, soapPortCount: 4, webServerPort: 63001 },
        egress: 'restricted',
      },
    ],
    [
      'SUM 7.x+, every later target kind, administrators, restricted',
      { ...SMART_UPDATE_MANAGER_7, egress: 'restricted' },
    ],
  ])('%s', (_name, declaration) => {
    const { plan, template } = synth(declaration);
    expect(templateRules(template, plan)).toEqual(expectedRules(plan));
    expect(plan.resolution.flows.length).toBeGreaterThan(0);
  });

  test.each(ROW_IDS)(
    'row %s: its declaration (restricted egress, so egress-only rows show) synthesizes to exactly its flows, the row cited in a rule',
    (id) => {
      const { plan, template } = synth({ ...ROW_CASES[id].declaration, egress: 'restricted' });
      const rules = templateRules(template, plan);
      expect(rules).toEqual(expectedRules(plan));
      // Some rule's description cites the row (SUM7 must not match SUM7-1).
      expect(JSON.stringify(template.toJSON())).toMatch(new RegExp(`"Description":"[^"]*\\b${id}(?![-\\d])[^"]*"`));
    },
  );

  test('random valid declarations (fast-check)', () => {
    fc.assert(
      fc.property(validDeclaration, (declaration) => {
        const { plan, template } = synth(declaration, { maxRulesPerGroup: 1000, maxSecurityGroupsPerInterface: 1 });
        expect(templateRules(template, plan)).toEqual(expectedRules(plan));
        // Nothing open to the world: no inbound rule from 0.0.0.0/0 or ::/0.
        expect(templateRules(template, plan).filter((r) => /^in \S+ (0\.0\.0\.0\/0|::\/0) /.test(r))).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});

describe('security groups', () => {
  test('one group per role group, tagged portplan:role, ASCII description from role and name only', () => {
    const { plan, template } = synth(BOTH);
    template.resourceCountIs('AWS::EC2::SecurityGroup', BOTH.groups.length);
    for (const g of BOTH.groups) {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: groupDescription(g.name, g.role),
        Tags: Match.arrayWith([{ Key: 'portplan:role', Value: g.role }]),
      });
      expect(groupDescription(g.name, g.role)).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(plan.groups.map((g) => g.role)).toEqual(BOTH.groups.map((g) => g.role));
  });

  test('rule descriptions carry the row ids and use only characters AWS accepts', () => {
    const { template } = synth({ ...BOTH, egress: 'restricted' });
    const descriptions = [
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')),
      ...Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')),
    ].map((r) => r.Properties.Description as string);
    expect(descriptions.length).toBeGreaterThan(0);
    for (const d of descriptions) expect(d).toMatch(/^(SP|SUM)\d+[ ,A-Z0-9]*: [a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]+$/);
  });

  test('groups are IConnectable: users add their own connections', () => {
    const { stack, vpc } = testStack();
    const sp = new ServerProtect(stack, 'SP', { vpc });
    const bastion = new ec2.SecurityGroup(stack, 'Bastion', { vpc });
    sp.informationServer.connections.allowFrom(bastion, ec2.Port.tcp(3389), 'RDP from bastion');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 3389,
      Description: 'RDP from bastion',
    });
    expect([sp.console.role, sp.informationServer.role, sp.normalServers.role]).toEqual([
      'serverprotect:console',
      'serverprotect:information-server',
      'serverprotect:normal-server',
    ]);
  });

  test('restricted egress turns off all-outbound on every group', () => {
    const { template } = synth({ ...SMART_UPDATE_MANAGER, egress: 'restricted' });
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup'));
    for (const g of groups)
      expect(g.Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ Description: 'Disallow all traffic' }),
      ]);
  });

  test('peer address ranges are inline rules on groups portplan created', () => {
    const { template } = synth({ ...SERVERPROTECT, peers: [CM], serverProtect: { controlManagerAgent: 'tmi' } });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: CM.cidr, FromPort: 10319, Description: Match.stringLikeRegexp('^SP10') }),
      ],
    });
  });
});

describe('composition', () => {
  test('existing security group: mutable gets the rules as separate resources, no new group', () => {
    const { stack, vpc } = testStack();
    const existing = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Existing', 'sg-0123456789abcdef0');
    const plan = new PortPlan(stack, 'Plan', {
      vpc,
      declaration: SERVERPROTECT,
      existingSecurityGroups: { 'information-server': { securityGroup: existing } },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 2);
    expect(templateRules(template, plan)).toEqual(expectedRules(plan));
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0',
      FromPort: 5005,
    });
  });

  test('existing immutable group: its rules are skipped, listed and warned about', () => {
    const { stack, vpc } = testStack();
    const existing = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Existing', 'sg-0123456789abcdef0', {
      mutable: false,
    });
    const plan = new PortPlan(stack, 'Plan', {
      vpc,
      declaration: SERVERPROTECT,
      existingSecurityGroups: { 'information-server': { securityGroup: existing, mutable: false } },
    });
    const template = Template.fromStack(stack);
    expect(plan.skippedFlows.length).toBe(
      plan.resolution.flows.filter((f) => f.to.name === 'information-server').length,
    );
    expect(templateRules(template, plan)).toEqual(expectedRules(plan));
    template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0' }, 0);
    Annotations.fromStack(stack).hasWarning('/Test/Plan', Match.stringLikeRegexp('immutable existing groups'));
  });

  test('one host with roles of both products carries both groups', () => {
    const { stack, vpc } = testStack();
    const plan = new PortPlan(stack, 'Plan', { vpc, declaration: BOTH });
    const host = new ec2.CfnNetworkInterface(stack, 'Host', {
      subnetId: 'subnet-1',
      groupSet: [plan.group('normal-servers'), plan.group('windows-targets')].map(
        (g) => g.securityGroup.securityGroupId,
      ),
    });
    expect(stack.resolve(host.groupSet)).toHaveLength(2);
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('role groups in several stacks: rules live in the plan stack, dependencies go one way', () => {
    const app = testApp();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    const vpcA = new ec2.Vpc(a, 'Vpc', {
      natGateways: 0,
      subnetConfiguration: [{ name: 'x', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const info = new ec2.SecurityGroup(a, 'Info', { vpc: vpcA });
    const normal = new ec2.SecurityGroup(b, 'Normal', { vpc: vpcA });
    const c = new Stack(app, 'C');
    const plan = new PortPlan(c, 'Plan', {
      vpc: vpcA,
      declaration: SERVERPROTECT,
      existingSecurityGroups: {
        'information-server': { securityGroup: info },
        'normal-servers': { securityGroup: normal },
      },
    });
    expect(() => app.synth()).not.toThrow();
    expect(c.dependencies.map((s) => s.stackName).sort()).toEqual(['A', 'B']);
    expect(a.dependencies).toEqual([]);
    expect(b.dependencies.map((s) => s.stackName)).toEqual(['A']);
    expect(
      plan.resolution.flows.some((f) => f.from.name === 'information-server' && f.to.name === 'normal-servers'),
    ).toBe(true);
  });
});

describe('warnings go to CDK Annotations', () => {
  test('broadcast and NetBIOS warnings carry ids and rows', () => {
    const { stack } = synth(SERVERPROTECT);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    const text = warnings.map((w) => String(w.entry.data));
    expect(text.some((t) => /SP2, SP3: .*by name or address.*\[ack: portplan:broadcast-discovery\]/.test(t))).toBe(
      true,
    );
    expect(text.some((t) => /SP8, SP9: .*DNS.*\[ack: portplan:netbios-broadcast\]/.test(t))).toBe(true);
  });
});

describe('guard rails', () => {
  test('bad declaration: DeclarationError at construction, nothing added to the stack', () => {
    const { stack, vpc } = testStack();
    const before = stack.node.findAll().length;
    expect(
      () =>
        new PortPlan(stack, 'Plan', {
          vpc,
          declaration: { groups: [{ name: 'x', role: 'sum:mainframe' as 'sum:workstation' }] },
        }),
    ).toThrow(DeclarationError);
    expect(
      () =>
        new SmartUpdateManager(stack, 'Sum', { vpc, windowsTargetGroups: ['w'], options: { workstationOs: 'linux' } }),
    ).toThrow(/groups\[1\]\.role: a Linux SUM workstation/);
    expect(stack.node.findAll().length).toBe(before); // the failed constructs are gone too
    // The id is free again: a good plan can take it.
    expect(new PortPlan(stack, 'Plan', { vpc, declaration: SERVERPROTECT }).groups).toHaveLength(3);
  });

  test('existing group for an undeclared name is an error naming the groups', () => {
    const { stack, vpc } = testStack();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'E', 'sg-1');
    const make = () =>
      new PortPlan(stack, 'Plan', {
        vpc,
        declaration: SERVERPROTECT,
        existingSecurityGroups: { info: { securityGroup: sg } },
      });
    expect(make).toThrow(
      /existingSecurityGroups.info: no group of that name in the declaration; groups are console, information-server, normal-servers/,
    );
    expect(make).toThrow(
      expect.objectContaining({ code: 'ARGUMENT', path: 'existingSecurityGroups.info', value: 'info' }),
    );
    expect(stack.node.tryFindChild('Plan')).toBeUndefined();
  });

  test('more rules on one group than the limit: error names group and numbers', () => {
    // Nine administrator subnets reach the workstation's web UI: each is its own address range, so each
    // needs its own rule.
    const peers = Array.from({ length: 9 }, (_, i) => ({
      name: `admins-${i}`,
      kind: 'administrators' as const,
      cidr: `10.1.${i}.0/24`,
    }));
    const declaration: Declaration = {
      groups: [
        { name: 'workstation', role: 'sum:workstation' },
        { name: 'ilos', role: 'sum:target:ilo' },
      ],
      peers,
      sum: { profile: '7.x+' },
    };
    const count = (() => {
      const { plan } = synth(declaration, { maxRulesPerGroup: 1000, maxSecurityGroupsPerInterface: 1 });
      return plan.rulePlan.rules.filter((r) => r.group === 'workstation' && r.direction === 'inbound').length;
    })();
    expect(count).toBeGreaterThan(9);
    const over = (() => {
      try {
        synth(declaration, { maxRulesPerGroup: count - 1 });
      } catch (e) {
        return e;
      }
    })();
    expect(over).toBeInstanceOf(LimitError);
    expect(over).toMatchObject({
      code: 'AWS_LIMIT',
      path: 'groups.workstation',
      value: count,
      message:
        `security group workstation would have ${count} inbound IPv4 rules, more than the limit of ${count - 1} per group ` +
        '(AWS quota: inbound or outbound rules per security group); each peer address range and each group or ' +
        'role reaching it needs its own rules, and a rule naming a prefix list counts as its maximum entries: ' +
        "give fewer, wider peers, or raise maxRulesPerGroup where the account's quota is raised",
    });
    expect(() => synth(declaration, { maxRulesPerGroup: count })).not.toThrow();
    // Checked before the first construct: nothing is left in the tree.
    const t = testStack();
    const make = () => new PortPlan(t.stack, 'Plan', { vpc: t.vpc, declaration, maxRulesPerGroup: count - 1 });
    expect(make).toThrow(LimitError);
    expect(t.stack.node.tryFindChild('Plan')).toBeUndefined();
    expect(t.stack.node.findAll().filter((c) => c.node.path.includes('Plan'))).toEqual([]);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => synth(declaration, { maxRulesPerGroup: bad })).toThrow(
        expect.objectContaining({ code: 'ARGUMENT', path: 'maxRulesPerGroup', value: bad }),
      );
    }
  });

  test('more than 5 security groups on one network interface fails synth naming the count', () => {
    const { app, stack, vpc } = testStack();
    const plan = new PortPlan(stack, 'Plan', { vpc, declaration: BOTH });
    new ec2.CfnNetworkInterface(stack, 'Host', {
      subnetId: 'subnet-1',
      groupSet: plan.groups.map((g) => g.securityGroup.securityGroupId),
    });
    expect(() => app.synth()).toThrow(/Test\/Host has 6 security groups on one network interface, more than 5 /);
  });

  test('more than 500 resources in one stack fails synth naming the count', () => {
    const { app, stack, vpc } = testStack();
    const groups = Array.from({ length: 40 }, (_, i) => ({
      name: `normal-${i}`,
      role: 'serverprotect:normal-server' as const,
    }));
    // SP9 between every pair of 40 normal server groups is written once, on the role's group:
    // 40 groups, the role-wide group and its 3 rules, far inside the quota.
    new PortPlan(stack, 'Plan', { vpc, declaration: { groups } });
    expect(() => app.synth()).not.toThrow();
    // 510 groups are 510 security groups: over CloudFormation's 500 resources in one stack.
    const many = testStack();
    const targets = Array.from({ length: 510 }, (_, i) => ({ name: `t-${i}`, role: 'sum:target:linux' as const }));
    const declaration: Declaration = { groups: [{ name: 'workstation', role: 'sum:workstation' }, ...targets] };
    new PortPlan(many.stack, 'Plan', { vpc: many.vpc, declaration });
    expect(() => many.app.synth()).toThrow(/stack Test has 51\d resources, more than CloudFormation's 500/);
  });
});

describe('determinism and stability', () => {
  const logicalIds = (declaration: Declaration) => {
    const { template } = synth(declaration);
    return Object.fromEntries(
      Object.entries(template.findResources('AWS::EC2::SecurityGroup')).map(([id, r]) => [
        id,
        r.Properties.GroupDescription,
      ]),
    );
  };

  test('two synths of the example app are byte-identical', () => {
    const run = () => {
      const app = new App({ builtinCloudFormationValidation: false } as ConstructorParameters<typeof App>[0]);
      const { stack, vpc } = testStack(app);
      new PortPlan(stack, 'Plan', { vpc, declaration: { ...BOTH, egress: 'restricted' } });
      return JSON.stringify(Template.fromStack(stack).toJSON());
    };
    expect(run()).toBe(run());
  });

  test.each<[string, Declaration]>([
    ['add a role group', { ...BOTH, groups: [...BOTH.groups, { name: 'integrity', role: 'sum:target:integrity' }] }],
    ['named pipes', { ...BOTH, serverProtect: { communication: 'namedPipes' } }],
    ['installs done', { ...BOTH, serverProtect: { localInstall: false, remoteInstall: false } }],
    ['pinned ports', { ...BOTH, serverProtect: { consoleEventPort: 1000 }, sum: { webServerPort: 80 } }],
    [
      'wider SUM ranges and NetBIOS',
      { ...BOTH, sum: { concurrentTargets: 64, soapPortCount: 3, netbiosNameService: true } },
    ],
    ['Control Manager', { ...BOTH, peers: [CM], serverProtect: { controlManagerAgent: 'mcp' } }],
    ['SUM profile 7.x+', { ...BOTH, sum: { profile: '7.x+' } }],
  ])('%s keeps the logical ids and descriptions of existing groups', (_name, changed) => {
    const before = logicalIds(BOTH);
    const after = logicalIds(changed);
    for (const [id, description] of Object.entries(before)) expect(after[id]).toBe(description);
  });
});
