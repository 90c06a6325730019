import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseIcmpPort, parsePortRange } from '../../lib/cli/explain';
import { ArgumentError, PRESETS, resolve } from '../../lib/model';
import { explainPair } from '../../lib/verify/explain-pair';
import { ICMP_CATALOG, ICMP_DECLARATION } from '../support/icmp-catalog';

const ROOT = join(__dirname, '../..');
const portplan = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const sp = resolve(PRESETS.serverprotect);

test('no port: every flow of both directions, the exact packets, and a closed witness no row requires', () => {
  const a = explainPair(sp, { from: 'console', to: 'information-server' });
  expect(
    a.directions.map((d) => [d.from, d.to, d.flows.map((f) => [f.flow.protocol, f.flow.fromPort, f.rows])]),
  ).toEqual([
    [
      'console',
      'information-server',
      [
        ['tcp', 3000, ['SP2']],
        ['tcp', 5005, ['SP4']],
        ['udp', 3000, ['SP2']],
      ],
    ],
    ['information-server', 'console', [['tcp', 1000, ['SP1']]]],
  ]);
  expect(a.directions[1].open).toEqual([
    'tcp information-server@0.0.0.0/0 -> console@0.0.0.0/0 1000-1009',
    'tcp information-server@::/0 -> console@::/0 1000-1009',
  ]);
  // The witness of what stays closed is a packet of one family, from the asked side to the other.
  const w = a.directions[1].closedWitness!;
  expect([w.source.hostClass, w.destination.hostClass]).toEqual(['information-server', 'console']);
  expect(w.source.address.includes(':')).toBe(w.destination.address.includes(':'));
});

test('for every ordered pair of parties, the flows listed are exactly the plan flows between them', () => {
  const parties = [...sp.declaration.groups.map((g) => g.name), ...sp.declaration.peers.map((p) => p.name)];
  fc.assert(
    fc.property(fc.constantFrom(...parties), fc.constantFrom(...parties), (from, to) => {
      const [there, back] = explainPair(sp, { from, to }).directions;
      const between = (x: string, y: string) => sp.flows.filter((f) => f.from.name === x && f.to.name === y);
      expect(there.flows.map((f) => f.flow)).toEqual(between(from, to));
      expect(back.flows.map((f) => f.flow)).toEqual(from === to ? between(from, to) : between(to, from));
      expect(there.open.length === 0).toBe(there.flows.length === 0);
    }),
  );
});

test('a port range: only the packets of that protocol and range, flows cut to them', () => {
  const a = explainPair(sp, {
    from: 'information-server',
    to: 'console',
    port: { protocol: 'tcp', from: 1005, to: 1019 },
  });
  expect(a.directions).toHaveLength(1);
  expect(a.directions[0].flows.map((f) => f.packets)).toEqual([
    [
      'tcp information-server@0.0.0.0/0 -> console@0.0.0.0/0 1005-1009',
      'tcp information-server@::/0 -> console@::/0 1005-1009',
    ],
  ]);
  expect(a.directions[0].closedWitness).toMatchObject({ protocol: 6, port: 1010 });
  const none = explainPair(sp, {
    from: 'information-server',
    to: 'console',
    port: { protocol: 'udp', from: 1000, to: 1009 },
  });
  expect([none.directions[0].flows, none.directions[0].open]).toEqual([[], []]);
  expect(none.directions[0].closedWitness).toMatchObject({ protocol: 17, port: 1000 });
});

test('--port forms: a protocol before or after a range; single ports stay with the older answer', () => {
  expect(parsePortRange('udp/1000-1009')).toEqual({ protocol: 'udp', from: 1000, to: 1009 });
  expect(parsePortRange('1000-1009/TCP')).toEqual({ protocol: 'tcp', from: 1000, to: 1009 });
  expect(parsePortRange('1000-1009')).toEqual({ from: 1000, to: 1009 });
  expect(parsePortRange('tcp/3628')).toEqual({ protocol: 'tcp', from: 3628, to: 3628 });
  expect(parsePortRange('3628/tcp')).toBeUndefined();
  expect(parsePortRange('3628')).toBeUndefined();
  expect(() => parsePortRange('1009-1000/udp')).toThrow(ArgumentError);
  expect(() => parsePortRange('udp/1-70000')).toThrow(/--port: a range <from>-<to> within 0-65535/);
});

test('an unknown party is an argument error naming the side', () => {
  expect(() => explainPair(sp, { from: 'consle', to: 'console' })).toThrow(/^from: a group or peer of the declaration/);
});

test('the CLI: both directions in one call; --json is explainPair() itself', () => {
  const r = portplan('explain', '--preset', 'serverprotect', '--from', 'console', '--to', 'information-server');
  expect(r.code).toBe(0);
  expect(r.out.split('\n').filter((l) => /^\S+ -> \S+: /.test(l))).toEqual([
    'console -> information-server: the plan opens 3 flows',
    'information-server -> console: the plan opens 1 flow',
  ]);
  const j = portplan(
    'explain',
    '--preset',
    'serverprotect',
    '--from',
    'console',
    '--to',
    'information-server',
    '--json',
  );
  expect(JSON.parse(j.out)).toEqual(
    JSON.parse(JSON.stringify(explainPair(sp, { from: 'console', to: 'information-server' }))),
  );
});

