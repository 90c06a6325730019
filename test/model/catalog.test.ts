// Catalogs as data: the built-in products load through loadCatalog() like a user's, generated
// files stay in step with the data, and a user's catalog goes through resolve() with its own roles,
// options, peer kinds and presets.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';
import {
  BUILTIN_CATALOGS,
  CATALOG,
  CatalogError,
  DeclarationError,
  catalogJsonSchema,
  catalogSet,
  declarationJsonSchema,
  loadCatalog,
  mergeDeclarations,
  readCatalogFile,
  resolve,
  type CatalogDefinition,
} from '../../lib/model';
import { catalogTypeFiles } from '../../scripts/generate';

const root = join(__dirname, '../..');
const SHOP_FILE = join(root, 'examples/catalogs/three-tier.yaml');
const shop = readCatalogFile(SHOP_FILE);
const SHOP_GROUPS = [
  { name: 'shop-web', role: 'shop:web' },
  { name: 'shop-app', role: 'shop:app' },
  { name: 'shop-db', role: 'shop:db' },
];

test('schema/catalog.schema.json is byte for byte what the catalog schema generates', () => {
  const file = readFileSync(join(root, 'schema/catalog.schema.json'), 'utf8');
  expect(`${JSON.stringify(catalogJsonSchema(), null, 2)}\n`).toBe(file);
});

test.each(Object.entries(catalogTypeFiles()))(
  '%s is what `npm run generate` makes of the built-in catalogs',
  (path, generated) => {
    expect(readFileSync(join(root, path), 'utf8')).toBe(generated);
  },
);

test('the built-in rows are the rows of the built-in catalog files, loaded by loadCatalog()', () => {
  const files = ['serverprotect', 'sum'].map(
    (p) => JSON.parse(readFileSync(join(root, `lib/model/catalogs/${p}.json`), 'utf8')) as CatalogDefinition,
  );
  const again = files.flatMap((f) => loadCatalog(f).rows);
  expect(again.map((r) => r.id)).toEqual(CATALOG.map((r) => r.id));
  expect(JSON.stringify(again)).toBe(JSON.stringify(CATALOG));
  expect(BUILTIN_CATALOGS.map((c) => c.definition)).toEqual(files);
});

describe('a user catalog through resolve()', () => {
  test('its roles, rows, defaults and options give flows that cite its rows', () => {
    const r = resolve({ groups: SHOP_GROUPS }, { catalogs: [shop] });
    expect(r.flows.map((f) => `${f.from.name}>${f.to.name} ${f.protocol} ${f.fromPort}-${f.toPort} ${f.rows}`)).toEqual(
      [
        'shop-web>shop-app tcp 8443-8447 SHOP1',
        'shop-web>shop-app tcp 9100-9101 SHOP2',
        'shop-app>shop-db tcp 5432-5432 SHOP3',
      ],
    );
    const pinned = resolve(
      { groups: SHOP_GROUPS, shop: { appPort: 8445, workers: 4, database: 'mssql' } },
      { catalogs: [shop] },
    );
    expect(pinned.flows.map((f) => `${f.fromPort}-${f.toPort} ${f.rows}`)).toEqual([
      '8445-8445 SHOP1',
      '9100-9103 SHOP2',
      '1433-1433 SHOP4',
    ]);
  });

  test('beside a built-in product, one host in groups of both', () => {
    const r = resolve(
      {
        groups: [...SHOP_GROUPS, { name: 'info', role: 'serverprotect:information-server' }],
        peers: [{ name: 'psp', kind: 'shop-payment-gateway', cidr: '203.0.113.0/28' }],
        shop: { payments: true },
      },
      { catalogs: [shop] },
    );
    expect(r.flows.find((f) => f.rows.includes('SHOP5'))).toMatchObject({
      from: { name: 'shop-app' },
      to: { name: 'psp', cidr: '203.0.113.0/28' },
      fromPort: 443,
    });
    expect(r.catalog.role('shop:db')?.label).toBe('Example Shop database');
  });

  test('its options are checked like built-in ones, and its roles are unknown without it', () => {
    expect(() => resolve({ groups: SHOP_GROUPS, shop: { workers: 17 } }, { catalogs: [shop] })).toThrow(
      /shop\.workers: must be a whole number from 1 to 16 \(got 17\)/,
    );
    expect(() => resolve({ groups: SHOP_GROUPS, shop: { appPort: 9000 } }, { catalogs: [shop] })).toThrow(
      /shop\.appPort: must be 8443 or one of its fallback ports 8444-8447/,
    );
    expect(() => resolve({ groups: SHOP_GROUPS })).toThrow(DeclarationError);
    expect(() => resolve({ groups: SHOP_GROUPS })).toThrow(
      /groups\[0\]\.role: names product shop, which no catalog in use has: pass its catalog \(catalogs, --catalog\); products in use: serverprotect, sum \(got "shop:web"\)/,
    );
  });

  test('the declaration JSON Schema names its roles and options block', () => {
    const schema = declarationJsonSchema({ catalogs: [shop] }) as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(Object.keys(schema.properties)).toEqual(['groups', 'peers', 'serverProtect', 'sum', 'shop', 'egress']);
    expect(Object.keys(schema.properties.shop.properties ?? {})).toEqual([
      'appPort',
      'workers',
      'payments',
      'database',
    ]);
  });

  test("its presets are in the set, and a bad preset is the catalog's error", () => {
    expect(catalogSet([shop]).preset('shop')?.declaration).toEqual({ groups: SHOP_GROUPS });
    const bad = {
      ...shop.definition,
      presets: [{ name: 'empty', description: 'no groups', declaration: { groups: [] } }],
    };
    expect(() => catalogSet([bad])).toThrow(CatalogError);
    expect(() => catalogSet([bad])).toThrow(/presets\[0\]\.declaration\.groups: needs at least one group/);
  });
});

