// Local AWS for deploy tests: a moto_server on 127.0.0.1, the real CDK CLI, rules read back from EC2.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { App } from 'aws-cdk-lib';
import { buildApp, examplePlans, type ExistingNetwork } from '../../examples/cdk/stacks';
import type { PortPlan } from '../../lib/cdk';
import { expectedRules } from '../support/cdk';

export interface Moto {
  readonly process: ChildProcess;
  readonly endpoint: string;
  readonly env: NodeJS.ProcessEnv;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts moto_server on a free loopback port and waits (at most 30 s) until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  // The CLI and SDK honour AWS_ENDPOINT_URL; moto answers on localhost.
  const endpoint = `http://localhost:${port}`;
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  const moto: Moto = {
    process: child,
    endpoint,
    env,
    stop: () => {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
    },
  };
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return moto;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      moto.stop();
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function ec2Client(moto: Moto): EC2Client {
  return new EC2Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

/** The existing network ComposedExample joins: a VPC, a subnet and the information servers' group. */
export async function createExistingNetwork(ec2: EC2Client): Promise<ExistingNetwork> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }));
  const vpcId = vpc.Vpc!.VpcId!;
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.77.1.0/24', AvailabilityZone: 'us-east-1a' }),
  );
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: vpcId,
      GroupName: 'existing-information-servers',
      Description: 'existing information servers',
    }),
  );
  return { vpcId, subnetId: subnet.Subnet!.SubnetId!, securityGroupId: sg.GroupId! };
}

/** Deploys every example stack with the real CDK CLI (at most 5 minutes). */
export function deployAll(moto: Moto, network: ExistingNetwork): void {
  const out = mkdtempSync(join(tmpdir(), 'portplan-deploy-'));
  const args = [
    'cdk',
    'deploy',
    '--all',
    '--method=direct',
    '--require-approval',
    'never',
    '--output',
    out,
    '-c',
    'portplan:local=true',
    '-c',
    `vpcId=${network.vpcId}`,
    '-c',
    `subnetId=${network.subnetId}`,
    '-c',
    `securityGroupId=${network.securityGroupId}`,
  ];
  const run = spawnSync('npx', args, { env: moto.env, encoding: 'utf8', timeout: 300000 });
  // The cloud assembly is only the deploy's input: nothing stays behind in the temp directory.
  rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`cdk deploy failed (${run.status ?? run.signal}):\n${run.stderr.slice(-3000)}`);
}

/** The example plans, built in-process with the same context as the deploy. */
export function localPlans(network: ExistingNetwork): Record<string, PortPlan> {
  return examplePlans(
    buildApp(
      new App({
        context: { 'portplan:local': 'true', ...network },
        builtinCloudFormationValidation: false,
      } as ConstructorParameters<typeof App>[0]),
    ),
  );
}

/** Ingress rules read back from the EC2 API, as `in group peer protocol from-to`, for one plan's groups. */
export async function deployedIngress(ec2: EC2Client, stackName: string, network: ExistingNetwork): Promise<string[]> {
  const { SecurityGroups: groups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
  const nameOf = new Map<string, string>();
  for (const g of groups) {
    const stack = g.Tags?.find((t) => t.Key === 'aws:cloudformation:stack-name')?.Value;
    const match = /\(([a-z0-9-]+)\)$/.exec(g.Description ?? '');
    if (stack === stackName && match && g.Tags?.some((t) => t.Key === 'portplan:role'))
      nameOf.set(g.GroupId!, match[1]);
  }
  if (stackName === 'ComposedExample') nameOf.set(network.securityGroupId, 'information-server');
  const lines: string[] = [];
  for (const g of groups.filter((x) => nameOf.has(x.GroupId!))) {
    for (const p of g.IpPermissions ?? []) {
      const peers = [
        ...(p.UserIdGroupPairs ?? []).map((u) => nameOf.get(u.GroupId!) ?? `unknown:${u.GroupId}`),
        ...(p.IpRanges ?? []).map((r) => r.CidrIp!),
        ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6!),
      ];
      for (const peer of peers)
        lines.push(`in ${nameOf.get(g.GroupId!)} ${peer} ${p.IpProtocol} ${p.FromPort}-${p.ToPort}`);
    }
  }
  return lines.sort();
}

/** What the plan promises inbound (egress is checked on the template: moto does not model it). */
export const expectedIngress = (plan: PortPlan): string[] => expectedRules(plan).filter((l) => l.startsWith('in '));
