// One reader of catalog and declaration files: the CLI (--catalog, --file) and readCatalogFile()
// say the same of the same file, and the faults hand-written files have get words that say what to do.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CatalogError, readCatalogFile } from '../../lib/model';
import { rangeHint } from '../../lib/model/catalog-file';
import { CATALOG_FILE, DataFileFault, parseDataText } from '../../lib/model/data-file';
import { portplan as cli } from '../support/cli';

const SHOP_TEXT = readFileSync(join(__dirname, '../../examples/catalogs/three-tier.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'portplan-data-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** The library's words for a file: the one problem at `(file)`, or every problem of the catalog. */
function library(path: string): CatalogError {
  try {
    readCatalogFile(path);
  } catch (e) {
    if (e instanceof CatalogError) return e;
    throw e;
  }
  throw new Error(`${path} was read as a catalog`);
}

const fault = (text: string, name: string): DataFileFault => {
  try {
    parseDataText(text, name, CATALOG_FILE);
  } catch (e) {
    if (e instanceof DataFileFault) return e;
    throw e;
  }
  throw new Error(`${name} parsed`);
};

describe('the CLI and readCatalogFile() read a file with the same code and words', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'tab.yaml',
      'product:\n\tid: shop\n',
      'tab',
      /^is not valid YAML: a tab in the indentation at line 2, column 1; indent with spaces/,
    ],
    [
      'tab-in-list.yaml',
      'rows:\n  -\tid: A\n',
      'tab',
      /^is not valid YAML: a tab in the indentation at line 2, column 4; indent with spaces/,
    ],
    ['empty.yaml', '', 'empty', /^is empty; a catalog file holds product, documents, roles and rows$/],
    ['blank.json', ' \n\n', 'empty', /^is empty; a catalog file holds product/],
    ['comments.yml', '# to do\n', 'nothing', /^holds no data \(only comments or null\); a catalog file holds product/],
    ['null.json', 'null', 'nothing', /^holds no data/],
    [
      'two.yaml',
      `${SHOP_TEXT}---\n${SHOP_TEXT}`,
      'documents',
      /^holds more than one YAML document \(the --- at line 106 starts another\); a catalog file holds one/,
    ],
    [
      'broken.json',
      '{"product": }',
      'json',
      /^is not valid JSON: expected a value .*, found "}" at line 1, column 13$/,
    ],
    ['broken.yaml', 'product: { id: shop\n', 'yaml', /^is not valid YAML: .* at line \d+, column \d+$/],
    ['shop.toml', 'x = 1', 'type', /^has the unknown file type "\.toml"; use \.json, \.yaml or \.yml$/],
  ];
  test.each(cases)('%s (%s)', (name, text, _what, reason) => {
    const path = file(name, text);
    const e = library(path);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ path: '(file)', value: path });
    expect(e.problems[0].message).toMatch(reason);
    // The CLI: exit 1, the file named, the same reason (and the lines at fault after it, where there are some).
    for (const args of [
      ['catalog', 'validate', path],
      ['table', '--preset', 'serverprotect', '--catalog', path],
    ]) {
      const r = cli(...args);
      expect([r.code, r.out]).toEqual([1, '']);
      expect(r.err.startsWith(`portplan: ${path} ${e.problems[0].message}`)).toBe(true);
    }
  });

  test('a declaration file: the same reader, its own words', () => {
    const empty = cli('table', '--file', file('site.yaml', '\n'));
    expect([empty.code, empty.err]).toEqual([
      1,
      `portplan: ${join(dir, 'site.yaml')} is empty; a declaration file holds groups (and peers, options)\n`,
    ]);
    const tab = cli('table', '--file', file('tab-site.yaml', 'groups:\n\t- { name: a, role: sum:workstation }\n'));
    expect(tab.code).toBe(1);
    expect(tab.err).toContain('a tab in the indentation at line 2, column 1; indent with spaces');
    // The excerpt: the line with a caret under the tab.
    expect(tab.err).toMatch(/:\n\ngroups:\n\t- \{ name: a, role: sum:workstation \}\n\^\n$/);
  });

  test('a file that cannot be read: the CLI names the option, the library the file; both say why', () => {
    const missing = join(dir, 'missing.yaml');
    expect(library(missing).problems[0].message).toBe('cannot be read: no such file');
    expect(cli('catalog', 'validate', missing).err).toBe(`portplan: <file> ${missing}: no such file\n`);
    expect(library(dir).problems[0].message).toBe('cannot be read: is a directory, not a file');
  });

  test('a byte order mark and a leading --- are not faults', () => {
    const path = file('bom.yaml', `\uFEFF---\n${SHOP_TEXT}`);
    expect(readCatalogFile(path).product.id).toBe('shop');
    expect(cli('catalog', 'validate', path).code).toBe(0);
  });

  test('the reasons are one line; the excerpt is apart (a syntax fault only)', () => {
    for (const [name, text] of [
      ['a.json', '{\n  "a": [1,,2]\n}'],
      ['a.yaml', 'a:\n\tb: 1\n'],
      ['b.yaml', 'a: [1, 2\n'],
    ]) {
      const f = fault(text, name);
      expect(f.reason).not.toContain('\n');
      expect(f.excerpt).toMatch(/\n *\^$/);
    }
    expect(fault('', 'a.yaml').excerpt).toBeUndefined();
  });
});

