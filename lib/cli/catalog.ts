import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import type * as Yaml from 'yaml';
import { BUILTIN_CATALOGS } from '../model/builtin';
import type { CatalogDiff, CatalogItemsDiff, FlowChange, FlowDiff, FlowRowsChange } from '../model/catalog-diff';
import { catalogJsonSchema } from '../model/catalog-format';
import { CatalogError, type CatalogSet, type ProductCatalog } from '../model/catalog-set';
import { catalogSet } from '../model/catalogs';
import type { Declaration } from '../model/declaration.generated';
import { resolve, type Endpoint, type Resolution } from '../model/resolve';
import { DeclarationError } from '../model/validate';
import {
  InputError,
  UsageError,
  BUILTIN_PRODUCTS,
  catalogOption,
  choicesOf,
  commandCatalogs,
  declarationOf,
  findPreset,
  presetNames,
  readCatalog,
  readCatalogs,
  refuseName,
  withSource,
  type Source,
} from './source';
import { registerImport } from './import';
import { catalogDiff, catalogTable, planDiff } from './lazy';

/**
 * YAML text of a value, with the `yaml` package loaded on first use: a command that writes no YAML
 * (explain, verify, the tables) starts without its load time.
 */
function toYaml(value: unknown, options: Yaml.ToStringOptions): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when YAML is written
  return (require('yaml') as typeof Yaml).stringify(value, options);
}

/**
 * `portplan catalog validate|show|export|diff|schema`: check catalog files, print a product's table,
 * write a product's catalog file, compare two versions of a product's catalog, print the catalog
 * file's JSON Schema.
 * @packageDocumentation
 */

/** A declaration that one version of a product's catalog refuses (`portplan catalog diff`). */
export class VersionRefusedError extends DeclarationError {
  /**
   * @param version which of the two catalogs refused it
   * @param file that catalog's file
   * @param cause the refusal, with every problem
   */
  constructor(
    /** `old` or `new`. */
    readonly version: 'old' | 'new',
    /** The catalog file of that version. */
    readonly file: string,
    cause: DeclarationError,
  ) {
    super(cause.problems);
    this.message = `the ${version} version ${file} refuses the declaration: ${cause.message}`;
  }
}

/** What the catalog commands take from the CLI around them. */
export interface CatalogContext {
  /** Standard output. */
  readonly out: (text: string) => void;
  /** Standard error. */
  readonly err: (text: string) => void;
  /** Sets the process's exit code. */
  readonly exit: (code: number) => void;
}

/** Version of the JSON of `catalog show --format json` and `catalog diff --json`; raised only when a field changes meaning or goes. */
export const CATALOG_JSON_VERSION = 1;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const cell = (text: string): string => text.replace(/\|/g, '\\|');

