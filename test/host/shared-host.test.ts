// Several roles on one host, with role ids that are prefixes of each other (shop:app, shop:app:batch)
// or differ only in ':' and '-' (shop:app:batch, shop:app-batch): each role's script writes names of
// its own and removes exactly what it wrote, whatever order the scripts run in.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { hostFirewall, type HostRule } from '../../lib/host';
import { firewalldServiceName } from '../../lib/host/firewalld';
import { nftChainName } from '../../lib/host/nftables';
import { windowsRuleName } from '../../lib/host/powershell';
import { NAME_TARGETS, nameKey, resolve, type CatalogDeclaration, type CatalogDefinition } from '../../lib/model';
import { SHOP } from '../support/shop-catalog';
import { nftCheck } from '../support/host';
import { requireTool } from '../support/tools';

const APP = 'shop:app';
const BATCH = 'shop:app:batch';
const DASH = 'shop:app-batch';

// The shop catalog with two more application roles, each listening on tcp 7000 for the web tier.
const base = SHOP.definition;
const batchRow = (id: string, role: string): CatalogDefinition['rows'][number] => ({
  id,
  purpose: `web tier to ${role}`,
  condition: 'always',
  citation: { document: 'design' },
  flows: [
    {
      listener: { roles: [role] },
      initiator: { roles: ['shop:web'] },
      protocol: 'tcp',
      ports: { kind: 'fixed', ports: [7000] },
    },
  ],
});
const catalog: CatalogDefinition = {
  ...base,
  roles: [
    ...base.roles,
    { id: BATCH, label: 'Example Shop batch jobs', hostOs: ['linux', 'windows'] },
    { id: DASH, label: 'Example Shop batch service', hostOs: ['linux', 'windows'] },
  ],
  rows: [...base.rows, batchRow('BATCH1', BATCH), batchRow('BATCH2', DASH)],
  presets: [],
};
const declaration: CatalogDeclaration = {
  groups: [
    { name: 'shop-web', role: 'shop:web' },
    { name: 'shop-app', role: APP },
    { name: 'shop-db', role: 'shop:db' },
    { name: 'batch', role: BATCH },
    { name: 'batch-service', role: DASH },
  ],
  egress: 'restricted',
};
const r = resolve(declaration, { catalogs: [catalog] });
const ADDRESSES = ['shop-web=10.0.1.0/24,fd00:1::/64', 'shop-db=10.0.3.0/24'];
// firewalld's zone named: asking firewall-offline-cmd for the default zone costs a second per script.
const script = (role: string, format: 'nftables' | 'firewalld' | 'powershell', addresses = ADDRESSES) =>
  hostFirewall(r, {
    role,
    os: format === 'powershell' ? 'windows' : 'linux',
    format,
    addresses,
    ...(format === 'firewalld' ? { zone: 'public' } : {}),
  }).text;

