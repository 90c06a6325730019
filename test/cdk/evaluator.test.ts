import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import fc from 'fast-check';
import { EXAMPLE_STACKS, buildApp, examplePlans } from '../../examples/cdk/stacks';
import { PortPlan, type ExistingSecurityGroup } from '../../lib/cdk';
import { resolve, type Declaration, type Endpoint, type ResolvedFlow } from '../../lib/model';
import {
  ModelError,
  allowed,
  allowedIn,
  compileAwsNetwork,
  type AwsNetworkModel,
  type ConnectionEnd,
  type SecurityGroupModel,
  type SecurityGroupRuleModel,
} from '../../lib/aws/evaluator';
import { createdGroupId, parseHosts, parseSecurityGroups } from '../support/aws-template';
import { testApp, testStack } from '../support/cdk';
import { validDeclaration } from '../support/declarations';
import { portProtocol } from '../support/protocol';

// The cloud as oracle: synthesize, read the template back into a model of EC2 security groups,
// and ask the evaluator (written from the AWS documentation) what the deployed groups allow.

const ALL_V4: SecurityGroupRuleModel = { ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' };
const ALL_V6: SecurityGroupRuleModel = { ipProtocol: '-1', cidrIpv6: '::/0' };

describe('the evaluator applies the documented rules', () => {
  const g = (groupId: string, ingress: SecurityGroupRuleModel[], egress = [ALL_V4, ALL_V6]): SecurityGroupModel => ({
    groupId,
    ingress,
    egress,
  });
  const model: AwsNetworkModel = {
    groups: [
      g('sg-web', [
        { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.0.0/16' },
        { ipProtocol: '6', fromPort: 8000, toPort: 8009, referencedGroupId: 'sg-app' },
      ]),
      g('sg-extra', [{ ipProtocol: 'udp', fromPort: 161, toPort: 161, cidrIpv6: 'fd00::/64' }]),
      g('sg-app', [], [{ ipProtocol: 'tcp', fromPort: 8000, toPort: 8000, referencedGroupId: 'sg-web' }]),
      g('sg-all', [{ ipProtocol: '-1', cidrIpv4: '10.1.0.0/16' }], []),
      g(
        'sg-icmp',
        [{ ipProtocol: 'icmp', fromPort: 252, toPort: 86, cidrIpv4: '0.0.0.0/0' }],
        [{ ipProtocol: 'icmp', fromPort: 252, toPort: 86, cidrIpv4: '255.255.255.255/32' }],
      ),
    ],
    hosts: [
      { name: 'web', securityGroupIds: ['sg-web', 'sg-extra'], addresses: ['10.0.1.10', 'fd00::10'] },
      { name: 'app', securityGroupIds: ['sg-app'], addresses: ['10.0.2.10'] },
      { name: 'db', securityGroupIds: ['sg-all'], addresses: ['10.1.0.5'] },
      { name: 'closed', securityGroupIds: ['sg-icmp'], addresses: ['10.0.3.10'] },
    ],
  };
  const net = compileAwsNetwork(model);
  const ask = (from: ConnectionEnd, to: ConnectionEnd, p: 'tcp' | 'udp', port: number) =>
    allowedIn(net, from, to, p, port);

  test('a CIDR rule admits addresses of its family inside it, on its ports only', () => {
    expect(ask({ address: '10.0.200.1' }, { host: 'web' }, 'tcp', 443)).toEqual({ allowed: true, ingress: true });
    expect(ask({ address: '10.0.200.1' }, { host: 'web' }, 'tcp', 444).allowed).toBe(false);
    expect(ask({ address: '10.2.0.1' }, { host: 'web' }, 'tcp', 443).allowed).toBe(false);
    expect(ask({ address: '10.0.200.1' }, { host: 'web' }, 'udp', 443).allowed).toBe(false);
  });

  test('the groups of an interface are a union; IPv6 ranges contain IPv6 addresses only', () => {
    expect(ask({ address: 'fd00::99' }, { host: 'web' }, 'udp', 161).allowed).toBe(true);
    expect(ask({ address: 'fd00:0:0:1::99' }, { host: 'web' }, 'udp', 161).allowed).toBe(false);
    expect(ask({ address: '10.0.200.1' }, { host: 'web' }, 'udp', 161).allowed).toBe(false);
  });

  test('a group reference matches by membership; listener ingress and initiator egress are both needed', () => {
    expect(ask({ host: 'app' }, { host: 'web' }, 'tcp', 8000)).toEqual({ allowed: true, egress: true, ingress: true });
    // web admits 8001 from app, but app's egress only lets 8000 out.
    expect(ask({ host: 'app' }, { host: 'web' }, 'tcp', 8001)).toEqual({
      allowed: false,
      egress: false,
      ingress: true,
    });
    // db is not a member of sg-app: web's group rule does not admit it.
    expect(ask({ host: 'db' }, { host: 'web' }, 'tcp', 8000).ingress).toBe(false);
  });

  test("-1 is every protocol and port; ICMP rules (such as CDK's placeholder) admit no TCP or UDP", () => {
    expect(ask({ address: '10.1.2.3' }, { host: 'db' }, 'udp', 5).allowed).toBe(true);
    expect(ask({ host: 'db' }, { address: '10.1.2.3' }, 'tcp', 80)).toEqual({ allowed: false, egress: false });
    expect(ask({ address: '10.0.0.1' }, { host: 'closed' }, 'tcp', 252).allowed).toBe(false);
    expect(ask({ host: 'closed' }, { address: '255.255.255.255' }, 'udp', 86).allowed).toBe(false);
  });

  test('stateful: no return rule is asked for; an outside address filters nothing', () => {
    // web has no egress to app's port 8000 range beyond its allow-all, and app no ingress at all:
    // app may still open 8000 to web, and the reply needs no rule.
    expect(ask({ host: 'app' }, { host: 'web' }, 'tcp', 8000).allowed).toBe(true);
    expect(ask({ host: 'web' }, { address: '203.0.113.7' }, 'tcp', 443)).toEqual({ allowed: true, egress: true });
  });

  test('an unknown host, group or unreadable address is a ModelError naming it', () => {
    expect(() => ask({ host: 'nope' }, { host: 'web' }, 'tcp', 1)).toThrow(ModelError);
    expect(() => ask({ address: '10.0.0.300' }, { host: 'web' }, 'tcp', 1)).toThrow(/from.address/);
    const broken: AwsNetworkModel = {
      groups: [],
      hosts: [{ name: 'h', securityGroupIds: ['sg-x'], addresses: ['10.0.0.1'] }],
    };
    expect(() => allowed(broken, { host: 'h' }, { address: '10.0.0.2' }, 'tcp', 1)).toThrow(/no security group sg-x/);
  });
});

describe('EC2 answers, read by the one EC2 reader, compiled and evaluated', () => {
  // The rules as DescribeSecurityGroupRules lists them (one remote each: a CIDR, a group, a prefix
  // list), read by readSecurityGroups (lib/verify/ec2.ts) from a stand-in for the SDK's client.
  const rule = (groupId: string, egress: boolean, fields: Record<string, unknown>, n: number) => ({
    SecurityGroupRuleId: `sgr-${groupId}-${n}`,
    GroupId: groupId,
    IsEgress: egress,
    ...fields,
  });
  const A = 'sg-0000000000000000a';
  const B = 'sg-0000000000000000b';
  const answers = {
    DescribeSecurityGroupsCommand: {
      SecurityGroups: [
        { GroupId: A, GroupName: 'a' },
        { GroupId: B, GroupName: 'b' },
      ],
    },
    DescribeSecurityGroupRulesCommand: {
      SecurityGroupRules: [
        rule(A, false, { IpProtocol: 'tcp', FromPort: 5005, ToPort: 5005, CidrIpv4: '10.0.0.0/24' }, 1),
        rule(A, false, { IpProtocol: 'tcp', FromPort: 5005, ToPort: 5005, CidrIpv6: 'fd00::/64' }, 2),
        rule(A, false, { IpProtocol: 'tcp', FromPort: 5005, ToPort: 5005, ReferencedGroupInfo: { GroupId: B } }, 3),
        rule(A, false, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListId: 'pl-1' }, 4),
        rule(A, true, { IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }, 5),
        rule(B, true, { IpProtocol: '6', FromPort: 5005, ToPort: 5005, ReferencedGroupInfo: { GroupId: A } }, 6),
      ],
    },
    GetManagedPrefixListEntriesCommand: { Entries: [{ Cidr: '192.0.2.0/24' }] },
  };
  const sdk = {
    EC2Client: class {
      send(command: { kind: keyof typeof answers }) {
        return Promise.resolve(answers[command.kind]);
      }
      destroy() {}
    },
    ...Object.fromEntries(
      Object.keys(answers).map((kind) => [
        kind,
        class {
          readonly kind = kind;
        },
      ]),
    ),
  };
  beforeAll(() => jest.doMock('@aws-sdk/client-ec2', () => sdk, { virtual: false }));
  afterAll(() => jest.dontMock('@aws-sdk/client-ec2'));

  test('each rule with its one remote; the verdicts follow; a prefix list admits its entries', async () => {
    const { readSecurityGroups } = await import('../../lib/verify/ec2');
    const reading = await readSecurityGroups({ groupIds: [A, B] });
    expect(reading.groups.map((g) => [g.groupId, g.ingress.length, g.egress.length])).toEqual([
      [A, 4, 1],
      [B, 0, 1],
    ]);
    const model: AwsNetworkModel = {
      groups: reading.groups,
      prefixLists: reading.prefixLists,
      hosts: [
        { name: 'info', securityGroupIds: [A], addresses: ['10.0.5.5', 'fd00::5'] },
        { name: 'console', securityGroupIds: [B], addresses: ['10.0.6.6'] },
      ],
    };
    const net = compileAwsNetwork(model);
    expect(allowedIn(net, { host: 'console' }, { host: 'info' }, 'tcp', 5005)).toEqual({
      allowed: true,
      egress: true,
      ingress: true,
    });
    expect(allowedIn(net, { host: 'console' }, { host: 'info' }, 'tcp', 5006).allowed).toBe(false);
    expect(allowedIn(net, { address: 'fd00::1' }, { host: 'info' }, 'tcp', 5005).allowed).toBe(true);
    expect(allowedIn(net, { address: '10.0.1.1' }, { host: 'info' }, 'tcp', 5005).allowed).toBe(false);
    expect(allowedIn(net, { address: '192.0.2.9' }, { host: 'info' }, 'tcp', 22).allowed).toBe(true);
    expect(allowedIn(net, { address: '192.0.3.9' }, { host: 'info' }, 'tcp', 22).allowed).toBe(false);
    expect(allowedIn(net, { host: 'info' }, { host: 'console' }, 'tcp', 5005)).toEqual({
      allowed: false,
      egress: true,
      ingress: false,
    });
    // Compiled once or per question, the same answers.
    expect(allowed(model, { host: 'console' }, { host: 'info' }, 'tcp', 5005)).toEqual(
      allowedIn(net, { host: 'console' }, { host: 'info' }, 'tcp', 5005),
    );
  });

  test('a prefix list whose entries were not read admits nothing; a rule EC2 would not give is a ModelError', () => {
    const groups = [
      { groupId: A, ingress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, prefixListId: 'pl-2' }], egress: [] },
    ];
    const hosts = [{ name: 'h', securityGroupIds: [A], addresses: ['10.0.0.1'] }];
    const net = compileAwsNetwork({ groups, hosts });
    expect(allowedIn(net, { address: '192.0.2.9' }, { host: 'h' }, 'tcp', 22).ingress).toBe(false);
    const broken = [{ groupId: A, ingress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }], egress: [] }];
    expect(() => compileAwsNetwork({ groups: broken, hosts })).toThrow(ModelError);
    expect(() => compileAwsNetwork({ groups: broken, hosts })).toThrow(/sg-0000000000000000a\.ingress\[0\]/);
  });
});