function markdown(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** A product's table as Markdown: one line per flow of each row, then its options. */
export function catalogMarkdown(catalog: ProductCatalog): string {
  const lines = markdown(
    ['row', 'purpose', 'initiator', 'listener', 'protocol', 'ports', 'condition', 'source'],
    catalogTable()
      .catalogTable(catalog)
      .map((l) => [l.row, l.purpose, l.initiator, l.listener, l.protocol, l.ports, l.condition, l.source]),
  );
  const options = catalogTable().catalogOptions(catalog);
  if (options.length)
    lines.push(
      '',
      ...markdown(
        ['option', 'values', 'default', 'description'],
        options.map((o) => [o.option, o.values, o.default, o.description]),
      ),
    );
  return `${lines.join('\n')}\n`;
}

/** A product's table as JSON: the product, its documents, roles, peer kinds, table lines and options. */
export function catalogJson(catalog: ProductCatalog): string {
  const { product } = catalog;
  return `${JSON.stringify(
    {
      version: CATALOG_JSON_VERSION,
      product: { id: product.id, name: product.name, optionsField: product.optionsField },
      documents: product.documents,
      roles: catalog.roles.map((r) => ({ id: r.id, label: r.label, hostOs: r.hostOs })),
      peerKinds: catalog.peerKinds.map((k) => ({ id: k.id, label: k.label })),
      rows: catalogTable().catalogTable(catalog),
      options: catalogTable().catalogOptions(catalog),
    },
    null,
    2,
  )}\n`;
}

const side = (e: Endpoint) => ({ kind: e.kind, name: e.name });

/**
 * The lines of a diff for people: ports opened (+), closed (-) and kept for other rows (~), with a
 * summary; then the product's fields that changed (~, old and new value), and the documents, rows,
 * roles, peer kinds, options, presets and broadcasts added (+), removed (-) and changed (~, with
 * the fields that differ), with a summary of the rows.
 */
export function catalogDiffText(
  flows: FlowDiff,
  items: CatalogDiff,
  before: ProductCatalog,
  after: ProductCatalog,
): string {
  const lines: string[] = [];
  const pair = (f: FlowChange | FlowRowsChange) =>
    `${f.from.name} -> ${f.to.name} ${f.protocol} ${catalogDiff().changePortsText(f)}`;
  const { opened, closed, rowsChanged } = flows;
  for (const f of opened) lines.push(`+ ${pair(f)} (${f.rows.join(', ')})`);
  for (const f of closed) lines.push(`- ${pair(f)} (${f.rows.join(', ')})`);
  for (const f of rowsChanged) lines.push(`~ ${pair(f)} (${f.before.join(', ')} -> ${f.after.join(', ')})`);
  const kept = rowsChanged.length ? `, ${rowsChanged.length} kept for other rows` : '';
  lines.push(
    opened.length || closed.length || rowsChanged.length
      ? `${opened.length} opened, ${closed.length} closed${kept}`
      : 'no change in flows',
    '',
  );
  // An added or removed item is named with what it is for, from the version that has it.
  const list = (what: string, d: CatalogItemsDiff, label: (c: ProductCatalog, id: string) => string | undefined) => {
    const named = (c: ProductCatalog, id: string) => {
      const text = label(c, id);
      return text === undefined ? id : `${id}: ${text}`;
    };
    for (const id of d.added) lines.push(`+ ${what} ${named(after, id)}`);
    for (const id of d.removed) lines.push(`- ${what} ${named(before, id)}`);
    for (const c of d.changed) lines.push(`~ ${what} ${c.id}: ${c.fields.join(', ')} changed`);
  };
  const field = (c: ProductCatalog, f: string) =>
    JSON.stringify((c.definition.product as object as Record<string, unknown>)[f]) ?? 'unset';
  for (const f of items.product) lines.push(`~ product ${f}: ${field(before, f)} -> ${field(after, f)}`);
  list('document', items.documents, (c, id) => c.definition.documents.find((d) => d.id === id)?.title);
  list('row', items.rows, (c, id) => c.rows.find((r) => r.id === id)?.purpose);
  list('role', items.roles, (c, id) => c.roles.find((r) => r.id === id)?.label);
  list('peer kind', items.peerKinds, (c, id) => c.peerKinds.find((k) => k.id === id)?.label);
  list('option', items.options, (c, id) => c.options.find((o) => o.name === id)?.description);
  list('preset', items.presets, (c, id) => c.definition.presets?.find((p) => p.name === id)?.description);
  list('broadcast', items.broadcasts, (c, id) => c.definition.broadcasts?.find((b) => b.id === id)?.message);
  const rows = items.rows;
  lines.push(
    rows.added.length || rows.removed.length || rows.changed.length
      ? `rows: ${rows.added.length} added, ${rows.removed.length} removed, ${rows.changed.length} changed`
      : 'no change in rows',
  );
  return `${lines.join('\n')}\n`;
}

// Resolves the declaration under one version; a refusal says which version refused it.
function resolveUnder(declaration: unknown, catalogs: CatalogSet, version: 'old' | 'new', file: string): Resolution {
  try {
    return resolve(declaration as Declaration, { catalogs });
  } catch (e) {
    if (e instanceof DeclarationError) throw new VersionRefusedError(version, file, e);
    throw e;
  }
}

/** `portplan catalog validate|show|diff|schema`. */
export function registerCatalog(program: Command, ctx: CatalogContext): void {
  const catalog = program
    .command('catalog')
    .description(
      "your own port tables: check catalog files, print a product's table, export its catalog file, compare two versions",
    );

  registerValidate(catalog, ctx);
  registerShow(catalog, ctx);
  registerExport(catalog, ctx);
  registerImport(catalog, ctx);
  registerDiff(catalog, ctx);
  catalog
    .command('schema')
    .description('print the JSON Schema of a catalog file (for editors: $schema)')
    .action(() => ctx.out(`${JSON.stringify(catalogJsonSchema(), null, 2)}\n`));
}

// `catalog validate`: catalog files on their own and together with the built-in products.
function registerValidate(catalog: Command, ctx: CatalogContext): void {
  catalog
    .command('validate')
    .description(
      'check catalog files (JSON or YAML) on their own and together with the built-in products and each other',
    )
    .argument('<file...>', `catalog files, or built-in products by id (${BUILTIN_PRODUCTS.join(', ')})`)
    .addHelpText(
      'after',
      '\nPrints ok <file>: product, roles, rows, presets for each file when all are valid.\n' +
        'Exit codes: 0 all valid, 1 a file is invalid or the files clash (each one named), 2 bad command line.',
    )
    .action((files: string[]) => {
      const loaded: ProductCatalog[] = [];
      let failed = false;
      // Every file is read, so one run names every file at fault.
      for (const f of files) {
        try {
          loaded.push(readCatalog(f, '<file>'));
        } catch (e) {
          if (!(e instanceof InputError || e instanceof CatalogError)) throw e;
          ctx.err(`portplan: ${e.message}\n`);
          failed = true;
        }
      }
      if (failed) return ctx.exit(1);
      // Clashes between catalogs, flows naming other catalogs' roles, presets: checked as one set.
      catalogSet(loaded);
      for (const c of loaded) {
        const replaces = BUILTIN_CATALOGS.includes(c)
          ? ' (the built-in)'
          : BUILTIN_CATALOGS.some((b) => b.product.id === c.product.id)
            ? ' (replaces the built-in)'
            : '';
        const presets = c.definition.presets?.length ?? 0;
        ctx.out(
          `ok ${c.source}: product ${c.product.id}${replaces}, ${plural(c.roles.length, 'role')}, ` +
            `${plural(c.rows.length, 'row')}, ${plural(presets, 'preset')}\n`,
        );
      }
    });
}

// `catalog show`: a product's port table.
function registerShow(catalog: Command, ctx: CatalogContext): void {
  catalog
    .command('show')
    .description(
      "print a product's port table: one line per flow of each row (initiator, listener, protocol, ports, condition, source), then its options",
    )
    .argument('<product>', `a product id: ${BUILTIN_PRODUCTS.join(', ')}, or the product of a --catalog`)
    .addOption(catalogOption())
    .addOption(choicesOf(new Option('--format <format>', 'output format'), ['md', 'json']).default('md'))
    .addHelpText(
      'after',
      '\nThe same catalogs print the same text, byte for byte. --format json is the table as data, not a catalog\n' +
        'file: portplan catalog export writes one. Exit code 2 for an unknown product.',
    )
    .action((product: string, o: { catalog?: string[]; format: 'md' | 'json' }, cmd: Command) => {
      const set = catalogSet(readCatalogs(o.catalog));
      const c =
        set.catalog(product) ??
        refuseName(
          cmd,
          { argument: 'product' },
          product,
          set.catalogs.map((x) => x.product.id),
        );
      ctx.out(o.format === 'json' ? catalogJson(c) : catalogMarkdown(c));
    });
}

// `catalog diff`: two versions of one product's catalog, over a declaration's flows.
function registerDiff(catalog: Command, ctx: CatalogContext): void {
  const diff = withSource(
    catalog
      .command('diff')
      .description(
        "compare two versions of one product's catalog: the ports a declaration's flows gain and lose, and the product fields, documents, rows, roles, options, presets and broadcasts that differ",
      )
      .argument('<old>', `the catalog in use: a file, or a built-in product by id (${BUILTIN_PRODUCTS.join(', ')})`)
      .argument('<new>', 'the new version of the same product: a file, or a built-in product by id'),
  );
  // The shared options, in the words of this command.
  for (const option of diff.options) {
    if (option.long === '--preset')
      option.description = 'a preset of <old> (else of <new>), of a --catalog, or built-in';
    if (option.long === '--catalog')
      option.description = 'another catalog the declaration uses, beside <old> or <new>; repeatable';
  }
  diff
    .option('--json', 'machine-readable JSON with stable field names')
    .addHelpText(
      'after',
      [
        '',
        'The declaration (--preset or --file) is resolved with <old> and with <new>, each beside the',
        "built-in products and any --catalog; a version with a built-in product's id replaces it.",
        '+ a port only <new> opens, - a port only <old> opens, ~ a port both open on flows that cite other rows;',
        "each with the rows of the flow that carries it, as `portplan flows` prints them (a flow's rows are",
        'those of its whole port range).',
        'Exit code 0 whether or not anything changed; 1 when a file is invalid or a version refuses the declaration.',
      ].join('\n'),
    )
    .action((oldFile: string, newFile: string, o: Source & { json?: boolean }, cmd: Command) =>
      ctx.out(catalogDiffOutput(oldFile, newFile, o, cmd)),
    );
}

// The output of `catalog diff`: the declaration resolved under each version, compared.
function catalogDiffOutput(oldFile: string, newFile: string, o: Source & { json?: boolean }, cmd: Command): string {
  if (o.preset && o.file) throw new UsageError('--preset/--file', 'give --preset or --file, not both');
  const before = readCatalog(oldFile, '<old>');
  const after = readCatalog(newFile, '<new>');
  if (before.product.id !== after.product.id) {
    throw new UsageError(
      '<old>/<new>',
      `give two versions of one product: ${oldFile} is product ${before.product.id}, ${newFile} is product ${after.product.id}`,
    );
  }
  const others = readCatalogs(o.catalog);
  // Each version's set is built once, for its presets and its resolution.
  const oldSet = commandCatalogs([before, ...others]);
  const newSet = commandCatalogs([after, ...others]);
  // A preset of either version (the old one's first), or a built-in one.
  const declaration = o.preset
    ? (findPreset(o.preset, oldSet) ??
      findPreset(o.preset, newSet) ??
      refuseName(cmd, { option: '--preset' }, o.preset, [...new Set([...presetNames(oldSet), ...presetNames(newSet)])]))
    : declarationOf(o, cmd, oldSet);
  const was = resolveUnder(declaration, oldSet.set, 'old', oldFile);
  const is = resolveUnder(declaration, newSet.set, 'new', newFile);
  const flows = catalogDiff().diffFlows(was.flows, is.flows);
  const items = catalogDiff().diffCatalogs(before.definition, after.definition);
  const packets = planDiff().diffPlanPackets(was, is);
  if (!o.json) return `${catalogDiffText(flows, items, before, after)}\n${planDiff().planPacketDiffText(packets)}`;
  const change = <T extends { from: Endpoint; to: Endpoint }>(f: T) => ({
    ...f,
    from: side(f.from),
    to: side(f.to),
  });
  return `${JSON.stringify(
    {
      version: CATALOG_JSON_VERSION,
      product: before.product.id,
      old: oldFile,
      new: newFile,
      flows: {
        opened: flows.opened.map(change),
        closed: flows.closed.map(change),
        rowsChanged: flows.rowsChanged.map(change),
      },
      catalog: items,
      packets,
    },
    null,
    2,
  )}\n`;
}

/** The formats of `catalog export`: the two a catalog file is read in. */
export const EXPORT_FORMATS = ['yaml', 'json'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * A product's catalog as a catalog file: its definition, which loadCatalog() checked, without
 * `$schema` (a path relative to where the catalog was read, meaningless beside the new file). The
 * YAML is written with no line folding and with every string that YAML would read as another type
 * quoted, so it reads back as the same data; it starts with a comment naming the product.
 */
export function catalogFile(catalog: ProductCatalog, format: ExportFormat): string {
  const definition = Object.fromEntries(Object.entries(catalog.definition).filter(([key]) => key !== '$schema'));
  if (format === 'json') return `${JSON.stringify(definition, null, 2)}\n`;
  const head = `# portplan catalog of ${catalog.product.id}: ${catalog.product.name}\n`;
  return `${head}${toYaml(definition, { lineWidth: 0 })}`;
}

// The format of an export: --format, else the --out file's extension, else YAML. The catalog
// commands read a file by its extension, so the extension must be one of theirs and fit the format
// (JSON is YAML too, so JSON may go into a .yaml file; not the reverse).
function exportFormat(format: ExportFormat | undefined, out: string | undefined): ExportFormat {
  if (out === undefined) return format ?? 'yaml';
  const ext = extname(out).toLowerCase();
  const byExt: ExportFormat | undefined =
    ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
  if (!byExt)
    throw new UsageError(
      '--out',
      `--out ${out}: a catalog file ends in .json, .yaml or .yml (got ${JSON.stringify(ext)})`,
    );
  if (format === 'yaml' && byExt === 'json')
    throw new UsageError('--out/--format', `--out ${out} is a JSON file; give --format json, or a .yaml file`);
  return format ?? byExt;
}

// Why a file cannot be written, in words, by the error code the operating system gives.
function writeFault(e: unknown, file: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: 'its directory does not exist',
    ENOTDIR: 'its directory does not exist (a part of the path is not a directory)',
    EISDIR: 'is a directory, not a file',
    EACCES: 'not writable (permission denied)',
    EPERM: 'not writable (permission denied)',
  };
  return `--out ${file}: ${(code && why[code]) ?? `cannot be written (${code ?? String(e)})`}`;
}

/** `portplan catalog export`. */
function registerExport(catalog: Command, ctx: CatalogContext): void {
  catalog
    .command('export')
    .description("write a product's catalog as a catalog file (YAML or JSON), to edit and check as your own")
    .argument('<product>', `a product id: ${BUILTIN_PRODUCTS.join(', ')}, or the product of a --catalog`)
    .addOption(catalogOption())
    .addOption(
      choicesOf(
        new Option('--format <format>', 'file format (default: by the --out extension, else yaml)'),
        EXPORT_FORMATS,
      ),
    )
    .option('--out <file>', 'write to this file (.yaml, .yml or .json) instead of standard output')
    .addHelpText(
      'after',
      [
        '',
        'The file is one portplan catalog validate accepts, and portplan catalog diff compares, e.g.',
        '  portplan catalog export sum --out sum.yaml',
        '  portplan catalog diff sum sum.yaml --preset smart-update-manager',
        "Loaded with --catalog, a file with a built-in product's id replaces that product.",
        'Exit code 2 for an unknown product or a bad --out, 1 when the file cannot be written.',
      ].join('\n'),
    )
    .action((product: string, o: { catalog?: string[]; format?: ExportFormat; out?: string }, cmd: Command) => {
      const set = catalogSet(readCatalogs(o.catalog));
      const ids = set.catalogs.map((x) => x.product.id);
      const c = set.catalog(product) ?? refuseName(cmd, { argument: 'product' }, product, ids);
      const text = catalogFile(c, exportFormat(o.format, o.out));
      if (o.out === undefined) return ctx.out(text);
      try {
        writeFileSync(o.out, text);
      } catch (e) {
        throw new InputError(o.out, writeFault(e, o.out), '--out');
      }
      ctx.out(`wrote ${o.out}: product ${c.product.id}, ${plural(c.rows.length, 'row')}\n`);
    });
}
