// A role whose host OS is an option of its product: each group runs the OS its options give, and the
// host firewall for one OS carries the rules of that OS's groups only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogError, defineCatalog, resolve } from '../../lib/model';
import { HostFirewallError, hostFirewall, planHost } from '../../lib/host';
import { portplan } from '../support/cli';
import { MIXED_GROUPS, REPO, REPO_DEFINITION } from '../support/repo-catalog';

const r = resolve({ groups: MIXED_GROUPS }, { catalogs: [REPO] });
const lines = (os: 'windows' | 'linux') => {
  const plan = planHost(r, { role: 'repo:server', os });
  return [
    plan.groups,
    plan.rules.map((x) => `${x.direction} ${x.remote.name} ${x.fromPort}-${x.toPort} ${x.rows.join(',')}`),
  ];
};

test('a Linux and a Windows server of one role: each OS gets its own group and rules', () => {
  expect(lines('linux')).toEqual([
    ['repo-lin'],
    ['inbound clients 22-22 REPO-L', 'inbound clients 8085-8085 REPO-WEB'],
  ]);
  expect(lines('windows')).toEqual([
    ['repo-win'],
    ['inbound clients 445-445 REPO-W', 'inbound clients 8080-8089 REPO-WEB'],
  ]);
  const nft = hostFirewall(r, { role: 'repo:server', os: 'linux', format: 'nftables', anyAddress: true }).text;
  expect(nft).toContain('tcp dport 22');
  expect(nft).not.toMatch(/dport 445|8080-8089/);
  const ps = hostFirewall(r, { role: 'repo:server', os: 'windows', anyAddress: true }).text;
  expect(ps).toContain("-LocalPort '445'");
  expect(ps).not.toContain("-LocalPort '22'");
});

test('no group of the role runs the OS: each group’s value named', () => {
  const both = resolve(
    {
      groups: [MIXED_GROUPS[1], { name: 'repo-lin2', role: 'repo:server', options: { os: 'linux' } }, MIXED_GROUPS[2]],
    },
    { catalogs: [REPO] },
  );
  expect(() => planHost(both, { role: 'repo:server', os: 'windows' })).toThrow(
    new HostFirewallError(
      '--os',
      'windows',
      '--os windows: repo.os is linux for group repo-lin, linux for group repo-lin2',
    ),
  );
});

test('HP SUM: a Linux workstation beside a Windows one, by the group’s own workstationOs', () => {
  const sum = resolve({
    groups: [
      { name: 'ws-win', role: 'sum:workstation' },
      { name: 'ws-lin', role: 'sum:workstation', options: { workstationOs: 'linux' } },
      { name: 'linux-targets', role: 'sum:target:linux' },
    ],
  });
  expect(planHost(sum, { role: 'sum:workstation', os: 'linux' }).groups).toEqual(['ws-lin']);
  expect(planHost(sum, { role: 'sum:workstation', os: 'windows' }).groups).toEqual(['ws-win']);
  // The block alone, as before: the declaration's value named.
  const block = resolve({ groups: [{ name: 'ws', role: 'sum:workstation' }] });
  expect(() => planHost(block, { role: 'sum:workstation', os: 'linux' })).toThrow(
    "--os linux: the declaration's sum.workstationOs is windows",
  );
});

test('a catalog whose OS option is not a choice among the role’s OSes: refused, the path and what is allowed', () => {
  const bad = (hostOsOption: string, hostOs: ('windows' | 'linux')[] = ['windows', 'linux']) => {
    try {
      defineCatalog({
        ...REPO_DEFINITION,
        roles: [{ ...REPO_DEFINITION.roles[0], hostOs, hostOsOption }, REPO_DEFINITION.roles[1]],
      });
    } catch (e) {
      if (e instanceof CatalogError) return e.problems.map((p) => `${p.path}: ${p.message} (${String(p.value)})`);
      throw e;
    }
    return [];
  };
  expect(bad('webPort')).toEqual(['roles[0].hostOsOption: must name a choice option of the product: os (webPort)']);
  expect(bad('oss')).toEqual(['roles[0].hostOsOption: must name a choice option of the product: os (oss)']);
  expect(bad('os', ['linux'])).toEqual([
    "roles[0].hostOsOption: must name an option whose values are among the role's hostOs (linux); os takes windows, linux (os)",
  ]);
});

test('the command line: host-firewall for the Linux server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplan-host-os-'));
  writeFileSync(join(dir, 'site.json'), JSON.stringify({ groups: MIXED_GROUPS }));
  writeFileSync(join(dir, 'repo.json'), JSON.stringify(REPO_DEFINITION));
  const args = ['--file', join(dir, 'site.json'), '--catalog', join(dir, 'repo.json'), '--role', 'repo:server'];
  const lin = portplan('host-firewall', ...args, '--os', 'linux', '--format', 'nftables', '--any-address');
  expect(lin.code).toBe(0);
  expect(lin.out).toContain('groups: repo-lin)');
  expect(lin.out).toContain('tcp dport 22');
});
