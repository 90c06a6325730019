// What the CLI says when a command line or a file is wrong, or a declaration gives nothing to
// print: a near name for a mistyped value, a plain reason for a file that cannot be read, and why
// a declaration yields no flows. The real bin, as `npx portplan` runs it (`npm test` builds dist/).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileFault } from '../../lib/cli/source';

const ROOT = join(__dirname, '../..');
function portplan(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'portplan-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const hostFirewall = (...more: string[]) => [
  'host-firewall',
  '--preset',
  'serverprotect',
  '--os',
  'windows',
  '--role',
  'serverprotect:console',
  ...more,
];
const explainConsole = (...more: string[]) => ['explain', '--preset', 'serverprotect', ...more];

describe('a mistyped value of an option: exit 2, the near name', () => {
  test.each<[string, string[], RegExp]>([
    [
      'host-firewall --role',
      ['host-firewall', '--preset', 'serverprotect', '--os', 'windows', '--role', 'serverprotect:consle'],
      /^portplan: --role "serverprotect:consle": must be one of serverprotect:console, .*; did you mean "serverprotect:console"\?\n/,
    ],
    [
      'host-firewall --address group',
      hostFirewall('--address', 'infomation-server=10.0.0.0/24'),
      /^portplan: --address "infomation-server=10\.0\.0\.0\/24": no group infomation-server in the declaration; groups: console, information-server, normal-servers; did you mean "information-server"\?\n/,
    ],
    [
      'explain --from',
      explainConsole('--from', 'consle', '--to', 'information-server', '--port', '5005/tcp'),
      /^portplan: --from: must be a group or peer of the declaration \(console, information-server, normal-servers\) .* \(got "consle"\); did you mean "console"\?\n/,
    ],
    [
      'explain --to',
      explainConsole('--from', 'console', '--to', 'infomation-server', '--port', '5005/tcp'),
      /^portplan: --to: must be a group of the declaration: .* \(got "infomation-server"\); did you mean "information-server"\?\n/,
    ],
    [
      'host-firewall --os, a choice',
      ['host-firewall', '--preset', 'serverprotect', '--os', 'windwos', '--role', 'serverprotect:console'],
      /argument 'windwos' is invalid\. Allowed choices are windows, linux\. Did you mean windows\?\n/,
    ],
    [
      'report --format, a choice',
      ['report', '--preset', 'serverprotect', '--format', 'cvs'],
      /argument 'cvs' is invalid\. Allowed choices are md, csv, json\. Did you mean csv\?\n/,
    ],
    [
      'verify aws --group, the group name',
      ['verify', 'aws', '--preset', 'serverprotect', '--group', 'consle=sg-0123456789abcdef0'],
      /^portplan: --group: a declared group name before "=": console, information-server, normal-servers \(got "consle=sg-0123456789abcdef0"\); did you mean "console"\?\n/,
    ],
  ])('%s', (_name, args, message) => {
    const r = portplan(...args);
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toMatch(message);
  });

  test('a value near nothing gets no hint', () => {
    const r = portplan(...hostFirewall('--address', 'database=10.0.0.0/24'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /no group database in the declaration; groups: console, information-server, normal-servers\n/,
    );
    expect(r.err).not.toMatch(/did you mean/i);
  });
});

describe('a file that cannot be read: exit 1, the option, the path and what is wrong', () => {
  const missing = join(dir, 'nope.yaml');
  const folder = join(dir, 'folder.yaml');
  mkdirSync(folder);

  test.each<[string, string[], string]>([
    ['--file, no such file', ['table', '--file', missing], `portplan: --file ${missing}: no such file\n`],
    ['--file, a directory', ['flows', '--file', folder], `portplan: --file ${folder}: is a directory, not a file\n`],
    [
      '--catalog, no such file',
      ['table', '--preset', 'serverprotect', '--catalog', missing],
      `portplan: --catalog ${missing}: no such file\n`,
    ],
    [
      '--catalog, a directory',
      ['diagram', '--preset', 'serverprotect', '--catalog', folder],
      `portplan: --catalog ${folder}: is a directory, not a file\n`,
    ],
    ['catalog validate <file>', ['catalog', 'validate', missing], `portplan: <file> ${missing}: no such file\n`],
  ])('%s', (_name, args, message) => {
    const r = portplan(...args);
    expect([r.code, r.out, r.err]).toEqual([1, '', message]);
  });

  test('verify azure --nsg, --asgs: exit 2 (the check could not run), the same words', () => {
    const nsg = file('nsg.json', '{"name": "nsg", "securityRules": []}');
    const base = ['verify', 'azure', '--preset', 'serverprotect', '--address-space', '10.40.0.0/16'];
    const noNsg = portplan(...base, '--nsg', missing, '--asgs', missing);
    expect([noNsg.code, noNsg.err]).toEqual([2, `portplan: --nsg ${missing}: no such file\n`]);
    const noAsgs = portplan(...base, '--nsg', nsg, '--asgs', folder);
    expect([noAsgs.code, noAsgs.err]).toEqual([2, `portplan: --asgs ${folder}: is a directory, not a file\n`]);
  });

  // Root reads any file, so a file this test could make unreadable would still be read: the reason
  // is checked on the error the operating system gives.
  test.each<[string, string]>([
    ['ENOENT', 'no such file'],
    ['EISDIR', 'is a directory, not a file'],
    ['EACCES', 'not readable (permission denied)'],
    ['EPERM', 'not readable (permission denied)'],
    ['ENOTDIR', 'no such file (a part of the path is not a directory)'],
    ['ELOOP', 'cannot be read (ELOOP)'],
  ])('%s: %s', (code, words) => {
    const e = Object.assign(new Error(`${code}: something`), { code });
    expect(fileFault(e, '/x/site.yaml', '--file')).toBe(`--file /x/site.yaml: ${words}`);
  });
});

describe('a declaration that yields no flows: exit 1, why, and what it would need', () => {
  const consoleOnly = file('console-only.yaml', 'groups:\n  - { name: console, role: "serverprotect:console" }\n');
  const workstationOnly = file('workstation.yaml', 'groups:\n  - { name: ws, role: "sum:workstation" }\n');

  test.each(
    [['table'], ['flows'], ['flows', '--json'], ['diagram'], ['report'], ['report', '--format', 'json']].map((c) => ({
      command: c,
      name: c.join(' '),
    })),
  )('$name: nothing on standard output, the reason on standard error', ({ command }) => {
    const r = portplan(...command, '--file', consoleOnly);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toBe(
      'portplan: the declaration yields no flows: no catalog row has both of its sides among its groups and peers; ' +
        'for flows, add a group of role serverprotect:information-server (with serverprotect:console)\n',
    );
  });

  test('every role a lone role could pair with, groups and peers', () => {
    const r = portplan('table', '--file', workstationOnly);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /for flows, add a group of role sum:target:windows, sum:target:linux, .*sum:target:superdome-flex, or a peer of kind administrators \(with sum:workstation\)\n$/,
    );
  });

  test('rows between the sides it has that its options turn off: the rows, their conditions and options', () => {
    const shop = file(
      'shop.yaml',
      'groups:\n  - { name: app, role: "shop:app" }\n' +
        'peers:\n  - { name: psp, kind: shop-payment-gateway, cidr: 203.0.113.0/24 }\n',
    );
    const r = portplan('table', '--catalog', join(ROOT, 'examples/catalogs/three-tier.yaml'), '--file', shop);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toBe(
      'portplan: the declaration yields no flows: the rows between its groups and peers apply only under other ' +
        'options: SHOP5 (when payments are on and the user names the provider; set by shop.payments); ' +
        'or, for flows, add a group of role shop:web, shop:db (with shop:app)\n',
    );
  });

  test('--help says the exit code', () => {
    const r = portplan('--help');
    expect(r.out).toContain(
      'Exit codes: 0 done, 1 invalid declaration or file, or a declaration that yields no flows ' +
        '(table, flows, diagram, report), 2 bad command line.',
    );
  });
});
