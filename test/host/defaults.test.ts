import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Declaration } from '../../lib/model';
import { requireTool } from '../support/tools';

// Least privilege by default, and addresses the firewalls take as written: the real bin.
const ROOT = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'portplan-host-defaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function cli(...args: string[]) {
  const bin = join(ROOT, 'bin/portplan.js');
  const r = spawnSync(process.execPath, [bin, 'host-firewall', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SP_NORMAL = ['--preset', 'serverprotect', '--os', 'windows', '--role', 'serverprotect:normal-server'];
const SP_ADDRESSES = ['--address', 'information-server=10.0.1.0/24', '--address', 'normal-servers=10.0.2.0/24'];
const SUM7_WORKSTATION = ['--preset', 'smart-update-manager-7', '--os', 'windows', '--role', 'sum:workstation'];

describe('no address: refused unless the user admits any address on purpose', () => {
  test('without --address: exit 1, nothing written, the message names the groups and both ways out', () => {
    const r = cli(...SP_NORMAL);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const groups = 'information-server, normal-servers';
    expect(r.err).toContain(`--address: no address for ${groups}; their rules would admit any address`);
    expect(r.err).toContain('--address information-server=<cidr>[,<cidr>...]');
    expect(r.err).toContain('--address normal-servers=<cidr>[,<cidr>...]');
    expect(r.err).toContain('--any-address');
  });

  test('several groups without an address are all named, sorted; those with one are not', () => {
    const r = cli(...SUM7_WORKSTATION);
    expect(r.code).toBe(1);
    const named = /no address for ([^;]+);/.exec(r.err)![1].split(', ');
    expect(named.length).toBeGreaterThan(1);
    expect(named).toEqual([...named].sort());
    const first = named[0];
    const fewer = cli(...SUM7_WORKSTATION, '--address', `${first}=10.0.7.0/24`);
    expect(/no address for ([^;]+);/.exec(fewer.err)![1].split(', ')).toEqual(named.slice(1));
  });

  test('--any-address: the rules admit any address, and a warning still names the groups', () => {
    const r = cli(...SP_NORMAL, '--any-address');
    expect(r.code).toBe(0);
    const groups = 'information-server, normal-servers';
    expect(r.err).toBe(`warning: --any-address: no address for ${groups}: their rules admit any address\n`);
    const rules = r.out.split('\n').filter((l) => l.startsWith('New-NetFirewallRule'));
    expect(rules.length).toBeGreaterThan(0);
    for (const l of rules) expect(l).not.toContain('-RemoteAddress');
  });

  test('with every remote addressed, no flag is needed and nothing is refused', () => {
    const r = cli(...SP_NORMAL, ...SP_ADDRESSES);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).not.toContain('any address');
  });
});

describe('Windows firewall profiles', () => {
  const profiles = (out: string) =>
    out
      .split('\n')
      .filter((l) => l.startsWith('New-NetFirewallRule'))
      .map((l) => /-Profile (\S+)/.exec(l)?.[1]);
  const ADDRESSED = [...SP_NORMAL, ...SP_ADDRESSES];

  test('by default every rule is on the Domain and Private profiles, never Public', () => {
    const r = cli(...ADDRESSED);
    expect(r.code).toBe(0);
    const p = profiles(r.out);
    expect(p.length).toBeGreaterThan(0);
    expect(new Set(p)).toEqual(new Set(['Domain,Private']));
  });

  test.each([
    ['Domain', 'Domain'],
    ['private,domain', 'Domain,Private'],
    ['Any', 'Any'],
    ['Public,Private,Domain', 'Domain,Private,Public'],
  ])('--profile %s: -Profile %s on every rule', (given, written) => {
    const r = cli(...ADDRESSED, '--profile', given);
    expect(r.code).toBe(0);
    expect(new Set(profiles(r.out))).toEqual(new Set([written]));
  });

  test.each(['Home', 'Domain,Any', ''])('--profile %j: exit 2 naming the value and the allowed profiles', (given) => {
    const r = cli(...ADDRESSED, '--profile', given);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const allowed = 'must be Any, or one or more of Domain, Private, Public';
    expect(r.err).toContain(`--profile ${JSON.stringify(given)}: ${allowed}`);
  });

  test('--profile is refused for Linux, which has no profiles', () => {
    const linux = ['--preset', 'smart-update-manager', '--os', 'linux', '--role', 'sum:target:linux'];
    const r = cli(...linux, '--profile', 'Domain');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--profile "Domain": Windows firewall profiles; --os linux has none');
  });
});

describe('addresses as the firewalls take them', () => {
  const LINUX = ['--preset', 'smart-update-manager', '--os', 'linux', '--role', 'sum:target:linux'];

  test('an IPv6 address with a zone index is refused (nft -c would reject the ruleset)', () => {
    const r = cli(...LINUX, '--address', 'workstation=fe80::1%eth0/64');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const why = 'a zone is local to one host; give the range alone, e.g. fe80::/64';
    expect(r.err).toContain(`"fe80::1%eth0/64" has a zone index (%eth0): ${why}`);
  });

  test.each([
    ['10.0.3.5/24', '10.0.3.0/24'],
    ['fd00:3::5/64', 'fd00:3::/64'],
  ])('host bits set (%s): refused naming the masked range %s', (given, masked) => {
    const r = cli(...LINUX, '--address', `workstation=${given}`);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`"${given}" has host bits set: did you mean ${masked}?`);
  });

  test('a masked address in another spelling is written canonically', () => {
    const r = cli(...LINUX, '--address', 'workstation=FD00:0003:0:0::/64');
    expect(r.code).toBe(0);
    expect(r.out).toContain('ip6 saddr fd00:3::/64 ');
  });
});

