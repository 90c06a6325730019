// A bad catalog is refused with the same quality of error as a bad declaration: each problem names
// the path in the catalog, the value found there, what is allowed and, where a near name exists,
// what was probably meant. One minimal fault per case, made from the example catalog
// (examples/catalogs/three-tier.yaml) or from a small catalog of its own for clashes between two.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  ArgumentError,
  BUILTIN_CATALOGS,
  CatalogError,
  catalogSet,
  defineCatalog,
  loadCatalog,
  readCatalogFile,
  resolve,
  type CatalogDefinition,
} from '../../lib/model';

const SHOP_FILE = join(__dirname, '../../examples/catalogs/three-tier.yaml');
const SHOP_TEXT = readFileSync(SHOP_FILE, 'utf8');

// The catalog as plain, freely changeable data (each call a fresh copy).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = any;
const shop = (): Data => parse(SHOP_TEXT);
const builtin = (i: number): Data => structuredClone(BUILTIN_CATALOGS[i].definition);
const SERVERPROTECT = 0;
const SUM = 1;

// A second user catalog: one role, one row, one peer kind, one broadcast and one preset.
const relay = (): Data => ({
  product: { id: 'relay', name: 'Mail relay 1.0' },
  documents: [{ id: 'notes', title: 'Relay notes', url: 'https://example.com/relay' }],
  roles: [{ id: 'relay:server', label: 'mail relay', hostOs: ['linux'] }],
  peerKinds: [{ id: 'relay-upstream', label: 'upstream mail server' }],
  broadcasts: [{ id: 'relay-announce', message: 'relays announce themselves by broadcast' }],
  rows: [
    {
      id: 'RELAY1',
      purpose: 'relay to upstream',
      condition: 'always',
      citation: { document: 'notes' },
      flows: [
        {
          listener: { peer: 'relay-upstream' },
          initiator: { roles: ['relay:server'] },
          protocol: 'tcp',
          ports: { kind: 'peer', defaults: [25] },
        },
      ],
    },
  ],
  presets: [
    { name: 'relay', description: 'one relay', declaration: { groups: [{ name: 'r', role: 'relay:server' }] } },
  ],
});

/** The catalogs as a set, each named as a file; the error's problem lines, and the error. */
function refused(...catalogs: Data[]): { lines: string[]; error: CatalogError } {
  const names = ['first.yaml', 'second.yaml'];
  try {
    catalogSet(catalogs.map((c, i) => loadCatalog(c, names[i])));
  } catch (e) {
    if (!(e instanceof CatalogError)) throw e;
    const lines = e.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    expect(lines).toHaveLength(e.problems.length);
    return { lines, error: e };
  }
  throw new Error('the catalogs were accepted');
}

const ROLES = "must be a role of a catalog in use; this catalog's: shop:web, shop:app, shop:db";
const WHOLE = 'must be a whole number from 1 to 65535';
const OPTIONS = 'must name an option of the product: appPort, workers, payments, database';
const VALUE =
  'must be text (one line, 1-80 characters), a whole number from 0 to 65535, or true or false, or a list of such values';

