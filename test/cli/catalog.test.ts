// A user's catalog through every CLI command (--catalog), and the catalog commands: validate,
// show, diff, schema. The CLI runs in-process (run()), as `npm run generate` calls it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runAsync } from '../../lib/cli/main';
import {
  PRESET_NAMES,
  catalogTable,
  declarationJsonSchema,
  explain,
  readCatalogFile,
  resolve,
  type CatalogDeclaration,
  type CatalogDefinition,
  type Explanation,
} from '../../lib/model';
import type { SiteReport } from '../../lib/verify/site';
import { portplan } from '../support/cli';
import { ICMP_CATALOG, ICMP_DECLARATION } from '../support/icmp-catalog';

const ROOT = join(__dirname, '../..');
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SHOP = join(ROOT, 'examples/catalogs/three-tier.yaml');
const SUM = join(ROOT, 'lib/model/catalogs/sum.json');
const SERVERPROTECT = join(ROOT, 'lib/model/catalogs/serverprotect.json');

const dir = mkdtempSync(join(tmpdir(), 'portplan-catalog-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const shopDefinition = (): CatalogDefinition => parseYaml(readFileSync(SHOP, 'utf8')) as CatalogDefinition;
const sumDefinition = (): CatalogDefinition => JSON.parse(readFileSync(SUM, 'utf8')) as CatalogDefinition;
/** A catalog file made from another by an edit of its data. */
function catalogFile(name: string, from: CatalogDefinition, edit: (c: CatalogDefinition) => CatalogDefinition) {
  return file(name, JSON.stringify(edit(from)));
}
type Row = CatalogDefinition['rows'][number];
const withRows = (c: CatalogDefinition, rows: (rows: Row[]) => Row[]): CatalogDefinition => ({
  ...c,
  rows: rows([...c.rows]),
});

// The three tiers, ServerProtect normal servers beside them, a payment provider; every shop option set.
const SITE = file(
  'site.yaml',
  [
    'groups:',
    "  - { name: web, role: 'shop:web' }",
    "  - { name: app, role: 'shop:app' }",
    "  - { name: db, role: 'shop:db' }",
    "  - { name: normal-servers, role: 'serverprotect:normal-server' }",
    "  - { name: info, role: 'serverprotect:information-server' }",
    'peers:',
    '  - { name: psp, kind: shop-payment-gateway, cidr: 203.0.113.0/24 }',
    'shop: { workers: 4, payments: true, database: mssql, appPort: 8445 }',
    '',
  ].join('\n'),
);
const siteDeclaration = () => parseYaml(readFileSync(SITE, 'utf8')) as CatalogDeclaration;

describe('--catalog on every command that reads a declaration', () => {
  test('table: the preset of the catalog, one line per flow', () => {
    const r = portplan('table', '--catalog', SHOP, '--preset', 'shop');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      [
        '| from | to | protocol | ports | rows | purpose | conditions |',
        '|---|---|---|---|---|---|---|',
        '| shop-web | shop-app | tcp | 8443-8447 | SHOP1 | web tier to application tier, HTTPS | always |',
        '| shop-web | shop-app | tcp | 9100-9101 | SHOP2 | application tier workers | always |',
        '| shop-app | shop-db | tcp | 5432 | SHOP3 | application tier to PostgreSQL | database postgres |',
        '',
      ].join('\n'),
    );
  });

  test('table --file: the options block of the product, its peers, beside a built-in product', () => {
    const r = portplan('table', '--file', SITE, '--catalog', SHOP);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '| web | app | tcp | 8445 | SHOP1 | web tier to application tier, HTTPS | always |',
        '| web | app | tcp | 9100-9103 | SHOP2 | application tier workers | always |',
        '| app | db | tcp | 1433 | SHOP4 | application tier to SQL Server | database mssql |',
        '| app | psp (203.0.113.0/24) | tcp | 443 | SHOP5 | payments from the application tier | when payments are on and the user names the provider |',
        '| normal-servers | info | tcp | 3628 | SP6 | RPC over TCP/IP from normal server | communication tcpip |',
      ]),
    );
    expect(r.err).toMatch(/^warning: SP3: /);
  });

  test('without --catalog the same file is refused: the roles and the options block are unknown', () => {
    const r = portplan('table', '--file', SITE);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /groups\[0\]\.role: names product shop, which no catalog in use has: pass its catalog .*\(got "shop:web"\)/,
    );
    expect(r.err).toMatch(/unknown field shop/);
  });

  test('flows --json: the flows resolve() gives with the catalog', () => {
    const r = portplan('flows', '--json', '--file', SITE, '--catalog', SHOP);
    expect(r.code).toBe(0);
    const want = resolve(siteDeclaration(), { catalogs: [readCatalogFile(SHOP)] });
    const json = JSON.parse(r.out) as { flows: { rows: string[]; fromPort: number; toPort: number }[] };
    expect(json.flows.map((f) => [f.rows, f.fromPort, f.toPort])).toEqual(
      want.flows.map((f) => [f.rows, f.fromPort, f.toPort]),
    );
    expect(json.flows.some((f) => f.rows.includes('SHOP5'))).toBe(true);
  });

  test('flows: one line per flow', () => {
    const r = portplan('flows', '--preset', 'shop', '--catalog', SHOP);
    expect([r.code, r.out]).toEqual([
      0,
      'shop-web -> shop-app tcp 8443-8447 SHOP1\nshop-web -> shop-app tcp 9100-9101 SHOP2\nshop-app -> shop-db tcp 5432 SHOP3\n',
    ]);
  });

  test("diagram: the catalog's role labels on the nodes, its ports on the edges", () => {
    const r = portplan('diagram', '--preset', 'shop', '--catalog', SHOP);
    expect([r.code, r.out]).toEqual([
      0,
      [
        'flowchart LR',
        '  g_shop_web["shop-web<br/>Example Shop web tier"]',
        '  g_shop_app["shop-app<br/>Example Shop application tier"]',
        '  g_shop_db["shop-db<br/>Example Shop database"]',
        '  g_shop_web -->|"tcp 8443-8447, tcp 9100-9101"| g_shop_app',
        '  g_shop_app -->|"tcp 5432"| g_shop_db',
        '',
      ].join('\n'),
    ]);
  });

  test('host-firewall --role shop:app --address: nftables rules from the web tier only', () => {
    const r = portplan(
      'host-firewall',
      '--preset',
      'shop',
      '--catalog',
      SHOP,
      '--role',
      'shop:app',
      '--os',
      'linux',
      '--address',
      'shop-web=10.0.1.0/24',
    );
    expect([r.code, r.err]).toEqual([0, '']);
    const accepts = r.out.split('\n').filter((l) => l.startsWith('add rule'));
    expect(accepts).toEqual([
      'add rule inet filter portplan_shop_app_in ip saddr 10.0.1.0/24 tcp dport 8443-8447 accept comment "SHOP1: web tier to application tier, HTTPS"',
      'add rule inet filter portplan_shop_app_in ip saddr 10.0.1.0/24 tcp dport 9100-9101 accept comment "SHOP2: application tier workers"',
    ]);
  });

  test('host-firewall --role shop:app --os windows --any-address: PowerShell rules with no address match', () => {
    const r = portplan(
      'host-firewall',
      '--preset',
      'shop',
      '--catalog',
      SHOP,
      '--role',
      'shop:app',
      '--os',
      'windows',
      '--any-address',
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^warning: --any-address: no address for shop-web/);
    expect(r.out).toContain("-Group 'portplan shop:app'");
    expect(r.out).toContain("-LocalPort '9100-9101'");
    expect(r.out).not.toContain('-RemoteAddress');
  });

  test('host-firewall for a role of the catalog without an address: refused, exit 1', () => {
    const r = portplan('host-firewall', '--preset', 'shop', '--catalog', SHOP, '--role', 'shop:db', '--os', 'linux');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^portplan: --address: no address for shop-app/);
  });

  test('schema --catalog: the declaration schema with the roles, peer kinds and options block of the catalog', () => {
    const r = portplan('schema', '--catalog', SHOP);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.out) as Record<string, unknown>;
    expect(schema).toEqual(declarationJsonSchema({ catalogs: [readCatalogFile(SHOP)] }));
    expect(r.out).toContain('"shop:app"');
    expect(r.out).toContain('"shop-payment-gateway"');
    expect((schema.properties as Record<string, unknown>).shop).toBeDefined();
    expect(schema).not.toEqual(declarationJsonSchema());
  });

  test('explain: a port of the catalog, with its row, condition, option and source', () => {
    const r = portplan(
      'explain',
      '--preset',
      'shop',
      '--catalog',
      SHOP,
      '--from',
      'shop-web',
      '--to',
      'shop-app',
      '--port',
      '9101/tcp',
    );
    expect([r.code, r.out]).toEqual([
      0,
      [
        'shop-web -> shop-app 9101/tcp: allowed by the plan',
        '  flow shop-web -> shop-app tcp 9100-9101 (SHOP2)',
        '  SHOP2: application tier workers',
        '    condition: always',
        '    controlled by: shop.workers',
        '    source: Example Shop network design note, row SHOP2',
        '',
      ].join('\n'),
    ]);
    const json = portplan(
      'explain',
      '--file',
      SITE,
      '--catalog',
      SHOP,
      '--from',
      'app',
      '--to',
      'db',
      '--port',
      '5432',
      '--json',
    );
    const want = explain(resolve(siteDeclaration(), { catalogs: [readCatalogFile(SHOP)] }), {
      from: 'app',
      to: 'db',
      port: 5432,
      protocol: 'tcp',
    });
    expect(JSON.parse(json.out) as Explanation).toEqual(JSON.parse(JSON.stringify(want)));
    expect(want.allowed).toBe(false);
  });

  test('report: the AWS and Azure rules of the catalog, with its rows, purposes and document', () => {
    const r = portplan('report', '--preset', 'shop', '--catalog', SHOP, '--format', 'json');
    expect([r.code, r.err]).toEqual([0, '']);
    const { aws, azure } = JSON.parse(r.out) as { aws: Record<string, unknown>[]; azure: Record<string, unknown>[] };
    expect(aws.filter((x) => x.origin === 'flow').map((x) => [x.group, x.source, x.ports, x.rows])).toEqual([
      ['shop-app', 'shop-web', '8443-8447', ['SHOP1']],
      ['shop-app', 'shop-web', '9100-9101', ['SHOP2']],
      ['shop-db', 'shop-app', '5432', ['SHOP3']],
    ]);
    expect(aws[0].document).toBe('Example Shop network design note, row SHOP1');
    expect(
      azure
        .filter((x) => x.origin === 'flow')
        .flatMap((x) => x.rows)
        .sort(),
    ).toEqual(['SHOP1', 'SHOP2', 'SHOP3']);
  });

  describe('verify azure: an NSG of the three tiers, as az network nsg show prints it', () => {
    const asg = (name: string) =>
      `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop/providers/Microsoft.Network/applicationSecurityGroups/${name}`;
    const allow = (name: string, priority: number, from: string, to: string, ports: string[]) => ({
      name,
      priority,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      sourcePortRange: '*',
      destinationPortRanges: ports,
      sourceApplicationSecurityGroups: [{ id: asg(from) }],
      destinationApplicationSecurityGroups: [{ id: asg(to) }],
    });
    const deny = (name: string, priority: number, to: string) => ({
      name,
      priority,
      direction: 'Inbound',
      access: 'Deny',
      protocol: '*',
      sourcePortRange: '*',
      destinationPortRange: '*',
      sourceAddressPrefix: 'VirtualNetwork',
      destinationApplicationSecurityGroups: [{ id: asg(to) }],
    });
    const rules = [
      allow('in-shop-web-to-shop-app-tcp', 100, 'shop-web', 'shop-app', ['8443-8447', '9100-9101']),
      allow('in-shop-app-to-shop-db-tcp', 110, 'shop-app', 'shop-db', ['5432']),
      ...['shop-web', 'shop-app', 'shop-db'].map((g, i) => deny(`deny-vnet-to-${g}`, 4000 + i, g)),
    ];
    const asgs = file(
      'shop-asgs.json',
      JSON.stringify(
        ['shop-web', 'shop-app', 'shop-db'].map((name) => ({ id: asg(name), name, tags: { 'portplan:group': name } })),
      ),
    );
    const verify = (nsg: unknown[]) =>
      portplan(
        'verify',
        'azure',
        '--preset',
        'shop',
        '--catalog',
        SHOP,
        '--nsg',
        file('shop-nsg.json', JSON.stringify({ name: 'shop-nsg', securityRules: nsg })),
        '--asgs',
        asgs,
        '--address-space',
        '10.40.0.0/16',
        '--json',
      );

    test('as planned: exit 0, every flow of the catalog allowed', () => {
      const r = verify(rules);
      expect([r.code, r.err]).toEqual([0, '']);
      const report = JSON.parse(r.out) as SiteReport;
      expect(report.flows.map((f) => [f.rows, f.status])).toEqual([
        [['SHOP1'], 'allowed'],
        [['SHOP2'], 'allowed'],
        [['SHOP3'], 'allowed'],
      ]);
      expect(report.extra).toEqual([]);
    });

    test('the database rule missing: exit 1, the SHOP3 flow blocked', () => {
      const r = verify(rules.filter((x) => x.name !== 'in-shop-app-to-shop-db-tcp'));
      expect(r.code).toBe(1);
      const report = JSON.parse(r.out) as SiteReport;
      expect(report.flows.filter((f) => f.status !== 'allowed').map((f) => f.rows)).toEqual([['SHOP3']]);
    });
  });

  test('verify aws: the preset of the catalog is resolved before EC2 is asked (here: no --vpc, exit 2)', async () => {
    let out = '';
    let err = '';
    const code = await runAsync(
      ['verify', 'aws', '--preset', 'shop', '--catalog', SHOP],
      (t) => (out += t),
      (t) => (err += t),
    );
    expect([code, out]).toEqual([2, '']);
    expect(err).toBe(
      'portplan: --vpc: give --vpc <vpc-id>, or --group <name>=<sg-id> for each declared group (got nothing)\n',
    );
    // Without the catalog, the preset is unknown.
    err = '';
    const without = await runAsync(
      ['verify', 'aws', '--preset', 'shop'],
      () => undefined,
      (t) => (err += t),
    );
    expect(without).toBe(2);
    expect(err).toMatch(/argument 'shop' is invalid/);
  });

  test("two catalogs: a second product whose rows reach the first one's roles", () => {
    const ledger = file(
      'ledger.yaml',
      [
        'product: { id: ledger, name: Ledger 1.0 }',
        'documents: [{ id: notes, title: Ledger ports, reference: ledger-1 }]',
        'roles: [{ id: "ledger:server", label: Ledger server, hostOs: [linux] }]',
        'rows:',
        '  - id: LEDGER1',
        '    purpose: shop application tier posts orders',
        '    condition: always',
        '    citation: { document: notes }',
        '    flows:',
        '      - { listener: { roles: ["ledger:server"] }, initiator: { roles: ["shop:app"] }, protocol: tcp, ports: { kind: fixed, ports: [7070, 7071] } }',
        'presets:',
        '  - name: shop-and-ledger',
        '    description: the shop and its ledger',
        '    declaration:',
        '      groups: [{ name: app, role: "shop:app" }, { name: ledger, role: "ledger:server" }]',
        '',
      ].join('\n'),
    );
    const r = portplan('flows', '--catalog', SHOP, '--catalog', ledger, '--preset', 'shop-and-ledger');
    expect([r.code, r.out, r.err]).toEqual([0, 'app -> ledger tcp 7070-7071 LEDGER1\n', '']);
    // Without the catalog whose role its rows name, the second catalog is refused, naming the path.
    const alone = portplan('flows', '--catalog', ledger, '--preset', 'shop-and-ledger');
    expect(alone.code).toBe(1);
    expect(alone.err).toContain(
      `portplan: invalid portplan catalog ${ledger}:\n  rows[0].flows[0].initiator.roles[0]: must be a role of a catalog in use; this catalog's: ledger:server (got "shop:app")`,
    );
  });

  test("a catalog with a built-in product's id replaces it: the built-in preset with the new table", () => {
    const newer = catalogFile('sum-2222.json', sumDefinition(), (c) =>
      withRows(c, (rows) =>
        rows.map((r) =>
          r.id === 'SUM1' ? { ...r, flows: [{ ...r.flows[0], ports: { kind: 'fixed', ports: [2222] } }] } : r,
        ),
      ),
    );
    const r = portplan('flows', '--preset', 'smart-update-manager', '--catalog', newer);
    expect(r.code).toBe(0);
    expect(r.out).toContain('workstation -> linux-targets tcp 2222 SUM1\n');
    expect(r.out).not.toContain(' 22 SUM1');
  });

  test.each(PRESET_NAMES)('preset %s with an unrelated catalog: byte-identical to the output without it', (preset) => {
    for (const command of ['table', 'flows', 'diagram', 'report']) {
      expect(portplan(command, '--preset', preset, '--catalog', SHOP)).toEqual(portplan(command, '--preset', preset));
    }
  });

  test('a bad catalog: exit 1 naming the file, the path, the value and what is allowed; nothing on standard output', () => {
    const bad = catalogFile('bad-role.json', shopDefinition(), (c) => ({
      ...c,
      roles: [{ ...c.roles[0], id: 'web:front' }, ...c.roles.slice(1)],
    }));
    // The problem line may end with a hint ("; did you mean ...").
    const message = new RegExp(
      `^portplan: invalid portplan catalog ${escape(bad)}:\n` +
        `  roles\\[0\\]\\.id: must be in the product's namespace: start with shop: \\(got "web:front"\\)(; [^\\n]*)?\\n$`,
    );
    const declaration = ['--preset', 'serverprotect', '--catalog', bad];
    for (const args of [
      ['table', ...declaration],
      ['flows', ...declaration],
      ['diagram', ...declaration],
      ['report', ...declaration],
      ['explain', ...declaration, '--from', 'console', '--to', 'console', '--port', '1'],
      ['host-firewall', ...declaration, '--os', 'windows', '--role', 'serverprotect:console', '--any-address'],
      ['schema', '--catalog', bad],
      ['catalog', 'show', 'serverprotect', '--catalog', bad],
    ]) {
      const r = portplan(...args);
      expect([args[0], r.code, r.out]).toEqual([args[0], 1, '']);
      expect(r.err).toMatch(message);
    }
    // verify exits 2 when the check cannot run (1 is drift), with the same message.
    const v = portplan('verify', 'azure', ...declaration, '--nsg', bad, '--address-space', '10.0.0.0/16');
    expect([v.code, v.out]).toEqual([2, '']);
    expect(v.err).toMatch(message);
  });

  test('a catalog that is not valid YAML, or missing: exit 1 naming the file', () => {
    const broken = file('broken.yaml', 'product: { id: shop\n');
    const r = portplan('table', '--preset', 'serverprotect', '--catalog', broken);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^portplan: ${escape(broken)} is not valid YAML: .* at line \\d+, column \\d+`));
    const missing = portplan('schema', '--catalog', join(dir, 'nope.json'));
    expect([missing.code, missing.err]).toEqual([1, `portplan: --catalog ${join(dir, 'nope.json')}: no such file\n`]);
  });

  test('two catalogs of one product: exit 1, the second one named', () => {
    const copy = file('shop-copy.yaml', readFileSync(SHOP, 'utf8'));
    const r = portplan('table', '--preset', 'shop', '--catalog', SHOP, '--catalog', copy);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `portplan: invalid portplan catalog ${copy}:\n  product.id: duplicate product id; catalog ${SHOP} already has it (got "shop")`,
    );
  });
});

describe('--preset with catalogs', () => {
  test.each<[string, string[], RegExp]>([
    [
      'a preset of no catalog given: the names allowed, the near one',
      ['table', '--preset', 'shpo', '--catalog', SHOP],
      /^error: option '-p, --preset <name>' argument 'shpo' is invalid\. Allowed choices are serverprotect, smart-update-manager, smart-update-manager-7, shop\. Did you mean shop\?\n\(run with --help for usage\)\n$/,
    ],
    [
      'a preset of a catalog without the catalog',
      ['table', '--preset', 'shop'],
      /^error: option '-p, --preset <name>' argument 'shop' is invalid\. Allowed choices are serverprotect, smart-update-manager, smart-update-manager-7\.\n/,
    ],
    [
      'a built-in name mistyped, with a catalog',
      ['flows', '--catalog', SHOP, '--preset', 'smart-update-manager7'],
      /Allowed choices are serverprotect, smart-update-manager, smart-update-manager-7, shop\. Did you mean smart-update-manager-7\?/,
    ],
    [
      'no declaration: the presets of the catalogs listed too',
      ['diagram', '--catalog', SHOP],
      /^portplan: give a declaration: --file <path> \(JSON or YAML\) or --preset <serverprotect\|smart-update-manager\|smart-update-manager-7\|shop>\n/,
    ],
  ])('%s: exit 2', (_name, args, message) => {
    const r = portplan(...args);
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toMatch(message);
  });

  test('--catalog before or after --preset: the same', () => {
    expect(portplan('table', '--catalog', SHOP, '--preset', 'shop')).toEqual(
      portplan('table', '--preset', 'shop', '--catalog', SHOP),
    );
  });

  test.each([
    'table',
    'flows',
    'diagram',
    'host-firewall',
    'schema',
    'explain',
    'report',
    'verify aws',
    'verify azure',
  ])('%s --help lists --catalog', (command) => {
    const r = portplan(...command.split(' '), '--help');
    expect(r.code).toBe(0);
    expect(r.out.replace(/\s+/g, ' ')).toContain(
      ' --catalog <file|product> a product catalog file (JSON or YAML) beside the built-in products, ' +
        'or a built-in product by id (serverprotect, sum);',
    );
  });
});

describe('portplan catalog validate', () => {
  test('each file on its own and as a set: one ok line per file', () => {
    const r = portplan('catalog', 'validate', SHOP, SUM);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      `ok ${SHOP}: product shop, 3 roles, 5 rows, 1 preset\n` +
        `ok ${SUM}: product sum (replaces the built-in), 11 roles, 15 rows, 2 presets\n`,
    );
  });

  test('a bad catalog: exit 1, the file, the path, the value and what is allowed', () => {
    const bad = catalogFile('bad-port.json', shopDefinition(), (c) =>
      withRows(c, (rows) => [
        { ...rows[2], flows: [{ ...rows[2].flows[0], ports: { kind: 'fixed', ports: [70000] } }] },
      ]),
    );
    const r = portplan('catalog', 'validate', bad);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toBe(
      `portplan: invalid portplan catalog ${bad}:\n` +
        '  rows[0].flows[0].ports.ports[0]: must be a whole number from 1 to 65535 (got 70000)\n',
    );
  });

  test('several bad files: every one named, no ok line', () => {
    const one = catalogFile('bad-1.json', shopDefinition(), (c) => ({ ...c, documents: [] }));
    const two = file('bad-2.yaml', 'product: [\n');
    const r = portplan('catalog', 'validate', one, SHOP, two);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toContain(`portplan: invalid portplan catalog ${one}:\n  documents: `);
    expect(r.err).toContain(`portplan: ${two} is not valid YAML:`);
  });

  test('a clash across files: a row id another catalog has', () => {
    const other = catalogFile('clash.json', shopDefinition(), (c) => ({
      ...c,
      product: { id: 'shop2', name: 'another shop' },
      roles: c.roles.map((r) => ({ ...r, id: r.id.replace('shop:', 'shop2:') })),
      peerKinds: [],
      presets: [],
      rows: [
        {
          ...c.rows[2],
          flows: [{ ...c.rows[2].flows[0], listener: { roles: ['shop2:db'] }, initiator: { roles: ['shop2:app'] } }],
        },
      ],
    }));
    expect(portplan('catalog', 'validate', other).code).toBe(0);
    const r = portplan('catalog', 'validate', SHOP, other);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toBe(
      `portplan: invalid portplan catalog ${other}:\n  rows[0].id: duplicate row id; catalog ${SHOP} already has it (got "SHOP3")\n`,
    );
  });

  test('a preset that is not a valid declaration: the path inside the preset', () => {
    const bad = catalogFile('bad-preset.json', shopDefinition(), (c) => ({
      ...c,
      presets: [{ name: 'shop', description: 'x', declaration: { groups: [{ name: 'web', role: 'shop:wbe' }] } }],
    }));
    const r = portplan('catalog', 'validate', bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /presets\[0\]\.declaration\.groups\[0\]\.role: must be one of .* \(got "shop:wbe"\); did you mean "shop:web"\?/,
    );
  });

  test('no file: exit 2', () => {
    const r = portplan('catalog', 'validate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing required argument 'file'/);
  });
});

describe('portplan catalog show', () => {
  test('Markdown: one line per flow of each row, ports in words, then the options', () => {
    const r = portplan('catalog', 'show', 'shop', '--catalog', SHOP);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      [
        '| row | purpose | initiator | listener | protocol | ports | condition | source |',
        '|---|---|---|---|---|---|---|---|',
        '| SHOP1 | web tier to application tier, HTTPS | shop:web | shop:app | tcp | 8443 or 8444-8447 (shop.appPort) | always | Example Shop network design note |',
        '| SHOP2 | application tier workers | shop:web | shop:app | tcp | 9100 + shop.workers ports | always | Example Shop network design note |',
        '| SHOP3 | application tier to PostgreSQL | shop:app | shop:db | tcp | 5432 | database postgres | Example Shop network design note |',
        '| SHOP4 | application tier to SQL Server | shop:app | shop:db | tcp | 1433 | database mssql | Example Shop network design note |',
        "| SHOP5 | payments from the application tier | shop:app | peer shop-payment-gateway | tcp | peer's ports, default 443 | when payments are on and the user names the provider | Example Shop network design note (the provider's endpoint ports; 443 unless the peer lists its own) |",
        '',
        '| option | values | default | description |',
        '|---|---|---|---|',
        "| shop.appPort | 8443 or 8444-8447 | (unset: 8443 and 8444-8447) | The application tier's HTTPS port, if known. |",
        '| shop.workers | 1-16 | 2 | How many worker ports the application tier opens from 9100. |',
        '| shop.payments | true, false | false | The application tier calls the payment service provider. |',
        '| shop.database | postgres, mssql | postgres | The database engine. |',
        '',
      ].join('\n'),
    );
  });

  test('--format json: the product, its roles and the same lines as data', () => {
    const r = portplan('catalog', 'show', 'shop', '--catalog', SHOP, '--format', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as Record<string, unknown>;
    expect(json).toMatchObject({
      version: 1,
      product: { id: 'shop', name: 'Example Shop 2.4 (in-house three-tier application)', optionsField: 'shop' },
      roles: [
        { id: 'shop:web', label: 'Example Shop web tier', hostOs: ['linux'] },
        { id: 'shop:app', label: 'Example Shop application tier', hostOs: ['linux', 'windows'] },
        { id: 'shop:db', label: 'Example Shop database', hostOs: ['linux'] },
      ],
      peerKinds: [{ id: 'shop-payment-gateway', label: 'payment service provider' }],
    });
    expect(json.rows).toEqual(catalogTable(readCatalogFile(SHOP)));
    expect((json.options as { option: string }[]).map((o) => o.option)).toEqual([
      'shop.appPort',
      'shop.workers',
      'shop.payments',
      'shop.database',
    ]);
  });

  test.each<[string, string]>([
    ['serverprotect', SERVERPROTECT],
    ['sum', SUM],
  ])('the built-in %s: every row id of its catalog file, every flow a line, the same on every run', (product, path) => {
    const r = portplan('catalog', 'show', product);
    expect(r.code).toBe(0);
    const definition = JSON.parse(readFileSync(path, 'utf8')) as CatalogDefinition;
    const table = r.out.split('\n\n')[0].split('\n').slice(2).filter(Boolean);
    expect(table.map((l) => l.split(' | ')[0].slice(2))).toEqual(
      definition.rows.flatMap((row) => row.flows.map(() => row.id)),
    );
    expect(portplan('catalog', 'show', product).out).toBe(r.out);
  });

  test("ports in words for every kind: fixed lists as ranges, pinned with fallback, counted, a peer's", () => {
    const r = portplan('catalog', 'show', 'sum');
    for (const text of [
      '| SUM2 | ADMIN$ share on the target | sum:workstation | sum:target:windows | tcp | 139, 445 |',
      '| sum:workstation | sum:target:windows, sum:target:linux, sum:target:integrity | tcp | 60000 + sum.concurrentTargets ports | profile 5.x;',
      '| 80 or 63000-63005 (sum.webServerPort) |',
      '| peer administrators | sum:workstation | tcp | 63001-63002 |',
    ])
      expect(r.out).toContain(text);
    expect(portplan('catalog', 'show', 'serverprotect').out).toContain(
      "| serverprotect:information-server | peer control-manager | tcp | peer's ports, default 80, 443 |",
    );
  });

  test('an unknown product: exit 2, the products of the catalogs in use and the near one', () => {
    const r = portplan('catalog', 'show', 'shp', '--catalog', SHOP);
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toBe(
      "error: command-argument value 'shp' is invalid for argument 'product'. Allowed choices are serverprotect, sum, shop. Did you mean shop?\n(run with --help for usage)\n",
    );
  });
});

describe('portplan catalog diff', () => {
  // A newer HP SUM table: SSH moved to 2222, a new row SUM9 on 8080, SUM3 gone, SUM7-3 (7.x+) reworded.
  const newer = catalogFile('sum-newer.json', sumDefinition(), (c) =>
    withRows(c, (rows) => [
      ...rows
        .filter((r) => r.id !== 'SUM3')
        .map((r) =>
          r.id === 'SUM1'
            ? { ...r, flows: [{ ...r.flows[0], ports: { kind: 'fixed' as const, ports: [2222] } }] }
            : r.id === 'SUM7-3'
              ? { ...r, purpose: 'VMware ESXi HTTPS and CIM discovery' }
              : r,
        ),
      {
        id: 'SUM9',
        purpose: 'agent on the target',
        condition: 'profile 5.x',
        when: { profile: '5.x' },
        citation: { document: 'guide' },
        flows: [
          {
            listener: { roles: ['sum:target:linux'] },
            initiator: { roles: ['sum:workstation'] },
            protocol: 'tcp',
            ports: { kind: 'fixed', ports: [8080] },
          },
        ],
      },
    ]),
  );

  test('opened and closed ports with their rows, then the rows added, removed and changed', () => {
    const r = portplan('catalog', 'diff', SUM, newer, '--preset', 'smart-update-manager');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      [
        '+ workstation -> linux-targets tcp 2222 (SUM1)',
        '+ workstation -> linux-targets tcp 8080 (SUM9)',
        '- workstation -> linux-targets tcp 22 (SUM1)',
        '2 opened, 1 closed',
        '',
        '+ row SUM9: agent on the target',
        '- row SUM3: NetBIOS name service',
        '~ row SUM1: flows changed',
        '~ row SUM7-3: purpose changed',
        'rows: 1 added, 1 removed, 2 changed',
        '',
        // The same change as packets between the roles: SSH moved, the agent's port new, per role pair.
        'packets between roles (+ opened, - closed):',
        '+ tcp sum:workstation -> sum:target:linux 2222, 8080',
        '- tcp sum:workstation -> sum:target:linux 22',
        '',
      ].join('\n'),
    );
  });

  test('a declaration the changes do not reach: no change in flows, the rows listed all the same', () => {
    const r = portplan('catalog', 'diff', SUM, newer, '--preset', 'serverprotect');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^no change in flows\n\n\+ row SUM9: agent on the target\n/);
  });

  test('the same table (JSON against YAML of the same data): no change at all', () => {
    const yaml = file('shop-copy.json', JSON.stringify(shopDefinition()));
    const r = portplan('catalog', 'diff', SHOP, yaml, '--preset', 'shop');
    expect([r.code, r.out]).toEqual([
      0,
      'no change in flows\n\nno change in rows\n\npackets between roles (+ opened, - closed): none\n',
    ]);
  });

  test("the product's name, a document and a broadcast changed: each named, with no change in flows", () => {
    const renamed = catalogFile('shop-renamed.json', shopDefinition(), (c) => ({
      ...c,
      product: { ...c.product, name: 'Shop 2' },
      documents: [...c.documents, { id: 'runbook', title: 'Shop runbook', reference: 'rb-2' }],
      broadcasts: [{ id: 'shop-beacon', message: 'The beacon does not cross a VPC; list the hosts instead.' }],
    }));
    const r = portplan('catalog', 'diff', SHOP, renamed, '--preset', 'shop');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      [
        'no change in flows',
        '',
        `~ product name: ${JSON.stringify(shopDefinition().product.name)} -> "Shop 2"`,
        '+ document runbook: Shop runbook',
        '+ broadcast shop-beacon: The beacon does not cross a VPC; list the hosts instead.',
        'no change in rows',
        '',
        'packets between roles (+ opened, - closed): none',
        '',
      ].join('\n'),
    );
  });

  test('ports kept for other rows, and a --file declaration with its options', () => {
    const wider = catalogFile('shop-wider.json', shopDefinition(), (c) =>
      withRows(c, (rows) => [
        ...rows,
        {
          id: 'SHOP6',
          purpose: 'health checks of the application tier',
          condition: 'always',
          citation: { document: 'design' },
          flows: [
            {
              listener: { roles: ['shop:app'] },
              initiator: { roles: ['shop:web'] },
              protocol: 'tcp',
              ports: { kind: 'fixed', ports: [9102, 9104] },
            },
          ],
        },
      ]),
    );
    const r = portplan('catalog', 'diff', SHOP, wider, '--file', SITE);
    expect(r.out).toBe(
      [
        // Port 9104 joins the SHOP2 range 9100-9103 into one flow, which cites both rows (as `flows` prints it).
        '+ web -> app tcp 9104 (SHOP2, SHOP6)',
        '~ web -> app tcp 9100-9103 (SHOP2 -> SHOP2, SHOP6)',
        '1 opened, 0 closed, 1 kept for other rows',
        '',
        '+ row SHOP6: health checks of the application tier',
        'rows: 1 added, 0 removed, 0 changed',
        '',
        // Only 9104 is new traffic; 9100-9103 stays open, for one more row.
        'packets between roles (+ opened, - closed):',
        '+ tcp shop:web -> shop:app 9104',
        '',
      ].join('\n'),
    );
  });

  test('--json: the same diff under stable field names', () => {
    const r = portplan('catalog', 'diff', SUM, newer, '--preset', 'smart-update-manager', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      version: number;
      product: string;
      flows: { opened: { to: unknown; fromPort: number; rows: string[] }[]; closed: { fromPort: number }[] };
      catalog: { rows: unknown };
      packets: { opened: unknown[]; closed: { packets: string[] }[] };
    };
    expect(json.version).toBe(1);
    expect(json.product).toBe('sum');
    expect(json.flows.opened.map((f) => [f.to, f.fromPort, f.rows])).toEqual([
      [{ kind: 'group', name: 'linux-targets' }, 2222, ['SUM1']],
      [{ kind: 'group', name: 'linux-targets' }, 8080, ['SUM9']],
    ]);
    expect(json.flows.closed.map((f) => f.fromPort)).toEqual([22]);
    // The packets per role pair, with a witness of each part.
    expect(json.packets.opened).toEqual([
      {
        from: 'sum:workstation',
        to: 'sum:target:linux',
        protocol: 'tcp',
        packets: ['tcp sum:workstation -> sum:target:linux 2222, 8080'],
        witness: {
          protocol: 6,
          port: 2222,
          source: { address: '0.0.0.0', hostClass: 'sum:workstation' },
          destination: { address: '0.0.0.0', hostClass: 'sum:target:linux' },
        },
      },
    ]);
    expect(json.packets.closed.map((c) => c.packets)).toEqual([['tcp sum:workstation -> sum:target:linux 22']]);
    expect(json.catalog.rows).toEqual({
      added: ['SUM9'],
      removed: ['SUM3'],
      changed: [
        { id: 'SUM1', fields: ['flows'] },
        { id: 'SUM7-3', fields: ['purpose'] },
      ],
    });
  });

  test('a role the new version removes: exit 1, naming the version that refuses the declaration and why', () => {
    const noLinux = catalogFile('sum-no-linux.json', sumDefinition(), (c) => ({
      ...withRows(c, (rows) => rows.filter((r) => !JSON.stringify(r.flows).includes('sum:target:linux'))),
      roles: c.roles.filter((r) => r.id !== 'sum:target:linux'),
      presets: [],
    }));
    const r = portplan('catalog', 'diff', SUM, noLinux, '--preset', 'smart-update-manager');
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toMatch(
      new RegExp(
        `^portplan: the new version ${escape(noLinux)} refuses the declaration: invalid portplan declaration:\n` +
          '  groups\\[2\\]\\.role: must be one of .* \\(got "sum:target:linux"\\)',
      ),
    );
    // The other way round, the old version refuses it.
    const back = portplan('catalog', 'diff', noLinux, SUM, '--preset', 'smart-update-manager');
    expect(back.code).toBe(1);
    expect(back.err).toMatch(/^portplan: the old version .*sum-no-linux\.json refuses the declaration: /);
  });

  test('two different products: exit 2, naming both', () => {
    const r = portplan('catalog', 'diff', SUM, SHOP, '--preset', 'shop');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `portplan: give two versions of one product: ${SUM} is product sum, ${SHOP} is product shop\n(run with --help for usage)\n`,
    );
  });

  test('another catalog beside the versions: its preset and roles', () => {
    const ledger = file(
      'ledger-diff.yaml',
      [
        'product: { id: ledger, name: Ledger 1.0 }',
        'documents: [{ id: notes, title: Ledger ports, reference: ledger-1 }]',
        'roles: [{ id: "ledger:server", label: Ledger server, hostOs: [linux] }]',
        'rows:',
        '  - { id: LEDGER1, purpose: orders, condition: always, citation: { document: notes }, flows: [{ listener: { roles: ["ledger:server"] }, initiator: { roles: ["shop:app"] }, protocol: tcp, ports: { kind: fixed, ports: [7070] } }] }',
        'presets:',
        '  - { name: ledger, description: x, declaration: { groups: [{ name: app, role: "shop:app" }, { name: ledger, role: "ledger:server" }, { name: db, role: "shop:db" }] } }',
        '',
      ].join('\n'),
    );
    const mssql = catalogFile('shop-mssql.json', shopDefinition(), (c) => ({
      ...c,
      options: c.options?.map((o) => (o.type === 'choice' && o.name === 'database' ? { ...o, default: 'mssql' } : o)),
    }));
    const r = portplan('catalog', 'diff', SHOP, mssql, '--preset', 'ledger', '--catalog', ledger);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      [
        '+ app -> db tcp 1433 (SHOP4)',
        '- app -> db tcp 5432 (SHOP3)',
        '1 opened, 1 closed',
        '',
        '~ option database: default changed',
        'no change in rows',
        '',
        'packets between roles (+ opened, - closed):',
        '+ tcp shop:app -> shop:db 1433',
        '- tcp shop:app -> shop:db 5432',
        '',
      ].join('\n'),
    );
  });

  test('no declaration, or an unknown preset: exit 2', () => {
    expect(portplan('catalog', 'diff', SUM, newer).code).toBe(2);
    const r = portplan('catalog', 'diff', SUM, newer, '--preset', 'smart-update-manger');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Did you mean smart-update-manager\?/);
  });
});

describe('portplan catalog schema', () => {
  test('prints schema/catalog.schema.json', () => {
    const r = portplan('catalog', 'schema');
    expect([r.code, r.out]).toEqual([0, readFileSync(join(ROOT, 'schema/catalog.schema.json'), 'utf8')]);
  });
});

test('catalog --help lists validate, show, export, diff and schema', () => {
  const r = portplan('catalog', '--help');
  expect(r.code).toBe(0);
  for (const c of [
    'validate <file...>',
    'show [options] <product>',
    'export [options] <product>',
    'diff [options] <old> <new>',
    'schema',
  ])
    expect(r.out).toContain(`\n  ${c} `);
});

describe('a catalog with ICMP and ICMPv6 flows on the command line', () => {
  const icmpCatalog = file('icmp.json', JSON.stringify(ICMP_CATALOG));
  const icmpSite = file('icmp-site.json', JSON.stringify(ICMP_DECLARATION));

  test('catalog show and table print the messages: a type, a type and code, all', () => {
    const show = portplan('catalog', 'show', 'png', '--catalog', icmpCatalog);
    expect(show.code).toBe(0);
    expect(show.out).toContain('| png:monitor | png:node | icmp | 8 |');
    expect(show.out).toContain('| png:node | png:monitor | icmpv6 | all |');
    expect(show.out).toContain('| peer png-probe | png:node | icmp | 3/4 |');
    const flows = portplan('flows', '--file', icmpSite, '--catalog', icmpCatalog);
    expect(flows.out.split('\n').filter((l) => l.includes('icmp'))).toEqual([
      'nodes -> monitors icmpv6 all PNG2',
      'monitors -> nodes icmp 8 PNG1',
      'probe -> nodes icmp 3/4 PNG3',
    ]);
  });

  test('report: AWS rules by type (EC2 -1 for every code), Azure rules of every message', () => {
    const csv = portplan('report', '--file', icmpSite, '--catalog', icmpCatalog, '--format', 'json');
    expect(csv.code).toBe(0);
    const report = JSON.parse(csv.out) as {
      aws: { name: string; protocol: string; ports: string }[];
      azure: { name: string; protocol: string; ports: string }[];
    };
    const icmpRules = (rules: { name: string; protocol: string; ports: string }[]) =>
      rules.filter((x) => x.protocol.startsWith('icmp')).map((x) => `${x.name} ${x.protocol} ${x.ports}`);
    expect(icmpRules(report.aws).sort()).toEqual([
      'in-monitors-from-nodes-icmpv6--1--1 icmpv6 all',
      'in-nodes-from-monitors-icmp-8--1 icmp 8',
      'inline icmp 3/4',
      'out-monitors-to-nodes-icmp-8--1 icmp 8',
      'out-nodes-to-monitors-icmpv6--1--1 icmpv6 all',
    ]);
    expect(icmpRules(report.azure).every((x) => x.endsWith(' icmp all'))).toBe(true);
    expect(icmpRules(report.azure)).toHaveLength(5);
  });

  test('catalog diff compares messages by type and code: a code changed, every code narrowed to one', () => {
    // PNG3's code 4 becomes 1; PNG1's echo requests (type 8, every code) become code 0 alone.
    const newer = catalogFile('icmp-newer.json', ICMP_CATALOG, (c) =>
      withRows(c, (rows) =>
        rows.map((r) => ({
          ...r,
          flows: r.flows.map((f) =>
            f.protocol !== 'icmp' ? f : { ...f, icmp: r.id === 'PNG3' ? { type: 3, code: 1 } : { type: 8, code: 0 } },
          ),
        })),
      ),
    );
    const r = portplan('catalog', 'diff', icmpCatalog, newer, '--file', icmpSite);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.split('\n\n')[0].split('\n')).toEqual([
      '+ probe -> nodes icmp 3/1 (PNG3)',
      '- monitors -> nodes icmp 8/1-255 (PNG1)',
      '- probe -> nodes icmp 3/4 (PNG3)',
      '1 opened, 2 closed',
    ]);
    // The packets say the same.
    expect(r.out).toMatch(/\+ icmp external@198\.51\.100\.0\/24 -> png:node type 3 code 1\n/);
    const json = JSON.parse(portplan('catalog', 'diff', icmpCatalog, newer, '--file', icmpSite, '--json').out) as {
      flows: { closed: unknown[] };
    };
    expect(json.flows.closed[0]).toMatchObject({
      protocol: 'icmp',
      fromPort: 8,
      toPort: 8,
      codes: { fromCode: 1, toCode: 255 },
    });
  });
});
