import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, type Declaration } from '../../lib/model';
import { requireTool } from '../support/tools';
import { expectedHostRules, nftCheck } from '../support/host';

const ROOT = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'portplan-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function portplan(args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`portplan ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
function declarationFile(name: string, d: Declaration): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(d));
  return path;
}

// A Linux workstation with restricted egress (outbound chain too) and IPv6 target addresses.
const LINUX_SITE: Declaration = {
  groups: [
    { name: 'workstation', role: 'sum:workstation' },
    { name: 'linux-targets', role: 'sum:target:linux' },
    { name: 'integrity', role: 'sum:target:integrity' },
  ],
  sum: { workstationOs: 'linux' },
  egress: 'restricted',
};
// ServerProtect with a Control Manager (a peer with its own CIDR) and restricted egress.
const SP_CM: Declaration = {
  ...PRESETS.serverprotect,
  peers: [{ name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.10/32' }],
  serverProtect: { controlManagerAgent: 'tmi' },
  egress: 'restricted',
};

// The host rules a role needs, counted from resolve() apart from the CLI, ports as first-last.
const expectedRules = (d: Declaration, role: string) => expectedHostRules(d, role, (f) => `${f.fromPort}-${f.toPort}`);

describe('nftables (Linux hosts)', () => {
  const nft = requireTool('nft', 'apt-get install -y nftables');
  const check = (path: string) => nftCheck(nft.path!, path);

  const CASES: [string, Declaration, string, string[]][] = [
    ['SUM 5.x Linux target', PRESETS['smart-update-manager'], 'sum:target:linux', ['workstation=10.0.3.5/32']],
    ['SUM 7.x+ Linux target, any address', PRESETS['smart-update-manager-7'], 'sum:target:linux', []],
    [
      'Linux workstation, restricted egress, IPv4 and IPv6',
      LINUX_SITE,
      'sum:workstation',
      ['linux-targets=10.0.4.0/24,fd00:4::/64', 'integrity=10.0.5.0/24'],
    ],
    ['Integrity target', LINUX_SITE, 'sum:target:integrity', ['workstation=fd00:3::5/128']],
  ];

  const ruleset = (name: string, d: Declaration, role: string, addresses: string[]) =>
    portplan([
      'host-firewall',
      '--file',
      declarationFile(`${name}.json`, d),
      '--os',
      'linux',
      '--role',
      role,
      ...addresses.flatMap((a) => ['--address', a]),
      '--any-address',
    ]);

  test.each(CASES)('%s: one rule per needed flow and address family', (name, d, role, addresses) => {
    const text = ruleset(name, d, role, addresses);
    const rules = text.split('\n').filter((l) => l.startsWith('add rule '));
    // Each rule line: chain, optional address match, protocol and port(s), accept, comment citing rows.
    const seen = new Set<string>();
    for (const l of rules) {
      const m =
        /^add rule inet filter portplan_\w+_(in|out) (?:(ip6?) ([sd]addr) (\S+|\{ [^}]+ \)) )?(tcp|udp) dport (\d+(?:-\d+)?) accept comment "(S[PU]M?[\d-]+[^"]*)"$/.exec(
          l,
        );
      expect(m).not.toBeNull();
      const [, dir, family, , addrs, protocol, ports] = m!;
      if (addrs)
        for (const a of addrs
          .replace(/[{}]/g, '')
          .split(',')
          .map((x) => x.trim()))
          expect(isIP(a.split('/')[0])).toBe(family === 'ip6' ? 6 : 4);
      const [from, to = from] = ports.split('-');
      seen.add(`${dir} ${protocol} ${from}-${to}`);
    }
    const expected = expectedRules(d, role);
    expect(seen).toEqual(new Set([...expected].map((e) => e.replace(/^(in|out) \S+ /, '$1 '))));
    // With addresses for every remote, rules number (remote, flow) pairs times address families.
    expect(rules.length).toBeGreaterThanOrEqual(expected.size);
  });

  nft.test.each(CASES)('%s: accepted by nft -c', (name, d, role, addresses) => {
    const path = join(dir, `${name}.nft`);
    writeFileSync(path, ruleset(name, d, role, addresses));
    const r = check(path);
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  nft.test('nft -c is a live check: a broken rule is refused', () => {
    const text = portplan([
      'host-firewall',
      '--preset',
      'smart-update-manager',
      '--os',
      'linux',
      '--role',
      'sum:target:linux',
      '--address',
      'workstation=10.0.3.5/32',
    ]);
    const path = join(dir, 'broken.nft');
    writeFileSync(path, text.replace('tcp dport 22 ', 'tcp dport 99999 '));
    expect(check(path).status).not.toBe(0);
  });
});

