import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CatalogError,
  catalogTable,
  defineCatalog,
  diffCatalogs,
  explain,
  resolve,
  type CatalogDefinition,
} from '../../lib/model';
import { portplan } from '../support/cli';
import { MIXED_GROUPS, REPO_DEFINITION } from '../support/repo-catalog';

// Several citations per row: each document and section a row comes from, shown by every report and
// table, compared by the catalog diff.

const TWO_DOCUMENTS: CatalogDefinition = {
  ...REPO_DEFINITION,
  documents: [
    ...REPO_DEFINITION.documents,
    { id: 'vendor', title: 'Vendor port guide', url: 'https://example.com/ports' },
  ],
  rows: REPO_DEFINITION.rows.map((r) =>
    r.id === 'REPO-L'
      ? {
          ...r,
          citation: [
            { document: 'vendor', section: 'table 4' },
            { document: 'design', note: 'the SSH rule for mirrors' },
          ],
        }
      : r,
  ),
};

test('the compiled row keeps every citation in order; the first is its citation', () => {
  const row = defineCatalog(TWO_DOCUMENTS).rows.find((r) => r.id === 'REPO-L')!;
  expect(row.citations).toEqual([
    { document: 'Vendor port guide', section: 'table 4', row: 'REPO-L' },
    { document: 'Repository design note', row: 'REPO-L', note: 'the SSH rule for mirrors' },
  ]);
  expect(row.citation).toEqual(row.citations[0]);
  const one = defineCatalog(REPO_DEFINITION).rows.find((r) => r.id === 'REPO-L')!;
  expect(one.citations).toEqual([one.citation]);
});

test('the catalog table and explain() show every citation', () => {
  const table = catalogTable(defineCatalog(TWO_DOCUMENTS)).filter((l) => l.row === 'REPO-L');
  expect(table.map((l) => l.source)).toEqual([
    'Vendor port guide, table 4; Repository design note (the SSH rule for mirrors)',
  ]);
  const r = resolve({ groups: MIXED_GROUPS }, { catalogs: [defineCatalog(TWO_DOCUMENTS)] });
  const e = explain(r, { from: 'clients', to: 'repo-lin', port: 22, protocol: 'tcp' });
  expect(e.because.map((b) => [b.id, b.citations.map((c) => c.document)])).toEqual([
    ['REPO-L', ['Vendor port guide', 'Repository design note']],
  ]);
});

test('the report names every citation of the rows behind a rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplan-citations-'));
  writeFileSync(join(dir, 'site.json'), JSON.stringify({ groups: MIXED_GROUPS }));
  writeFileSync(join(dir, 'repo.json'), JSON.stringify(TWO_DOCUMENTS));
  const r = portplan(
    'report',
    '--file',
    join(dir, 'site.json'),
    '--catalog',
    join(dir, 'repo.json'),
    '--format',
    'json',
  );
  expect([r.code, r.err]).toEqual([0, '']);
  const documents = new Set((r.out.match(/"document": "[^"]*"/g) ?? []).map((x) => x.slice(13, -1)));
  expect(documents).toContain(
    'Vendor port guide, table 4, row REPO-L; Repository design note, row REPO-L (the SSH rule for mirrors); ' +
      'Repository design note, row REPO-WEB',
  );
  const md = portplan('report', '--file', join(dir, 'site.json'), '--catalog', join(dir, 'repo.json'));
  expect(md.out).toContain(
    'Vendor port guide, table 4, row REPO-L; Repository design note, row REPO-L (the SSH rule for mirrors)',
  );
});

test('catalog diff: a citation added is a change of the row; one citation and a list of it alone are not', () => {
  expect(diffCatalogs(REPO_DEFINITION, TWO_DOCUMENTS).rows).toEqual({
    added: [],
    removed: [],
    changed: [{ id: 'REPO-L', fields: ['citation'] }],
  });
  const listed = {
    ...REPO_DEFINITION,
    rows: REPO_DEFINITION.rows.map((r) => ({ ...r, citation: [r.citation].flat() })),
  };
  expect(diffCatalogs(REPO_DEFINITION, listed).rows.changed).toEqual([]);
});

test('a citation naming no document: the path into the list, the value and the documents', () => {
  const bad = {
    ...TWO_DOCUMENTS,
    rows: [{ ...TWO_DOCUMENTS.rows[1], citation: [{ document: 'design' }, { document: 'vendr' }] }],
  };
  expect(() => defineCatalog(bad)).toThrow(CatalogError);
  expect(() => defineCatalog(bad)).toThrow(
    /rows\[0\]\.citation\[1\]\.document: must be the id of one of documents: design, vendor \(got "vendr"\); did you mean "vendor"\?/,
  );
  expect(() => defineCatalog({ ...bad, rows: [{ ...bad.rows[0], citation: [] }] })).toThrow(/rows\[0\]\.citation/);
});
