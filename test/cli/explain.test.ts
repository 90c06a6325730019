import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PRESETS, explain, resolve, type Explanation } from '../../lib/model';

// The real bin, as `npx portplan` runs it (`npm test` builds dist/ first).
const ROOT = join(__dirname, '../..');
function portplan(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('portplan explain', () => {
  test('an open port: the verdict, the flow, and each row with condition, options and source', () => {
    const r = portplan(
      'explain',
      '--preset',
      'serverprotect',
      '--from',
      'normal-servers',
      '--to',
      'information-server',
      '--port',
      '3628/tcp',
    );
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual(
      expect.arrayContaining([
        'normal-servers -> information-server 3628/tcp: allowed by the plan',
        '  flow normal-servers -> information-server tcp 3628 (SP6)',
        '    condition: communication tcpip',
        '    controlled by: serverProtect.communication',
        expect.stringMatching(/^ {4}source: Trend Micro ServerProtect for Windows 5\.8 .*, row SP6$/),
      ]),
    );
  });

  test('a closed port: what would open it', () => {
    const r = portplan(
      'explain',
      '--preset',
      'serverprotect',
      '--from',
      'console',
      '--to',
      'information-server',
      '--port',
      '3628',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'console -> information-server 3628/tcp: not allowed by the plan\n  would be opened by:\n  SP6:',
    );
    expect(r.out).toContain('needs: the connection to come from a group of role serverprotect:normal-server');
  });

  const bare = (from: string, port: string, ...more: string[]) =>
    portplan(
      'explain',
      '--preset',
      'serverprotect',
      '--from',
      from,
      '--to',
      'information-server',
      '--port',
      port,
      ...more,
    );
  const verdicts = (out: string) => out.split('\n').filter((l) => /^\S+ -> \S+ \d+\/(tcp|udp): /.test(l));

  test('a bare port that the catalog opens over one protocol only: taken as that one, and said so', () => {
    const r = bare('console', '3628');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(
      '3628 taken as 3628/tcp: the catalog opens 3628 to serverprotect:information-server over tcp only',
    );
    expect(verdicts(r.out)).toEqual(['console -> information-server 3628/tcp: not allowed by the plan']);
    const udpOnly = bare('normal-servers', '137');
    expect(udpOnly.out.split('\n')[0]).toBe(
      '137 taken as 137/udp: the catalog opens 137 to serverprotect:information-server over udp only',
    );
    expect(verdicts(udpOnly.out)).toEqual(['normal-servers -> information-server 137/udp: allowed by the plan']);
  });

  test('a bare port that the catalog opens over tcp and udp: both explained', () => {
    const r = bare('console', '3000');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(
      '3000 explained for tcp and udp: the catalog opens 3000 to serverprotect:information-server over both',
    );
    expect(verdicts(r.out)).toEqual([
      'console -> information-server 3000/tcp: allowed by the plan',
      'console -> information-server 3000/udp: allowed by the plan',
    ]);
    // Each answer is the one its protocol gives on its own.
    const tcp = bare('console', '3000/tcp').out;
    const udp = bare('console', '3000/udp').out;
    expect(r.out.split('\n').slice(1).join('\n')).toBe(`${tcp}${udp}`);
  });

  test('a bare port no row opens: both protocols, not allowed', () => {
    const r = bare('console', '9999');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(
      '9999 explained for tcp and udp: no row of the catalog opens 9999 to serverprotect:information-server',
    );
    expect(verdicts(r.out)).toEqual([
      'console -> information-server 9999/tcp: not allowed by the plan',
      'console -> information-server 9999/udp: not allowed by the plan',
    ]);
  });

  test('--json with a bare port: the one protocol taken; with two, the protocol is asked for (exit 2)', () => {
    const one = bare('console', '3628', '--json');
    expect(one.code).toBe(0);
    expect((JSON.parse(one.out) as Explanation).query).toEqual({
      from: 'console',
      to: 'information-server',
      port: 3628,
      protocol: 'tcp',
    });
    const two = bare('console', '3000', '--json');
    expect([two.code, two.out]).toEqual([2, '']);
    expect(two.err).toMatch(
      /^portplan: --port: a port with its protocol for --json, 3000\/tcp or 3000\/udp: the catalog opens 3000 to serverprotect:information-server over both \(got "3000"\)\n/,
    );
  });

  test('--help says what a bare port means', () => {
    const r = portplan('explain', '--help');
    expect(r.out.replace(/\s+/g, ' ')).toContain(
      'A bare --port (3628) is taken as the protocol the catalog opens it over to the --to group; ' +
        'when it opens it over both tcp and udp, or over neither, both are explained.',
    );
  });

  test('--json is explain() itself', () => {
    const r = portplan(
      'explain',
      '--preset',
      'smart-update-manager-7',
      '--from',
      '192.168.50.7/32',
      '--to',
      'workstation',
      '--port',
      '63001/tcp',
      '--json',
    );
    expect(r.code).toBe(0);
    const want = explain(resolve(PRESETS['smart-update-manager-7']), {
      from: '192.168.50.7/32',
      to: 'workstation',
      port: 63001,
      protocol: 'tcp',
    });
    expect(JSON.parse(r.out) as Explanation).toEqual(JSON.parse(JSON.stringify(want)));
    expect(want.allowed).toBe(true);
  });

  test.each([
    [
      ['--from', 'bastion', '--to', 'console', '--port', '1000/tcp'],
      /^portplan: --from: must be a group or peer of the declaration .* \(got "bastion"\)/,
    ],
    [
      ['--from', 'console', '--to', 'nowhere', '--port', '1000/tcp'],
      /^portplan: --to: must be a group of the declaration: console, information-server, normal-servers \(got "nowhere"\)/,
    ],
    [
      ['--from', 'console', '--to', 'information-server', '--port', '3628/sctp'],
      /^portplan: --port: must be <port>\/<tcp\|udp> .* \(got "3628\/sctp"\)/,
    ],
    // Without --port every port is explained; the parties are checked all the same.
    [['--from', 'consle', '--to', 'information-server'], /^portplan: --from: a group or peer of the declaration /],
    [
      ['--from', 'console', '--to', 'information-server', '--port', 'udp/1009-1000'],
      /^portplan: --port: a range <from>-<to> within 0-65535/,
    ],
  ])('bad arguments exit 2 naming the option: %j', (args, message) => {
    const r = portplan('explain', '--preset', 'serverprotect', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});
