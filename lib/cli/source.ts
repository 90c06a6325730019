// Where a command's declaration and catalogs come from: `--preset` or `--file`, and `--catalog`
// (repeatable). Files are read by the library's one reader of data files (lib/model/data-file.ts); what they
// hold is checked by the spec (loadCatalog(), resolve()).
import { existsSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BUILTIN_CATALOGS } from '../model/builtin';
import { CatalogSet, type ProductCatalog } from '../model/catalog-set';
import { catalogSet } from '../model/catalogs';
import type { Declaration } from '../model/declaration.generated';
import { PortplanError } from '../model/errors';
import { PRESETS, PRESET_NAMES, type PresetName } from '../model/presets';
import { resolve, type Resolution } from '../model/resolve';
import { choiceText, closestMatch } from '../model/suggest';
import { loadCatalogData } from '../model/catalog-file';
import {
  CATALOG_FILE,
  DECLARATION_FILE,
  DataFileFault,
  readDataFile as readData,
  readFaultText,
  type DataFileKind,
} from '../model/data-file';

/** A file named on the command line that cannot be read or parsed (path: the option, value: the file). */
export class InputError extends PortplanError {
  /** Always `INPUT`. */
  readonly code = 'INPUT';
  /**
   * @param file the file
   * @param message what is wrong with it
   * @param option the option that named it
   * @default option '--file'
   */
  constructor(file: string, message: string, option = '--file') {
    super(option, file, message);
  }
}

/** A command line that names no declaration, or two (path: the options at fault). */
export class UsageError extends PortplanError {
  /** Always `USAGE`. */
  readonly code = 'USAGE';
  /**
   * @param path the options at fault, e.g. `--preset/--file`
   * @param message what to give instead
   */
  constructor(path: string, message: string) {
    super(path, undefined, message);
  }
}

/** The declaration options of a command, as commander parses them. */
export interface Source {
  /** `--preset`: a built-in preset, or one of a `--catalog`. */
  readonly preset?: string;
  /** `--file`: a declaration file. */
  readonly file?: string;
  /** `--catalog`: catalog files or built-in product ids, in command-line order. */
  readonly catalog?: readonly string[];
}

/**
 * Why a file named by an option cannot be read: `--file site.yaml: no such file`.
 * @param e what reading it threw
 * @param file the file, as the user wrote it
 * @param option the option or argument that named it (`--file`, `<old>`)
 */
export function fileFault(e: unknown, file: string, option: string): string {
  return `${option} ${file}: ${readFaultText(e)}`;
}

/**
 * Reads a JSON (`.json`) or YAML (`.yaml`, `.yml`) file named by an option, through the library's
 * one reader of data files (the words readCatalogFile() uses too).
 * @param file the file
 * @param option the option or argument that named it
 * @param kind what the file is meant to hold
 * @default kind a declaration file
 * @throws InputError naming the option, the file and the fault (line and column of a syntax fault)
 */
export function readDataFile(file: string, option: string, kind: DataFileKind = DECLARATION_FILE): unknown {
  try {
    return readData(file, kind);
  } catch (e) {
    if (!(e instanceof DataFileFault)) throw e;
    // The lines at fault after the fault itself, as the parsers print them.
    const at = e.excerpt === undefined ? '' : `:\n\n${e.excerpt}`;
    const message = e.unreadable !== undefined ? `${option} ${file}: ${e.unreadable}` : `${file} ${e.reason}${at}`;
    throw new InputError(file, message, option);
  }
}

/** Reads a declaration file: `.json`, or `.yaml` / `.yml`. */
export function readDeclaration(file: string): unknown {
  return readDataFile(file, '--file', DECLARATION_FILE);
}

/** The ids of the built-in products, which `--catalog` and the catalog commands take by name. */
export const BUILTIN_PRODUCTS: readonly string[] = BUILTIN_CATALOGS.map((c) => c.product.id);

/**
 * A catalog named on the command line: a built-in product by its id (`sum`), else a catalog file.
 * @param value the product id or the file
 * @param option the option or argument that named it, for errors
 * @throws InputError for a file that cannot be read or parsed, CatalogError for an invalid catalog
 */
export function readCatalog(value: string, option: string): ProductCatalog {
  const builtin = BUILTIN_CATALOGS.find((c) => c.product.id === value);
  if (builtin) return builtin;
  // A mistyped product id reads as a file name: name the product it is near.
  const near = existsSync(value) ? undefined : closestMatch(value, BUILTIN_PRODUCTS);
  if (near)
    throw new InputError(
      value,
      `${option} ${value}: no such file, nor a built-in product; did you mean ${near}?`,
      option,
    );
  return loadCatalogData(readDataFile(value, option, CATALOG_FILE), value);
}

/**
 * Reads and checks the catalogs of `--catalog` (files, or built-in product ids), each on its own
 * (the set is checked where it is used).
 * @throws InputError for a file that cannot be read or parsed, CatalogError for an invalid catalog
 */
export function readCatalogs(values: readonly string[] = []): ProductCatalog[] {
  return values.map((v) => readCatalog(v, '--catalog'));
}

/**
 * A command's catalogs: whether its command line gave any, and their set, built (and checked) on
 * first use and kept for the rest of the command, so that no command builds its set twice (each
 * build checks every catalog against every other and every preset against the whole set).
 */
export interface CommandCatalogs {
  /** Whether the command line gave any `--catalog`. */
  readonly given: boolean;
  /** The built-in products and the given catalogs, as one set. */
  readonly set: CatalogSet;
}

