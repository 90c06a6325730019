import {
  DescribeLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { ExistingNetwork } from '../../examples/cdk/stacks';
import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import type { Endpoint } from '../../lib/model';
import {
  allowedIn,
  compileAwsNetwork,
  type AwsNetworkModel,
  type ConnectionEnd,
  type SecurityGroupModel,
} from '../../lib/aws/evaluator';
import { readSecurityGroups } from '../../lib/verify/ec2';
import {
  createExistingNetwork,
  deployAll,
  deployedIngress,
  ec2Client,
  expectedIngress,
  localPlans,
  startMoto,
  type Moto,
} from './moto';
import { describeVerifyAws } from './verify';
import { portProtocol } from '../support/protocol';

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

/**
 * The groups as `portplan verify aws` reads them (lib/verify/ec2.ts: DescribeSecurityGroups, then
 * DescribeSecurityGroupRules), from moto: the SDK takes its endpoint and credentials from the
 * environment, set for the call alone.
 */
async function readFromMoto(groupIds: readonly string[]): Promise<SecurityGroupModel[]> {
  const saved = { ...process.env };
  Object.assign(process.env, moto.env);
  try {
    return (await readSecurityGroups({ groupIds })).groups;
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

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

const endOf = (e: Endpoint): ConnectionEnd =>
  e.kind === 'group' ? { host: e.name } : { address: e.cidr!.split('/')[0] };

const EVALUATED = '%s: EC2 groups found by portplan:group, evaluated, admit each planned flow, no Internet source';
test.each(EXAMPLE_STACKS)(EVALUATED, async (stack) => {
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
    groups: await readFromMoto(described.map((g) => g.GroupId!)),
    hosts: plan.groups.map((g, i) => ({
      name: g.name,
      securityGroupIds: [idOf.get(g.name)!],
      addresses: [`10.60.${i}.10`, `fd00:60::${i}:10`],
    })),
  };
  const compiled = compileAwsNetwork(model);
  const allowed = (from: ConnectionEnd, to: ConnectionEnd, protocol: 'tcp' | 'udp', port: number) =>
    allowedIn(compiled, from, to, protocol, port);
  // Inbound only: moto does not model egress (restricted egress is checked on the template).
  let checked = 0;
  for (const f of plan.resolution.flows.filter((x) => x.to.kind === 'group')) {
    for (const port of [f.fromPort, f.toPort]) {
      const flow = `${f.from.name}>${f.to.name} ${f.protocol} ${port}`;
      const { ingress } = allowed(endOf(f.from), endOf(f.to), portProtocol(f.protocol), port);
      expect({ flow, ingress }).toEqual({ flow, ingress: true });
      for (const address of ['203.0.113.7', '2001:db8:ffff::7']) {
        expect(allowed({ address }, endOf(f.to), portProtocol(f.protocol), port).ingress).toBe(false);
      }
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(5);
});

// The host of ShopBesideServerProtectExample, as EC2 holds it: its launch template's groups, found
// by their portplan:group tags, and what the evaluator says they admit to a host launched from it.
const SHOP_HOST =
  'ShopBesideServerProtectExample: the launch template carries the groups of both roles; a host from it gets the inbound flows of both, no other';
test(SHOP_HOST, async () => {
  const stack = 'ShopBesideServerProtectExample';
  const plan = localPlans(network)[stack];
  const { LaunchTemplates: templates = [] } = await ec2.send(new DescribeLaunchTemplatesCommand({}));
  // aws-cdk-lib names the launch template by its path in the Name tag.
  const mine = templates.filter((t) =>
    t.Tags?.some((x) => x.Key === 'Name' && x.Value === `${stack}/NormalServerAndShopApp`),
  );
  expect(mine).toHaveLength(1);
  const { LaunchTemplateVersions: versions = [] } = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: mine[0].LaunchTemplateId, Versions: ['$Latest'] }),
  );
  const hostGroups = versions[0]?.LaunchTemplateData?.SecurityGroupIds ?? [];
  const { SecurityGroups: described = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
  const nameOf = new Map<string, string>();
  for (const g of described) {
    const tag = (key: string) => g.Tags?.find((t) => t.Key === key)?.Value;
    const name = tag('portplan:group');
    if (tag('aws:cloudformation:stack-name') === stack && name) nameOf.set(g.GroupId!, name);
  }
  expect(hostGroups.map((id) => nameOf.get(id))).toEqual(['normal-servers', 'shop-app']);
  const idOf = new Map([...nameOf].map(([id, name]) => [name, id]));
  const model: AwsNetworkModel = {
    groups: await readFromMoto(described.map((g) => g.GroupId!)),
    hosts: [
      ...plan.groups.map((g, i) => ({
        name: g.name,
        securityGroupIds: [idOf.get(g.name)!],
        addresses: [`10.60.${i}.10`],
      })),
      { name: 'host', securityGroupIds: hostGroups, addresses: ['10.61.0.10'] },
    ],
  };
  const compiled = compileAwsNetwork(model);
  const roles = ['normal-servers', 'shop-app'];
  const flows = plan.resolution.flows;
  let admitted = 0;
  for (const protocol of ['tcp', 'udp'] as const) {
    const edges = flows
      .filter((f) => f.protocol === protocol)
      .flatMap((f) => [f.fromPort - 1, f.fromPort, f.toPort, f.toPort + 1]);
    for (const port of [...new Set([22, 3389, ...edges])].filter((p) => p >= 1 && p <= 65535)) {
      for (const from of plan.groups) {
        const planned = flows.some(
          (f) =>
            f.from.name === from.name &&
            f.to.kind === 'group' &&
            roles.includes(f.to.name) &&
            f.protocol === protocol &&
            f.fromPort <= port &&
            port <= f.toPort,
        );
        const { ingress } = allowedIn(compiled, { host: from.name }, { host: 'host' }, protocol, port);
        expect({ from: from.name, protocol, port, ingress }).toEqual({
          from: from.name,
          protocol,
          port,
          ingress: planned,
        });
        if (planned) admitted++;
      }
      expect(allowedIn(compiled, { address: '203.0.113.7' }, { host: 'host' }, protocol, port).ingress).toBe(false);
    }
  }
  expect(admitted).toBeGreaterThan(10);
});

test('a second deploy changes nothing', async () => {
  deployAll(moto, network);
  for (const stack of EXAMPLE_STACKS) expect(await deployedIngress(ec2, stack, network)).toEqual(before[stack]);
}, 360000);

// `portplan verify aws`, the real bin against the groups deployed above (test/deploy/verify.ts).
describeVerifyAws(() => ({ moto, ec2, network }));
