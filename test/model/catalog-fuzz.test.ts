// Random damage to valid catalogs (the two built-in ones and the example): a field deleted, a value
// replaced by random JSON, a list entry repeated, an id renamed. Whatever comes out, loading it
// either works or throws a CatalogError whose every problem points at a place in the input; a
// catalog that loads resolves declarations with nothing worse than a DeclarationError; and the
// published JSON Schema agrees with the loader on the shape of a catalog.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  BUILTIN_CATALOGS,
  CatalogError,
  DeclarationError,
  catalogJsonSchema,
  catalogSet,
  declarationJsonSchema,
  loadCatalog,
  placeRules,
  resolve,
  type CatalogSet,
  type ProductCatalog,
} from '../../lib/model';
import { catalogSchema } from '../../lib/model/catalog-format';
import { pathText } from '../../lib/model/problems';
import type { SchemaIssue } from '../../lib/model/schema';
import { ICMP_CATALOG } from '../support/icmp-catalog';

const RUNS = { numRuns: 300 };
const root = join(__dirname, '../..');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const BASES: [string, Json][] = [
  ['serverprotect', structuredClone(BUILTIN_CATALOGS[0].definition) as unknown as Json],
  ['sum', structuredClone(BUILTIN_CATALOGS[1].definition) as unknown as Json],
  ['three-tier', parse(readFileSync(join(root, 'examples/catalogs/three-tier.yaml'), 'utf8')) as Json],
  // The example with fixed port ranges, overlapping and touching single ports.
  [
    'three-tier-ranges',
    parse(
      readFileSync(join(root, 'examples/catalogs/three-tier.yaml'), 'utf8')
        .replace('ports: [5432]', 'ports: ["49152-65535", 5432, "5430-5440", 5441]')
        .replace('ports: [1433]', 'ports: ["1433-1434"]'),
    ) as Json,
  ],
  // ICMP and ICMPv6 flows: a type, a type and code, every message, beside a TCP port.
  ['icmp', structuredClone(ICMP_CATALOG) as unknown as Json],
];

const EXAMPLE = loadCatalog(BASES[2][1], 'three-tier.yaml');

const isObject = (v: unknown): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every place in a value: its path and what is there, the root first. */
function places(v: Json, path: Path = []): [Path, Json][] {
  const here: [Path, Json][] = [[path, v]];
  if (Array.isArray(v)) v.forEach((x, i) => here.push(...places(x, [...path, i])));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) here.push(...places(x, [...path, k]));
  return here;
}

function at(v: Json, path: Path): Json {
  let x: Json = v;
  for (const k of path) x = (x as Record<string | number, Json>)[k];
  return x;
}

// Values a hand-written or generated catalog may hold where it should not: the edges of the port
// range, fractions, numbers in quotes, YAML 1.1 words, ids of the built-in products, names every
// object has, and NaN and infinities (YAML's .nan and .inf).
const EDGE = fc.constantFrom<Json>(
  0,
  -1,
  1,
  65535,
  65536,
  1.5,
  1e21,
  Number.MAX_SAFE_INTEGER,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  '80',
  '2500-3300',
  '3300-2500',
  '0-65535',
  '1-65536',
  '49152-65535',
  '65535-65535',
  ' 1-2',
  '1-2-3',
  'icmp',
  'icmpv6',
  'ICMP',
  { type: 8 },
  { code: 4 },
  { type: 3, code: 4 },
  { type: 256 },
  255,
  256,
  'on',
  'true',
  'constructor',
  'toString',
  '__proto__',
  'netbios',
  'a--b',
  'shop:web',
  'sum:workstation',
  'SP1',
  'control-manager',
  'x'.repeat(500),
  'line\nbreak',
  null,
  true,
  false,
  [],
  {},
);
const randomJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: EDGE },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: -70000, max: 70000 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
);

// Names an id may be renamed to: those of the built-in products, names every JavaScript object has,
// the built-in broadcast, and forms the patterns refuse.
const ID_EDGE = [
  'constructor',
  'toString',
  'netbios',
  'discovery',
  'serverprotect',
  'sum',
  'groups',
  'serverprotect:console',
  'sum:workstation',
  'control-manager',
  'serverprotect:mail',
  'shop:shop-payment-gateway',
  'SP1',
  'SUM7-1',
  'smart-update-manager',
  'a--b',
  'Shop',
  '',
];

// An id renamed: a typo of it, another id of the same catalog, one of ID_EDGE, or random JSON.
function renamed(id: string, others: readonly string[], pick: number, edge: Json): Json {
  switch (pick % 5) {
    case 0:
      return id.length > 1 ? id.slice(0, -2) + id.slice(-1) + id.slice(-2, -1) : `${id}x`;
    case 1:
      return others[pick % others.length] ?? id;
    case 2:
      return ID_EDGE[pick % ID_EDGE.length];
    case 3:
      return `${id}-2`;
    default:
      return edge;
  }
}