// [what is wrong, the catalogs (named first.yaml and second.yaml), the catalog blamed, its problem lines]
const CASES: [string, () => Data[], string, string[]][] = [
  // Flows naming roles and peer kinds.
  [
    'a flow names an unknown role',
    () => {
      const c = shop();
      c.rows[0].flows[0].initiator.roles = ['shop:wbe'];
      return [c];
    },
    'first.yaml',
    [`rows[0].flows[0].initiator.roles[0]: ${ROLES} (got "shop:wbe"); did you mean "shop:web"?`],
  ],
  [
    'a flow names a role of a catalog not in use',
    () => {
      const c = shop();
      c.rows[2].flows[0].listener.roles = ['shop:db', 'relay:server'];
      return [c];
    },
    'first.yaml',
    [`rows[2].flows[0].listener.roles[1]: ${ROLES} (got "relay:server")`],
  ],
  [
    'a flow names an unknown peer kind',
    () => {
      const c = shop();
      c.rows[4].flows[0].listener.peer = 'shop-payment-gatway';
      return [c];
    },
    'first.yaml',
    [
      "rows[4].flows[0].listener.peer: must be one of the catalog's own peerKinds: shop-payment-gateway, " +
        'or another product\'s as <product id>:<kind> (got "shop-payment-gatway"); did you mean "shop-payment-gateway"?',
    ],
  ],
  [
    "a flow reaching another product's peer kind by its bare id",
    () => {
      const c = relay();
      c.rows[0].flows[0].listener.peer = 'mail';
      return [c];
    },
    'first.yaml',
    [
      "rows[0].flows[0].listener.peer: must be one of the catalog's own peerKinds: relay-upstream, " +
        'or another product\'s as <product id>:<kind> (got "mail")',
    ],
  ],
  [
    'a flow side with an empty list of roles',
    () => {
      const c = shop();
      c.rows[0].flows[0].initiator.roles = [];
      return [c];
    },
    'first.yaml',
    ['rows[0].flows[0].initiator.roles: needs at least 1 entry (got [])'],
  ],
  [
    'a flow side with both roles and a peer',
    () => {
      const c = shop();
      c.rows[0].flows[0].initiator.peer = 'shop-payment-gateway';
      return [c];
    },
    'first.yaml',
    [
      'rows[0].flows[0].initiator: must be { roles: [role ids] } or { peer: peer kind } ' +
        '(got {"roles":["shop:web"],"peer":"shop-payment-gateway"})',
    ],
  ],
  [
    'a flow between two peers',
    () => {
      const c = shop();
      c.rows[4].flows[0].initiator = { peer: 'shop-payment-gateway' };
      return [c];
    },
    'first.yaml',
    [
      'rows[4].flows[0].initiator: must be { roles: [role ids] }: the listener is a peer, and a flow needs a group ' +
        '(got {"peer":"shop-payment-gateway"})',
    ],
  ],
  [
    'peer ports on a flow between groups',
    () => {
      const c = shop();
      c.rows[2].flows[0].ports = { kind: 'peer', defaults: [5432] };
      return [c];
    },
    'first.yaml',
    [
      'rows[2].flows[0].ports.kind: must not be peer here: peer ports are the ports a peer of the flow names, ' +
        'and neither side is a peer; use fixed (got "peer")',
    ],
  ],
  // Ids: unique, in the product's namespace.
  [
    'a duplicate row id',
    () => {
      const c = shop();
      c.rows[3].id = 'SHOP3';
      return [c];
    },
    'first.yaml',
    ['rows[3].id: duplicate; rows[2] already uses it (got "SHOP3")'],
  ],
  [
    'a duplicate role id',
    () => {
      const c = shop();
      c.roles[2].id = 'shop:app';
      return [c];
    },
    'first.yaml',
    ['roles[2].id: duplicate; roles[1] already uses it (got "shop:app")'],
  ],
  [
    "a role outside the product's namespace",
    () => {
      const c = shop();
      c.roles[0].id = 'shpo:web';
      return [c];
    },
    'first.yaml',
    [`roles[0].id: must be in the product's namespace: start with shop: (got "shpo:web"); did you mean "shop:web"?`],
  ],
  [
    'a role id without a namespace',
    () => {
      const c = shop();
      c.roles[0].id = 'web';
      return [c];
    },
    'first.yaml',
    [
      'roles[0].id: must be the product id, a colon and lower-case words (letters, digits, dashes) separated by ' +
        'colons, such as shop:web (got "web")',
    ],
  ],
  // Ports.
  ...(
    [
      [0, `${WHOLE} (got 0)`],
      [65536, `${WHOLE} (got 65536)`],
      [1.5, `${WHOLE} (got 1.5)`],
      [-1, `${WHOLE} (got -1)`],
      ['5432', `${WHOLE} (got "5432"); write the number without quotes: 5432`],
    ] as const
  ).map(([port, line]): [string, () => Data[], string, string[]] => [
    `a port ${JSON.stringify(port)}`,
    () => {
      const c = shop();
      c.rows[2].flows[0].ports.ports = [port];
      return [c];
    },
    'first.yaml',
    [`rows[2].flows[0].ports.ports[0]: ${line}`],
  ]),
  [
    'a counted range that runs past 65535',
    () => {
      const c = shop();
      c.rows[1].flows[0].ports.base = 65530;
      return [c];
    },
    'first.yaml',
    [
      'rows[1].flows[0].ports.base: must be at most 65520: with workers at its max of 16, the ports would run ' +
        'past 65535 (got 65530)',
    ],
  ],
  [
    'a counted range naming a flag option',
    () => {
      const c = shop();
      c.rows[1].flows[0].ports.count = 'payments';
      return [c];
    },
    'first.yaml',
    ['rows[1].flows[0].ports.count: must name a count option of the product: workers (got "payments")'],
  ],
  [
    'a pinned port naming a misspelt option',
    () => {
      const c = shop();
      c.rows[0].flows[0].ports.pin = 'appport';
      return [c];
    },
    'first.yaml',
    [
      'rows[0].flows[0].ports.pin: must name a pinnedPort option of the product: appPort (got "appport"); ' +
        'did you mean "appPort"?',
    ],
  ],
  [
    'a fallback range last port first',
    () => {
      const c = shop();
      c.options[0].fallback = [8447, 8444];
      return [c];
    },
    'first.yaml',
    ['options[0].fallback: must be [first, last] with first not above last (got [8447,8444])'],
  ],
  [
    'a fallback range of one port',
    () => {
      const c = shop();
      c.options[0].fallback = [8444];
      return [c];
    },
    'first.yaml',
    ['options[0].fallback: needs at least 2 entries (got [8444])'],
  ],
  // Conditions.
  [
    'a row condition naming an unknown option',
    () => {
      const c = shop();
      c.rows[2].when = { databse: 'postgres' };
      return [c];
    },
    'first.yaml',
    [`rows[2].when.databse: ${OPTIONS} (got "databse"); did you mean "database"?`],
  ],
  [
    'a row condition with a value the option does not take',
    () => {
      const c = shop();
      c.rows[2].when = { database: 'postgresql' };
      return [c];
    },
    'first.yaml',
    [
      'rows[2].when.database: must be one of postgres, mssql (the values of option database) (got "postgresql"); ' +
        'did you mean "postgres"?',
    ],
  ],
  [
    'a row condition with a flag in quotes',
    () => {
      const c = shop();
      c.rows[4].when = { payments: 'true' };
      return [c];
    },
    'first.yaml',
    [
      'rows[4].when.payments: must be true or false (the values of option payments) (got "true"); write true without quotes',
    ],
  ],
  [
    'a row condition with YAML 1.1 on for true',
    () => [parse(SHOP_TEXT.replace('when: { payments: true }', 'when: { payments: on }'))],
    'first.yaml',
    [
      'rows[4].when.payments: must be true or false (the values of option payments) (got "on"); ' +
        'write true: YAML 1.2 reads on as text',
    ],
  ],
  [
    'a row condition with an empty list of values',
    () => {
      const c = shop();
      c.rows[2].when = { database: [] };
      return [c];
    },
    'first.yaml',
    ['rows[2].when.database: needs at least 1 entry (got [])'],
  ],
  [
    'a row condition with a fraction',
    () => {
      const c = shop();
      c.rows[2].when = { workers: 1.5 };
      return [c];
    },
    'first.yaml',
    [`rows[2].when.workers: ${VALUE} (got 1.5)`],
  ],
  [
    'a role requirement naming an unknown option',
    () => {
      const c = shop();
      c.roles[2].requires = [{ when: { engine: 'postgres' }, message: 'needs postgres' }];
      return [c];
    },
    'first.yaml',
    [`roles[2].requires[0].when.engine: ${OPTIONS} (got "engine")`],
  ],
  [
    "an option's condition naming an unknown option",
    () => {
      const c = shop();
      c.options[1].when = { payment: true };
      return [c];
    },
    'first.yaml',
    [
      'options[1].when.payment: must name an option of the product: appPort, payments, database (got "payment"); ' +
        'did you mean "payments"?',
    ],
  ],
  [
    "an option's condition naming the option itself",
    () => {
      const c = shop();
      c.options[1].when = { workers: 2 };
      return [c];
    },
    'first.yaml',
    ['options[1].when.workers: must not be the option itself: name the options that allow workers (got 2)'],
  ],
  [
    "an option's condition with a number for a choice of text",
    () => {
      const c = shop();
      c.options[3].values = ['14', '16'];
      c.options[3].default = '16';
      c.rows[2].when = { database: '16' };
      c.rows[3].when = { database: 14 };
      return [c];
    },
    'first.yaml',
    [
      'rows[3].when.database: must be one of 14, 16 (the values of option database) (got 14); ' +
        'put it in quotes: the values of option database are text',
    ],
  ],
  // Citations and documents.
  [
    'a row without a citation',
    () => {
      const c = shop();
      delete c.rows[1].citation;
      return [c];
    },
    'first.yaml',
    ['rows[1].citation: is required (got nothing)'],
  ],
  [
    'a citation naming an unknown document',
    () => {
      const c = shop();
      c.rows[1].citation.document = 'desing';
      return [c];
    },
    'first.yaml',
    ['rows[1].citation.document: must be the id of one of documents: design (got "desing"); did you mean "design"?'],
  ],
  [
    'a document without url or reference',
    () => {
      const c = shop();
      c.documents[0] = { id: 'design', title: 'Example Shop network design note' };
      return [c];
    },
    'first.yaml',
    [
      'documents[0]: needs a url or a reference (where to read the copy the rows cite) ' +
        '(got {"id":"design","title":"Example Shop network design note"})',
    ],
  ],
  [
    'a document version that YAML read as a number',
    () => [parse(SHOP_TEXT.replace('version: "2.4"', 'version: 2.4'))],
    'first.yaml',
    [
      'documents[0].version: must be 1-400 characters on one line, without | (got 2.4); ' +
        'put it in quotes: unquoted, it is read as a number',
    ],
  ],
  // Options.
  [
    'a choice default that is not one of its values',
    () => {
      const c = shop();
      c.options[3].default = 'mysql';
      return [c];
    },
    'first.yaml',
    ['options[3].default: must be one of the option\'s values: postgres, mssql (got "mysql"); did you mean "mssql"?'],
  ],
  [
    'a choice value listed twice',
    () => {
      const c = shop();
      c.options[3].values = ['postgres', 'mssql', 'postgres'];
      return [c];
    },
    'first.yaml',
    ['options[3].values[2]: duplicate of [0]; each value may appear once (got "postgres")'],
  ],
  [
    'a flag default written as YAML 1.1 off',
    () => [parse(SHOP_TEXT.replace('default: false', 'default: off'))],
    'first.yaml',
    ['options[2].default: must be true or false (got "off"); write false: YAML 1.2 reads off as text'],
  ],
  [
    'a count whose default is above its max',
    () => {
      const c = shop();
      c.options[1].default = 17;
      return [c];
    },
    'first.yaml',
    ['options[1].default: must be from 1 to 16 (got 17)'],
  ],
  [
    'requiresPeer naming a peer kind of no catalog',
    () => {
      const c = shop();
      delete c.options[3].default;
      c.options[3].requiresPeer = 'shop-payment-gatewey';
      return [c];
    },
    'first.yaml',
    [
      "options[3].requiresPeer: must be one of the catalog's own peerKinds: shop-payment-gateway " +
        '(got "shop-payment-gatewey"); did you mean "shop-payment-gateway"?',
    ],
  ],
  [
    "requiresPeer naming another product's peer kind",
    () => {
      const c = shop();
      delete c.options[3].default;
      c.options[3].requiresPeer = 'control-manager';
      return [c];
    },
    'first.yaml',
    [
      'options[3].requiresPeer: must be one of the catalog\'s own peerKinds: shop-payment-gateway (got "control-manager")',
    ],
  ],
  [
    'requiresPeer on an option with a default',
    () => {
      const c = shop();
      c.options[3].requiresPeer = 'shop-payment-gateway';
      return [c];
    },
    'first.yaml',
    [
      'options[3].default: must be left out with requiresPeer: unset means no shop-payment-gateway peer (got "postgres")',
    ],
  ],
  [
    'api: an enum on an option that is not a choice',
    () => {
      const c = shop();
      c.options[2].api = { typeName: 'ShopPayments', values: [{ name: 'On', doc: 'On.' }] };
      return [c];
    },
    'first.yaml',
    [
      'options[2].api.typeName: only a choice option has an enum; remove it (got "ShopPayments")',
      'options[2].api.values: only a choice option has an enum; remove it (got [{"name":"On","doc":"On."}])',
    ],
  ],
  [
    'api: a type name that is not PascalCase',
    () => {
      const c = shop();
      c.peerKinds[0].api = { typeName: 'paymentGateway' };
      return [c];
    },
    'first.yaml',
    [
      'peerKinds[0].api.typeName: must be a PascalCase name: an upper-case letter, then letters and digits, ' +
        'at most 40 characters (got "paymentGateway")',
    ],
  ],
  [
    'api: enum members not one per value, names used twice',
    () => {
      const c = shop();
      c.options[3].api = { values: [{ name: 'Postgres', doc: 'PostgreSQL.' }] };
      c.roles[0].api = { typeName: 'ShopTier', groupsField: 'tierGroups' };
      c.roles[1].api = { typeName: 'ShopTier', groupsField: 'tierGroups' };
      return [c];
    },
    'first.yaml',
    [
      'options[3].api.values: needs one member per value of the option (2), in order ' +
        '(got [{"name":"Postgres","doc":"PostgreSQL."}])',
      'roles[1].api.typeName: duplicate; roles[0].api.typeName already uses it (got "ShopTier")',
      'roles[1].api.groupsField: duplicate; roles[0].api.groupsField already uses it (got "tierGroups")',
    ],
  ],
  [
    'requiresPeer on a flag',
    () => {
      const c = shop();
      c.options[2].requiresPeer = 'shop-payment-gateway';
      return [c];
    },
    'first.yaml',
    [
      'options[2]: unknown field requiresPeer; allowed: name, description, when, reason, api, type, default ' +
        '(got ["requiresPeer"])',
    ],
  ],
  [
    'an option named like a field of every object',
    () => {
      const c = shop();
      c.options[1].name = 'constructor';
      c.rows[1].flows[0].ports.count = 'constructor';
      return [c];
    },
    'first.yaml',
    ['options[1].name: is a name every JavaScript object already has; choose another (got "constructor")'],
  ],
  [
    'an option of an unknown type',
    () => {
      const c = shop();
      c.options[0].type = 'pinnedport';
      return [c];
    },
    'first.yaml',
    ['options[0].type: must be one of flag, choice, pinnedPort, count (got "pinnedport"); did you mean "pinnedPort"?'],
  ],
  // Broadcasts.
  [
    'a flow naming a broadcast the catalog does not declare',
    () => {
      const c = shop();
      c.broadcasts = [{ id: 'announce', message: 'web servers announce themselves' }];
      c.rows[0].flows[0].broadcast = 'anounce';
      return [c];
    },
    'first.yaml',
    [
      'rows[0].flows[0].broadcast: must be netbios or one of broadcasts: announce (got "anounce"); did you mean "announce"?',
    ],
  ],
  [
    'a catalog declaring netbios',
    () => {
      const c = shop();
      c.broadcasts = [{ id: 'netbios', message: 'names by broadcast' }];
      return [c];
    },
    'first.yaml',
    ['broadcasts[0].id: must not be netbios: it is built in, and flows name it as it is (got "netbios")'],
  ],
  [
    "a broadcast id of a built-in product's",
    () => {
      const c = shop();
      c.broadcasts = [{ id: 'discovery', message: 'web servers announce themselves' }];
      return [c];
    },
    'first.yaml',
    ['broadcasts[0].id: duplicate broadcast id; catalog built-in serverprotect already has it (got "discovery")'],
  ],
  // Options fields.
  ...(
    [
      ['groups', 'product.optionsField: names the options field groups, a field of every declaration; choose another'],
      ['sum', 'product.optionsField: duplicate options field; catalog built-in sum already has it'],
      [
        'toString',
        'product.optionsField: names the options field toString, a name every JavaScript object already has; choose another',
      ],
    ] as const
  ).map(([field, line]): [string, () => Data[], string, string[]] => [
    `an options field ${field}`,
    () => {
      const c = shop();
      c.product.optionsField = field;
      return [c];
    },
    'first.yaml',
    [`${line} (got "${field}")`],
  ]),
  [
    "an options field of another user catalog's",
    () => {
      const c = shop();
      c.product.optionsField = 'relay';
      return [relay(), c];
    },
    'second.yaml',
    ['product.optionsField: duplicate options field; catalog first.yaml already has it (got "relay")'],
  ],
  [
    'a product id that makes no field name',
    () => {
      const c = relay();
      c.product.id = 'my--relay';
      c.roles[0].id = 'my--relay:server';
      return [c];
    },
    'first.yaml',
    [
      'product.id: makes the options field my-Relay, which is not a field name (a letter, then letters and digits); ' +
        'set product.optionsField to another name (got "my--relay")',
    ],
  ],
  // Ids across catalogs: the later catalog is blamed, never a built-in one.
  [
    "a row id of a built-in product's",
    () => {
      const c = shop();
      c.rows[0].id = 'SP1';
      return [c];
    },
    'first.yaml',
    ['rows[0].id: duplicate row id; catalog built-in serverprotect already has it (got "SP1")'],
  ],
  [
    "a peer kind of a built-in product's",
    () => {
      const c = relay();
      c.peerKinds[0].id = 'mail';
      c.rows[0].flows[0].listener.peer = 'mail';
      return [c];
    },
    'first.yaml',
    ['peerKinds[0].id: duplicate peer kind; catalog built-in serverprotect already has it (got "mail")'],
  ],
  [
    "a preset name of a built-in product's",
    () => {
      const c = shop();
      c.presets[0].name = 'smart-update-manager';
      return [c];
    },
    'first.yaml',
    ['presets[0].name: duplicate preset name; catalog built-in sum already has it (got "smart-update-manager")'],
  ],
  [
    'a row id of an earlier user catalog',
    () => {
      const r = relay();
      r.rows[0].id = 'SHOP2';
      return [shop(), r];
    },
    'second.yaml',
    ['rows[0].id: duplicate row id; catalog first.yaml already has it (got "SHOP2")'],
  ],
  [
    'a second catalog of the same product: its product id, not each of its ids',
    () => {
      const r = relay();
      r.product.id = 'shop';
      r.product.optionsField = 'shopRelay';
      r.roles[0].id = 'shop:web';
      r.rows[0].flows[0].initiator.roles = ['shop:web'];
      r.presets = [];
      return [shop(), r];
    },
    'second.yaml',
    ['product.id: duplicate product id; catalog first.yaml already has it (got "shop")'],
  ],
  [
    'a catalog replacing a built-in product, with a row id of the other built-in product',
    () => {
      const sp = builtin(SERVERPROTECT);
      sp.rows[0].id = 'SUM1';
      return [sp];
    },
    'first.yaml',
    ['rows[0].id: duplicate row id; catalog built-in sum already has it (got "SUM1")'],
  ],
  [
    'two catalogs replacing the same built-in product',
    () => [builtin(SUM), builtin(SUM)],
    'second.yaml',
    ['product.id: duplicate product id; catalog first.yaml already has it (got "sum")'],
  ],
  [
    'a user catalog clashing with a later one that replaces a built-in product',
    () => {
      const sum = builtin(SUM);
      sum.rows[0].id = 'SHOP1';
      return [shop(), sum];
    },
    'second.yaml',
    ['rows[0].id: duplicate row id; catalog first.yaml already has it (got "SHOP1")'],
  ],
  // Presets: valid declarations in the set, their problems under presets[i].declaration.
  [
    'a preset with a misspelt role',
    () => {
      const c = shop();
      c.presets[0].declaration.groups[1].role = 'shop:ap';
      return [c];
    },
    'first.yaml',
    [
      `presets[0].declaration.groups[1].role: must be one of ${catalogSet([loadCatalog(shop())]).roleIds.join(', ')} ` +
        '(got "shop:ap"); did you mean "shop:app"?',
    ],
  ],
  [
    'a preset with an option the product does not have, and no groups',
    () => {
      const c = shop();
      c.presets[0].declaration = { groups: [], shop: { worker: 4 } };
      return [c];
    },
    'first.yaml',
    [
      'presets[0].declaration.groups: needs at least one group (got [])',
      'presets[0].declaration.shop: unknown field worker; allowed: appPort, workers, payments, database ' +
        '(got ["worker"]); did you mean workers?',
    ],
  ],
  [
    "a preset with an option value out of the option's range",
    () => {
      const c = shop();
      c.presets[0].declaration.shop = { appPort: 8448 };
      return [c];
    },
    'first.yaml',
    ['presets[0].declaration.shop.appPort: must be 8443 or one of its fallback ports 8444-8447 (got 8448)'],
  ],
  // What else a hand-written file gets wrong.
  [
    'a misspelt host OS',
    () => {
      const c = shop();
      c.roles[1].hostOs = ['linux', 'windos'];
      return [c];
    },
    'first.yaml',
    ['roles[1].hostOs[1]: must be one of windows, linux (got "windos"); did you mean "windows"?'],
  ],
  [
    'a role id listed as a host OS',
    () => {
      const c = shop();
      c.roles[0].hostOs = ['shop:web'];
      return [c];
    },
    'first.yaml',
    ['roles[0].hostOs[0]: must be one of windows, linux (got "shop:web")'],
  ],
  [
    'a host OS listed twice',
    () => {
      const c = shop();
      c.roles[0].hostOs = ['linux', 'linux'];
      return [c];
    },
    'first.yaml',
    ['roles[0].hostOs[1]: duplicate of [0]; each value may appear once (got "linux")'],
  ],
  [
    'hostOS for hostOs',
    () => {
      const c = shop();
      c.roles[0].hostOS = c.roles[0].hostOs;
      delete c.roles[0].hostOs;
      return [c];
    },
    'first.yaml',
    [
      'roles[0].hostOs: is required (got nothing)',
      'roles[0]: unknown field hostOS; allowed: id, label, hostOs, hostOsOption, requires, api (got ["hostOS"]); did you mean hostOs?',
    ],
  ],
  [
    'a YAML merge key',
    () => [
      parse(
        SHOP_TEXT.replace(
          '      - listener: { roles: [shop:app] }\n        initiator: { roles: [shop:web] }\n        protocol: tcp\n' +
            '        ports: { kind: fallback, pin: appPort }',
          '      - &web-to-app\n        listener: { roles: [shop:app] }\n        initiator: { roles: [shop:web] }\n' +
            '        protocol: tcp\n        ports: { kind: fallback, pin: appPort }',
        ).replace(
          '      - listener: { roles: [shop:app] }\n        initiator: { roles: [shop:web] }\n        protocol: tcp\n' +
            '        ports: { kind: counted',
          '      - <<: *web-to-app\n        ports: { kind: counted',
        ),
      ),
    ],
    'first.yaml',
    [
      'rows[1].flows[0].listener: is required (got nothing)',
      'rows[1].flows[0].initiator: is required (got nothing)',
      'rows[1].flows[0].protocol: must be one of tcp, udp, icmp, icmpv6 (got nothing)',
      'rows[1].flows[0]: unknown field <<; allowed: listener, initiator, protocol, direction, ports, icmp, broadcast (got ["<<"]); ' +
        'YAML 1.2 reads << as a field, not a merge: write the fields out, or alias a whole value (*name)',
    ],
  ],
];

