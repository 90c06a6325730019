// Reading a catalog file (JSON or YAML) for programs: CDK apps and Pulumi programs that keep their
// catalog beside the code. The YAML parser is loaded only when a YAML file is read.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type * as Yaml from 'yaml';
import { CatalogError, loadCatalog, type ProductCatalog } from './catalog-set';

const fileProblem = (file: string, message: string) =>
  new CatalogError(file, [{ path: '(file)', value: file, message }]);

/**
 * Reads and checks a catalog file: `.json`, or `.yaml` / `.yml`.
 * @param file the file's path
 * @throws CatalogError when the file cannot be read or parsed (path `(file)`), or the catalog is invalid
 */
export function readCatalogFile(file: string): ProductCatalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw fileProblem(file, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml')
    throw fileProblem(file, `has the unknown file type ${JSON.stringify(ext)}; use .json, .yaml or .yml`);
  let data: unknown;
  try {
    if (ext === '.json') data = JSON.parse(text);
    else {
      // Required here, not imported: `require('portplan')` stays free of the YAML parser's load time.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      data = (require('yaml') as typeof Yaml).parse(text);
    }
  } catch (e) {
    // The parser's own advice for several documents names a function of its API, not of portplan's.
    const several = (e as { code?: unknown }).code === 'MULTIPLE_DOCS';
    const message = several
      ? 'holds more than one YAML document (a line ---); a catalog file holds one'
      : `is not a valid catalog file: ${(e as Error).message.trimEnd()}`;
    throw fileProblem(file, message);
  }
  // An empty file, or one of comments only, parses to nothing: say so, not "must be an object".
  if (data === null || data === undefined)
    throw fileProblem(file, 'is empty; a catalog file holds product, documents, roles and rows');
  return loadCatalog(data, file);
}
