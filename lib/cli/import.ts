// `portplan catalog import firewalld <service.xml|dir>...`: firewalld's service definitions as a
// catalog file. The files are read here; what they become is lib/model/import-firewalld.ts.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Option, type Command } from 'commander';
import type * as Yaml from 'yaml';
import type { CatalogDefinition } from '../model/catalog-format.generated';
import { loadCatalog } from '../model/catalog-set';
import type { FirewalldImport, FirewalldServiceFile } from '../model/import-firewalld';
import { readFaultText } from '../model/data-file';
import { importFirewalld } from './lazy';
import { InputError, UsageError, choicesOf } from './source';

/**
 * YAML text of a value, with the `yaml` package loaded on first use: a command that writes no YAML
 * (explain, verify, the tables) starts without its load time.
 */
function toYaml(value: unknown, options: Yaml.ToStringOptions): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when YAML is written
  return (require('yaml') as typeof Yaml).stringify(value, options);
}

/** What the import command takes from the CLI around it. */
export interface ImportContext {
  /** Standard output. */
  readonly out: (text: string) => void;
  /** Standard error. */
  readonly err: (text: string) => void;
}

const ARGUMENT = '<service.xml|dir>';
const FORMATS = ['yaml', 'json'] as const;
type Format = (typeof FORMATS)[number];

/**
 * The service files a path names: the file itself, or every `*.xml` file of a directory (not its
 * subdirectories), by name, as firewalld reads a services directory.
 * @throws InputError when the path cannot be read, or a directory holds no `.xml` file
 */
export function serviceFiles(path: string): FirewalldServiceFile[] {
  const read = (file: string): FirewalldServiceFile => {
    try {
      return { path: file, text: readFileSync(file, 'utf8') };
    } catch (e) {
      throw new InputError(file, `${ARGUMENT} ${file}: ${readFaultText(e)}`, ARGUMENT);
    }
  };
  let directory: boolean;
  try {
    directory = statSync(path).isDirectory();
  } catch (e) {
    throw new InputError(path, `${ARGUMENT} ${path}: ${readFaultText(e)}`, ARGUMENT);
  }
  if (!directory) return [read(path)];
  const names = readdirSync(path)
    .filter((n) => n.endsWith('.xml'))
    .sort();
  if (!names.length) throw new InputError(path, `${ARGUMENT} ${path}: a directory with no .xml file`, ARGUMENT);
  return names.map((n) => read(join(path, n)));
}

// The format of the file: --format, else the --out extension, else YAML.
function formatOf(format: Format | undefined, out: string | undefined): Format {
  if (out === undefined) return format ?? 'yaml';
  const ext = extname(out).toLowerCase();
  const byExt: Format | undefined = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
  if (!byExt)
    throw new UsageError(
      '--out',
      `--out ${out}: a catalog file ends in .json, .yaml or .yml (got ${JSON.stringify(ext)})`,
    );
  if (format !== undefined && format !== byExt)
    throw new UsageError('--out/--format', `--out ${out} is a ${byExt} file; give --format ${byExt}, or another file`);
  return byExt;
}

/** The catalog as a file's text, headed (YAML) by a comment that names where it comes from. */
export function importedFile(catalog: CatalogDefinition, format: Format): string {
  if (format === 'json') return `${JSON.stringify(catalog, null, 2)}\n`;
  const head = '# portplan catalog of firewalld service definitions (portplan catalog import firewalld)\n';
  return `${head}${toYaml(catalog, { lineWidth: 0 })}`;
}

/** One line per refused service, with every reason; then the counts, refusals by their first reason. */
export function importReport(result: FirewalldImport): string {
  const lines = result.refused.map(
    (r) => `refused ${r.service} (${r.file}): ${r.reasons.map((x) => x.message).join('; ')}`,
  );
  const counts = new Map<string, number>();
  for (const r of result.refused) counts.set(r.reasons[0].code, (counts.get(r.reasons[0].code) ?? 0) + 1);
  const by = [...counts].map(([code, n]) => `${code} ${n}`).join(', ');
  lines.push(
    `imported ${result.imported.length} service${result.imported.length === 1 ? '' : 's'}, refused ${result.refused.length}${by ? ` (${by})` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `portplan catalog import firewalld`. */
export function registerImport(catalog: Command, ctx: ImportContext): void {
  catalog
    .command('import')
    .description("make a catalog file from another tool's service definitions")
    .command('firewalld')
    .description("firewalld's service definitions (XML) as a catalog: each service a row between two roles")
    .argument(`${ARGUMENT.slice(0, -1)}...>`, 'service files, or directories of them (/usr/lib/firewalld/services)')
    .addOption(
      choicesOf(new Option('--format <format>', 'file format (default: by the --out extension, else yaml)'), FORMATS),
    )
    .option('--out <file>', 'write to this file (.yaml, .yml or .json) instead of standard output')
    .addHelpText(
      'after',
      [
        '',
        'Each service NAME becomes the roles firewalld:NAME (the hosts that offer it) and firewalld:NAME:client',
        '(the hosts that reach it), and the row FIREWALLD-NAME opening its TCP and UDP ports, its included',
        "services' too, from the clients to the hosts. Services with a helper, source ports, a destination,",
        'whole protocols or more than 32 separate port ranges per protocol are refused: one line each on standard error.',
        'Exit code 0 when a service was imported (refusals listed), 1 when none could be or a path cannot be',
        'read, 2 for a bad command line.',
      ].join('\n'),
    )
    .action((paths: string[], o: { format?: Format; out?: string }) => {
      const format = formatOf(o.format, o.out);
      const result = importFirewalld().importFirewalldServices(paths.flatMap(serviceFiles));
      ctx.err(importReport(result));
      if (!result.catalog)
        throw new InputError(paths.join(' '), 'no service could be imported: every one is refused (above)', ARGUMENT);
      // The file must load as it will be read: a fault here is portplan's, and says so.
      loadCatalog(result.catalog, o.out ?? 'the imported catalog');
      const text = importedFile(result.catalog, format);
      if (o.out === undefined) return ctx.out(text);
      try {
        writeFileSync(o.out, text);
      } catch (e) {
        throw new InputError(
          o.out,
          `--out ${o.out}: cannot be written (${(e as NodeJS.ErrnoException).code ?? e})`,
          '--out',
        );
      }
      const n = result.imported.length;
      ctx.out(`wrote ${o.out}: product firewalld, ${n} row${n === 1 ? '' : 's'}\n`);
    });
}