// Where ids are: fields that hold one, and the lists of role ids, host OSes and choice values.
const ID_FIELDS = new Set([
  'id',
  'name',
  'document',
  'peer',
  'pin',
  'count',
  'requiresPeer',
  'broadcast',
  'role',
  'kind',
  'hostOsOption',
]);
const ID_LISTS = new Set(['roles', 'hostOs', 'values']);
const isId = ([p, v]: [Path, Json]): boolean =>
  typeof v === 'string' &&
  (ID_FIELDS.has(String(p[p.length - 1])) ||
    (typeof p[p.length - 1] === 'number' && ID_LISTS.has(String(p[p.length - 2]))));

// Fields a mutation may add to an object: each catalog field (some belong elsewhere), a YAML merge
// key, and a name no catalog has.
const FIELDS = [
  'id',
  'roles',
  'peer',
  'when',
  'default',
  'requiresPeer',
  'broadcast',
  'url',
  'reference',
  'optionsField',
  'requires',
  'hostOsOption',
  'direction',
  'base',
  'note',
  'section',
  '<<',
  'extra',
];

type Mutation =
  | { kind: 'delete'; at: number; which: number }
  | { kind: 'replace'; at: number; which: number; value: Json; leafOnly: boolean }
  | { kind: 'duplicate'; at: number; which: number; where: number }
  | { kind: 'rename'; at: number; which: number; pick: number; value: Json; everywhere: boolean }
  | { kind: 'add'; at: number; which: number; field: number; value: Json; copy: boolean }
  | { kind: 'transplant'; at: number; which: number; from: number };

const place = { at: fc.nat(), which: fc.nat() };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), ...place }),
  fc.record({ kind: fc.constant('replace' as const), ...place, value: randomJson, leafOnly: fc.boolean() }),
  fc.record({ kind: fc.constant('duplicate' as const), ...place, where: fc.nat() }),
  fc.record({
    kind: fc.constant('rename' as const),
    ...place,
    pick: fc.nat(),
    value: randomJson,
    everywhere: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('add' as const), ...place, field: fc.nat(), value: randomJson, copy: fc.boolean() }),
  fc.record({ kind: fc.constant('transplant' as const), ...place, from: fc.nat() }),
);

// The side a transplant may take its value from: the same field elsewhere, or the other side of a flow.
const PARTNER: Readonly<Record<string, string>> = { listener: 'initiator', initiator: 'listener' };

/**
 * One of `list`, each kind of place as likely as any other: the places are grouped by their path
 * with list indexes left out (`rows[].flows[].listener.roles`), so the few option conditions,
 * broadcasts and flow sides are picked as often as the many row ids.
 */
function pickPlace(list: [Path, Json][], m: { at: number; which: number }): [Path, Json] | undefined {
  const groups = new Map<string, [Path, Json][]>();
  for (const e of list) {
    const key = e[0].map((k) => (typeof k === 'number' ? '[]' : k)).join('.');
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const group = [...groups.values()][m.at % Math.max(groups.size, 1)];
  return group?.[m.which % group.length];
}

/** Applies a mutation in place (or returns the replaced root). */
function mutate(doc: Json, m: Mutation): Json {
  const all = places(doc);
  const parentOf = (p: Path) => at(doc, p.slice(0, -1)) as Record<string | number, Json>;
  switch (m.kind) {
    case 'delete': {
      const target = pickPlace(
        all.filter(([p]) => p.length > 0),
        m,
      );
      if (!target) return doc;
      const [p] = target;
      const parent = parentOf(p);
      if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
      else delete parent[p[p.length - 1]];
      return doc;
    }
    case 'replace': {
      const target = pickPlace(m.leafOnly ? all.filter(([, v]) => v === null || typeof v !== 'object') : all, m);
      if (!target || !target[0].length) return m.value;
      parentOf(target[0])[target[0][target[0].length - 1]] = m.value;
      return doc;
    }
    case 'duplicate': {
      const target = pickPlace(
        all.filter(([, v]) => Array.isArray(v) && v.length > 0),
        m,
      );
      if (!target) return doc;
      const list = target[1] as Json[];
      list.splice(m.which % (list.length + 1), 0, structuredClone(list[m.where % list.length]));
      return doc;
    }
    case 'rename': {
      const ids = all.filter(isId);
      const target = pickPlace(ids, m);
      if (!target) return doc;
      const v = target[1];
      const others = ids.map(([, x]) => x as string).filter((x) => x !== v);
      const name = renamed(v as string, others, m.pick, m.value);
      // Everywhere: the id and every reference to it (a consistent rename); else this place only.
      const where = m.everywhere && typeof name === 'string' ? ids.filter(([, x]) => x === v) : [target];
      for (const [q] of where) parentOf(q)[q[q.length - 1]] = name;
      return doc;
    }
    case 'add': {
      const target = pickPlace(
        all.filter(([, v]) => isObject(v)),
        m,
      );
      if (!target) return doc;
      const object = target[1] as Record<string, Json>;
      // A copy of a value of the same name elsewhere (a peer beside roles), or random JSON.
      const field = FIELDS[m.field % FIELDS.length];
      const elsewhere = all.find(([p]) => p[p.length - 1] === field)?.[1];
      object[field] = m.copy && elsewhere !== undefined ? structuredClone(elsewhere) : m.value;
      return doc;
    }
    case 'transplant': {
      // A value moved where a value of its field belongs, but not this one (a peer side as initiator).
      const target = pickPlace(
        all.filter(([p]) => typeof p[p.length - 1] === 'string'),
        m,
      );
      if (!target) return doc;
      const [p] = target;
      const key = p[p.length - 1] as string;
      const sources = all.filter(([q]) => q[q.length - 1] === key || q[q.length - 1] === PARTNER[key]);
      const source = sources[m.from % sources.length];
      parentOf(p)[key] = structuredClone(source[1]);
      return doc;
    }
  }
}

const damaged = fc
  .record({ base: fc.constantFrom(...BASES), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) })
  .map(({ base: [name, doc], mutations }) => ({
    name,
    mutations,
    doc: mutations.reduce((d, m) => mutate(d, m), structuredClone(doc)),
  }));