describe('nftables: a rerun replaces both chains', () => {
  const site = (egress: 'default' | 'restricted'): Declaration => ({
    groups: [
      { name: 'workstation', role: 'sum:workstation' },
      { name: 'linux-targets', role: 'sum:target:linux' },
    ],
    sum: { workstationOs: 'linux' },
    egress,
  });
  const ADDRESS = 'linux-targets=10.0.4.0/24';
  const run = (egress: 'default' | 'restricted') => {
    const path = file(`${egress}.json`, JSON.stringify(site(egress)));
    const r = cli('--file', path, '--os', 'linux', '--role', 'sum:workstation', '--address', ADDRESS);
    expect(r.code).toBe(0);
    return r.out;
  };

  test('both chains are declared and flushed even when there are no outbound rules', () => {
    const text = run('default');
    expect(text).not.toMatch(/^add rule inet filter \S+_out /m);
    for (const c of ['portplan_sum_workstation_in', 'portplan_sum_workstation_out']) {
      expect(text).toContain(`add chain inet filter ${c}\nflush chain inet filter ${c}\n`);
    }
  });

  const nft = requireTool('nft', 'apt-get install -y nftables');
  nft.test('loaded with nft: restricted then default egress leaves no stale outbound accept', () => {
    const restricted = file('restricted.nft', run('restricted'));
    const open = file('default.nft', run('default'));
    // A private network namespace (a user namespace too when not root): the host's ruleset is never touched.
    const load = '"$0" -f "$1" && "$0" -f "$2" && "$0" list chain inet filter portplan_sum_workstation_out';
    const args = ['-rn', 'sh', '-c', load, nft.path!, restricted, open];
    const r = spawnSync('unshare', args, { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('chain portplan_sum_workstation_out {');
    expect(r.stdout).not.toContain('accept');
    // The same two loads the other way round keep the outbound accepts: the check can fail.
    const back = spawnSync('unshare', [...args.slice(0, 5), open, restricted], { encoding: 'utf8' });
    expect(back.stdout).toContain('accept');
  });
});
