// Writes TypeScript types from schema nodes (lib/model/schema.ts): one interface or type alias per
// named node, each field with the node's description as its doc comment, so that the catalog format
// and the declaration are documented in one place, their schema, for editors (JSON Schema) and for
// TypeScript users alike. `npm run generate` writes lib/model/catalog-format.generated.ts and
// lib/model/declaration.generated.ts; tests fail when either is stale.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { AnyNode, SchemaDoc, Shape } from '../lib/model/schema';
import { catalogSchema } from '../lib/model/catalog-format';
import { declarationSchemaOf } from '../lib/model/declaration-schema';
import { BUILTIN } from '../lib/model/builtin';

/** Input types (what a user writes) or output types (what a check returns, defaults filled in). */
type Mode = 'input' | 'output';

/** What one generated file holds. */
export interface TypesFileSpec {
  /** The file, from the repository root: named in the header and given to Prettier. */
  readonly path: string;
  /** What the file is generated from, for the header. */
  readonly source: string;
  /** The named nodes to declare, each with the modes to declare it in. */
  readonly roots: readonly { readonly node: AnyNode; readonly modes: readonly Mode[] }[];
  /** Types declared elsewhere, by name: the module the generated file imports each from. */
  readonly imports?: Readonly<Record<string, string>>;
}

interface Context {
  readonly spec: TypesFileSpec;
  /** Declarations by type name, in the order they were first reached. */
  readonly decls: Map<string, string>;
  /** Imported names used. */
  readonly imported: Set<string>;
}

