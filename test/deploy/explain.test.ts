// `portplan explain --site aws`, the real bin against moto_server's EC2 API: the example stack
// deployed with the real CDK CLI, one rule narrowed through the EC2 API as an out-of-band change
// would, and explain must name that rule and widen it to exactly the planned ports; made, the
// change leaves nothing to suggest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { ExistingNetwork } from '../../examples/cdk/stacks';
import type { AwsRuleChange } from '../../lib/verify/explain-aws';
import type { SiteAnswer } from '../../lib/verify/explain-site';
import { createExistingNetwork, ec2Client, localPlans, startMoto, type Moto } from './moto';
import { declarationFile, groupId, stackVpc } from './verify';

const ROOT = join(__dirname, '../..');
const STACK = 'ServerProtectExample';
let moto: Moto;
let ec2: EC2Client;
let network: ExistingNetwork;

/** Deploys one example stack with the real CDK CLI (the app needs the existing network's context). */
function deploy(): void {
  const out = mkdtempSync(join(tmpdir(), 'portplan-deploy-'));
  const context = [
    `vpcId=${network.vpcId}`,
    `subnetId=${network.subnetId}`,
    `securityGroupId=${network.securityGroupId}`,
  ];
  const args = ['cdk', 'deploy', STACK, '--method=direct', '--require-approval', 'never', '--output', out];
  const run = spawnSync('npx', [...args, '-c', 'portplan:local=true', ...context.flatMap((c) => ['-c', c])], {
    env: moto.env,
    encoding: 'utf8',
    timeout: 300000,
  });
  rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`cdk deploy failed (${run.status ?? run.signal}):\n${run.stderr.slice(-3000)}`);
}

beforeAll(async () => {
  moto = await startMoto();
  ec2 = ec2Client(moto);
  network = await createExistingNetwork(ec2);
  deploy();
}, 360000);

afterAll(() => {
  ec2?.destroy();
  moto?.stop();
});

function explainAws(...args: string[]): { code: number | null; answer?: SiteAnswer<AwsRuleChange>; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), 'explain', '--json', ...args], {
    env: moto.env,
    encoding: 'utf8',
    cwd: ROOT,
  });
  return {
    code: r.status,
    answer: r.stdout ? (JSON.parse(r.stdout) as SiteAnswer<AwsRuleChange>) : undefined,
    err: r.stderr,
  };
}

const changesOf = (a: SiteAnswer<AwsRuleChange>): AwsRuleChange[] =>
  a.directions.flatMap((d) => d.flows.flatMap((f) => f.gaps.flatMap((g) => g.changes)));

test('a rule narrowed on EC2: explain widens that rule, by its id, to exactly the planned ports', async () => {
  const plan = localPlans(network)[STACK];
  const file = declarationFile(STACK, plan.resolution);
  const vpc = await stackVpc(ec2, STACK);
  const info = await groupId(ec2, STACK, 'information-server');
  const console = await groupId(ec2, STACK, 'console');
  const ask = ['--file', file, '--from', 'console', '--to', 'information-server', '--site', 'aws', '--vpc', vpc];

  const planned = explainAws(...ask);
  expect([planned.code, planned.err]).toEqual([0, expect.not.stringContaining('portplan:')]);
  expect(changesOf(planned.answer!)).toEqual([]);
  expect(planned.answer!.directions[0].flows.map((f) => [f.protocol, f.fromPort, f.toPort, f.status])).toEqual([
    ['tcp', 3000, 3009, 'allowed'],
    ['tcp', 5005, 5014, 'allowed'],
    ['udp', 3000, 3009, 'allowed'],
  ]);

  // SP4: console to information server, tcp 5005-5014, narrowed to 5005-5009.
  const permission = (to: number) => ({
    IpProtocol: 'tcp',
    FromPort: 5005,
    ToPort: to,
    UserIdGroupPairs: [{ GroupId: console }],
  });
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: info, IpPermissions: [permission(5014)] }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: info, IpPermissions: [permission(5009)] }));

  const drifted = explainAws(...ask);
  expect(drifted.code).toBe(0);
  const flow = drifted.answer!.directions[0].flows.find((f) => f.fromPort === 5005)!;
  expect([flow.status, flow.rows]).toEqual(['partial', ['SP4']]);
  expect(flow.gaps.map((g) => [g.side, g.ports])).toEqual([['ingress', [{ fromPort: 5010, toPort: 5014 }]]]);
  const changes = changesOf(drifted.answer!);
  expect(changes).toEqual([
    expect.objectContaining({
      action: 'widen',
      group: 'information-server',
      groupId: info,
      direction: 'ingress',
      remote: 'console',
      rule: expect.objectContaining({ ipProtocol: 'tcp', fromPort: 5005, toPort: 5014, referencedGroupId: console }),
      replaces: expect.objectContaining({ fromPort: 5005, toPort: 5009, ruleId: expect.stringMatching(/^sgr-/) }),
    }),
  ]);

  // The change made on EC2: the site is as planned again.
  await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: info, IpPermissions: [permission(5009)] }));
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupId: info, IpPermissions: [permission(changes[0].rule.toPort!)] }),
  );
  const fixed = explainAws(...ask);
  expect(changesOf(fixed.answer!)).toEqual([]);
  expect(fixed.answer!.directions.flatMap((d) => d.flows.map((f) => f.status))).toEqual(Array(4).fill('allowed'));
});