test('a catalog with a built-in product id replaces that product, in its place', () => {
  const sum = BUILTIN_CATALOGS[1].definition;
  const newer: CatalogDefinition = {
    ...sum,
    rows: sum.rows.map((r) =>
      r.id === 'SUM1' ? { ...r, flows: [{ ...r.flows[0], ports: { kind: 'fixed', ports: [2222] } }] } : r,
    ),
  };
  const d = {
    groups: [
      { name: 'ws', role: 'sum:workstation' },
      { name: 'lx', role: 'sum:target:linux' },
    ],
  };
  const ssh = (catalogs: CatalogDefinition[]) =>
    resolve(d, { catalogs })
      .flows.filter((f) => f.rows.includes('SUM1'))
      .map((f) => f.fromPort);
  expect(ssh([])).toEqual([22]);
  expect(ssh([newer])).toEqual([2222]);
  expect(catalogSet([newer]).catalogs.map((c) => c.product.id)).toEqual(['serverprotect', 'sum']);
});

test("mergeDeclarations() keeps a catalog product's options block, and refuses it from two parts", () => {
  const merged = mergeDeclarations(
    { groups: [{ name: 'info', role: 'serverprotect:information-server' }], serverProtect: { localInstall: false } },
    { groups: SHOP_GROUPS, shop: { workers: 5 } },
  );
  expect(merged).toMatchObject({ serverProtect: { localInstall: false }, shop: { workers: 5 } });
  const r = resolve(merged, { catalogs: [shop] });
  expect(r.flows.find((f) => f.rows.includes('SHOP2'))).toMatchObject({ fromPort: 9100, toPort: 9104 });
  expect(() => mergeDeclarations({ groups: SHOP_GROUPS, shop: {} }, { groups: [], shop: { workers: 1 } })).toThrow(
    /parts\[1\]\.shop: shop options in one part only \(part 0 sets them\)/,
  );
});

test('catalogs clashing with an earlier one are all named: the error carries the others', () => {
  const text = readFileSync(SHOP_FILE, 'utf8');
  // b: another product reusing shop's peer kind; c: another product reusing shop's row ids.
  const b = text
    .replace('id: shop\n', 'id: bee\n')
    .replace(/shop:/g, 'bee:')
    .replace(/id: SHOP/g, 'id: BEE');
  const c = text
    .replace('id: shop\n', 'id: cee\n')
    .replace(/shop:/g, 'cee:')
    .replace(/shop-payment-gateway/g, 'cee-gw');
  const load = (t: string, name: string) =>
    loadCatalog(parse(t.replace(/name: shop\n/, `name: ${name}\n`)), `${name}.yaml`);
  let error: unknown;
  try {
    catalogSet([shop, load(b, 'bee'), load(c, 'cee')]);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CatalogError);
  const all = [error as CatalogError, ...(error as CatalogError).others];
  expect(all.map((e) => [e.source, e.problems[0].path])).toEqual([
    ['bee.yaml', 'peerKinds[0].id'],
    ['cee.yaml', 'rows[0].id'],
  ]);
  expect((error as Error).message).toMatch(
    /invalid portplan catalog bee\.yaml:[\s\S]*invalid portplan catalog cee\.yaml:/,
  );
});

test('a malformed role id in a flow is reported at the role, not as "roles or peer"', () => {
  const d = parse(readFileSync(SHOP_FILE, 'utf8')) as { rows: { flows: { listener: unknown }[] }[] };
  d.rows[2].flows[0].listener = { roles: ['shop:DB'] };
  expect(() => loadCatalog(d, 'x.yaml')).toThrow(
    /\n {2}rows\[2\]\.flows\[0\]\.listener\.roles\[0\]: must be the product id, a colon and lower-case words .* \(got "shop:DB"\)$/,
  );
});