describe('the template parser is strict', () => {
  const template = (egress: Record<string, unknown>) => ({
    stack: 'S',
    template: {
      Resources: {
        G: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', VpcId: 'vpc-1' } },
        E: {
          Type: 'AWS::EC2::SecurityGroupEgress',
          Properties: {
            GroupId: { 'Fn::GetAtt': ['G', 'GroupId'] },
            IpProtocol: 'tcp',
            FromPort: 80,
            ToPort: 80,
            ...egress,
          },
        },
      },
    },
  });

  test('DestinationCidrIp (not a property of AWS::EC2::SecurityGroupEgress) fails the read', () => {
    expect(() => parseSecurityGroups([template({ DestinationCidrIp: '10.0.0.0/24' })])).toThrow(
      /S\/E .*DestinationCidrIp/,
    );
  });

  test("a rule with no remote fails; CidrIp is read; a group without egress keeps EC2's allow-all", () => {
    expect(() => parseSecurityGroups([template({})])).toThrow(
      /exactly one of CidrIp, CidrIpv6, a group or a prefix list/,
    );
    const [g] = parseSecurityGroups([template({ CidrIp: '10.0.0.0/24' })]);
    expect(g.groupId).toBe('S/G');
    expect(g.egress).toEqual([
      { ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', description: 'EC2 default egress' },
      { ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv4: '10.0.0.0/24' },
    ]);
  });
});

type Choice = { kind: 'mutable' | 'cdk-immutable' | 'portplan-immutable'; allowAllOutbound: boolean } | undefined;

const scenario = validDeclaration.chain((declaration) => {
  const n = resolve(declaration).declaration.groups.length;
  const kind = fc.constantFrom('mutable' as const, 'cdk-immutable' as const, 'portplan-immutable' as const);
  const choice = fc.option(fc.record({ kind, allowAllOutbound: fc.boolean() }), { nil: undefined, freq: 3 });
  return fc.array(choice, { minLength: n, maxLength: n }).map((choices) => ({ declaration, choices }));
});

const INTERNET = ['203.0.113.7', '2001:db8:ffff::7'];
const BASTION = '10.99.0.5';

/** Synthesizes a plan with some groups existing, and models what EC2 would hold after deploy. */
function deployModel(declaration: Declaration, choices: readonly Choice[]) {
  const { app, stack, vpc } = testStack();
  const groups = resolve(declaration).declaration.groups;
  const existing: Record<string, ExistingSecurityGroup> = {};
  const existingModels: SecurityGroupModel[] = [];
  const restricted = resolve(declaration).declaration.egress === 'restricted';
  groups.forEach((g, i) => {
    const c = choices[i];
    if (!c) return;
    const id = `sg-${(0x1000000 + i).toString(16).padStart(17, '0')}`;
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, `Existing${i}`, id, {
      mutable: c.kind !== 'cdk-immutable',
      allowAllOutbound: c.allowAllOutbound,
    });
    existing[g.name] = { securityGroup: sg, ...(c.kind === 'portplan-immutable' ? { mutable: false } : {}) };
    // What the group's owner gave it: no inbound rule; outbound open under default egress (portplan
    // writes none there), and under restricted egress the allow-all rule its import declares.
    const egress = !restricted ? [ALL_V4, ALL_V6] : c.allowAllOutbound ? [ALL_V4] : [];
    existingModels.push({ groupId: id, ingress: [], egress });
  });
  const plan = new PortPlan(stack, 'Plan', {
    vpc,
    declaration,
    existingSecurityGroups: existing,
    maxRulesPerGroup: 1000,
    maxSecurityGroupsPerInterface: 1,
  });
  const template = app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
  const parsed = parseSecurityGroups([{ stack: stack.stackName, template }]);
  const merged = new Map<string, SecurityGroupModel>(existingModels.map((m) => [m.groupId, m]));
  for (const p of parsed) {
    const e = merged.get(p.groupId);
    merged.set(
      p.groupId,
      e ? { groupId: p.groupId, ingress: [...e.ingress, ...p.ingress], egress: [...e.egress, ...p.egress] } : p,
    );
  }
  const groupId = (sg: ec2.ISecurityGroup) => {
    if (!(sg instanceof ec2.SecurityGroup)) return sg.securityGroupId;
    return createdGroupId(stack.stackName, Stack.of(sg).getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup));
  };
  const model: AwsNetworkModel = {
    groups: [...merged.values()],
    hosts: groups.map((g, i) => ({
      name: g.name,
      // A host carries its group's security group and, where its role has two or more groups, the role's.
      securityGroupIds: plan.group(g.name).securityGroups.map(groupId),
      addresses: [`10.50.${i}.10`, `fd00:50::${i.toString(16)}:10`],
    })),
  };
  return { plan, model, restricted, created: new Set(groups.filter((g) => !existing[g.name]).map((g) => g.name)) };
}

