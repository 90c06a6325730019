// The documentation the schemas carry: every field of both published JSON Schemas has a description
// (what an editor shows on a user's YAML), the generated TypeScript types carry the same text and
// are current, every published default and example is a value its own schema accepts, and the
// example YAML files point editors at the schema and load.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { parse } from 'yaml';
import { catalogJsonSchema, declarationJsonSchema, readCatalogFile, validate } from '../../lib/model';
import { CATALOG_TYPES, declarationTypes, docComment, typesFile } from '../../scripts/schema-types';

const root = join(__dirname, '../..');
const SHOP = readCatalogFile(join(root, 'examples/catalogs/three-tier.yaml'));
const published = (file: string) =>
  JSON.parse(readFileSync(join(root, 'schema', file), 'utf8')) as Record<string, unknown>;

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every place in a JSON Schema that a user's value is described by, as a JSON pointer: the root,
 * each property (at any depth: inside `items`, `additionalProperties`, `anyOf` and `oneOf`), and
 * each variant of a `oneOf` (a catalog option's or a port rule's kind).
 */
function describedPlaces(schema: unknown): string[] {
  return ['', ...placesUnder(schema, '')];
}

// The described places inside the schema at `at` (not `at` itself).
function placesUnder(schema: unknown, at: string): string[] {
  if (!isSchema(schema)) return [];
  const out: string[] = [];
  if (isSchema(schema.properties)) {
    for (const [k, s] of Object.entries(schema.properties)) {
      out.push(`${at}/properties/${k}`, ...placesUnder(s, `${at}/properties/${k}`));
    }
  }
  for (const key of ['items', 'additionalProperties'] as const) out.push(...placesUnder(schema[key], `${at}/${key}`));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    list.forEach((s, i) => {
      if (key === 'oneOf') out.push(`${at}/${key}/${i}`);
      out.push(...placesUnder(s, `${at}/${key}/${i}`));
    });
  }
  return out;
}

function pointer(schema: unknown, at: string): Schema {
  let v = schema;
  for (const part of at.split('/').slice(1)) v = (v as Record<string, unknown>)[part];
  return v as Schema;
}

/** The places of `schema` that have no non-empty description. */
function undescribed(schema: unknown): string[] {
  return describedPlaces(schema).filter((at) => {
    const d = pointer(schema, at).description;
    return typeof d !== 'string' || d.trim() === '';
  });
}

const SCHEMAS: [string, () => Schema][] = [
  ['schema/declaration.schema.json', () => published('declaration.schema.json')],
  ['schema/catalog.schema.json', () => published('catalog.schema.json')],
  ['the declaration schema with a user catalog', () => declarationJsonSchema({ catalogs: [SHOP] })],
];

describe('every field of the published JSON Schemas has a description', () => {
  test.each(SCHEMAS)('%s', (_name, schema) => {
    expect(undescribed(schema())).toEqual([]);
  });

  test('the walk reaches fields inside items, additionalProperties, anyOf and oneOf', () => {
    const places = describedPlaces(published('catalog.schema.json'));
    expect(places).toEqual(
      expect.arrayContaining([
        '/properties/roles/items/properties/requires/items/properties/message', // items in items
        '/properties/options/items/oneOf/1/properties/requiresPeer', // a oneOf variant's field
        '/properties/rows/items/properties/flows/items/oneOf/0/properties/listener/anyOf/1/properties/peer', // anyOf
        '/properties/rows/items/properties/flows/items/oneOf/0/properties/ports/oneOf/2',
      ]),
    );
    const declaration = describedPlaces(declarationJsonSchema({ catalogs: [SHOP] }));
    expect(declaration).toEqual(expect.arrayContaining(['/properties/shop/properties/appPort']));
  });

  test.each(SCHEMAS)('%s: removing any one description is found, at its place', (_name, make) => {
    const schema = make();
    const places = describedPlaces(schema);
    fc.assert(
      fc.property(fc.constantFrom(...places), fc.constantFrom(undefined, '', '  '), (at, blank) => {
        const copy = structuredClone(schema);
        const node = pointer(copy, at);
        if (blank === undefined) delete node.description;
        else node.description = blank;
        expect(undescribed(copy)).toEqual([at]);
      }),
      { numRuns: Math.min(places.length * 3, 400) },
    );
  });

  test('additionalProperties of a record is walked into: a field of an object there is found', () => {
    const schema = {
      description: 'root',
      type: 'object',
      properties: {
        map: {
          description: 'a map',
          additionalProperties: { anyOf: [{ type: 'object', properties: { x: { type: 'string' } } }] },
        },
      },
    };
    expect(undescribed(schema)).toEqual(['/properties/map/additionalProperties/anyOf/0/properties/x']);
  });
});

