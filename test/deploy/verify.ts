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
      const blocked = r.report!.flows.filter((f) => f.status !== 'allowed');
      expect(blocked.map((f) => [f.from, f.to, f.protocol, f.fromPort, f.toPort, f.rows, f.status])).toEqual([
        ['console', 'information-server', 'tcp', revoked.fromPort, revoked.toPort, revoked.rows, 'blocked'],
      ]);
      // Every packet of the flow is missing at the listener: all its ports, from any console host.
      expect(blocked[0].blocked.map((b) => [b.side, b.ports, b.packets])).toEqual([
        [
          'ingress',
          [{ fromPort: revoked.fromPort, toPort: revoked.toPort }],
          [`tcp console@0.0.0.0/0 -> information-server@0.0.0.0/0 ${revoked.fromPort}-${revoked.toPort}`],
        ],
      ]);
      expect(blocked[0].blocked[0].witness).toMatchObject({ protocol: 6, port: revoked.fromPort });
      expect(
        r.report!.extra.map((e) => [
          e.rule.startsWith('sgr-'),
          e.group,
          e.direction,
          e.remote,
          e.protocol,
          e.ports,
          e.description,
          e.worldOpen,
          e.surplus,
        ]),
      ).toEqual([
        [
          true,
          'normal-servers',
          'inbound',
          '0.0.0.0/0',
          'tcp',
          '3389',
          'RDP from anywhere',
          true,
          ['tcp 0.0.0.0/0 -> normal-servers 3389'],
        ],
        [
          true,
          'console',
          'inbound',
          'normal-servers',
          'tcp',
          '8080',
          undefined,
          false,
          ['tcp normal-servers -> console 8080'],
        ],
      ]);
    });

    // The drift of the packet-set checks, made through the EC2 API as a colleague would: a CIDR
    // narrowed is partly blocked by exactly the addresses cut off, a narrowed port rule blocks
    // exactly the ports cut off and is not extra, a widened one is extra by exactly its surplus.
    test("the administrators' /24 narrowed to a /28 in EC2: partially blocked by 240 addresses, not extra", async () => {
      const stack = 'SmartUpdateManager7Example';
      const plan = localPlans(network)[stack];
      const { SecurityGroups: all = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
      const mine = all.filter((g) =>
        g.Tags?.some((t) => t.Key === 'aws:cloudformation:stack-name' && t.Value === stack),
      );
      let narrowed = 0;
      for (const g of mine) {
        for (const p of g.IpPermissions ?? []) {
          const ranges = (p.IpRanges ?? []).filter((x) => x.CidrIp === '192.168.50.0/24');
          if (!ranges.length) continue;
          const base = { IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort };
          await ec2.send(
            new RevokeSecurityGroupIngressCommand({
              GroupId: g.GroupId,
              IpPermissions: [{ ...base, IpRanges: ranges }],
            }),
          );
          const to28 = ranges.map((x) => ({ ...x, CidrIp: '192.168.50.0/28' }));
          await ec2.send(
            new AuthorizeSecurityGroupIngressCommand({
              GroupId: g.GroupId,
              IpPermissions: [{ ...base, IpRanges: to28 }],
            }),
          );
          narrowed++;
        }
      }
      expect(narrowed).toBeGreaterThan(0);
      const r = verifyAws(moto, '--file', declarationFile(stack, plan.resolution), '--vpc', await stackVpc(ec2, stack));
      expect(r.code).toBe(1);
      const fromAdmins = r.report!.flows.filter((f) => f.from === 'administrators');
      expect(fromAdmins.length).toBeGreaterThan(0);
      for (const f of fromAdmins) {
        expect([f.status, f.blocked.map((b) => b.side)]).toEqual(['partial', ['ingress']]);
        expect(f.blocked[0].sources).toEqual([
          '192.168.50.16/28',
          '192.168.50.32/27',
          '192.168.50.64/26',
          '192.168.50.128/25',
        ]);
        expect(f.blocked[0].ports).toEqual([{ fromPort: f.fromPort, toPort: f.toPort }]);
        const last = Number(f.blocked[0].witness.source.address.split('.')[3]);
        expect(f.blocked[0].witness.source.address.startsWith('192.168.50.') && last >= 16).toBe(true);
      }
      expect(r.report!.flows.filter((f) => f.from !== 'administrators').every((f) => f.status === 'allowed')).toBe(
        true,
      );
      expect(r.report!.extra).toEqual([]);
    });

    test('SP1 narrowed to 1000-1004 in EC2: blocked on exactly 1005-1009, not extra; widened to 1000-1019: extra by 1010-1019', async () => {
      const stack = 'ServerProtectExample';
      const plan = localPlans(network)[stack];
      const [console_, info] = await Promise.all(['console', 'information-server'].map((g) => groupId(ec2, stack, g)));
      const rule = (from: number, to: number) => ({
        GroupId: console_,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: from, ToPort: to, UserIdGroupPairs: [{ GroupId: info }] }],
      });
      const vpc = await stackVpc(ec2, stack);
      const check = () => verifyAws(moto, '--file', declarationFile('sp1', plan.resolution), '--vpc', vpc).report!;
      const sp1 = (report: SiteReport) =>
        report.flows.find((f) => f.from === 'information-server' && f.to === 'console' && f.fromPort === 1000)!;

      await ec2.send(new RevokeSecurityGroupIngressCommand(rule(1000, 1009)));
      await ec2.send(new AuthorizeSecurityGroupIngressCommand(rule(1000, 1004)));
      const narrowed = check();
      expect([sp1(narrowed).status, sp1(narrowed).blocked.map((b) => [b.side, b.ports])]).toEqual([
        'partial',
        [['ingress', [{ fromPort: 1005, toPort: 1009 }]]],
      ]);
      expect(sp1(narrowed).blocked[0].witness.port).toBe(1005);
      expect(narrowed.extra.filter((e) => e.ports.startsWith('1000'))).toEqual([]);

      await ec2.send(new RevokeSecurityGroupIngressCommand(rule(1000, 1004)));
      await ec2.send(new AuthorizeSecurityGroupIngressCommand(rule(1000, 1019)));
      const widened = check();
      expect(sp1(widened).status).toBe('allowed');
      expect(
        widened.extra.filter((e) => e.ports.startsWith('1000')).map((e) => [e.group, e.remote, e.ports, e.surplus]),
      ).toEqual([['console', 'information-server', '1000-1019', ['tcp information-server -> console 1010-1019']]]);
    });
  });
}