const endOf = (e: Endpoint): ConnectionEnd =>
  e.kind === 'group' ? { host: e.name } : { address: e.cidr!.split('/')[0] };

/** The key parseSecurityGroups gives a plan group's security group: `stack/LogicalId`, or an imported group's id. */
function groupKey(plan: PortPlan, name: string): string {
  const sg = plan.group(name).securityGroup;
  if (!(sg instanceof ec2.SecurityGroup)) return sg.securityGroupId;
  const stack = Stack.of(sg);
  return createdGroupId(stack.stackName, stack.getLogicalId(sg.node.defaultChild as ec2.CfnSecurityGroup));
}

// The example stacks as deployed: the security groups of each template, one host per group, and the
// hosts the template itself creates (ComposedExample's network interface, the launch template of
// ShopBesideServerProtectExample) with all their groups. The evaluator must find exactly the planned
// flows open between any two hosts: a host with several roles gets the union of its roles' flows.
describe('the example stacks, read back with the hosts of their templates and evaluated', () => {
  const app = buildApp(testApp());
  const plans = examplePlans(app);
  const site = (stack: (typeof EXAMPLE_STACKS)[number]) => {
    const plan = plans[stack];
    const template = Template.fromStack(Stack.of(plan)).toJSON() as Record<string, unknown>;
    const groups = parseSecurityGroups([{ stack, template }]);
    const names = new Map(plan.groups.map((g) => [groupKey(plan, g.name), g.name]));
    const built = parseHosts({ stack, template });
    const hosts = [
      ...plan.groups.map((g, i) => ({
        name: g.name,
        securityGroupIds: [groupKey(plan, g.name)],
        addresses: [`10.50.${i}.10`, `fd00:50::${i}:10`],
      })),
      ...built.map((h, i) => ({ ...h, addresses: [`10.51.${i}.10`, `fd00:51::${i}:10`] })),
    ];
    const roles = new Map(hosts.map((h) => [h.name, h.securityGroupIds.map((id) => names.get(id) ?? `unknown:${id}`)]));
    return { plan, model: { groups, hosts } as AwsNetworkModel, built, roles };
  };

  test.each(EXAMPLE_STACKS)('%s: between any two hosts, exactly the planned ports are open', (stack) => {
    const { plan, model, roles } = site(stack);
    const net = compileAwsNetwork(model);
    const flows = plan.resolution.flows;
    const planned = (from: string, to: string, protocol: 'tcp' | 'udp', port: number) =>
      flows.some(
        (f) =>
          f.from.kind === 'group' &&
          f.to.kind === 'group' &&
          roles.get(from)!.includes(f.from.name) &&
          roles.get(to)!.includes(f.to.name) &&
          f.protocol === protocol &&
          f.fromPort <= port &&
          port <= f.toPort,
      );
    let open = 0;
    for (const protocol of ['tcp', 'udp'] as const) {
      const edges = flows
        .filter((f) => f.protocol === protocol)
        .flatMap((f) => [f.fromPort - 1, f.fromPort, f.toPort, f.toPort + 1]);
      const ports = [...new Set([22, 443, 3389, ...edges])].filter((p) => p >= 1 && p <= 65535);
      for (const to of model.hosts) {
        for (const port of ports) {
          for (const address of [...INTERNET, BASTION]) {
            expect({
              from: address,
              to: to.name,
              protocol,
              port,
              ...allowedIn(net, { address }, { host: to.name }, protocol, port),
            }).toMatchObject({ ingress: false });
          }
          for (const from of model.hosts.filter((h) => h !== to)) {
            const v = allowedIn(net, { host: from.name }, { host: to.name }, protocol, port);
            const asked = { from: from.name, to: to.name, protocol, port };
            if (planned(from.name, to.name, protocol, port)) {
              expect({ ...asked, ...v }).toMatchObject({ allowed: true });
              open++;
            } else expect({ ...asked, ...v }).toMatchObject({ ingress: false });
          }
        }
      }
    }
    expect(open).toBeGreaterThan(10);
    // Peers reach their groups' hosts on the planned ports.
    for (const f of flows.filter((x) => x.from.kind === 'peer' && x.to.kind === 'group')) {
      for (const port of [f.fromPort, f.toPort])
        expect(allowedIn(net, endOf(f.from), endOf(f.to), portProtocol(f.protocol), port).allowed).toBe(true);
    }
  });

  test('ShopBesideServerProtectExample: the launch template is a normal server and the shop application tier', () => {
    const { model, built, roles } = site('ShopBesideServerProtectExample');
    const net = compileAwsNetwork(model);
    expect(built.map((h) => [h.name, h.type, roles.get(h.name)])).toEqual([
      [
        'ShopBesideServerProtectExample/NormalServerAndShopApp49C97FFC',
        'AWS::EC2::LaunchTemplate',
        ['normal-servers', 'shop-app'],
      ],
    ]);
    const host = built[0].name;
    const ask = (from: string, to: string, port: number, protocol: 'tcp' | 'udp' = 'tcp') =>
      allowedIn(net, { host: from }, { host: to }, protocol, port).allowed;
    // Its shop role: the web tier reaches it (SHOP1, SHOP2), it reaches the database (SHOP3).
    expect([ask('shop-web', host, 8443), ask('shop-web', host, 9101), ask(host, 'shop-db', 5432)]).toEqual([
      true,
      true,
      true,
    ]);
    // Its ServerProtect role: the information server reaches it (SP7, SP8), it reaches the information server (SP6).
    expect([
      ask('information-server', host, 5168),
      ask('information-server', host, 137, 'udp'),
      ask(host, 'information-server', 3628),
    ]).toEqual([true, true, true]);
    // Neither product's ports open to the other product's groups.
    expect([
      ask('shop-web', host, 445),
      ask('information-server', host, 8443),
      ask('console', host, 9100),
      ask('shop-db', host, 5432),
    ]).toEqual([false, false, false, false]);
  });
});