describe('one line per fault: path, what is allowed, the value, and a hint where one helps', () => {
  test.each(CASES)('%s', (_case, catalogs, blamed, lines) => {
    const { lines: got, error } = refused(...catalogs());
    expect(got).toEqual(lines);
    expect(error.source).toBe(blamed);
  });
});

test('the error: code CATALOG, the first problem as path and value, the catalog as source', () => {
  const c = shop();
  c.rows[0].flows[0].initiator.roles = ['shop:wbe'];
  c.rows[2].flows[0].listener.roles = ['shop:bd'];
  const { error } = refused(c);
  expect(error).toBeInstanceOf(CatalogError);
  expect(error.code).toBe('CATALOG');
  expect(error.path).toBe('rows[0].flows[0].initiator.roles[0]');
  expect(error.value).toBe('shop:wbe');
  expect(error.problems.map((p) => p.path)).toEqual([
    'rows[0].flows[0].initiator.roles[0]',
    'rows[2].flows[0].listener.roles[0]',
  ]);
  expect(error.problems[1]).toEqual({
    path: 'rows[2].flows[0].listener.roles[0]',
    value: 'shop:bd',
    message: ROLES,
    hint: 'did you mean "shop:db"?',
  });
  expect(error.message.split('\n')[0]).toBe('invalid portplan catalog first.yaml:');
});

