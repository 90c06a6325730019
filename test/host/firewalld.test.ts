import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, parseCidr, type Declaration } from '../../lib/model';
import { requireTool, underCi } from '../support/tools';
import { expectedHostRules } from '../support/host';

// `host-firewall --format firewalld`: the script the real bin prints, checked by structure always
// and, where firewall-offline-cmd runs, by running it against a private copy of /etc/firewalld.
const ROOT = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'portplan-firewalld-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, d: Declaration, role: string, args: string[]): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(d));
  const argv = ['host-firewall', '--file', file, '--os', 'linux', '--role', role, '--format', 'firewalld', ...args];
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`portplan exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const LINUX_SITE: Declaration = {
  groups: [
    { name: 'workstation', role: 'sum:workstation' },
    { name: 'linux-targets', role: 'sum:target:linux' },
    { name: 'integrity', role: 'sum:target:integrity' },
  ],
  sum: { workstationOs: 'linux' },
  egress: 'restricted',
};

interface Case {
  readonly name: string;
  readonly d: Declaration;
  readonly role: string;
  readonly args: string[];
  /** The zone the inbound rules land in: the default zone (public) unless --zone says. */
  readonly zone: string;
}
const CASES: Case[] = [
  {
    name: 'sum5-linux-target',
    d: PRESETS['smart-update-manager'],
    role: 'sum:target:linux',
    args: ['--address', 'workstation=10.0.3.5/32'],
    zone: 'public',
  },
  {
    name: 'linux-workstation-restricted',
    d: LINUX_SITE,
    role: 'sum:workstation',
    args: ['--address', 'linux-targets=10.0.4.0/24,fd00:4::/64', '--any-address'],
    zone: 'public',
  },
  {
    name: 'integrity-internal-zone',
    d: LINUX_SITE,
    role: 'sum:target:integrity',
    args: ['--address', 'workstation=fd00:3::5/128', '--zone', 'internal'],
    zone: 'internal',
  },
];

// The rules a role needs, from resolve() apart from the adapter; single ports as one number, as firewalld writes them.
const expectedRules = (d: Declaration, role: string) =>
  expectedHostRules(d, role, (f) => (f.fromPort === f.toPort ? `${f.fromPort}` : `${f.fromPort}-${f.toPort}`));
// The addresses each remote is admitted from (or to): the --address values, or any.
function givenAddresses(args: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [i, a] of args.entries()) {
    const [group, list] = a.split('=');
    if (args[i - 1] === '--address') out[group] = list.split(',');
  }
  return out;
}

/** A service definition from the script's here-documents, parsed by a strict reading of firewalld.service(5). */
function services(text: string): Map<string, { short: string; ports: string[] }> {
  const out = new Map<string, { short: string; ports: string[] }>();
  for (const m of text.matchAll(
    /^cat > "\$tmp\/([A-Za-z0-9_-]+)\.xml" <<'PORTPLAN_XML'\n([\s\S]*?)\nPORTPLAN_XML$/gm,
  )) {
    const lines = m[2].split('\n');
    expect(lines[0]).toBe('<?xml version="1.0" encoding="utf-8"?>');
    expect(lines[1]).toBe('<service>');
    expect(lines.at(-1)).toBe('</service>');
    const short = /^ {2}<short>([^<&]*(?:&(?:amp|lt|gt|quot);[^<&]*)*)<\/short>$/.exec(lines[2]);
    expect(short).not.toBeNull();
    expect(lines[3]).toMatch(/^ {2}<description>([^<&]|&(amp|lt|gt|quot);)*<\/description>$/);
    const ports = lines.slice(4, -1).map((l) => {
      const p = /^ {2}<port protocol="(tcp|udp)" port="(\d+)(?:-(\d+))?"\/>$/.exec(l);
      expect(p).not.toBeNull();
      const [from, to = from] = [Number(p![2]), p![3] ? Number(p![3]) : undefined];
      expect(from).toBeGreaterThan(0);
      expect(to ?? from).toBeLessThanOrEqual(65535);
      expect(to ?? from).toBeGreaterThanOrEqual(from);
      return `${p![1]} ${p![2]}${p![3] ? `-${p![3]}` : ''}`;
    });
    expect(ports.length).toBeGreaterThan(0);
    expect(out.has(m[1])).toBe(false);
    out.set(m[1], { short: short![1], ports });
  }
  return out;
}

// A rich rule as portplan writes it (firewalld.richlanguage(5): family, source or destination
// address, service element, accept action).
const RICH = /^rule family="ipv(4|6)" (source|destination) address="([^"]+)" service name="([A-Za-z0-9_-]+)" accept$/;
interface Grant {
  readonly where: 'zone' | 'policy';
  readonly service: string;
  /** Undefined: any address (the service added to the zone or policy itself). */
  readonly address?: string;
}
function grants(text: string): Grant[] {
  const out: Grant[] = [];
  for (const m of text.matchAll(/^fw --(zone|policy)="\$(?:zone|policy)" --add-rich-rule='([^']*)' >\/dev\/null$/gm)) {
    const r = RICH.exec(m[2]);
    expect(r).not.toBeNull();
    const [, family, side, address, service] = r!;
    const c = parseCidr(address);
    expect(c && c.masked && String(c.family) === family).toBe(true);
    expect(side).toBe(m[1] === 'zone' ? 'source' : 'destination');
    out.push({ where: m[1] as Grant['where'], service, address });
  }
  for (const m of text.matchAll(
    /^fw --(zone|policy)="\$(?:zone|policy)" --add-service=([A-Za-z0-9_-]+) >\/dev\/null$/gm,
  )) {
    out.push({ where: m[1] as Grant['where'], service: m[2] });
  }
  return out;
}

describe('firewalld script: structure (runs everywhere)', () => {
  test.each(CASES)('$name: one service per remote, rich rules for exactly the needed ports and addresses', (c) => {
    const text = script(c.name, c.d, c.role, c.args);
    expect(text.split('\n')[0]).toBe('#!/bin/sh');
    const defined = services(text);
    const given = givenAddresses(c.args);
    const seen = new Set<string>();
    const addressed = new Map<string, Set<string>>();
    for (const g of grants(text)) {
      // portplan-in-<role>-from-<remote> or portplan-out-<role>-to-<remote>, the role's colons as
      // underscores; the short text names the role and remote as they are.
      const m = /^portplan-(?:in-([a-z0-9_-]+)-from|out-([a-z0-9_-]+)-to)-([a-z0-9-]+)$/.exec(g.service)!;
      const side = m[1] === undefined ? 'to' : 'from';
      expect(m[1] ?? m[2]).toBe(c.role.replace(/:/g, '_'));
      expect(g.where).toBe(side === 'from' ? 'zone' : 'policy');
      const remote = m[3];
      expect(defined.has(g.service)).toBe(true);
      expect(defined.get(g.service)!.short).toBe(`portplan ${c.role} ${side} ${remote}`);
      for (const p of defined.get(g.service)!.ports) seen.add(`${side === 'from' ? 'in' : 'out'} ${remote} ${p}`);
      const set = addressed.get(g.service) ?? new Set<string>();
      set.add(g.address ?? 'any');
      addressed.set(g.service, set);
    }
    expect(seen).toEqual(expectedRules(c.d, c.role));
    // Each remote admitted from exactly its given addresses, or any address when none was given.
    for (const [service, set] of addressed) {
      const remote = /-(?:from|to)-([a-z0-9-]+)$/.exec(service)![1];
      expect([...set].sort()).toEqual([...(given[remote] ?? ['any'])].sort());
    }
    // Every service defined is granted: nothing is written that opens nothing.
    expect(new Set(addressed.keys())).toEqual(new Set(defined.keys()));
  });

  test('the structure check is live: a bad port and a bad rich rule are refused', () => {
    const text = script(CASES[0].name, CASES[0].d, CASES[0].role, CASES[0].args);
    expect(() => services(text.replace('port="22"', 'port="99999"'))).toThrow();
    expect(() => grants(text.replace('source address=', 'source adress='))).toThrow();
  });
});

describe('firewalld script: run with firewall-offline-cmd on a private copy of /etc/firewalld', () => {
  const tool = requireTool('firewall-offline-cmd', 'apt-get install -y firewalld');
  // A mount namespace gives the scripts their own /etc/firewalld (a tmpfs with the host's files
  // copied in): nothing they write reaches the machine. Root needs only -m; others map root in a
  // user namespace (-r). A stub firewall-cmd answers "not running", so the scripts never reach a
  // firewalld daemon over D-Bus, even on a machine that runs one.
  const unshare = process.getuid?.() === 0 ? ['-m'] : ['-rm'];
  const nsWorks = tool.path !== undefined && spawnSync('unshare', [...unshare, 'true']).status === 0;
  if (tool.path && !nsWorks) {
    const why = 'the firewall-offline-cmd checks need a private mount namespace';
    const message = `unshare ${unshare.join(' ')} is not permitted here: ${why}`;
    if (underCi()) throw new Error(message);
    process.stderr.write(`skipped: ${message}\n`);
  }
  const live = nsWorks ? test : test.skip;
  const work = join(dir, 'live');
  interface Run {
    status: number;
    check: string;
    zones: string;
    policies: string;
    services: string[];
    stderr: string;
  }
  const results: Record<string, Run> = {};
  const before = { text: '' };
  const hashes = 'find /etc/firewalld -type f -exec sha256sum {} + 2>/dev/null | sort';
  const snapshot = () => spawnSync('sh', ['-c', hashes], { encoding: 'utf8' }).stdout;

  // The rerun case: restricted egress with IPv6, then default egress, other addresses, another zone.
  const RERUN_FIRST = CASES[1];
  const rerunSecond: Case = {
    name: 'linux-workstation-default-egress',
    d: { ...LINUX_SITE, egress: 'default' },
    role: 'sum:workstation',
    args: ['--address', 'linux-targets=10.0.9.0/24', '--address', 'integrity=10.0.5.0/24', '--zone', 'work'],
    zone: 'work',
  };

  beforeAll(async () => {
    if (!nsWorks) return;
    before.text = snapshot();
    mkdirSync(join(work, 'stub'), { recursive: true });
    writeFileSync(join(work, 'stub/firewall-cmd'), '#!/bin/sh\necho "not running" >&2\nexit 252\n');
    chmodSync(join(work, 'stub/firewall-cmd'), 0o755);
    // Three namespaces: the rerun's first script is the restricted-egress case, dumped before the second runs.
    const runs: [string, string[]][] = [
      ['sum5', [CASES[0].name]],
      ['integrity', [CASES[2].name]],
      ['rerun', [RERUN_FIRST.name, rerunSecond.name]],
    ];
    for (const c of [...CASES, rerunSecond]) {
      writeFileSync(join(work, `${c.name}.sh`), script(c.name, c.d, c.role, c.args));
    }
    // Each run in its own namespace, all at once (firewall-offline-cmd starts Python on every call,
    // so one run takes seconds).
    const body = (name: string, scripts: string[]) =>
      [
        'set -u',
        `save="$WORK/etc-copy-${name}"; mkdir -p "$save"`,
        'cp -a /etc/firewalld/. "$save" 2>/dev/null || true',
        'mount -t tmpfs tmpfs /etc/firewalld || exit 90',
        'cp -a "$save/." /etc/firewalld/ 2>/dev/null || true',
        'export PATH="$WORK/stub:$PATH"',
        ...scripts.flatMap((x) => [
          `d="$WORK/${x}"; mkdir -p "$d"; status=0`,
          `sh "$WORK/${x}.sh" >"$d/stdout" 2>"$d/stderr" || status=$?`,
          'echo "$status" >"$d/status"',
          'firewall-offline-cmd --check-config >"$d/check" 2>&1; echo "exit $?" >>"$d/check"',
          'firewall-offline-cmd --list-all-zones >"$d/zones" 2>/dev/null',
          'firewall-offline-cmd --list-all-policies >"$d/policies" 2>/dev/null',
          // The services as firewalld stored them (the files: --info-service would cost a call each).
          'for f in /etc/firewalld/services/portplan-*.xml; do',
          '  [ -e "$f" ] && echo "== $(basename "$f" .xml)" && cat "$f"',
          'done >"$d/services"',
        ]),
        // The live check: firewall-offline-cmd refuses what the structure check would refuse.
        `if [ "${name}" = rerun ]; then`,
        '  rule=\'rule family="ipv4" source address="10.0.3.5/33" service name="ssh" accept\'',
        '  firewall-offline-cmd --zone=public --add-rich-rule="$rule" >"$WORK/refused" 2>&1',
        '  echo "exit $?" >>"$WORK/refused"',
        'fi',
      ].join('\n');
    const exits = await Promise.all(
      runs.map(
        ([name, scripts]) =>
          new Promise<string>((done) => {
            const child = spawn('unshare', [...unshare, 'sh', '-c', body(name, scripts)], {
              env: { ...process.env, WORK: work },
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let stderr = '';
            child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
            child.on('close', (code) => done(code === 0 ? '' : `${name}: exit ${code} ${stderr}`));
          }),
      ),
    );
    const failed = exits.filter(Boolean);
    if (failed.length) throw new Error(`the firewall-offline-cmd runs failed: ${failed.join('; ')}`);
    const read = (name: string, f: string) => readFileSync(join(work, name, f), 'utf8');
    for (const name of runs.flatMap(([, scripts]) => scripts)) {
      const services = read(name, 'services')
        .split(/^== /m)
        .filter(Boolean)
        .map((block) => {
          const [service, ...xml] = block.split('\n');
          // Attributes in either order: firewalld writes port before protocol.
          const port = /<port (?=[^>]*port="([^"]+)")(?=[^>]*protocol="([^"]+)")/g;
          const ports = [...xml.join('\n').matchAll(port)].map((m) => `${m[1]}/${m[2]}`);
          return `${service} ${ports.join(' ')}`;
        });
      results[name] = {
        status: Number(read(name, 'status')),
        check: read(name, 'check'),
        zones: read(name, 'zones'),
        policies: read(name, 'policies'),
        services: services.sort(),
        stderr: read(name, 'stderr'),
      };
    }
    // A limit, not a measure: each firewall-offline-cmd call starts Python, seconds apiece on a busy machine.
  }, 600_000);

  // `--list-all-zones` / `--list-all-policies`: a name line, then `  services: ...` and tab-indented rich rules.
  function listing(text: string): Map<string, { services: string[]; rules: string[] }> {
    const out = new Map<string, { services: string[]; rules: string[] }>();
    let current = { services: [] as string[], rules: [] as string[] };
    for (const line of text.split('\n')) {
      if (/^\S/.test(line)) out.set(line.split(' ')[0], (current = { services: [], rules: [] }));
      else if (line.startsWith('  services:')) current.services = line.split(/\s+/).slice(2).filter(Boolean);
      else if (line.startsWith('\trule ')) current.rules.push(line.trim());
    }
    return out;
  }
  const portplanOnly = (m: Map<string, { services: string[]; rules: string[] }>) => {
    const out: Record<string, { services: string[]; rules: string[] }> = {};
    for (const [name, v] of m) {
      const services = v.services.filter((s) => s.startsWith('portplan-'));
      const rules = v.rules.filter((r) => r.includes('service name="portplan-')).sort();
      if (services.length || rules.length) out[name] = { services, rules };
    }
    return out;
  };
  // What the script should leave: its own grants, read from its text, in the zone or the policy.
  function expectedState(c: Case) {
    const text = script(c.name, c.d, c.role, c.args);
    const out: Record<string, { services: string[]; rules: string[] }> = {};
    for (const g of grants(text)) {
      const where = g.where === 'zone' ? c.zone : 'portplan-out';
      const e = (out[where] ??= { services: [], rules: [] });
      if (g.address === undefined) e.services.push(g.service);
      else {
        const side = g.where === 'zone' ? 'source' : 'destination';
        const family = `ipv${parseCidr(g.address)!.family}`;
        e.rules.push(`rule family="${family}" ${side} address="${g.address}" service name="${g.service}" accept`);
      }
    }
    for (const e of Object.values(out)) e.rules.sort();
    const stored = (p: string) => `${p.split(' ')[1]}/${p.split(' ')[0]}`; // "tcp 22" as firewalld lists it: 22/tcp
    const ports = [...services(text)].map(([name, s]) => `${name} ${s.ports.map(stored).join(' ')}`);
    return { state: out, services: ports.sort() };
  }

  live.each(CASES)('$name: runs cleanly, --check-config passes, the zone and policy hold exactly its rules', (c) => {
    const r = results[c.name];
    // Without the daemon's firewalld.conf readable (non-root), firewall-offline-cmd warns and uses its defaults.
    const stderr = r.stderr.split('\n').filter((l) => !/firewalld\.conf|fallback/.test(l) && l);
    expect([r.status, stderr]).toEqual([0, []]);
    expect(r.check).toMatch(/exit 0\n$/);
    const want = expectedState(c);
    const got = { ...portplanOnly(listing(r.zones)), ...portplanOnly(listing(r.policies)) };
    expect(got).toEqual(want.state);
    expect(r.services).toEqual(want.services);
  });

  live('a rerun replaces what the earlier run wrote for the role: no stale rule, service or outbound accept', () => {
    const r = results[rerunSecond.name];
    expect(r.status).toBe(0);
    expect(r.check).toMatch(/exit 0\n$/);
    const want = expectedState(rerunSecond);
    expect({ ...portplanOnly(listing(r.zones)), ...portplanOnly(listing(r.policies)) }).toEqual(want.state);
    expect(r.services).toEqual(want.services);
    // The first run did write outbound accepts and IPv6 rules, so their absence is the rerun's doing.
    const first = expectedState(RERUN_FIRST).state;
    expect(first['portplan-out'].rules).toContainEqual(expect.stringContaining('destination address="fd00:4::/64"'));
    expect(first.public.services.length).toBeGreaterThan(0);
  });

  live('firewall-offline-cmd is a live check: it refuses 10.0.3.5/33', () => {
    expect(readFileSync(join(work, 'refused'), 'utf8')).toMatch(/INVALID_ADDR: 10\.0\.3\.5\/33[\s\S]*exit [1-9]/);
  });

  live("the machine's /etc/firewalld is untouched", () => {
    expect(snapshot()).toBe(before.text);
  });
});

describe('firewalld options', () => {
  const bin = join(ROOT, 'bin/portplan.js');
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, 'host-firewall', ...args], { encoding: 'utf8' });
  const LINUX = ['--preset', 'smart-update-manager', '--os', 'linux', '--role', 'sum:target:linux'];
  const SP = ['--preset', 'serverprotect', '--os', 'windows', '--role', 'serverprotect:console'];

  test.each<[string, string[], RegExp]>([
    ['firewalld for Windows', [...SP, '--format', 'firewalld'], /--format "firewalld": --os windows takes powershell/],
    ['--zone without firewalld', [...LINUX, '--zone', 'public'], /--zone "public": a firewalld zone; --format nft/],
    [
      'a zone name firewalld refuses',
      [...LINUX, '--format', 'firewalld', '--zone', 'a-zone-name-too-long'],
      /--zone "a-zone-name-too-long": a zone name: letters, digits, _, - or \/, at most 17 characters/,
    ],
    ['an unknown format', [...LINUX, '--format', 'iptables'], /'iptables' is invalid. Allowed choices are powershell/],
  ])('%s: exit 2 and the message', (_name, args, message) => {
    const r = cli(...args);
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(message);
  });

  test('--zone names the zone in the script; without it the script asks firewalld for the default zone', () => {
    const addressed = [...LINUX, '--address', 'workstation=10.0.3.5/32', '--format', 'firewalld'];
    expect(cli(...addressed, '--zone', 'internal').stdout).toContain("\nzone='internal'\n");
    expect(cli(...addressed).stdout).toMatch(/zone=\$\(fw --get-default-zone\)/);
  });
});
