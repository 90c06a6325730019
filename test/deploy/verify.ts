// `portplan verify aws` against the local EC2 of the deploy tests: the real bin, as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupsCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { ExistingNetwork } from '../../examples/cdk/stacks';
import type { Resolution } from '../../lib/model';
import type { SiteReport } from '../../lib/verify/site';
import { localPlans, type Moto } from './moto';

const ROOT = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'portplan-verify-'));

/** Writes a resolution's declaration to a JSON file for `--file`. */
export function declarationFile(name: string, r: Resolution): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(r.declaration));
  return path;
}

/** Runs `portplan verify aws --json` with the emulator's endpoint and fake credentials. */
export function verifyAws(moto: Moto, ...args: string[]): { code: number | null; report?: SiteReport; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), 'verify', 'aws', '--json', ...args], {
    env: moto.env,
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { code: r.status, report: r.stdout ? (JSON.parse(r.stdout) as SiteReport) : undefined, err: r.stderr };
}

/** The VPC a stack's security groups are in (each example stack but ComposedExample creates its own). */
export async function stackVpc(ec2: EC2Client, stack: string): Promise<string> {
  const { SecurityGroups: groups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
  const vpcs = new Set(
    groups
      .filter((g) => g.Tags?.some((t) => t.Key === 'aws:cloudformation:stack-name' && t.Value === stack))
      .map((g) => g.VpcId),
  );
  if (vpcs.size !== 1) throw new Error(`${stack}: security groups in ${vpcs.size} VPCs`);
  return [...vpcs][0]!;
}

/** The id of a stack's security group for a declared group, by the portplan:group tag. */
export async function groupId(ec2: EC2Client, stack: string, group: string): Promise<string> {
  const { SecurityGroups: groups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
  const g = groups.filter(
    (x) =>
      x.Tags?.some((t) => t.Key === 'aws:cloudformation:stack-name' && t.Value === stack) &&
      x.Tags?.some((t) => t.Key === 'portplan:group' && t.Value === group),
  );
  if (g.length !== 1) throw new Error(`${stack}/${group}: ${g.length} security groups`);
  return g[0].GroupId!;
}

// `portplan verify aws`, the real bin against the emulator's EC2 API. moto deploys no egress rule
// of a template (no AWS::EC2::SecurityGroupEgress, inline egress ignored: every group keeps EC2's
// allow-all IPv4 egress), so the stacks with default egress are checked whole, and ComposedExample
// (restricted egress) for its inbound side; test/verify checks restricted egress from templates.
/** The verify tests, run after the deploy test's own on the stacks it deployed. */
export function describeVerifyAws(deployed: () => { moto: Moto; ec2: EC2Client; network: ExistingNetwork }): void {
  describe('portplan verify aws', () => {
    let moto: Moto;
    let ec2: EC2Client;
    let network: ExistingNetwork;
    beforeAll(() => ({ moto, ec2, network } = deployed()));

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

    const composed =
      'ComposedExample: the existing group by --group, flows allowed inbound; findings only where moto dropped egress';
    test(composed, () => {
      const plan = localPlans(network).ComposedExample;
      const r = verifyAws(
        moto,
        '--file',
        declarationFile('composed', plan.resolution),
        '--vpc',
        network.vpcId,
        '--group',
        `information-server=${network.securityGroupId}`,
      );
      expect(r.code).toBe(1);
      expect(r.report!.groups.find((g) => g.name === 'information-server')!.id).toBe(network.securityGroupId);
      expect(r.report!.flows.flatMap((f) => f.blocked.map((b) => b.side)).filter((s) => s !== 'egress')).toEqual([]);
      expect(
        r.report!.extra.filter((e) => !(e.direction === 'outbound' && e.remote === '0.0.0.0/0' && e.protocol === '-1')),
      ).toEqual([]);
    });

    test('an unknown security group id: exit 2 naming --group and the id', () => {
      const plan = localPlans(network).ServerProtectExample;
      const groups = ['console', 'information-server', 'normal-servers'].map((g, i) => `${g}=sg-0000000000000000${i}`);
      const file = declarationFile('unknown', plan.resolution);
      const r = verifyAws(moto, '--file', file, ...groups.flatMap((g) => ['--group', g]));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^portplan: --group: ids of security groups that exist in this account and region/m);
      expect(r.err).toMatch(/\(got .*sg-0{16}/);
    });

    const changes =
      'out-of-band changes: a revoked rule, RDP from the world, a rule between two groups: three findings, exit 1';
    test(changes, async () => {
      const stack = 'ServerProtectExample';
      const plan = localPlans(network)[stack];
      const [console_, info, normal] = await Promise.all(
        ['console', 'information-server', 'normal-servers'].map((g) => groupId(ec2, stack, g)),
      );
      const revoked = plan.resolution.flows.find(
        (f) => f.from.name === 'console' && f.to.name === 'information-server' && f.protocol === 'tcp',
      )!;
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: info,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: revoked.fromPort,
              ToPort: revoked.toPort,
              UserIdGroupPairs: [{ GroupId: console_ }],
            },
          ],
        }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: normal,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 3389,
              ToPort: 3389,
              IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'RDP from anywhere' }],
            },
          ],
        }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: console_,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: normal }] }],
        }),
      );

      const r = verifyAws(moto, '--file', declarationFile(stack, plan.resolution), '--vpc', await stackVpc(ec2, stack));
      expect(r.code).toBe(1);
      expect(r.report!.flows.filter((f) => f.status === 'blocked')).toEqual([
        {
          from: 'console',
          to: 'information-server',
          protocol: 'tcp',
          fromPort: revoked.fromPort,
          toPort: revoked.toPort,
          rows: revoked.rows,
          status: 'blocked',
          blocked: [{ fromPort: revoked.fromPort, toPort: revoked.toPort, by: [{ side: 'ingress' }] }],
        },
      ]);
      expect(r.report!.extra.map(({ rule, ...e }) => [rule.startsWith('sgr-'), e])).toEqual([
        [
          true,
          {
            group: 'normal-servers',
            direction: 'inbound',
            remote: '0.0.0.0/0',
            protocol: 'tcp',
            ports: '3389',
            description: 'RDP from anywhere',
            worldOpen: true,
          },
        ],
        [
          true,
          {
            group: 'console',
            direction: 'inbound',
            remote: 'normal-servers',
            protocol: 'tcp',
            ports: '8080',
            worldOpen: false,
          },
        ],
      ]);
    });
  });
}
