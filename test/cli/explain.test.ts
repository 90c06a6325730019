import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PRESETS, explain, resolve, type Explanation } from '../../lib/spec';

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
    [['--from', 'console', '--to', 'information-server'], /required option '--port <port\/protocol>' not specified/],
  ])('bad arguments exit 2 naming the option: %j', (args, message) => {
    const r = portplan('explain', '--preset', 'serverprotect', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});
