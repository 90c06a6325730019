import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import {
  PRESETS,
  PRESET_NAMES,
  declarationJsonSchema,
  resolve,
  warningText,
  type Declaration,
  type PresetName,
} from '../../lib/model';
import {
  COMMAND_BLOCK,
  FILE_BLOCK,
  blockBody,
  documentationFiles,
  fileBlockBody,
  regenerate,
  repositoryFile,
} from '../../scripts/generate';
import { ingressTable } from '../deploy/local';

// The real bin, as `npx portplan` runs it (`npm test` builds dist/ first).
const ROOT = join(__dirname, '../..');
function portplan(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'portplan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const ports = (f: { fromPort: number; toPort: number }) =>
  f.fromPort === f.toPort ? `${f.fromPort}` : `${f.fromPort}-${f.toPort}`;

describe.each(PRESET_NAMES)('preset %s', (preset) => {
  const { flows, declaration } = resolve(PRESETS[preset as PresetName]);
  const endpoint = (e: { kind: string; name: string }) =>
    e.kind === 'group' ? e.name : `${e.name} (${declaration.peers.find((p) => p.name === e.name)!.cidr})`;

  test('table: one Markdown row per flow with from, to, protocol, ports and rows', () => {
    const { code, out } = portplan('table', '--preset', preset);
    expect(code).toBe(0);
    const rows = out
      .trim()
      .split('\n')
      .slice(2)
      .map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s\|$/g, '')));
    expect(rows.map((c) => c.slice(0, 5))).toEqual(
      flows.map((f) => [endpoint(f.from), endpoint(f.to), f.protocol, ports(f), f.rows.join(', ')]),
    );
    for (const c of rows) expect(c).toHaveLength(7);
  });

  test('flows --json: the resolve() flows under stable field names', () => {
    const { code, out } = portplan('flows', '--json', '--preset', preset);
    expect(code).toBe(0);
    const json = JSON.parse(out) as { version: number; flows: unknown[]; warnings: { code: string }[] };
    expect(json.version).toBe(1);
    expect(json.flows).toEqual(
      flows.map((f) => ({
        from: { kind: f.from.kind, name: f.from.name },
        to: { kind: f.to.kind, name: f.to.name },
        protocol: f.protocol,
        fromPort: f.fromPort,
        toPort: f.toPort,
        rows: f.rows,
        description: f.description,
      })),
    );
    expect(json.warnings.map((w) => w.code)).toEqual(
      resolve(PRESETS[preset as PresetName]).warnings.map((w) => w.code),
    );
  });

  test('flows: one line per flow, a single port as one number (22, not 22-22), warnings with their rows', () => {
    const { code, out, err } = portplan('flows', '--preset', preset);
    expect(code).toBe(0);
    const line = (f: (typeof flows)[number]) =>
      `${f.from.name} -> ${f.to.name} ${f.protocol} ${ports(f)} ${f.rows.join(',')}`;
    expect(out.trim().split('\n')).toEqual(flows.map(line));
    const { warnings } = resolve(PRESETS[preset as PresetName]);
    expect(err).toBe(warnings.map((w) => `warning: ${warningText(w)}\n`).join(''));
  });

  test('diagram: a Mermaid flowchart with a node per group and every flow on its edge', () => {
    const { code, out } = portplan('diagram', '--preset', preset);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    const id = (e: { kind: string; name: string }) => `${e.kind === 'group' ? 'g' : 'p'}_${e.name.replace(/-/g, '_')}`;
    for (const g of declaration.groups)
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^  ${id({ kind: 'group', name: g.name })}\\["${g.name}<br/>`)),
      );
    const edges = lines.filter((l) => l.includes('-->'));
    expect(edges).toHaveLength(new Set(flows.map((f) => `${id(f.from)} ${id(f.to)}`)).size);
    for (const f of flows) {
      const edge = edges.find((l) => l.startsWith(`  ${id(f.from)} -->`) && l.endsWith(`| ${id(f.to)}`));
      expect(edge).toContain(`${f.protocol} ${ports(f)}`);
    }
  });
});

