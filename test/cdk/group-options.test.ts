import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { PortPlan } from '../../lib/cdk';
import { planAzure } from '../../lib/azure/plan';
import { resolve } from '../../lib/model';
import { expectedRules, templateRules, testStack } from '../support/cdk';
import { portplan } from '../support/cli';
import { MIXED_GROUPS, REPO, REPO_DEFINITION } from '../support/repo-catalog';

// One Windows and one Linux repository server in one site, each group with its own options: every
// target writes the rules of its own group's rows and ports.

const DECLARATION = { groups: MIXED_GROUPS, egress: 'restricted' as const };

test('AWS: the CDK template has the Linux server SSH and its pinned port, the Windows one SMB and the range', () => {
  const { stack, vpc } = testStack();
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration: DECLARATION, catalogs: [REPO] });
  const rules = templateRules(Template.fromStack(stack), plan);
  expect(rules).toEqual(expectedRules(plan));
  expect(rules).toEqual([
    'in repo-lin clients tcp 22-22',
    'in repo-lin clients tcp 8085-8085',
    'in repo-win clients tcp 445-445',
    'in repo-win clients tcp 8080-8089',
    'out clients repo-lin tcp 22-22',
    'out clients repo-lin tcp 8085-8085',
    'out clients repo-win tcp 445-445',
    'out clients repo-win tcp 8080-8089',
  ]);
});

test('Azure: the plan has one inbound rule per server group, with that group’s ports', () => {
  const plan = planAzure(resolve(DECLARATION, { catalogs: [REPO] }), {
    band: { from: 100, to: 4096 },
    denyOtherVnetTraffic: false,
  });
  const flows = plan.rules
    .filter((r) => r.origin === 'flow')
    .map((r) => `${r.direction} ${JSON.stringify(r.source)} ${JSON.stringify(r.destination)} ${r.ports.join(',')}`);
  expect(flows.sort()).toEqual([
    'Inbound {"group":"clients"} {"group":"repo-lin"} 22,8085',
    'Inbound {"group":"clients"} {"group":"repo-win"} 445,8080-8089',
    'Outbound {"group":"clients"} {"group":"repo-lin"} 22,8085',
    'Outbound {"group":"clients"} {"group":"repo-win"} 445,8080-8089',
  ]);
});

describe('the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplan-group-options-'));
  const file = join(dir, 'site.json');
  const catalog = join(dir, 'repo.json');
  writeFileSync(file, JSON.stringify(DECLARATION));
  writeFileSync(catalog, JSON.stringify(REPO_DEFINITION));

  test('explain: SSH is open to the Linux server only, and why the Windows one does not have it', () => {
    const lin = portplan(
      'explain',
      '--file',
      file,
      '--catalog',
      catalog,
      '--from',
      'clients',
      '--to',
      'repo-lin',
      '--port',
      '22/tcp',
    );
    expect([lin.code, lin.err]).toEqual([0, '']);
    expect(lin.out).toMatch(
      /^clients -> repo-lin 22\/tcp: allowed by the plan\n {2}flow clients -> repo-lin tcp 22 \(REPO-L\)/,
    );
    const win = portplan(
      'explain',
      '--file',
      file,
      '--catalog',
      catalog,
      '--from',
      'clients',
      '--to',
      'repo-win',
      '--port',
      '22/tcp',
    );
    expect(win.out).toMatch(/^clients -> repo-win 22\/tcp: not allowed by the plan/);
    expect(win.out).toMatch(/REPO-L[\s\S]*the row's condition: Linux servers \(repo\.os\)/);
  });

  test('flows: the pinned port of the Linux server, the fallback range of the Windows one', () => {
    const r = portplan('flows', '--file', file, '--catalog', catalog, '--json');
    expect(r.code).toBe(0);
    const { flows } = JSON.parse(r.out) as { flows: { to: { name: string }; fromPort: number; toPort: number }[] };
    expect(flows.map((f) => `${f.to.name} ${f.fromPort}-${f.toPort}`)).toEqual([
      'repo-lin 22-22',
      'repo-lin 8085-8085',
      'repo-win 445-445',
      'repo-win 8080-8089',
    ]);
  });

  test('a bad group option: exit 1, the path, the value and what is allowed', () => {
    writeFileSync(
      file.replace('site', 'bad'),
      JSON.stringify({ groups: [{ name: 'a', role: 'repo:server', options: { os: 'bsd' } }] }),
    );
    const r = portplan('flows', '--file', file.replace('site', 'bad'), '--catalog', catalog);
    expect(r.code).toBe(1);
    expect(r.err).toContain('groups[0].options.os: must be one of windows, linux (got "bsd")');
  });
});
