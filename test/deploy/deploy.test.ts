import {
  AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand, type EC2Client,
} from '@aws-sdk/client-ec2';
import type { ExistingNetwork } from '../../examples/cdk/stacks';
import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import type { Endpoint } from '../../lib/spec';
import { allowed, groupsFromEc2, type AwsNetworkModel, type ConnectionEnd } from '../../lib/verify/aws';
import { createExistingNetwork, deployAll, deployedIngress, ec2Client, expectedIngress, localPlans, startMoto, type Moto } from './moto';
import { declarationFile, groupId, stackVpc, verifyAws } from './verify';

// `npm run test:deploy`: the real CDK CLI deploys every example stack to moto_server; the EC2 API
// must then hold exactly the inbound rules resolve() promises, before and after a second deploy.
let moto: Moto;
let ec2: EC2Client;
let network: ExistingNetwork;
const before: Record<string, string[]> = {};

beforeAll(async () => {
  moto = await startMoto();
  ec2 = ec2Client(moto);
  network = await createExistingNetwork(ec2);
  deployAll(moto, network);
}, 360000);

afterAll(() => {
  ec2?.destroy();
  moto?.stop();
});

test.each(EXAMPLE_STACKS)('%s: ingress read back from EC2 equals the resolve() flows', async (stack) => {
  const plan = localPlans(network)[stack];
  const deployed = await deployedIngress(ec2, stack, network);
  expect(deployed).toEqual(expectedIngress(plan));
  expect(deployed.length).toBeGreaterThan(5);
  before[stack] = deployed;
});

const endOf = (e: Endpoint): ConnectionEnd => (e.kind === 'group' ? { host: e.name } : { address: e.cidr.split('/')[0] });