describe("the source: the file, the product id, or the catalog's place in the list", () => {
  const bad = () => {
    const c = shop();
    c.rows[0].purpose = 'web | app';
    return c;
  };
  const source = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof CatalogError) return e.source;
      throw e;
    }
    throw new Error('accepted');
  };
  test.each<[string, () => unknown, string]>([
    ['loadCatalog with a file name', () => loadCatalog(bad(), 'shop.yaml'), 'shop.yaml'],
    ['loadCatalog without one', () => loadCatalog(bad()), 'shop'],
    ['defineCatalog', () => defineCatalog(bad() as CatalogDefinition), 'shop'],
    ['a definition given to catalogSet', () => catalogSet([relay(), bad()]), 'catalogs[1]'],
    [
      'a definition given to resolve',
      () => resolve({ groups: [{ name: 'w', role: 'shop:web' }] }, { catalogs: [bad()] }),
      'catalogs[0]',
    ],
    ['no product id', () => loadCatalog({}), '(catalog)'],
  ])('%s', (_case, f, expected) => {
    expect(source(f)).toBe(expected);
  });

  test('a catalog file: its path, for a bad catalog and for a file that is not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portplan-catalog-'));
    try {
      const files: [string, string, string][] = [
        ['bad.yaml', SHOP_TEXT.replace('purpose: web tier to application tier, HTTPS', 'purpose: web | app'), ''],
        ['two.yaml', `${SHOP_TEXT}---\n${SHOP_TEXT}`, 'holds more than one YAML document (the --- at line '],
        [
          'empty.yml',
          '# nothing yet\n',
          'holds no data (only comments or null); a catalog file holds product, documents, roles and rows',
        ],
        ['shop.toml', 'x = 1', 'has the unknown file type ".toml"; use .json, .yaml or .yml'],
        ['broken.json', '{"product": }', 'is not valid JSON: '],
        ['missing.json', '', 'cannot be read: no such file'],
      ];
      for (const [name, text, message] of files) {
        const file = join(dir, name);
        if (name !== 'missing.json') writeFileSync(file, text);
        let error: unknown;
        try {
          readCatalogFile(file);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(CatalogError);
        const e = error as CatalogError;
        expect(e.source).toBe(file);
        if (message) {
          expect(e.problems).toHaveLength(1);
          expect(e.problems[0]).toMatchObject({ path: '(file)', value: file });
          expect(e.problems[0].message.startsWith(message)).toBe(true);
        } else expect(e.path).toBe('rows[0].purpose');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the same catalog given twice is said so, once', () => {
  const c = loadCatalog(shop(), 'shop.yaml');
  expect(() => catalogSet([c, c])).toThrow(
    new CatalogError('shop.yaml', [
      {
        path: '(catalog)',
        value: 'shop',
        message: 'is given twice, as catalogs[0] and catalogs[1]; give each catalog once',
      },
    ]),
  );
});

test('catalogs that are not a list are an ArgumentError, not the built-in products alone', () => {
  const one = loadCatalog(shop());
  expect(() => catalogSet(one as never)).toThrow(ArgumentError);
  expect(() => resolve({ groups: [{ name: 'w', role: 'shop:web' }] }, { catalogs: one as never })).toThrow(
    /^catalogs: a list of catalogs/,
  );
});

test('a list entry that is not a catalog is a CatalogError naming its place', () => {
  for (const entry of [null, 7, []]) {
    expect(() => catalogSet([entry as never])).toThrow(
      /^invalid portplan catalog catalogs\[0\]:\n {2}\(catalog\): must be an object/,
    );
  }
});

test('text that is not a built-in product id (a file name) is an ArgumentError that says how to read a file', () => {
  expect(() => catalogSet(['shop.yaml'])).toThrow(ArgumentError);
  expect(() => catalogSet(['shop.yaml'])).toThrow(
    /^catalogs\[0\]: a built-in product id \(serverprotect, sum\), or a catalog: readCatalogFile\(\), .* \(got "shop\.yaml"\)$/,
  );
});

describe('what the checks let through still resolves', () => {
  test('a flow may name a role of another catalog in use', () => {
    const r = relay();
    r.rows[0].flows.push({
      listener: { roles: ['relay:server'] },
      initiator: { roles: ['shop:app'] },
      protocol: 'tcp',
      ports: { kind: 'fixed', ports: [25] },
    });
    const flows = resolve(
      {
        groups: [
          { name: 'app', role: 'shop:app' },
          { name: 'relay', role: 'relay:server' },
        ],
      },
      { catalogs: [shop(), r] },
    ).flows.map((f) => `${f.from.name}>${f.to.name} ${f.fromPort} ${f.rows}`);
    expect(flows).toEqual(['app>relay 25 RELAY1']);
  });

  test('a catalog replacing the first built-in product keeps its place: roles, presets and rows', () => {
    const sp = builtin(SERVERPROTECT);
    const set = catalogSet([sp, shop()]);
    const builtins = catalogSet();
    expect(set.catalogs.map((c) => c.source)).toEqual(['catalogs[0]', 'built-in sum', 'catalogs[1]']);
    expect(set.roleIds).toEqual([...builtins.roleIds, 'shop:web', 'shop:app', 'shop:db']);
    expect(set.presets.map((p) => p.name)).toEqual([...builtins.presets.map((p) => p.name), 'shop']);
    expect(set.rows.map((r) => r.id)).toEqual([
      ...builtins.rows.map((r) => r.id),
      'SHOP1',
      'SHOP2',
      'SHOP3',
      'SHOP4',
      'SHOP5',
    ]);
  });

  test('a fallback range that holds the base port', () => {
    const c = shop();
    c.options[0].fallback = [8443, 8447];
    const flows = resolve({ groups: c.presets[0].declaration.groups }, { catalogs: [c] }).flows;
    expect(flows.filter((f) => f.rows.includes('SHOP1')).map((f) => `${f.fromPort}-${f.toPort}`)).toEqual([
      '8443-8447',
    ]);
  });
});
