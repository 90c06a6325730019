// Built-in catalogs by name (--catalog sum, catalog validate|diff sum) and `portplan catalog export`:
// a product's catalog written as a file that `catalog validate` accepts and `catalog diff` finds
// equal to the built-in, until it is edited. The real bin, as `npx portplan` runs it (`npm test`
// builds dist/ first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BUILTIN_CATALOGS, PRESETS, PRESET_NAMES, type PresetName } from '../../lib/model';

const ROOT = join(__dirname, '../..');
const SHOP = join(ROOT, 'examples/catalogs/three-tier.yaml');
function portplan(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/portplan.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'portplan-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);

// The presets that declare groups of a product's roles: the declarations a diff of it is read with.
const presetsOf = (product: string): PresetName[] =>
  PRESET_NAMES.filter((p) => PRESETS[p].groups.some((g) => g.role.startsWith(`${product}:`)));
const NO_CHANGE = 'no change in flows\n\nno change in rows\n\npackets between roles (+ opened, - closed): none\n';

describe.each(BUILTIN_CATALOGS.map((c) => c.product.id))('catalog export %s', (product) => {
  const builtin = BUILTIN_CATALOGS.find((c) => c.product.id === product)!;
  const definition = Object.fromEntries(Object.entries(builtin.definition).filter(([key]) => key !== '$schema'));

  test.each(['yaml', 'json'] as const)(
    '--format %s: validate accepts it, it holds the catalog, diff finds no change',
    (format) => {
      const file = path(`${product}.${format}`);
      const written = portplan('catalog', 'export', product, '--out', file);
      expect([written.code, written.err]).toEqual([0, '']);
      expect(written.out).toBe(`wrote ${file}: product ${product}, ${builtin.rows.length} rows\n`);
      // The same bytes on standard output, run after run.
      const shown = portplan('catalog', 'export', product, '--format', format);
      expect(shown.out).toBe(readFileSync(file, 'utf8'));
      expect(portplan('catalog', 'export', product, '--format', format).out).toBe(shown.out);

      const text = readFileSync(file, 'utf8');
      expect(format === 'json' ? JSON.parse(text) : parseYaml(text)).toEqual(definition);

      const valid = portplan('catalog', 'validate', file);
      expect([valid.code, valid.err]).toEqual([0, '']);
      expect(valid.out).toMatch(
        new RegExp(`^ok .*${product}\\.${format}: product ${product} \\(replaces the built-in\\)`),
      );

      expect(presetsOf(product).length).toBeGreaterThan(0);
      for (const preset of presetsOf(product)) {
        const diff = portplan('catalog', 'diff', product, file, '--preset', preset);
        expect([preset, diff.code, diff.out, diff.err]).toEqual([preset, 0, NO_CHANGE, '']);
      }
    },
  );

  test('no --format: the --out extension decides (.yml is YAML); standard output is YAML', () => {
    expect(portplan('catalog', 'export', product, '--out', path(`${product}.yml`)).code).toBe(0);
    expect(readFileSync(path(`${product}.yml`), 'utf8')).toBe(portplan('catalog', 'export', product).out);
    expect(portplan('catalog', 'export', product).out).toMatch(new RegExp(`^# portplan catalog of ${product}: `));
  });
});

describe('an edited export', () => {
  test.each<[string, string, RegExp, string, string, string[]]>([
    [
      'serverprotect',
      'serverprotect',
      /(- id: SP6\n[\s\S]*?ports:\n\s+- )3628\n/,
      '$13629\n',
      'yaml',
      [
        '+ normal-servers -> information-server tcp 3629 (SP6)',
        '- normal-servers -> information-server tcp 3628 (SP6)',
        '1 opened, 1 closed',
        '',
        '~ row SP6: flows changed',
        'rows: 0 added, 0 removed, 1 changed',
        '',
        'packets between roles (+ opened, - closed):',
        '+ tcp serverprotect:normal-server -> serverprotect:information-server 3629',
        '- tcp serverprotect:normal-server -> serverprotect:information-server 3628',
      ],
    ],
    [
      'sum',
      'smart-update-manager-7',
      /("id": "SUM7-2",[\s\S]*?"ports": \[\n\s+)22\n/,
      '$12222\n',
      'json',
      [
        '+ workstation -> linux-targets tcp 2222 (SUM7-2)',
        '- workstation -> linux-targets tcp 22 (SUM7-2)',
        '1 opened, 1 closed',
        '',
        '~ row SUM7-2: flows changed',
        'rows: 0 added, 0 removed, 1 changed',
        '',
        'packets between roles (+ opened, - closed):',
        '+ tcp sum:workstation -> sum:target:linux 2222',
        '- tcp sum:workstation -> sum:target:linux 22',
      ],
    ],
  ])('%s, a port changed by hand: diff shows the port and the row', (product, preset, at, by, format, lines) => {
    const text = portplan('catalog', 'export', product, '--format', format).out;
    expect(text).toMatch(at);
    const file = path(`edited-${product}.${format}`);
    writeFileSync(file, text.replace(at, by));
    expect(portplan('catalog', 'validate', file).code).toBe(0);
    const diff = portplan('catalog', 'diff', product, file, '--preset', preset);
    expect([diff.code, diff.err]).toEqual([0, '']);
    expect(diff.out.split('\n').slice(0, -1)).toEqual(lines);
  });
});

describe('built-in catalogs by name on the command line', () => {
  test('the product of a --catalog: exported, validated, no change against the catalog it came from', () => {
    const file = path('shop.json');
    expect(portplan('catalog', 'export', 'shop', '--catalog', SHOP, '--out', file).code).toBe(0);
    expect(portplan('catalog', 'validate', file).code).toBe(0);
    const diff = portplan('catalog', 'diff', SHOP, file, '--preset', 'shop');
    expect([diff.code, diff.out]).toEqual([0, NO_CHANGE]);
  });

  test.each<[string[], string[]]>([
    [
      ['table', '--preset', 'smart-update-manager', '--catalog', 'sum'],
      ['table', '--preset', 'smart-update-manager'],
    ],
    [
      ['flows', '--json', '--preset', 'serverprotect', '--catalog', 'serverprotect', '--catalog', 'sum'],
      ['flows', '--json', '--preset', 'serverprotect'],
    ],
    [
      ['schema', '--catalog', 'sum'],
      ['schema', '--catalog', join(ROOT, 'lib/model/catalogs/sum.json')],
    ],
    [
      ['catalog', 'show', 'sum', '--catalog', 'sum'],
      ['catalog', 'show', 'sum'],
    ],
    [
      ['report', '--preset', 'smart-update-manager-7', '--catalog', 'sum', '--format', 'csv'],
      ['report', '--preset', 'smart-update-manager-7', '--format', 'csv'],
    ],
  ])('%j prints what %j prints', (byName, plain) => {
    const a = portplan(...byName);
    const b = portplan(...plain);
    expect(a.code).toBe(0);
    expect(a.out.length).toBeGreaterThan(100);
    expect([a.out, a.err]).toEqual([b.out, b.err]);
  });

  test('catalog validate by name: the built-in itself', () => {
    const r = portplan('catalog', 'validate', 'serverprotect', 'sum');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'ok built-in serverprotect: product serverprotect (the built-in), 3 roles, 12 rows, 1 preset\n' +
        'ok built-in sum: product sum (the built-in), 11 roles, 15 rows, 2 presets\n',
    );
  });

  test('a mistyped product id where a file is expected: exit 1, no such file, nor a built-in product', () => {
    const r = portplan('table', '--preset', 'serverprotect', '--catalog', 'summ');
    expect([r.code, r.out, r.err]).toEqual([
      1,
      '',
      'portplan: --catalog summ: no such file, nor a built-in product; did you mean sum?\n',
    ]);
    const diff = portplan('catalog', 'diff', 'servreprotect', 'sum', '--preset', 'serverprotect');
    expect([diff.code, diff.err]).toEqual([
      1,
      'portplan: <old> servreprotect: no such file, nor a built-in product; did you mean serverprotect?\n',
    ]);
  });
});

describe('catalog export: what it refuses', () => {
  test.each<[string, string[], number, RegExp]>([
    [
      'an unknown product',
      ['catalog', 'export', 'summ'],
      2,
      /Allowed choices are serverprotect, sum\. Did you mean sum\?/,
    ],
    [
      'an --out that no catalog command reads',
      ['catalog', 'export', 'sum', '--out', path('sum.txt')],
      2,
      /^portplan: --out .*sum\.txt: a catalog file ends in \.json, \.yaml or \.yml \(got "\.txt"\)\n/,
    ],
    [
      'YAML into a .json file',
      ['catalog', 'export', 'sum', '--format', 'yaml', '--out', path('sum.json')],
      2,
      /^portplan: --out .*sum\.json is a JSON file; give --format json, or a \.yaml file\n/,
    ],
    [
      'a format it does not write',
      ['catalog', 'export', 'sum', '--format', 'yml'],
      2,
      /Allowed choices are yaml, json\. Did you mean yaml\?/,
    ],
    [
      'a directory that does not exist',
      ['catalog', 'export', 'sum', '--out', path('no/such/dir/sum.yaml')],
      1,
      /^portplan: --out .*no\/such\/dir\/sum\.yaml: its directory does not exist\n$/,
    ],
  ])('%s', (_name, args, code, message) => {
    const r = portplan(...args);
    expect([r.code, r.out]).toEqual([code, '']);
    expect(r.err).toMatch(message);
  });
});

// Help is read where portplan is installed, which has none of the repository's files.
test.each(
  [
    [],
    ['table'],
    ['flows'],
    ['diagram'],
    ['host-firewall'],
    ['schema'],
    ['explain'],
    ['report'],
    ['verify'],
    ['verify', 'aws'],
    ['verify', 'azure'],
    ['catalog'],
    ['catalog', 'validate'],
    ['catalog', 'show'],
    ['catalog', 'export'],
    ['catalog', 'diff'],
    ['catalog', 'schema'],
  ].map((command) => ({ command, name: ['portplan', ...command].join(' ') })),
)('$name --help names no repository path or script', ({ command }) => {
  const r = portplan(...command, '--help');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^Usage: portplan/);
  expect(r.out).not.toMatch(/\b(lib|test|examples|scripts|dist|bench|node_modules)\/|npm run|README|\.ts\b/);
});
