// One reader for the files a user names: catalogs and declarations, JSON (`.json`) or YAML (`.yaml`,
// `.yml`). The CLI and readCatalogFile() both read through here, so a file gets the same words
// wherever it is read: line and column of a syntax fault, "indent with spaces" for a tab, "is empty"
// for a file of nothing, and a refusal of several YAML documents. The YAML parser is loaded only
// when a YAML file is read: `require('portplan')` stays free of its load time.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type * as Yaml from 'yaml';
import { jsonSyntaxError } from './json-error';

/** What a file is meant to hold, for the words of its faults. @internal */
export interface DataFileKind {
  /** What the file is, as a noun: `catalog file`, `declaration file`. */
  readonly name: string;
  /** What such a file holds at the top, for the "is empty" fault. */
  readonly holds: string;
}

/** A catalog file. @internal */
export const CATALOG_FILE: DataFileKind = { name: 'catalog file', holds: 'product, documents, roles and rows' };
/** A declaration file. @internal */
export const DECLARATION_FILE: DataFileKind = { name: 'declaration file', holds: 'groups (and peers, options)' };

/**
 * Why a file cannot be read or parsed. `reason` follows the file's name in a sentence
 * (`site.yaml is empty; ...`); `unreadable` is set when the file could not be read at all, with
 * the operating system's words for why (`no such file`), so a caller can name the option too.
 * @internal
 */
export class DataFileFault {
  constructor(
    /** What is wrong, on one line. */
    readonly reason: string,
    /** The lines at fault with a caret under the fault, for a syntax fault. */
    readonly excerpt?: string,
    /** Why the file could not be read at all. */
    readonly unreadable?: string,
  ) {}
}

// Why a file cannot be read, in words, by the error code the operating system gives.
const READ_FAULTS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EISDIR: 'is a directory, not a file',
  EACCES: 'not readable (permission denied)',
  EPERM: 'not readable (permission denied)',
};

/** Why reading a file failed, in words, from what the read threw. @internal */
export function readFaultText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && READ_FAULTS[code]) ?? `cannot be read (${code ?? String(e)})`;
}

/** The file types a data file may have, by extension. */
type DataFileType = 'json' | 'yaml';

function fileType(file: string): DataFileType {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  throw new DataFileFault(`has the unknown file type ${JSON.stringify(ext)}; use .json, .yaml or .yml`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse words its faults differently in each Node version: the scanner finds the first
    // fault the same way everywhere, with its line, column and the line itself.
    const fault = jsonSyntaxError(text);
    if (!fault) throw new DataFileFault(`is not valid JSON: ${(e as Error).message}`);
    const where = `${fault.message} at line ${fault.line}, column ${fault.column}`;
    throw new DataFileFault(`is not valid JSON: ${where}`, fault.excerpt);
  }
}

interface YamlFault {
  readonly code?: unknown;
  readonly message: string;
  readonly linePos?: readonly { readonly line: number; readonly col: number }[];
}

// The parser's message: one line, then ":", a blank line and the lines at fault with a caret.
function split(message: string): [string, string | undefined] {
  const at = message.indexOf(':\n\n');
  return at < 0 ? [message.trimEnd(), undefined] : [message.slice(0, at), message.slice(at + 3).trimEnd()];
}

function yamlFault(e: YamlFault, kind: DataFileKind): DataFileFault {
  const pos = e.linePos?.[0];
  const [head, excerpt] = split(e.message);
  if (e.code === 'TAB_AS_INDENT' && pos) {
    return new DataFileFault(
      `is not valid YAML: a tab in the indentation at line ${pos.line}, column ${pos.col}; ` +
        'indent with spaces (YAML allows no tabs there)',
      excerpt,
    );
  }
  // The parser's own advice for several documents names a function of its API, not of portplan's.
  if (e.code === 'MULTIPLE_DOCS') {
    const where = pos ? ` (the --- at line ${pos.line} starts another)` : '';
    return new DataFileFault(
      `holds more than one YAML document${where}; a ${kind.name} holds one: remove the --- line, or split the file`,
    );
  }
  // The parser's message ends with the line and a caret under the fault: keep them.
  return new DataFileFault(`is not valid YAML: ${head}`, excerpt);
}

function parseYaml(text: string, kind: DataFileKind): unknown {
  try {
    // Required here, not imported: see the head of this file.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('yaml') as typeof Yaml).parse(text);
  } catch (e) {
    throw yamlFault(e as YamlFault, kind);
  }
}

/**
 * Parses the text of a data file by its file name's extension.
 * @param text the file's text (a leading byte order mark is dropped: editors on Windows write one)
 * @param file the file's name, for its extension
 * @param kind what the file is meant to hold
 * @returns the data; never `null` or `undefined`
 * @throws DataFileFault for an unknown extension, a syntax fault, several YAML documents, or an empty file
 * @internal
 */
export function parseDataText(text: string, file: string, kind: DataFileKind): unknown {
  const type = fileType(file);
  const body = text.replace(/^\uFEFF/, '');
  const holds = `a ${kind.name} holds ${kind.holds}`;
  // Said as it is, not as a syntax fault at line 1 (JSON) or "must be an object (got null)" (YAML).
  if (body.trim() === '') throw new DataFileFault(`is empty; ${holds}`);
  const data = type === 'json' ? parseJson(body) : parseYaml(body, kind);
  // YAML of comments only, or a bare null, parses to nothing.
  if (data === null || data === undefined) throw new DataFileFault(`holds no data (only comments or null); ${holds}`);
  return data;
}

/**
 * Reads and parses a data file: {@link parseDataText} on its text.
 * @throws DataFileFault, with `unreadable` set when the file cannot be read
 * @internal
 */
export function readDataFile(file: string, kind: DataFileKind): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const why = readFaultText(e);
    throw new DataFileFault(`cannot be read: ${why}`, undefined, why);
  }
  return parseDataText(text, file, kind);
}