test.each(EXAMPLE_STACKS)('%s: the groups EC2 holds, found by their portplan:group tag and evaluated, admit every planned flow and no outside source', async (stack) => {
  const plan = localPlans(network)[stack];
  const { SecurityGroups: described = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
  const idOf = new Map<string, string>();
  for (const g of described) {
    const tag = (key: string) => g.Tags?.find((t) => t.Key === key)?.Value;
    const name = tag('portplan:group');
    if (tag('aws:cloudformation:stack-name') === stack && name) idOf.set(name, g.GroupId!);
  }
  // ComposedExample's information servers use the existing group, which portplan does not tag.
  if (stack === 'ComposedExample') idOf.set('information-server', network.securityGroupId);
  expect([...idOf.keys()].sort()).toEqual(plan.groups.map((g) => g.name).sort());
  const model: AwsNetworkModel = {
    groups: groupsFromEc2(described),
    hosts: plan.groups.map((g, i) => ({ name: g.name, securityGroupIds: [idOf.get(g.name)!], addresses: [`10.60.${i}.10`, `fd00:60::${i}:10`] })),
  };
  // Inbound only: moto does not model egress (restricted egress is checked on the template).
  let checked = 0;
  for (const f of plan.resolution.flows.filter((x) => x.to.kind === 'group')) {
    for (const port of [f.fromPort, f.toPort]) {
      expect({ flow: `${f.from.name}>${f.to.name} ${f.protocol} ${port}`, ingress: allowed(model, endOf(f.from), endOf(f.to), f.protocol, port).ingress }).toEqual({ flow: `${f.from.name}>${f.to.name} ${f.protocol} ${port}`, ingress: true });
      for (const address of ['203.0.113.7', '2001:db8:ffff::7']) expect(allowed(model, { address }, endOf(f.to), f.protocol, port).ingress).toBe(false);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(5);
});

test('a second deploy changes nothing', async () => {
  deployAll(moto, network);
  for (const stack of EXAMPLE_STACKS) expect(await deployedIngress(ec2, stack, network)).toEqual(before[stack]);
}, 360000);

// `portplan verify aws`, the real bin against the emulator's EC2 API. moto deploys no egress rule
// of a template (no AWS::EC2::SecurityGroupEgress, inline egress ignored: every group keeps EC2's
// allow-all IPv4 egress), so the stacks with default egress are checked whole, and ComposedExample
// (restricted egress) for its inbound side; test/verify checks restricted egress from templates.
describe('portplan verify aws', () => {
  const DEFAULT_EGRESS = ['ServerProtectExample', 'SmartUpdateManagerExample', 'SmartUpdateManager7Example'] as const;

  test.each(DEFAULT_EGRESS)('%s as deployed: every flow allowed, no extra rule, exit 0', async (stack) => {
    const plan = localPlans(network)[stack];
    const r = verifyAws(moto, '--file', declarationFile(stack, plan.resolution), '--vpc', await stackVpc(ec2, stack));
    // stderr may carry the SDK's own notices (Node.js version support), never an error of portplan.
    expect([r.code, r.err]).toEqual([0, expect.not.stringContaining('portplan:')]);
    expect(r.report!.drift).toBe(false);
    expect(r.report!.flows).toHaveLength(plan.resolution.flows.length);
    expect(r.report!.flows.every((f) => f.status === 'allowed')).toBe(true);
    expect(r.report!.extra).toEqual([]);
  });

  test('ComposedExample: the existing group by --group, every flow allowed inbound; findings only where moto dropped egress', () => {
    const plan = localPlans(network).ComposedExample;
    const r = verifyAws(moto, '--file', declarationFile('composed', plan.resolution), '--vpc', network.vpcId, '--group', `information-server=${network.securityGroupId}`);
    expect(r.code).toBe(1);
    expect(r.report!.groups.find((g) => g.name === 'information-server')!.id).toBe(network.securityGroupId);
    expect(r.report!.flows.flatMap((f) => f.blocked.flatMap((b) => b.by.map((x) => x.side))).filter((s) => s !== 'egress')).toEqual([]);
    expect(r.report!.extra.filter((e) => !(e.direction === 'outbound' && e.remote === '0.0.0.0/0' && e.protocol === '-1'))).toEqual([]);
  });

  test('out-of-band changes: a revoked rule, RDP from the world, a rule between two groups: exactly those three findings, exit 1', async () => {
    const stack = 'ServerProtectExample';
    const plan = localPlans(network)[stack];
    const [console_, info, normal] = await Promise.all(['console', 'information-server', 'normal-servers'].map((g) => groupId(ec2, stack, g)));
    const revoked = plan.resolution.flows.find((f) => f.from.name === 'console' && f.to.name === 'information-server' && f.protocol === 'tcp')!;
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: info, IpPermissions: [{ IpProtocol: 'tcp', FromPort: revoked.fromPort, ToPort: revoked.toPort, UserIdGroupPairs: [{ GroupId: console_ }] }] }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: normal, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'RDP from anywhere' }] }] }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: console_, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: normal }] }] }));

    const r = verifyAws(moto, '--file', declarationFile(stack, plan.resolution), '--vpc', await stackVpc(ec2, stack));
    expect(r.code).toBe(1);
    expect(r.report!.flows.filter((f) => f.status === 'blocked')).toEqual([{
      from: 'console', to: 'information-server', protocol: 'tcp', fromPort: revoked.fromPort, toPort: revoked.toPort, rows: revoked.rows,
      status: 'blocked', blocked: [{ fromPort: revoked.fromPort, toPort: revoked.toPort, by: [{ side: 'ingress' }] }],
    }]);
    expect(r.report!.extra.map(({ rule, ...e }) => [rule.startsWith('sgr-'), e])).toEqual([
      [true, { group: 'normal-servers', direction: 'inbound', remote: '0.0.0.0/0', protocol: 'tcp', ports: '3389', description: 'RDP from anywhere', worldOpen: true }],
      [true, { group: 'console', direction: 'inbound', remote: 'normal-servers', protocol: 'tcp', ports: '8080', worldOpen: false }],
    ]);
  });
});