const dir = mkdtempSync(join(tmpdir(), 'portplan-shared-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('names: each role its own', () => {
  test('firewalld services: each role and remote its own', () => {
    const names = (role: string) => [...script(role, 'firewalld').matchAll(/--name=(\S+) /g)].map((m) => m[1]);
    const all = [APP, BATCH, DASH].flatMap((role) => names(role).map((name) => ({ role, name })));
    expect(all.length).toBe(4);
    expect(new Set(all.map((x) => x.name)).size).toBe(all.length);
  });

  test('nftables chains: each role its own pair', () => {
    const chains = (role: string) =>
      [...script(role, 'nftables').matchAll(/^add chain inet filter (\S+)$/gm)].map((m) => m[1]);
    const all = [APP, BATCH, DASH].flatMap(chains);
    expect(all.length).toBe(6);
    expect(new Set(all).size).toBe(6);
  });

  test("nftables: an earlier version's chain name that differs is named in a comment, never flushed or deleted", () => {
    // Earlier versions wrote ':' and '-' both as '_': shop:app-batch's chains were shop:app:batch's.
    const text = script(DASH, 'nftables');
    expect(text).toMatch(
      /^# Earlier portplan versions named these chains portplan_shop_app_batch_in and portplan_shop_app_batch_out/m,
    );
    const commands = text.split('\n').filter((l) => !l.startsWith('#'));
    expect(commands.join('\n')).not.toMatch(/portplan_shop_app_batch_(in|out)\b/);
    expect(script(APP, 'nftables')).not.toContain('Earlier portplan versions');
  });

  test('Windows rules: -Name distinct across the roles (Windows compares without regard to case)', () => {
    const names = [APP, BATCH, DASH].flatMap((role) =>
      [...script(role, 'powershell').matchAll(/-Name '([^']+)'/g)].map((m) => m[1].toLowerCase()),
    );
    expect(names.length).toBeGreaterThan(3);
    expect(new Set(names).size).toBe(names.length);
  });

  test('Windows: each script removes its own rule group by its exact name, which holds no wildcard', () => {
    for (const role of [APP, BATCH, DASH]) {
      const text = script(role, 'powershell');
      const removes = text.split('\n').filter((l) => l.startsWith('Remove-NetFirewallRule'));
      expect(removes).toEqual([`Remove-NetFirewallRule -Group 'portplan ${role}' -ErrorAction SilentlyContinue`]);
      // -Group takes wildcards (Remove-NetFirewallRule, parameter -Group): a role id never holds one.
      expect(role).not.toMatch(/[*?[\]`]/);
      for (const m of text.matchAll(/-Group '([^']+)'/g)) expect(m[1]).toBe(`portplan ${role}`);
    }
  });
});

// Role ids and remote names built to collide under joining: the templates' own words, both
// separators role ids allow, ids that are prefixes of each other.
// Few words, so that random lists hold such pairs often.
const WORDS = ['a', 'b', 'in', 'out', 'from', 'to', 'tcp'];
const words = (min: number) => fc.array(fc.constantFrom(...WORDS), { minLength: min, maxLength: 3 });
const roleId = fc
  .tuple(words(2), fc.array(fc.constantFrom('-', ':'), { minLength: 3, maxLength: 3 }))
  .map(([w, seps]) => w.map((x, i) => (i === 0 ? x : `${i === 1 ? ':' : seps[i - 1]}${x}`)).join(''));
const remoteName = words(1).map((w) => w.join('-'));
const direction = fc.constantFrom<HostRule['direction']>('inbound', 'outbound');
type Entry = [role: string, x: { direction: HostRule['direction']; remote: string; port: number }];
const port = fc.integer({ min: 1, max: 3 });
const entry = fc.tuple(roleId, fc.record({ direction, remote: remoteName, port }));
// Two entries that joined strings confuse: role P-w-X with remote Y beside role P with remote X-v-Y.
const SEPARATORS = ['in', 'out', 'from', 'to'];
const confusable = fc
  .tuple(
    roleId,
    remoteName,
    remoteName,
    fc.constantFrom(...SEPARATORS),
    fc.constantFrom(...SEPARATORS),
    direction,
    direction,
    port,
  )
  .map(([p, x, y, w, v, d1, d2, n]): Entry[] => [
    [`${p}-${w}-${x}`, { direction: d1, remote: y, port: n }],
    [p, { direction: d2, remote: `${x}-${v}-${y}`, port: n }],
  ]);
const key = ([role, x]: Entry) => `${role} ${x.direction} ${x.remote} ${x.port}`;

test('distinct roles, directions, remotes and ports give distinct names on every host target', () => {
  const entries = fc
    .tuple(fc.array(confusable, { maxLength: 10 }), fc.array(entry, { maxLength: 20 }))
    .map(([pairs, more]) => [...new Map([...pairs.flat(), ...more].map((e) => [key(e), e])).values()]);
  fc.assert(
    fc.property(entries, (list) => {
      const rule = (x: { direction: HostRule['direction']; remote: string; port: number }): HostRule => ({
        direction: x.direction,
        protocol: 'tcp',
        fromPort: x.port,
        toPort: x.port,
        remote: { kind: 'group', name: x.remote, role: 'shop:web' },
        addresses: [],
        rows: [],
        description: '',
      });
      const distinct = (target: keyof typeof NAME_TARGETS, keys: string[], names: string[]) => {
        const byName = new Map<string, string>();
        for (const [i, n] of names.entries()) {
          expect(n).toMatch(NAME_TARGETS[target].valid);
          const k = nameKey(NAME_TARGETS[target], n);
          expect([k, byName.get(k) ?? keys[i]]).toEqual([k, keys[i]]);
          byName.set(k, keys[i]);
        }
      };
      const services = list.map(([role, x]) => [
        `${role} ${x.direction} ${x.remote}`,
        firewalldServiceName(role, x.direction, x.remote),
      ]);
      distinct(
        'firewalldService',
        services.map((e) => e[0]),
        services.map((e) => e[1]),
      );
      const chains = list.map(([role, x]) => [`${role} ${x.direction}`, nftChainName(role, x.direction)]);
      distinct(
        'nftChain',
        chains.map((e) => e[0]),
        chains.map((e) => e[1]),
      );
      const rules = list.map(([role, x]) => [
        `${role} ${x.direction} ${x.remote} ${x.port}`,
        windowsRuleName(role, rule(x)),
      ]);
      distinct(
        'windowsRule',
        rules.map((e) => e[0]),
        rules.map((e) => e[1]),
      );
    }),
    { numRuns: 200 },
  );
});

/** Rule lines of each chain of table inet filter as `nft list table` prints them. */
function chainsOf(listing: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of listing.split('\n')) {
    const chain = /^\tchain (\S+) \{$/.exec(line);
    if (chain) out.set(chain[1], (current = []));
    else if (/^\t\t\S/.test(line) && current) current.push(line.trim());
  }
  return out;
}

describe('nftables: loaded one after another in a private network namespace', () => {
  const nft = requireTool('nft', 'apt-get install -y nftables');
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const load = (files: string[]) => {
    const body = 'for f in "$@"; do "$0" -f "$f" || exit 1; done; "$0" list table inet filter';
    const res = spawnSync('unshare', ['-rn', 'sh', '-c', body, nft.path!, ...files], { encoding: 'utf8' });
    expect([res.status, res.stderr]).toEqual([0, '']);
    return chainsOf(res.stdout);
  };
  // What each role's ruleset alone leaves: its chains and their rules.
  const alone = (role: string, addresses = ADDRESSES) =>
    load([file(`${role}-alone.nft`, script(role, 'nftables', addresses))]);

  nft.test.each([
    ['a then b', [APP, BATCH, DASH]],
    ['b then a', [DASH, BATCH, APP]],
  ])('%s: every role keeps its own chains and rules', (_name, order) => {
    for (const role of order) expect(nftCheck(nft.path!, file(`${role}.nft`, script(role, 'nftables'))).status).toBe(0);
    const got = load(order.map((role) => join(dir, `${role}.nft`)));
    const want = new Map(order.flatMap((role) => [...alone(role)]));
    expect(want.size).toBe(6);
    expect(got).toEqual(want);
    for (const [, rules] of want) expect(rules.every((x) => /accept/.test(x))).toBe(true);
  });

  nft.test("re-run with other addresses: the role's rules are replaced, the others' kept", () => {
    const changed = ['shop-web=10.0.7.0/24', 'shop-db=10.0.3.0/24'];
    const files = [
      file('rerun-app-1.nft', script(APP, 'nftables')),
      file('rerun-batch.nft', script(BATCH, 'nftables')),
      file('rerun-app-2.nft', script(APP, 'nftables', changed)),
    ];
    const got = load(files);
    const want = new Map([...alone(BATCH), ...alone(APP, changed)]);
    expect(got).toEqual(want);
    expect([...got.values()].flat().join('\n')).not.toContain('10.0.1.0/24 tcp dport 8443');
  });
});

describe('firewalld: run with firewall-offline-cmd in private mount namespaces', () => {
  const tool = requireTool('firewall-offline-cmd', 'apt-get install -y firewalld');
  const unshare = process.getuid?.() === 0 ? ['-m'] : ['-rm'];
  const live = tool.path !== undefined && spawnSync('unshare', [...unshare, 'true']).status === 0 ? test : test.skip;
  const work = join(dir, 'firewalld');
  // One address each: every rich rule is a firewall-offline-cmd call, a second or so.
  const FIRST = ['shop-web=10.0.1.0/24', 'shop-db=10.0.3.0/24'];
  const CHANGED = ['shop-web=10.0.7.0/24', 'shop-db=10.0.3.0/24'];
  const SCRIPTS: Record<string, [string, string[]]> = {
    app: [APP, FIRST],
    batch: [BATCH, FIRST],
    dash: [DASH, FIRST],
    app2: [APP, CHANGED],
  };
  // What an earlier portplan version left: services named portplan-<role, ':' as '-'>-from-<remote>,
  // short text "portplan <role> from <remote>"; and a service of the administrator's own whose name
  // starts like them.
  const EARLIER = [
    ['portplan-shop-app-from-shop-web', 'portplan shop:app from shop-web', '8443', '10.0.1.0/24'],
    ['portplan-shop-app-batch-from-shop-web', 'portplan shop:app:batch from shop-web', '7000', '10.0.1.0/24'],
    ['portplan-shop-app-from-mine', 'my own service', '9999', '10.0.9.0/24'],
  ];
  const seed = EARLIER.flatMap(([name, short, port, source]) => [
    `printf '%s\\n' '<?xml version="1.0" encoding="utf-8"?>' '<service>' '  <short>${short}</short>' \\`,
    `  '  <port protocol="tcp" port="${port}"/>' '</service>' >"$out/${name}.xml"`,
    `firewall-offline-cmd --new-service-from-file="$out/${name}.xml" --name=${name} >/dev/null`,
    `firewall-offline-cmd --zone=public --add-rich-rule='rule family="ipv4" source address="${source}" service name="${name}" accept' >/dev/null`,
  ]);
  // Between them, the two orders put each role's script after each other role's; "one" also re-runs
  // shop:app with other addresses after the others.
  const RUNS: Record<string, { seed?: string[]; scripts: string[] }> = {
    one: { scripts: ['app', 'batch', 'dash', 'app2'] },
    two: { scripts: ['app', 'dash', 'batch'] },
    earlier: { seed, scripts: ['app'] },
  };
  const results: Record<string, { status: string; zones: string; policies: string; services: string }> = {};

  beforeAll(async () => {
    if (live !== test) return;
    mkdirSync(join(work, 'stub'), { recursive: true });
    writeFileSync(join(work, 'stub/firewall-cmd'), '#!/bin/sh\necho "not running" >&2\nexit 252\n');
    chmodSync(join(work, 'stub/firewall-cmd'), 0o755);
    for (const [name, [role, addresses]] of Object.entries(SCRIPTS)) {
      writeFileSync(join(work, `${name}.sh`), script(role, 'firewalld', addresses));
    }
    const body = (run: string) =>
      [
        'set -u',
        `out="$WORK/${run}"; mkdir -p "$out"; save="$out/etc"; mkdir -p "$save"`,
        'cp -a /etc/firewalld/. "$save" 2>/dev/null || true',
        'mount -t tmpfs tmpfs /etc/firewalld || exit 90',
        'cp -a "$save/." /etc/firewalld/ 2>/dev/null || true',
        'export PATH="$WORK/stub:$PATH"',
        ...(RUNS[run].seed ?? []),
        ...RUNS[run].scripts.map(
          (s) => `sh "$WORK/${s}.sh" >/dev/null 2>>"$out/stderr" || echo "${s} $?" >>"$out/status"`,
        ),
        'touch "$out/status"',
        'firewall-offline-cmd --list-all-zones >"$out/zones" 2>/dev/null',
        'firewall-offline-cmd --list-all-policies >"$out/policies" 2>/dev/null',
        'for f in /etc/firewalld/services/*.xml; do [ -e "$f" ] && echo "== $(basename "$f" .xml)" && cat "$f"; done >"$out/services"',
      ].join('\n');
    await Promise.all(
      Object.keys(RUNS).map(
        (run) =>
          new Promise<void>((done, fail) => {
            const child = spawn('unshare', [...unshare, 'sh', '-c', body(run)], {
              env: { ...process.env, WORK: work },
              stdio: 'ignore',
            });
            child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${run}: exit ${code}`))));
          }),
      ),
    );
    for (const run of Object.keys(RUNS)) {
      const read = (f: string) => readFileSync(join(work, run, f), 'utf8');
      results[run] = {
        status: read('status'),
        zones: read('zones'),
        policies: read('policies'),
        services: read('services'),
      };
    }
    // A limit, not a measure: each firewall-offline-cmd call starts Python, seconds apiece on a busy machine.
  }, 600_000);

  /** Rich rules and services naming a portplan service (or one of `also`), by zone or policy; service ports by name. */
  function state(zones: string, policies: string, services: string, also: string[] = []) {
    const ours = (s: string) => s.startsWith('portplan-') || also.includes(s);
    const where: Record<string, string[]> = {};
    for (const text of [zones, policies]) {
      let name = '';
      for (const line of text.split('\n')) {
        if (/^\S/.test(line)) name = line.split(' ')[0];
        const service = /service name="([^"]+)"/.exec(line)?.[1];
        if (line.startsWith('\trule ') && service && ours(service)) (where[name] ??= []).push(line.trim());
        if (line.startsWith('  services:')) {
          for (const s of line.split(/\s+/).slice(2).filter(ours)) (where[name] ??= []).push(`service ${s}`);
        }
      }
    }
    for (const k of Object.keys(where)) where[k].sort();
    const ports: Record<string, string[]> = {};
    for (const block of services.split(/^== /m).filter(Boolean)) {
      const [name, ...xml] = block.split('\n');
      if (!ours(name)) continue;
      const port = /<port (?=[^>]*port="([^"]+)")(?=[^>]*protocol="([^"]+)")/g;
      ports[name] = [...xml.join('\n').matchAll(port)].map((m) => `${m[1]}/${m[2]}`).sort();
    }
    return { where, ports };
  }
  /** What one script leaves on a fresh configuration, read from its own text. */
  function written(name: string) {
    const text = readFileSync(join(work, `${name}.sh`), 'utf8');
    const where: Record<string, string[]> = {};
    for (const m of text.matchAll(
      /^fw --(zone|policy)="\$(?:zone|policy)" --add-rich-rule='([^']*)' >\/dev\/null$/gm,
    )) {
      (where[m[1] === 'zone' ? 'public' : 'portplan-out'] ??= []).push(m[2]);
    }
    const ports: Record<string, string[]> = {};
    for (const m of text.matchAll(/^cat > "\$tmp\/(\S+)\.xml" <<'PORTPLAN_XML'\n([\s\S]*?)\nPORTPLAN_XML$/gm)) {
      ports[m[1]] = [...m[2].matchAll(/<port protocol="(\w+)" port="([\d-]+)"\/>/g)]
        .map((p) => `${p[2]}/${p[1]}`)
        .sort();
    }
    return { where, ports };
  }
  function union(...states: { where: Record<string, string[]>; ports: Record<string, string[]> }[]) {
    const where: Record<string, string[]> = {};
    for (const s of states) for (const [k, v] of Object.entries(s.where)) where[k] = [...(where[k] ?? []), ...v].sort();
    return { where, ports: Object.assign({}, ...states.map((s) => s.ports)) as Record<string, string[]> };
  }
  const got = (run: string, also: string[] = []) => {
    expect(results[run].status).toBe('');
    return state(results[run].zones, results[run].policies, results[run].services, also);
  };

  live(
    "shop:app, shop:app:batch, shop:app-batch, then shop:app again: the re-run replaces its own, keeps the others'",
    () => {
      const want = union(written('batch'), written('dash'), written('app2'));
      expect(Object.keys(want.ports)).toHaveLength(4);
      expect(got('one')).toEqual(want);
      // The first shop:app run's rules were there to replace: the check can fail.
      const first = written('app').where.public;
      expect(first.length).toBeGreaterThan(0);
      for (const rule of first) expect(got('one').where.public).not.toContain(rule);
    },
  );

  live('shop:app, shop:app-batch, shop:app:batch: every role keeps its services and rich rules', () => {
    const want = union(written('app'), written('batch'), written('dash'));
    expect(Object.keys(want.ports)).toHaveLength(4);
    expect(got('two')).toEqual(want);
  });

  live("an earlier version's services of the role are removed; another role's and the administrator's stay", () => {
    const keep = EARLIER.slice(1);
    const left = {
      where: {
        public: keep.map(
          ([name, , , source]) => `rule family="ipv4" source address="${source}" service name="${name}" accept`,
        ),
      },
      ports: Object.fromEntries(keep.map(([name, , port]) => [name, [`${port}/tcp`]])),
    };
    expect(got('earlier', ['portplan-shop-app-from-mine'])).toEqual(union(written('app'), left));
  });
});
