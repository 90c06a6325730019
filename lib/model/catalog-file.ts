// Reading a catalog file (JSON or YAML) for programs: CDK apps and Pulumi programs that keep their
// catalog beside the code. The CLI's --catalog reads through the same functions (data-file.ts for
// the text, loadCatalogData() for the data), so both say the same of the same file.
import { CATALOG_FILE, DataFileFault, readDataFile } from './data-file';
import { CatalogError, loadCatalog, type CatalogProblem, type ProductCatalog } from './catalog-set';

const fileProblem = (file: string, message: string) =>
  new CatalogError(file, [{ path: '(file)', value: file, message }]);

// A port written as a range in quotes ("2500-3300"), where the format takes one port: the
// schema says "a whole number", which does not tell a user who copied a vendor's range what to do.
const RANGE = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/;
// Where a single port, or a list of single ports, is expected.
const PORT_PATH = /\.(?:ports|defaults)(?:\[\d+\])?$|\.base$/;

/**
 * What the format allows today for ports written as a range: single ports (`fixed`, `peer`
 * defaults: at most 32), a `counted` run from a base, a `pinnedPort` option's fallback range.
 * @internal
 */
export function rangeHint(path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || !PORT_PATH.test(path)) return undefined;
  const m = RANGE.exec(value);
  if (!m) return undefined;
  const [first, last] = [Number(m[1]), Number(m[2])];
  const n = last - first + 1;
  if (first < 1 || last > 65535 || n < 1) return `${value} is not a range of ports 1-65535, first port first`;
  const ports = Array.from({ length: Math.min(n, 3) }, (_, i) => first + i).join(', ');
  const listed = n <= 32 ? `list its ports as numbers (${ports}${n > 3 ? ', ...' : ''}), or ` : '';
  return (
    `${value} is a range of ${n} ports, and a port here is one number (fixed ports and peer defaults list ` +
    `at most 32): ${listed}write a run of consecutive ports as { kind: counted, base: ${first}, count: <option> } ` +
    `with a count option whose default is ${n}`
  );
}

// The problems of a catalog error, each with a range hint where one applies and none is given.
function withRangeHints(e: CatalogError): CatalogError {
  let changed = false;
  const problems: CatalogProblem[] = e.problems.map((p) => {
    const hint = p.hint === undefined ? rangeHint(p.path, p.value) : undefined;
    if (!hint) return p;
    changed = true;
    return { ...p, hint };
  });
  return changed ? new CatalogError(e.source, problems, e.others) : e;
}

/**
 * {@link loadCatalog} for the data of a catalog file: the same checks, and the hints for what
 * hand-written files get wrong (a range of ports in quotes).
 * @param data the parsed file
 * @param file the file, named in every error
 * @throws CatalogError naming every faulty field, its value and what is allowed
 * @internal
 */
export function loadCatalogData(data: unknown, file: string): ProductCatalog {
  try {
    return loadCatalog(data, file);
  } catch (e) {
    throw e instanceof CatalogError ? withRangeHints(e) : e;
  }
}

/**
 * Reads and checks a catalog file: `.json`, or `.yaml` / `.yml`.
 * @param file the file's path
 * @throws CatalogError when the file cannot be read or parsed, is empty or holds several YAML
 *   documents (path `(file)`, value the file), or the catalog is invalid
 */
export function readCatalogFile(file: string): ProductCatalog {
  let data: unknown;
  try {
    data = readDataFile(file, CATALOG_FILE);
  } catch (e) {
    throw e instanceof DataFileFault ? fileProblem(file, e.reason) : e;
  }
  return loadCatalogData(data, file);
}
