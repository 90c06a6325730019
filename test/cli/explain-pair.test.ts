import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { parsePortRange } from '../../lib/cli/explain';
import { ArgumentError, PRESETS, resolve } from '../../lib/model';
import { explainPair } from '../../lib/verify/explain-pair';

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