/**
 * Whether a problem's path is a place in the input: a place that exists, a field missing from an
 * object that exists (`rows[0].citation: is required`), or the whole catalog.
 */
function placeOf(doc: Json): (path: string) => boolean {
  const nodes = new Set<string>();
  const objects = new Set<string>();
  for (const [p, v] of places(doc)) {
    nodes.add(pathText(p, '(catalog)'));
    if (isObject(v)) objects.add(p.length ? pathText(p) : '');
  }
  return (path) => {
    if (nodes.has(path)) return true;
    const m = /^(?:(.*)\.)?([A-Za-z$][A-Za-z0-9]*)$/.exec(path);
    return m !== null && objects.has(m[1] ?? '');
  };
}

/** The problems of a CatalogError are sound: each names a place in `doc`, with a message, in the text. */
function expectSound(e: unknown, doc: Json, source: string): void {
  if (!(e instanceof CatalogError)) throw e;
  expect(e.code).toBe('CATALOG');
  expect(e.source).toBe(source);
  expect(e.problems.length).toBeGreaterThan(0);
  expect(e.path).toBe(e.problems[0].path);
  const isPlace = placeOf(doc);
  for (const p of e.problems) {
    expect(p.path).not.toBe('');
    if (!isPlace(p.path)) throw new Error(`${p.path} is not a place in the catalog:\n${e.message}`);
    expect(p.message).not.toBe('');
    expect(e.message).toContain(`\n  ${p.path}: ${p.message}`);
  }
}

/** A declaration using the catalog's roles and peer kinds, with some of its options set at random. */
function declarationFor(set: CatalogSet, product: string, values: Json[]): Record<string, unknown> {
  const c = set.catalog(product);
  if (!c) throw new Error(`no catalog of ${product}`);
  const options: Record<string, unknown> = {};
  c.options.forEach((o, i) => {
    const v = values[i % Math.max(values.length, 1)];
    if (i < values.length && v !== undefined) options[o.name] = v;
  });
  // Every other group sets options of its own, the same random values rotated, an unknown name among them.
  const own = (i: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    c.options.forEach((x, j) => {
      const v = values[(i + j) % Math.max(values.length, 1)];
      if (j < values.length && v !== undefined) o[x.name] = v;
    });
    if (values.length > 5) o.notAnOption = values[5];
    return o;
  };
  return {
    groups: c.roles.map((r, i) => ({ name: `g${i}`, role: r.id, ...(i % 2 ? { options: own(i) } : {}) })),
    peers: c.peerKinds.map((k, i) => ({ name: `p${i}`, kind: k.id, cidr: `10.0.${i}.0/24` })),
    [c.product.optionsField]: options,
  };
}