describe('--port with ICMP messages: icmp, icmp:<type>, icmp:<type>/<code>, icmpv6:...', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplan-explain-icmp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const catalog = join(dir, 'icmp.json');
  const site = join(dir, 'site.json');
  writeFileSync(catalog, JSON.stringify(ICMP_CATALOG));
  writeFileSync(site, JSON.stringify(ICMP_DECLARATION));
  const plan = resolve(ICMP_DECLARATION, { catalogs: [ICMP_CATALOG] });
  const explainIcmp = (from: string, to: string, port: string, ...more: string[]) =>
    portplan('explain', '--file', site, '--catalog', catalog, '--from', from, '--to', to, '--port', port, ...more);

  test('the forms: every message, a type (every code), a type and code; either protocol, any case', () => {
    expect(parseIcmpPort('icmp')).toEqual({ protocol: 'icmp', icmp: {} });
    expect(parseIcmpPort('icmp:8')).toEqual({ protocol: 'icmp', icmp: { type: 8 } });
    expect(parseIcmpPort('ICMP:3/4')).toEqual({ protocol: 'icmp', icmp: { type: 3, code: 4 } });
    expect(parseIcmpPort('icmpv6:128/0')).toEqual({ protocol: 'icmpv6', icmp: { type: 128, code: 0 } });
    expect(parseIcmpPort('icmpv6:255/255')).toEqual({ protocol: 'icmpv6', icmp: { type: 255, code: 255 } });
    // Ports and ranges are not ICMP: the other parsers take them.
    expect([parseIcmpPort('3628/tcp'), parseIcmpPort('udp/1000-1009')]).toEqual([undefined, undefined]);
    for (const bad of ['icmp:256', 'icmp:3/256', 'icmp:', 'icmp:x', 'icmp:3/', 'icmpv6:-1', 'icmp:3-4'])
      expect(() => parseIcmpPort(bad)).toThrow(
        new RegExp(`^--port: must be icmp(v6)? \\(every message\\), .* type and code 0-255, .*\\(got "${bad}"\\)$`),
      );
  });

  test('a type, and a type and code, answered from the plan: the flow, the exact messages', () => {
    const r = explainIcmp('monitors', 'nodes', 'icmp:8');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.split('\n')).toEqual([
      'monitors -> nodes: the plan opens 1 flow',
      '  flow monitors -> nodes icmp 8 (PNG1)',
      '  exactly:',
      '    icmp monitors@0.0.0.0/0 -> nodes@0.0.0.0/0 type 8',
      '    icmp monitors@::/0 -> nodes@::/0 type 8',
      '',
    ]);
    const probe = explainIcmp('probe', 'nodes', 'icmp:3/4');
    expect(probe.out).toMatch(/^probe -> nodes: the plan opens 1 flow\n {2}flow probe -> nodes icmp 3\/4 \(PNG3\)\n/);
    expect(probe.out).not.toMatch(/closed/);
    // Another code of the same type: no row requires it, with that very message as the witness.
    const other = explainIcmp('probe', 'nodes', 'icmp:3/1');
    expect(other.out).toMatch(/^probe -> nodes: the plan opens nothing\n {2}all of it closed: .*type 3 code 1\)\n$/);
  });

  test('every message: what the plan opens of them, and a message it leaves closed', () => {
    const r = explainIcmp('monitors', 'nodes', 'icmp');
    expect(r.out).toMatch(/flow monitors -> nodes icmp 8 \(PNG1\)/);
    expect(r.out).toMatch(/everything else closed: no vendor row requires it \(e\.g\. icmp .* type 0 code 0\)/);
    // ICMPv6 the other way: every message, one flow.
    const v6 = explainIcmp('nodes', 'monitors', 'icmpv6');
    expect(v6.out).toMatch(
      /^nodes -> monitors: the plan opens 1 flow\n {2}flow nodes -> monitors icmpv6 all \(PNG2\)\n/,
    );
    expect(v6.out).not.toMatch(/closed/);
  });

  test('--json is explainPair() with the messages, as for a range', () => {
    const r = explainIcmp('monitors', 'nodes', 'icmp:8/0', '--json');
    expect(r.code).toBe(0);
    const query = { from: 'monitors', to: 'nodes', port: { protocol: 'icmp' as const, icmp: { type: 8, code: 0 } } };
    expect(JSON.parse(r.out)).toEqual(JSON.parse(JSON.stringify(explainPair(plan, query))));
    expect(explainPair(plan, query).directions[0].open).toEqual([
      'icmp monitors@0.0.0.0/0 -> nodes@0.0.0.0/0 type 8 code 0',
      'icmp monitors@::/0 -> nodes@::/0 type 8 code 0',
    ]);
  });

  test('a bad value: exit 2 naming --port, the value and every form allowed', () => {
    const r = explainIcmp('monitors', 'nodes', 'icmp:300');
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toMatch(/^portplan: --port: must be icmp \(every message\), icmp:<type> .* \(got "icmp:300"\)\n/);
    const other = explainIcmp('monitors', 'nodes', 'ping');
    expect(other.code).toBe(2);
    expect(other.err).toMatch(
      /^portplan: --port: must be <port>\/<tcp\|udp> .*a range \(udp\/1000-1009\), or ICMP messages: icmp .*icmpv6 \(got "ping"\)\n/,
    );
  });
});