// PowerShell is not installed here (no Debian or npm package), so the commands are checked by
// structure: a tokenizer for single-quoted strings, the parameter set New-NetFirewallRule takes,
// and each value's form.
describe('PowerShell (Windows hosts)', () => {
  const PARAMS = [
    '-Name',
    '-DisplayName',
    '-Group',
    '-Direction',
    '-Profile',
    '-Action',
    '-Protocol',
    '-LocalPort',
    '-RemotePort',
    '-RemoteAddress',
    '-Description',
  ];
  function tokens(line: string): string[] {
    const out: string[] = [];
    const re = /\s*('(?:[^']|'')*'|,|[^\s',]+)/y;
    let at = 0;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      out.push(m[1]);
      at = re.lastIndex;
    }
    expect(line.slice(at).trim()).toBe(''); // everything tokenized: the quotes balance
    return out;
  }
  function parse(line: string): Record<string, string[]> {
    const t = tokens(line);
    expect(t[0]).toBe('New-NetFirewallRule');
    expect(t.slice(-2)).toEqual(['|', 'Out-Null']);
    const params: Record<string, string[]> = {};
    let current = '';
    for (const x of t.slice(1, -2)) {
      if (x.startsWith('-')) {
        expect(PARAMS).toContain(x);
        expect(params[x]).toBeUndefined();
        params[(current = x)] = [];
      } else if (x !== ',') params[current].push(x.startsWith("'") ? x.slice(1, -1).replace(/''/g, "'") : x);
    }
    return params;
  }

  test.each<[string, Declaration, string, string[]]>([
    ['console', PRESETS.serverprotect, 'serverprotect:console', ['information-server=10.0.1.0/24']],
    [
      'information server, Control Manager, restricted egress',
      SP_CM,
      'serverprotect:information-server',
      ['console=10.0.0.10/32', 'normal-servers=10.0.2.0/24,fd00:2::/64'],
    ],
    ['normal server, any address', PRESETS.serverprotect, 'serverprotect:normal-server', []],
    ['SUM Windows target', PRESETS['smart-update-manager'], 'sum:target:windows', ['workstation=10.0.3.5/32']],
    ['SUM 7.x+ Windows workstation', PRESETS['smart-update-manager-7'], 'sum:workstation', []],
  ])('%s: one New-NetFirewallRule per needed flow, well formed', (name, d, role, addresses) => {
    const text = portplan([
      'host-firewall',
      '--file',
      declarationFile(`${name}.json`, d),
      '--os',
      'windows',
      '--role',
      role,
      ...addresses.flatMap((a) => ['--address', a]),
      '--any-address',
    ]);
    const lines = text.trim().split('\n');
    expect(lines[2]).toBe(`Remove-NetFirewallRule -Group 'portplan ${role}' -ErrorAction SilentlyContinue`);
    const rules = lines.filter((l) => !l.startsWith('#') && !l.startsWith('Remove-')).map(parse);
    const given = Object.fromEntries(addresses.map((a) => a.split('=')).map(([g, c]) => [g, c.split(',')]));
    const peers = Object.fromEntries((d.peers ?? []).map((p) => [p.name, [p.cidr]]));
    const seen = new Set<string>();
    for (const p of rules) {
      expect(p['-Action']).toEqual(['Allow']);
      expect(p['-Profile']).toEqual(['Domain', 'Private']);
      expect(p['-Group']).toEqual([`portplan ${role}`]);
      expect(['TCP', 'UDP']).toContain(p['-Protocol'][0]);
      const inbound = p['-Direction'][0] === 'Inbound';
      expect(p['-Direction']).toEqual([inbound ? 'Inbound' : 'Outbound']);
      const port = (p[inbound ? '-LocalPort' : '-RemotePort'] ?? [])[0];
      expect(port).toMatch(/^\d+(-\d+)?$/);
      const remote = /(?:from|to) (\S+) /.exec(p['-DisplayName'][0])![1];
      expect(p['-RemoteAddress']).toEqual(given[remote] ?? peers[remote]);
      expect(p['-Description'][0]).toMatch(/^S[PU]M?[\d-]+/);
      const [from, to = from] = port.split('-');
      seen.add(`${inbound ? 'in' : 'out'} ${remote} ${p['-Protocol'][0].toLowerCase()} ${from}-${to}`);
    }
    expect(new Set(rules.map((p) => p['-Name'][0])).size).toBe(rules.length);
    expect(seen).toEqual(expectedRules(d, role));
  });

  test('the tokenizer is a live check: an unbalanced quote is refused', () => {
    expect(() => parse("New-NetFirewallRule -Name 'a -Action Allow | Out-Null")).toThrow();
  });
});