describe('declaration files', () => {
  const site: Declaration = {
    groups: [
      { name: 'workstation', role: 'sum:workstation' },
      { name: 'linux-targets', role: 'sum:target:linux' },
    ],
    sum: { concurrentTargets: 16 },
    egress: 'restricted',
  };

  test('JSON and YAML files give the same table as the declaration resolves to', () => {
    const json = portplan('table', '--file', file('site.json', JSON.stringify(site)));
    const yaml = portplan('table', '--file', file('site.yaml', toYaml(site)));
    expect(json.code).toBe(0);
    expect(yaml.out).toBe(json.out);
    expect(json.out).toContain('| workstation | linux-targets | tcp | 60000-60015 | SUM4 |');
  });

  test.each<[string, string, string, RegExp]>([
    [
      'invalid JSON: line, column and the line with a caret',
      'broken.json',
      '{"groups": [\n  {"name": "a",, "role": "sum:workstation"}\n]}',
      new RegExp(
        'broken\\.json is not valid JSON: expected a field name in double quotes, found "," at line 2, column 16:\n\n' +
          ' {2}\\{"name": "a",, "role": "sum:workstation"\\}\n {15}\\^\n$',
      ),
    ],
    [
      'JSON cut short',
      'short.json',
      '{"groups": [',
      /short\.json is not valid JSON: expected .*, found the end of the file at line 1, column 13:\n\n.*\n {12}\^\n$/,
    ],
    [
      "invalid YAML: the parser's line and column with its excerpt",
      'broken.yaml',
      'groups: [a, b\n',
      /broken\.yaml is not valid YAML: Flow sequence .* at line 2, column 1:\n\ngroups: \[a, b\n\n\^\n$/,
    ],
    [
      'YAML yes for a boolean',
      'yes.yaml',
      'groups:\n  - { name: ws, role: "sum:workstation" }\nsum:\n  netbiosNameService: yes\n',
      /sum\.netbiosNameService: must be true or false \(got "yes"\)\n$/,
    ],
    [
      'mistyped role',
      'typo.yaml',
      'groups:\n  - { name: a, role: "sum:target:linx" }\n',
      /groups\[0\]\.role: must be one of .* \(got "sum:target:linx"\); did you mean "sum:target:linux"\?/,
    ],
    [
      'mistyped option',
      'option-typo.json',
      JSON.stringify({ ...PRESETS.serverprotect, serverProtect: { managementport: 5005 } }),
      /serverProtect: unknown field managementport; allowed: .*; did you mean managementPort\?/,
    ],
    [
      'unknown role',
      'role.yaml',
      'groups:\n  - { name: a, role: "sum:target:hpux" }\n',
      /groups\[0\]\.role: must be one of serverprotect:console, .* \(got "sum:target:hpux"\)/,
    ],
    [
      'bad option',
      'option.json',
      JSON.stringify({ ...PRESETS.serverprotect, serverProtect: { managementPort: 6000 } }),
      /serverProtect\.managementPort: must be 5005 or one of its fallback ports 5006-5014 \(got 6000\)/,
    ],
    [
      'unknown field',
      'field.yaml',
      'groups:\n  - { name: a, role: "sum:workstation" }\nregion: eu\n',
      /\(declaration\): unknown field region; allowed: groups, peers, serverProtect, sum, egress/,
    ],
    ['unknown file type', 'site.txt', '{}', /site\.txt has the unknown file type "\.txt"; use \.json, \.yaml or \.yml/],
  ])('%s: exit 1 and the named error on standard error', (_name, name, content, message) => {
    const r = portplan('table', '--file', file(name, content));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  test('a missing file: exit 1 naming the file', () => {
    const r = portplan('diagram', '--file', join(dir, 'nope.yaml'));
    expect([r.code, r.err]).toEqual([1, `portplan: --file ${join(dir, 'nope.yaml')}: no such file\n`]);
  });
});

describe('command line', () => {
  test.each<[string, string[], number, RegExp]>([
    [
      'no declaration',
      ['table'],
      2,
      /give a declaration: --file <path> \(JSON or YAML\) or --preset <serverprotect\|smart-update-manager\|smart-update-manager-7>/,
    ],
    ['both sources', ['table', '--preset', 'serverprotect', '--file', 'x.json'], 2, /--preset or --file, not both/],
    [
      'unknown preset',
      ['table', '--preset', 'nope'],
      2,
      /'nope' is invalid\. Allowed choices are serverprotect, smart-update-manager, smart-update-manager-7\.\n/,
    ],
    [
      'mistyped preset',
      ['table', '--preset', 'smart-update-manager7'],
      2,
      /Allowed choices are .*\. Did you mean smart-update-manager-7\?/,
    ],
    [
      'mistyped option',
      ['table', '--prest', 'serverprotect'],
      2,
      /unknown option '--prest'\n\(Did you mean --preset\?\)/,
    ],
    ['unknown command', ['tables'], 2, /unknown command 'tables'/],
    [
      'host-firewall without --os',
      ['host-firewall', '--preset', 'serverprotect', '--role', 'serverprotect:console'],
      2,
      /required option '--os <os>' not specified/,
    ],
    [
      'host-firewall, unknown role',
      ['host-firewall', '--preset', 'serverprotect', '--os', 'windows', '--role', 'console'],
      2,
      /--role "console": must be one of serverprotect:console/,
    ],
    [
      'host-firewall, role not declared',
      ['host-firewall', '--preset', 'serverprotect', '--os', 'linux', '--role', 'sum:target:linux'],
      2,
      /no group of this role in the declaration; its roles: serverprotect:console/,
    ],
    [
      'host-firewall, wrong OS',
      ['host-firewall', '--preset', 'serverprotect', '--os', 'linux', '--role', 'serverprotect:console'],
      2,
      /--os linux: serverprotect:console hosts run windows/,
    ],
    [
      'host-firewall, appliance',
      ['host-firewall', '--preset', 'smart-update-manager-7', '--os', 'linux', '--role', 'sum:target:ilo'],
      2,
      /an appliance; its firewall is not configured/,
    ],
    [
      'host-firewall, bad address',
      [
        'host-firewall',
        '--preset',
        'serverprotect',
        '--os',
        'windows',
        '--role',
        'serverprotect:console',
        '--address',
        'information-server=10.0.0.300/24',
      ],
      2,
      /"10\.0\.0\.300\/24" is not an IPv4 or IPv6 CIDR/,
    ],
    [
      'host-firewall, address of an unknown group',
      [
        'host-firewall',
        '--preset',
        'serverprotect',
        '--os',
        'windows',
        '--role',
        'serverprotect:console',
        '--address',
        'db=10.0.0.0/24',
      ],
      2,
      /no group db in the declaration; groups: console, information-server, normal-servers/,
    ],
  ])('%s: exit code and message', (_name, args, code, message) => {
    const r = portplan(...args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });

  test.each(['table', 'flows', 'diagram', 'host-firewall', 'schema'])(
    '%s --help: exit 0, usage on standard output',
    (command) => {
      const r = portplan(command, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: portplan ${command} `));
    },
  );

  test.each(['--version', '-V'])('%s prints the version of package.json', (flag) => {
    const r = portplan(flag);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect([r.code, r.out, r.err]).toEqual([0, `${version}\n`, '']);
  });

  test('output into a pipe whose reader has gone (| head, | true): exit 0, no stack trace', () => {
    const script = `set -o pipefail; "${process.execPath}" bin/portplan.js flows --preset serverprotect | true`;
    const r = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(r.status).toBe(0);
  });

  test('--help lists every command and the exit codes', () => {
    const r = portplan('--help');
    expect(r.code).toBe(0);
    for (const c of ['table', 'flows', 'diagram', 'host-firewall', 'schema'])
      expect(r.out).toMatch(new RegExp(`\\n  ${c} `));
    expect(r.out).toContain(
      'Exit codes: 0 done, 1 invalid declaration or file, or a declaration that yields no flows ' +
        '(table, flows, diagram, report), 2 bad command line.',
    );
  });
});

test('deploy:local sorts the rules of a group by port number, not as text (22 before 139 before 1000)', () => {
  const rules = [
    'in console information-server tcp 1000-1009',
    'in console information-server tcp 139-139',
    'in console information-server tcp 22-22',
    'in console information-server udp 137-138',
    'in normal information-server tcp 5-5',
  ];
  expect(ingressTable('Example', rules).split('\n').slice(-6, -1)).toEqual([
    '| console | information-server | tcp | 22 |',
    '| console | information-server | tcp | 139 |',
    '| console | information-server | tcp | 1000-1009 |',
    '| console | information-server | udp | 137-138 |',
    '| normal | information-server | tcp | 5 |',
  ]);
});

test('deploy:local prints ports as the CLI does: 22, not 22-22', () => {
  const rules = ['in console information-server tcp 1000-1009', 'in console 10.0.9.10/32 tcp 22-22'];
  const table = ingressTable('Example', rules);
  expect(table.split('\n').slice(-3)).toEqual([
    '| console | 10.0.9.10/32 | tcp | 22 |',
    '| console | information-server | tcp | 1000-1009 |',
    '',
  ]);
});

describe('published files match the spec and the CLI', () => {
  test('schema/declaration.schema.json is the spec schema and what `portplan schema` prints', () => {
    const published = readFileSync(join(ROOT, 'schema/declaration.schema.json'), 'utf8');
    expect(JSON.parse(published)).toEqual(declarationJsonSchema());
    expect(portplan('schema').out).toBe(published);
  });

  // Where each generated block lives: a block moved to another page, or lost, fails here.
  const blocksOf = (pattern: RegExp) =>
    Object.fromEntries(
      documentationFiles(ROOT)
        .map((name) => [name, [...readFileSync(join(ROOT, name), 'utf8').matchAll(pattern)]] as const)
        .filter(([, blocks]) => blocks.length > 0),
    );
  const args = (blocks: Record<string, readonly RegExpMatchArray[]>) =>
    Object.fromEntries(Object.entries(blocks).map(([name, found]) => [name, found.map((b) => b[1])]));

  test('every command block of README.md and docs/*.md equals the output of its portplan command', () => {
    const blocks = blocksOf(COMMAND_BLOCK);
    expect(args(blocks)).toEqual({
      'README.md': ['explain --preset serverprotect --from normal-servers --to information-server --port 3628/tcp'],
      'docs/catalogs.md': [
        'catalog show shop --catalog examples/catalogs/three-tier.yaml',
        'table --catalog examples/catalogs/three-tier.yaml --preset shop',
      ],
      'docs/products.md': PRESET_NAMES.flatMap((p) => [`table --preset ${p}`, `diagram --preset ${p}`]),
    });
    for (const [, command, body] of Object.values(blocks).flat()) {
      const r = portplan(...command.split(' '));
      expect(r.code).toBe(0);
      expect([command, body]).toEqual([command, blockBody(command, r.out)]);
    }
  });

  test('every file block of README.md and docs/*.md is the repository file it names', () => {
    const blocks = blocksOf(FILE_BLOCK);
    expect(args(blocks)).toEqual({ 'docs/catalogs.md': ['examples/catalogs/three-tier.yaml'] });
    for (const [, path, body] of Object.values(blocks).flat())
      expect([path, body]).toEqual([path, fileBlockBody(path, readFileSync(join(ROOT, path), 'utf8'))]);
  });

  test('the generator rewrites only the blocks, from their command or file, and refuses files outside the repository', () => {
    const page = [
      'before',
      '<!-- portplan table --preset x -->',
      'stale',
      '<!-- /portplan -->',
      'between',
      '<!-- portplan diagram --preset x -->',
      '<!-- /portplan -->',
      '<!-- portplan-file some/file.yaml -->',
      'stale',
      '<!-- /portplan-file -->',
      'after',
    ].join('\n');
    const rewritten = regenerate(
      page,
      (a) => `output of ${a}\n`,
      (p) => `text of ${p}`,
    );
    expect(rewritten.split('\n')).toEqual([
      'before',
      '<!-- portplan table --preset x -->',
      'output of table --preset x',
      '<!-- /portplan -->',
      'between',
      '<!-- portplan diagram --preset x -->',
      '```mermaid',
      'output of diagram --preset x',
      '```',
      '<!-- /portplan -->',
      '<!-- portplan-file some/file.yaml -->',
      '```yaml',
      'text of some/file.yaml',
      '```',
      '<!-- /portplan-file -->',
      'after',
    ]);
    expect(
      regenerate(
        rewritten,
        (a) => `output of ${a}\n`,
        (p) => `text of ${p}`,
      ),
    ).toBe(rewritten);
    expect(() => repositoryFile('../outside.yaml', ROOT)).toThrow(
      'portplan-file ../outside.yaml: must name a file inside the repository',
    );
    expect(() => repositoryFile('/etc/hostname', ROOT)).toThrow('must name a file inside the repository');
  });
});