describe('the generated TypeScript types', () => {
  test.each([CATALOG_TYPES, declarationTypes()])('$path is what `npm run generate` makes of the schema', (spec) => {
    expect(typesFile(spec)).toBe(readFileSync(join(root, spec.path), 'utf8'));
  });

  // The comment text of the generated file, words joined by single spaces.
  const commentText = (file: string) =>
    (readFileSync(join(root, file), 'utf8').match(/\/\*\*[\s\S]*?\*\//g) ?? [])
      .map((c) =>
        c
          .replace(/^\/\*\*|\*\/$/g, '')
          .replace(/\n\s*\* ?/g, ' ')
          .replace(/\\@/g, '@')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .join('\n');

  // The options blocks' types are in builtin.generated.ts, documented with the same text.
  test.each<[string, () => Schema, string[]]>([
    ['catalog', catalogJsonSchema, [CATALOG_TYPES.path]],
    [
      'declaration',
      () => published('declaration.schema.json'),
      [declarationTypes().path, 'lib/model/builtin.generated.ts'],
    ],
  ])('the %s fields carry the JSON Schema descriptions as doc comments', (_name, make, files) => {
    const schema = make();
    const text = files.map(commentText).join('\n');
    const missing = describedPlaces(schema)
      .map((at) => String(pointer(schema, at).description).replace(/ Default: .*\.$/, ''))
      .filter((d) => !text.includes(d));
    expect(missing).toEqual([]);
  });

  test('a doc comment is one comment whatever the text: `*/` and tags in the text are escaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('*', '/', '@', ' ', '\n', 'a', '`') }), (text) => {
        const description = `x ${text}`;
        const comment = docComment({ description, defaultNote: 'none' }, '  ');
        expect(comment.indexOf('*/')).toBe(comment.length - 3);
        const tags = comment.match(/(^|\s)@\w+/g)?.map((t) => t.trim()) ?? [];
        expect(tags).toEqual(['@default']);
      }),
    );
  });
});

// Ajv reads draft 7; the schemas use only keywords draft 7 reads the same (catalog-fuzz.test.ts).
const ajv = () => new Ajv({ allErrors: true, unknownFormats: ['cidrv4', 'cidrv6'] });
const withoutDraft = (schema: Schema): Schema => {
  const { $schema: _draft, ...rest } = schema;
  void _draft;
  return rest;
};

describe('every published default and example is a value its own schema accepts', () => {
  test.each(SCHEMAS)('%s', (_name, make) => {
    const schema = make();
    const checked: string[] = [];
    // Schema positions only: a field named `default` in `properties` is no default value.
    const walk = (node: unknown, at: string): void => {
      if (!isSchema(node)) return;
      const { default: value, examples, ...rest } = node;
      const samples = [...(value !== undefined ? [value] : []), ...(Array.isArray(examples) ? examples : [])];
      if (samples.length) {
        const check = ajv().compile(withoutDraft(rest));
        for (const s of samples) {
          expect([at, s, check(s)]).toEqual([at, s, true]);
          checked.push(at);
        }
      }
      if (isSchema(node.properties))
        for (const [k, v] of Object.entries(node.properties)) walk(v, `${at}/properties/${k}`);
      for (const key of ['items', 'additionalProperties', 'propertyNames']) walk(node[key], `${at}/${key}`);
      for (const key of ['anyOf', 'oneOf']) {
        const list = node[key];
        if (Array.isArray(list)) list.forEach((v, i) => walk(v, `${at}/${key}/${i}`));
      }
    };
    walk(schema, '');
    expect(checked.length).toBeGreaterThan(0);
  });
});

// Every YAML file under examples/, with the path of its directory.
function exampleYaml(dir = join(root, 'examples')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? exampleYaml(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('example YAML files name their schema for editors, and load', () => {
  const files = exampleYaml();

  test('there are catalog and declaration examples', () => {
    const schemas = files.map((f) => /\$schema=(\S+)/.exec(readFileSync(f, 'utf8'))?.[1]);
    expect(schemas).toEqual(
      expect.arrayContaining(['../../schema/catalog.schema.json', '../../schema/declaration.schema.json']),
    );
  });

  test.each(files.map((f) => [relative(root, f)]))('%s', (file) => {
    const path = join(root, file);
    const text = readFileSync(path, 'utf8');
    const first = text.split('\n')[0];
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m).not.toBeNull();
    const schemaFile = relative(root, resolvePath(dirname(path), m![1]));
    expect(['schema/catalog.schema.json', 'schema/declaration.schema.json']).toContain(schemaFile);
    const data = parse(text) as unknown;
    expect(ajv().compile(withoutDraft(JSON.parse(readFileSync(join(root, schemaFile), 'utf8'))))(data)).toBe(true);
    // The comment line is a comment: the loaders take the file as it is.
    if (schemaFile === 'schema/catalog.schema.json') expect(readCatalogFile(path).product.id).toMatch(/^[a-z]/);
    else expect(validate(data).groups.length).toBeGreaterThan(0);
  });
});