/**
 * The catalogs of a command: read catalogs, whose set is built on first use (a command that fails
 * before it needs the set reports that failure, as it would without catalogs), or a set built already.
 */
export function commandCatalogs(catalogs: readonly ProductCatalog[] | CatalogSet): CommandCatalogs {
  if (catalogs instanceof CatalogSet) return { given: catalogs !== catalogSet(), set: catalogs };
  let set: CatalogSet | undefined;
  return {
    given: catalogs.length > 0,
    get set() {
      return (set ??= catalogSet(catalogs));
    },
  };
}

/** A value of a repeatable option, collected in command-line order. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** The `--catalog` option, for every command that reads a declaration or catalogs. */
export const catalogOption = (): Option =>
  new Option(
    '--catalog <file|product>',
    'a product catalog file (JSON or YAML) beside the built-in products, or a built-in product by id ' +
      `(${BUILTIN_PRODUCTS.join(', ')}); one with a built-in product's id replaces it; repeatable`,
  ).argParser(collect);

/**
 * Restricts an option to `values`, as commander's `choices()` does (the help lists them), with a
 * "did you mean" for a value near one of them.
 */
export function choicesOf(option: Option, values: readonly string[]): Option {
  return option.choices(values).argParser((value: string) => {
    if (values.includes(value)) return value;
    const near = closestMatch(value, values);
    throw new InvalidArgumentError(
      `Allowed choices are ${choiceText(values, value)}.${near ? ` Did you mean ${near}?` : ''}`,
    );
  });
}

// Accepts any name while parsing: a --catalog later on the command line may bring the preset.
// The action checks the name once the catalogs are read (presetDeclaration).
const anyPreset = (value: string): string => value;

/** Adds `--preset`, `--file` and `--catalog` to a command. */
export function withSource(c: Command): Command {
  return c
    .addOption(
      new Option('-p, --preset <name>', 'use a named example deployment: built-in, or a preset of a --catalog')
        .choices(PRESET_NAMES)
        .argParser(anyPreset),
    )
    .addOption(new Option('-f, --file <path>', 'read the declaration from a JSON or YAML file'))
    .addOption(catalogOption());
}

const isBuiltinPreset = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);

/** Every preset name a command line may use with these catalogs: the built-ins, then the catalogs'. */
export function presetNames(catalogs: CommandCatalogs): string[] {
  if (!catalogs.given) return [...PRESET_NAMES];
  return [...new Set([...PRESET_NAMES, ...catalogs.set.presets.map((p) => p.name)])];
}

/**
 * Refuses a name given to an option or argument as commander refuses one outside its choices (same
 * words; the CLI maps it to exit code 2), with a "did you mean" for a near name.
 */
export function refuseName(
  cmd: Command,
  what: { readonly option: string } | { readonly argument: string },
  value: string,
  names: readonly string[],
): never {
  const near = closestMatch(value, names);
  const hint = near ? ` Did you mean ${near}?` : '';
  const head =
    'option' in what
      ? `error: option '${cmd.options.find((o) => o.long === what.option)?.flags ?? what.option}' argument '${value}' is invalid.`
      : `error: command-argument value '${value}' is invalid for argument '${what.argument}'.`;
  return cmd.error(`${head} Allowed choices are ${choiceText(names, value)}.${hint}`, {
    exitCode: 1,
    code: 'commander.invalidArgument',
  });
}

/**
 * The declaration a preset names: a preset of the catalogs (a catalog replacing a built-in product
 * brings its own), else the built-in preset of that name; `undefined` when neither has it.
 * @throws CatalogError when the catalogs do not make a valid set
 */
export function findPreset(name: string, catalogs: CommandCatalogs): Declaration | undefined {
  const found = catalogs.given ? catalogs.set.preset(name)?.declaration : undefined;
  if (found) return found as unknown as Declaration;
  return isBuiltinPreset(name) ? PRESETS[name] : undefined;
}

/** {@link findPreset}, refusing an unknown name as commander refuses a value outside the choices. */
export function presetDeclaration(cmd: Command, name: string, catalogs: CommandCatalogs): Declaration {
  return findPreset(name, catalogs) ?? refuseName(cmd, { option: '--preset' }, name, presetNames(catalogs));
}

/**
 * The declaration the options name, as given (not yet checked): the preset's, or the file's.
 * @throws UsageError for neither or both of `--preset` and `--file`
 */
export function declarationOf(source: Source, cmd: Command, catalogs: CommandCatalogs): unknown {
  if (source.preset && source.file) throw new UsageError('--preset/--file', 'give --preset or --file, not both');
  if (source.preset) return presetDeclaration(cmd, source.preset, catalogs);
  if (source.file) return readDeclaration(source.file);
  throw new UsageError(
    '--preset/--file',
    `give a declaration: --file <path> (JSON or YAML) or --preset <${presetNames(catalogs).join('|')}>`,
  );
}

/**
 * Reads the catalogs and the declaration the options name, and resolves it.
 * @throws UsageError, InputError, CatalogError, DeclarationError
 */
export function load(source: Source, cmd: Command): Resolution {
  // Both sources is a command-line fault: say so before reading any file.
  if (source.preset && source.file) throw new UsageError('--preset/--file', 'give --preset or --file, not both');
  const catalogs = commandCatalogs(readCatalogs(source.catalog));
  // resolve() validates whatever the file holds, with the set the preset came from.
  return resolve(declarationOf(source, cmd, catalogs) as Declaration, { catalogs: catalogs.set });
}