// Comments wrap at 100 columns; one that fits on a line of the project's 120 stays on one line.
const WIDTH = 100;
const LINE = 120;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A JSON value as a TypeScript literal, for `@default` and `@example`. */
export function tsLiteral(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return `[${v.map(tsLiteral).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).map(([k, x]) => `${IDENTIFIER.test(k) ? k : quote(k)}: ${tsLiteral(x)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(v);
}

/** The `@default` line of a doc comment: the note, the documented value, or the value filled in. */
export function defaultTag(doc: SchemaDoc, fill?: { readonly value: unknown }): string | undefined {
  if (doc.defaultNote !== undefined) return `@default - ${doc.defaultNote}`;
  if (doc.default !== undefined) return `@default ${tsLiteral(doc.default)}`;
  return fill ? `@default ${tsLiteral(fill.value)}` : undefined;
}

// Words into lines of at most `width` characters (a longer word stays whole).
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A doc comment: the description, then the `@default` line and one `@example` per example. The text
 * is data, so whatever would end the comment or start a tag is escaped.
 */
export function docComment(doc: SchemaDoc, indent: string, fill?: { readonly value: unknown }): string {
  const escape = (t: string) => t.replace(/\*\//g, '*\\/').replace(/(^|\s)@/g, '$1\\@');
  const tag = defaultTag(doc, fill);
  const oneLine = escape(doc.description).replace(/\s+/g, ' ').trim();
  const lines = [
    ...(oneLine.length && indent.length + oneLine.length + 7 <= LINE && !tag && !doc.examples?.length
      ? [oneLine]
      : wrap(oneLine, WIDTH - indent.length - 3)),
    ...(tag ? [tag] : []),
    ...(doc.examples ?? []).map((e) => `@example ${tsLiteral(e)}`),
  ];
  if (lines.length === 1 && indent.length + lines[0].length + 7 <= LINE) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

// Whether the node's output type differs from its input type: a default is filled in somewhere.
function fills(node: AnyNode, seen = new Set<AnyNode>()): boolean {
  if (node.fill) return true;
  if (seen.has(node)) return false;
  seen.add(node);
  const f = node.form;
  switch (f.kind) {
    case 'list':
      return fills(f.item, seen);
    case 'object':
      return Object.values(f.shape).some((n) => fills(n, seen));
    case 'record':
      return fills(f.value, seen);
    case 'either':
      return f.nodes.some((n) => fills(n, seen));
    case 'tagged':
      return Object.values(f.variants).some((n) => fills(n, seen));
    default:
      return false;
  }
}

function typeName(node: AnyNode, mode: Mode): string | undefined {
  const n = node.named;
  if (!n) return undefined;
  if (mode === 'output' && n.output) return n.output.name;
  if (mode === 'output' && fills(node)) throw new Error(`type ${n.name} fills defaults: give it an output name`);
  return n.name;
}

// A reference to the node's type: its name (declared or imported), or the type written out.
function ref(ctx: Context, node: AnyNode, mode: Mode): string {
  const name = typeName(node, mode);
  if (name === undefined) return structure(ctx, node, mode, '');
  if (ctx.spec.imports?.[name] !== undefined) ctx.imported.add(name);
  else declare(ctx, node, mode, name);
  return name;
}

function declare(ctx: Context, node: AnyNode, mode: Mode, name: string): void {
  if (ctx.decls.has(name)) return;
  ctx.decls.set(name, ''); // reserved: the declarations it reaches come after it
  const named = node.named!;
  const doc = mode === 'output' && named.output ? named.output.doc : named.doc;
  if (!doc) throw new Error(`type ${name} is declared elsewhere: import it`);
  const body =
    node.form.kind === 'object'
      ? `export interface ${name} ${objectType(ctx, node.form.shape, mode, '', name)}`
      : `export type ${name} = ${structure(ctx, node, mode, '')};`;
  ctx.decls.set(name, `${docComment(doc, '')}${body}\n`);
}

function structure(ctx: Context, node: AnyNode, mode: Mode, indent: string): string {
  const f = node.form;
  switch (f.kind) {
    case 'text':
      return 'string';
    case 'number':
      return 'number';
    case 'flag':
      return 'boolean';
    case 'anyObject':
      return 'Readonly<Record<string, unknown>>';
    case 'choice':
      return f.values.map(quote).join(' | ');
    case 'literal':
      return quote(f.value);
    case 'list': {
      const item = ref(ctx, f.item, mode);
      if (f.min !== undefined && f.min === f.max) return `readonly [${Array(f.min).fill(item).join(', ')}]`;
      return `readonly ${item.includes(' | ') ? `(${item})` : item}[]`;
    }
    case 'object':
      return objectType(ctx, f.shape, mode, indent, 'an inline object');
    case 'record':
      return `Readonly<Record<string, ${ref(ctx, f.value, mode)}>>`;
    case 'either':
      return f.nodes.map((n) => ref(ctx, n, mode)).join(' | ');
    case 'tagged':
      return Object.values(f.variants)
        .map((n) => ref(ctx, n, mode))
        .join(' | ');
  }
}

function objectType(ctx: Context, shape: Shape, mode: Mode, indent: string, owner: string): string {
  const inner = `${indent}  `;
  const fields = Object.entries(shape).map(([key, node]) => {
    if (!node.doc) throw new Error(`field ${key} of ${owner} has no description`);
    const optional = node.optional && !(mode === 'output' && node.fill);
    const fill = mode === 'output' ? undefined : node.fill;
    const doc = mode === 'output' && node.fill ? { ...node.doc, defaultNote: undefined, default: undefined } : node.doc;
    const type = node.named ? ref(ctx, node, mode) : structure(ctx, node, mode, inner);
    const k = IDENTIFIER.test(key) ? key : quote(key);
    return `${docComment(doc, inner, fill)}${inner}readonly ${k}${optional ? '?' : ''}: ${type};\n`;
  });
  return `{\n${fields.join('')}${indent}}`;
}

/** The text of a generated types file, before formatting. */
export function typesSource(spec: TypesFileSpec): string {
  const ctx: Context = { spec, decls: new Map(), imported: new Set() };
  for (const root of spec.roots) {
    for (const mode of root.modes) {
      const name = typeName(root.node, mode);
      if (name === undefined) throw new Error('a root node needs a name');
      declare(ctx, root.node, mode, name);
    }
  }
  const modules = new Map<string, string[]>();
  for (const name of [...ctx.imported].sort()) {
    const from = spec.imports![name];
    modules.set(from, [...(modules.get(from) ?? []), name]);
  }
  return [
    '// Generated by `npm run generate` from',
    `// ${spec.source}.`,
    '// DO NOT MODIFY: edit the schema there, then run `npm run generate`.',
    ...[...modules]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([m, names]) => `import type { ${names.join(', ')} } from '${m}';`),
    '',
    [...ctx.decls.values()].join('\n'),
  ].join('\n');
}

const root = join(__dirname, '..');

/** `source` formatted as the project formats code (Prettier's command: its API cannot load under Jest). */
export function formatted(path: string, source: string): string {
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', join(root, path)], {
    input: source,
    encoding: 'utf8',
  });
}

/** What lib/model/catalog-format.generated.ts holds: the catalog format's types. */
export const CATALOG_TYPES: TypesFileSpec = {
  path: 'lib/model/catalog-format.generated.ts',
  source: 'the catalog schema in lib/model/catalog-format.ts',
  roots: [{ node: catalogSchema, modes: ['input'] }],
};

/**
 * What lib/model/declaration.generated.ts holds: the declaration's types, from the declaration schema
 * of the built-in catalogs. Role ids and peer kinds are wider than the built-in ones (a user's
 * catalog adds its own), and the options blocks' types come from the catalogs' data
 * (builtin.generated.ts): those are imported, not written out.
 */
export function declarationTypes(): TypesFileSpec {
  return {
    path: 'lib/model/declaration.generated.ts',
    source: 'the declaration schema in lib/model/declaration-schema.ts (built-in catalogs)',
    roots: [{ node: declarationSchemaOf(BUILTIN).node, modes: ['input', 'output'] }],
    imports: {
      RoleId: './roles',
      PeerKind: './roles',
      ServerProtectOptions: './builtin.generated',
      NormalizedServerProtectOptions: './builtin.generated',
      SumOptions: './builtin.generated',
      NormalizedSumOptions: './builtin.generated',
    },
  };
}

/** A generated types file as `npm run generate` writes it. */
export function typesFile(spec: TypesFileSpec): string {
  return formatted(spec.path, typesSource(spec));
}