describe('a port written as a range in quotes', () => {
  const withFixed = (range: string) =>
    SHOP_TEXT.replace('ports: { kind: fixed, ports: [5432] }', `ports: { kind: fixed, ports: ["${range}"] }`);
  const withDefault = (range: string) =>
    SHOP_TEXT.replace('ports: { kind: peer, defaults: [443] }', `ports: { kind: peer, defaults: ["${range}"] }`);

  test('fixed ports take it: the row opens the whole range', () => {
    const catalog = readCatalogFile(file('fixed-range.yaml', withFixed('2500-3300')));
    const shop3 = catalog.rows.find((r) => r.id === 'SHOP3')!;
    expect(shop3.flows[0].ports).toEqual({ kind: 'fixed', ports: [{ fromPort: 2500, toPort: 3300 }] });
    expect(cli('catalog', 'validate', file('fixed-range.yaml', withFixed('2500-3300'))).code).toBe(0);
  });

  test('a peer default is one port: the error says it is a range, how many ports, and what to write', () => {
    const path = file('range.yaml', withDefault('2500-3300'));
    const e = library(path);
    expect(e.problems).toHaveLength(1);
    const p = e.problems[0];
    expect(p).toMatchObject({ path: 'rows[4].flows[0].ports.defaults[0]', value: '2500-3300' });
    expect(p.message).toBe('must be a whole number from 1 to 65535');
    expect(p.hint).toBe(
      '2500-3300 is a range of 801 ports, and a port here is one number (peer defaults and a counted base are ' +
        'single ports): open the range with fixed ports, { kind: fixed, ports: ["2500-3300"] }, or write a run ' +
        'of consecutive ports as { kind: counted, base: 2500, count: <option> } with a count option whose default is 801',
    );
    // The CLI prints the same problem, hint included.
    const r = cli('catalog', 'validate', path);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `  rows[4].flows[0].ports.defaults[0]: must be a whole number from 1 to 65535 (got "2500-3300"); ${p.hint}`,
    );
  });

  test('a short range as a peer default: list its ports', () => {
    const e = library(file('short.yaml', withDefault('5432-5434')));
    expect(e.problems[0].hint).toContain('list its ports as numbers (5432, 5433, 5434), open the range');
  });

  test('a fixed range the wrong way round, with spaces, or as text for the list: said what to write', () => {
    const reversed = library(file('reversed.yaml', withFixed('3300-2500'))).problems;
    expect(reversed).toHaveLength(1);
    expect(reversed[0]).toMatchObject({ path: 'rows[2].flows[0].ports.ports[0]', value: '3300-2500' });
    expect(reversed[0].message).toMatch(/or a range of ports in quotes such as "49152-65535", first port first/);
    expect(reversed[0].hint).toBe('3300-2500 is not a range of ports 1-65535, first port first');
    const spaced = library(file('spaced.yaml', withFixed('2500 - 3300'))).problems;
    expect(spaced[0].hint).toBe('write the range as "2500-3300"');
    const text = SHOP_TEXT.replace('ports: { kind: fixed, ports: [5432] }', 'ports: { kind: fixed, ports: 2500-3300 }');
    const listless = library(file('listless.yaml', text)).problems;
    expect(listless[0]).toMatchObject({ path: 'rows[2].flows[0].ports.ports', value: '2500-3300' });
    expect(listless[0].hint).toBe('fixed ports are a list: write ports: { kind: fixed, ports: ["2500-3300"] }');
  });

  test('every range gets the hint with its size in a one-port field; a list for at most 32 ports; nothing else gets it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 65534 }), (first, span) => {
        const last = Math.min(65535, first + span);
        const n = last - first + 1;
        const hint = rangeHint('rows[0].flows[1].ports.defaults[3]', `${first}-${last}`)!;
        expect(hint.startsWith(`${first}-${last} is a range of ${n} ports`)).toBe(true);
        expect(hint.includes('list its ports as numbers')).toBe(n <= 32);
        expect(hint).toContain(`{ kind: fixed, ports: ["${first}-${last}"] }`);
        expect(hint).toContain(`base: ${first}, count: <option> } with a count option whose default is ${n}`);
        // A counted base: hinted too; a fixed entry written right, a text field, a single port: not.
        expect(rangeHint('rows[0].flows[0].ports.base', `${first}-${last}`)).toBe(hint);
        expect(rangeHint('rows[0].flows[0].ports.ports[0]', `${first}-${last}`)).toBeUndefined();
        expect(rangeHint('rows[0].flows[0].ports.ports[0]', ` ${first} - ${last}`)).toBe(
          `write the range as "${first}-${last}"`,
        );
        expect(rangeHint('rows[0].purpose', `${first}-${last}`)).toBeUndefined();
        expect(rangeHint('rows[0].flows[0].ports.defaults[0]', `${first}`)).toBeUndefined();
      }),
    );
    expect(rangeHint('rows[0].flows[0].ports.ports[0]', '3300-2500')).toMatch(
      /not a range of ports 1-65535, first port first/,
    );
    expect(rangeHint('rows[0].flows[0].ports.ports[0]', '0-70000')).toMatch(/not a range of ports 1-65535/);
  });
});
