// `portplan catalog import firewalld`: service files and directories in, a catalog file out that the
// other commands read; refusals on standard error; exit codes. The CLI runs in-process (run()).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { importFirewalldServices } from '../../lib/model';
import { portplan } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'portplan-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const service = (body: string, short = 'Test') =>
  `<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <short>${short}</short>\n${body}</service>\n`;
const write = (path: string, text: string): string => {
  writeFileSync(join(dir, path), text);
  return join(dir, path);
};

mkdirSync(join(dir, 'services'));
const SERVICES = {
  ldap: service('  <port protocol="tcp" port="389"/>\n', 'LDAP'),
  ldaps: service('  <port protocol="tcp" port="636"/>\n', 'LDAP over TLS'),
  directory: service('  <include service="ldap"/>\n  <include service="ldaps"/>\n', 'Directory'),
  tftp: service('  <port protocol="udp" port="69"/>\n  <helper name="tftp"/>\n', 'TFTP'),
};
for (const [name, text] of Object.entries(SERVICES)) write(`services/${name}.xml`, text);
// Not a service file: firewalld reads *.xml only, and so does the import.
write('services/README', 'not a service');

test('a directory: every *.xml file, the catalog on standard output, refusals and counts on standard error', () => {
  const r = portplan('catalog', 'import', 'firewalld', join(dir, 'services'));
  expect(r.code).toBe(0);
  expect(r.err).toBe(
    `refused tftp (${join(dir, 'services/tftp.xml')}): <helper> tftp (line 5): a connection-tracking helper opens ` +
      'ports found in the traffic at run time, which no fixed rule can\n' +
      'imported 3 services, refused 1 (helper 1)\n',
  );
  expect(r.out.startsWith('# portplan catalog of firewalld service definitions')).toBe(true);
  const files = Object.keys(SERVICES)
    .sort()
    .map((n) => ({ path: join(dir, 'services', `${n}.xml`), text: SERVICES[n as keyof typeof SERVICES] }));
  expect(parseYaml(r.out)).toEqual(importFirewalldServices(files).catalog);
  // The same input, the same bytes.
  expect(portplan('catalog', 'import', 'firewalld', join(dir, 'services')).out).toBe(r.out);
});

test('--out: a catalog file the other commands read; a declaration opens ldaps from the Linux group', () => {
  const out = join(dir, 'firewalld.json');
  const r = portplan('catalog', 'import', 'firewalld', join(dir, 'services/ldaps.xml'), '--out', out);
  expect([r.code, r.out, r.err]).toEqual([
    0,
    `wrote ${out}: product firewalld, 1 row\n`,
    'imported 1 service, refused 0\n',
  ]);
  expect(JSON.parse(readFileSync(out, 'utf8')).product.id).toBe('firewalld');
  expect(portplan('catalog', 'validate', out).out).toBe(`ok ${out}: product firewalld, 2 roles, 1 row, 0 presets\n`);
  const site = write(
    'site.yaml',
    'groups:\n  - { name: directory, role: "firewalld:ldaps" }\n  - { name: linux, role: "firewalld:ldaps:client" }\n',
  );
  const table = portplan('table', '--catalog', out, '--file', site);
  expect(table.code).toBe(0);
  expect(table.out.split('\n')[2]).toBe(
    '| linux | directory | tcp | 636 | FIREWALLD-LDAPS | LDAP over TLS (firewalld ldaps) | always |',
  );
  const host = portplan(
    'host-firewall',
    '--catalog',
    out,
    '--file',
    site,
    '--os',
    'linux',
    '--role',
    'firewalld:ldaps',
    '--any-address',
  );
  expect(host.out).toContain('tcp dport 636 accept comment "FIREWALLD-LDAPS: LDAP over TLS (firewalld ldaps)"');
});

test('an include whose file is not given refuses the service and names the file to give', () => {
  const r = portplan(
    'catalog',
    'import',
    'firewalld',
    join(dir, 'services/directory.xml'),
    join(dir, 'services/ldap.xml'),
  );
  expect(r.code).toBe(0);
  expect(r.err).toContain('includes ldaps, whose file is not among those given (give ldaps.xml or its directory)');
  expect(r.err).toContain('imported 1 service, refused 1 (include 1)');
});

test.each<[string, string[], number, RegExp]>([
  [
    'nothing imported',
    ['services/tftp.xml'],
    1,
    /portplan: no service could be imported: every one is refused \(above\)\n$/,
  ],
  ['a missing path', ['nope.xml'], 1, /^portplan: <service\.xml\|dir> .*nope\.xml: no such file\n$/],
  [
    'a directory without .xml files',
    ['empty'],
    1,
    /^portplan: <service\.xml\|dir> .*empty: a directory with no \.xml file\n$/,
  ],
  [
    '--out of another type',
    ['services', '--out', 'x.toml'],
    2,
    /--out .*x\.toml: a catalog file ends in \.json, \.yaml or \.yml/,
  ],
  [
    '--format against --out',
    ['services', '--out', 'x.json', '--format', 'yaml'],
    2,
    /is a json file; give --format json/,
  ],
  ['no path', [], 2, /missing required argument/],
])('%s', (_what, args, code, message) => {
  mkdirSync(join(dir, 'empty'), { recursive: true });
  const absolute = args.map((a, i) => (args[i - 1] === '--format' || a.startsWith('--') ? a : join(dir, a)));
  const r = portplan('catalog', 'import', 'firewalld', ...absolute);
  expect([r.code, r.out]).toEqual([code, '']);
  expect(r.err).toMatch(message);
});
