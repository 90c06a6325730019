// `portplan verify aws` against the local EC2 of the deploy tests: the real bin, as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Resolution } from '../../lib/spec';
import type { SiteReport } from '../../lib/verify/site';
import type { Moto } from './moto';

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
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), 'verify', 'aws', '--json', ...args], { env: moto.env, encoding: 'utf8', cwd: ROOT });
  return { code: r.status, report: r.stdout ? (JSON.parse(r.stdout) as SiteReport) : undefined, err: r.stderr };
}

/** The VPC a stack's security groups are in (each example stack but ComposedExample creates its own). */
export async function stackVpc(ec2: EC2Client, stack: string): Promise<string> {
  const { SecurityGroups: groups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
  const vpcs = new Set(groups.filter((g) => g.Tags?.some((t) => t.Key === 'aws:cloudformation:stack-name' && t.Value === stack)).map((g) => g.VpcId));
  if (vpcs.size !== 1) throw new Error(`${stack}: security groups in ${vpcs.size} VPCs`);
  return [...vpcs][0]!;
}

/** The id of a stack's security group for a declared group, by the portplan:group tag. */
export async function groupId(ec2: EC2Client, stack: string, group: string): Promise<string> {
  const { SecurityGroups: groups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
  const g = groups.filter((x) => x.Tags?.some((t) => t.Key === 'aws:cloudformation:stack-name' && t.Value === stack)
    && x.Tags?.some((t) => t.Key === 'portplan:group' && t.Value === group));
  if (g.length !== 1) throw new Error(`${stack}/${group}: ${g.length} security groups`);
  return g[0].GroupId!;
}