describe('synthesized plans, read back and evaluated (fast-check)', () => {
  test('every planned flow is allowed end to end; nothing unplanned is; default egress stays open', () => {
    fc.assert(
      fc.property(scenario, ({ declaration, choices }) => {
        const { plan, model, restricted, created } = deployModel(declaration, choices);
        const net = compileAwsNetwork(model);
        const skipped = new Set<ResolvedFlow>(plan.skippedFlows);
        for (const f of plan.resolution.flows) {
          for (const port of [f.fromPort, f.toPort]) {
            const v = allowedIn(net, endOf(f.from), endOf(f.to), portProtocol(f.protocol), port);
            const flow = `${f.from.name}>${f.to.name} ${f.protocol} ${port}`;
            if (!skipped.has(f)) expect({ flow, ...v }).toMatchObject({ allowed: true });
          }
        }
        for (const listener of resolve(declaration).declaration.groups) {
          const into = plan.resolution.flows.filter((f) => f.to.kind === 'group' && f.to.name === listener.name);
          for (const protocol of ['tcp', 'udp'] as const) {
            const near = into
              .filter((f) => f.protocol === protocol)
              .flatMap((f) => [f.fromPort - 1, f.fromPort, f.toPort, f.toPort + 1]);
            const ports = [...new Set([22, 3389, ...near])].filter((p) => p >= 1 && p <= 65535);
            for (const port of ports) {
              // Outside sources (Internet, a bastion) are never admitted.
              for (const address of [...INTERNET, BASTION]) {
                const v = allowedIn(net, { address }, { host: listener.name }, protocol, port);
                expect({ from: address, to: listener.name, protocol, port, ...v }).toMatchObject({ ingress: false });
              }
              // Another group is admitted only on a port some flow from it opens.
              for (const initiator of resolve(declaration).declaration.groups) {
                const planned = into.some(
                  (f) =>
                    f.from.name === initiator.name && f.protocol === protocol && f.fromPort <= port && port <= f.toPort,
                );
                if (!planned) {
                  const v = allowedIn(net, { host: initiator.name }, { host: listener.name }, protocol, port);
                  const asked = { from: initiator.name, to: listener.name, protocol, port };
                  expect({ ...asked, ...v }).toMatchObject({ ingress: false });
                }
              }
            }
          }
        }
        for (const name of created) {
          const out = plan.resolution.flows.filter((f) => f.from.kind === 'group' && f.from.name === name);
          const ports = [...new Set([22, 443, ...out.flatMap((f) => [f.fromPort, f.toPort + 1])])].filter(
            (p) => p <= 65535,
          );
          for (const address of [...INTERNET, BASTION]) {
            for (const port of ports) {
              const v = allowedIn(net, { host: name }, { address }, 'tcp', port);
              // Restricted: an unplanned destination is refused outbound. Default: outbound is open, IPv4 and IPv6.
              expect({ from: name, to: address, port, ...v }).toMatchObject({ egress: !restricted });
            }
          }
          // Restricted: another group is reached only on a port some flow to it opens.
          if (!restricted) continue;
          for (const listener of resolve(declaration).declaration.groups) {
            for (const protocol of ['tcp', 'udp'] as const) {
              const near = out.filter((f) => f.protocol === protocol).flatMap((f) => [f.fromPort - 1, f.toPort + 1]);
              for (const port of [...new Set([22, ...near])].filter((p) => p >= 1 && p <= 65535)) {
                const planned = out.some(
                  (f) =>
                    f.to.kind === 'group' &&
                    f.to.name === listener.name &&
                    f.protocol === protocol &&
                    f.fromPort <= port &&
                    port <= f.toPort,
                );
                if (planned) continue;
                const v = allowedIn(net, { host: name }, { host: listener.name }, protocol, port);
                expect({ from: name, to: listener.name, protocol, port, ...v }).toMatchObject({ egress: false });
              }
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