describe(`damaged catalogs (${RUNS.numRuns} cases each)`, () => {
  test('loadCatalog() and catalogSet() succeed or throw a CatalogError that points into the input', () => {
    fc.assert(
      fc.property(damaged, ({ doc }) => {
        let loaded;
        try {
          loaded = loadCatalog(doc, 'damaged.yaml');
        } catch (e) {
          expectSound(e, doc, 'damaged.yaml');
          return;
        }
        // Alone, and after the (valid) example catalog: a clash is the later catalog's.
        for (const catalogs of [[loaded], [EXAMPLE, loaded]]) {
          try {
            catalogSet(catalogs);
          } catch (e) {
            expectSound(e, doc, 'damaged.yaml');
          }
        }
      }),
      RUNS,
    );
  });

  test('a catalog that loads resolves its roles with no error but a DeclarationError, every flow on a group', () => {
    const option = fc.oneof(randomJson, fc.constant(undefined as unknown as Json));
    fc.assert(
      fc.property(damaged, fc.array(option, { maxLength: 8 }), ({ doc }, values) => {
        let set: CatalogSet;
        let loaded: ProductCatalog;
        try {
          loaded = loadCatalog(doc, 'damaged.yaml');
          set = catalogSet([loaded]);
        } catch (e) {
          if (e instanceof CatalogError) return;
          throw e;
        }
        expect(() => declarationJsonSchema({ catalogs: [loaded] })).not.toThrow();
        const product = (doc as { product: { id: string } }).product.id;
        const declarations = [
          declarationFor(set, product, []),
          declarationFor(set, product, values),
          ...set.presets.filter((p) => p.product === product).map((p) => p.declaration),
        ];
        for (const d of declarations) {
          try {
            const r = resolve(d as never, { catalogs: [loaded] });
            for (const f of r.flows) expect([f.from.kind, f.to.kind]).toContain('group');
            placeRules(r);
          } catch (e) {
            if (!(e instanceof DeclarationError)) throw e;
          }
        }
      }),
      RUNS,
    );
  });
});

describe('the JSON Schema (schema/catalog.schema.json) and the loader agree on shape', () => {
  const published = JSON.parse(readFileSync(join(root, 'schema/catalog.schema.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  // The installed ajv reads drafts up to 7. The schema uses only keywords whose meaning draft 2020-12
  // kept from draft 7 (checked here), so draft-7 validation is 2020-12 validation of this schema.
  const SAME_IN_DRAFT_7 = new Set([
    '$schema',
    'type',
    'properties',
    'required',
    'additionalProperties',
    'items',
    'minItems',
    'maxItems',
    'uniqueItems',
    'pattern',
    'enum',
    'const',
    'anyOf',
    'oneOf',
    'propertyNames',
    'minimum',
    'maximum',
    'default',
    'description',
    'examples',
  ]);
  function keywords(schema: unknown, out = new Set<string>()): Set<string> {
    if (!isObject(schema)) return out;
    for (const [k, v] of Object.entries(schema)) {
      out.add(k);
      if (k === 'properties' && isObject(v)) Object.values(v).forEach((s) => keywords(s, out));
      else if ((k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) v.forEach((s) => keywords(s, out));
      else if (k === 'items' || k === 'additionalProperties' || k === 'propertyNames') keywords(v, out);
    }
    return out;
  }
  const { $schema, ...draft7 } = published;
  const validate = new Ajv({ allErrors: true }).compile(draft7);
  const shapeIssues = (doc: unknown): SchemaIssue[] => {
    const issues: SchemaIssue[] = [];
    catalogSchema.check(doc, [], issues);
    return issues;
  };

  test('the schema is draft 2020-12, in keywords draft 7 reads the same way', () => {
    expect($schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(published).toEqual(catalogJsonSchema());
    expect([...keywords(published)].filter((k) => !SAME_IN_DRAFT_7.has(k))).toEqual([]);
  });

  test.each(BASES)('the %s catalog is valid against it', (_name, doc) => {
    expect(validate(doc)).toBe(true);
    expect(shapeIssues(doc)).toEqual([]);
  });

  test('every catalog the loader accepts is valid; every catalog it refuses refuses the shape check or the rules across fields', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(damaged, ({ doc }) => {
        // JSON Schema sees what a JSON file can hold: NaN and the infinities become null there.
        const json = JSON.parse(JSON.stringify(doc)) as Json;
        const valid = validate(json) === true;
        let loads = true;
        try {
          loadCatalog(json, 'damaged.json');
        } catch (e) {
          if (!(e instanceof CatalogError)) throw e;
          loads = false;
        }
        if (loads) accepted++;
        else refused++;
        if (loads && !valid)
          throw new Error(`the loader accepts what the JSON Schema refuses: ${JSON.stringify(validate.errors)}`);
        // On shape alone they agree both ways: the JSON Schema is the shape check, published.
        const shapeOk = shapeIssues(json).length === 0;
        if (shapeOk !== valid)
          throw new Error(
            `shape check ${shapeOk ? 'accepts' : 'refuses'}, JSON Schema ${valid ? 'accepts' : 'refuses'}: ` +
              `${JSON.stringify(shapeIssues(json))} ${JSON.stringify(validate.errors)}`,
          );
      }),
      RUNS,
    );
    // The damage is neither always fatal nor always harmless.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
