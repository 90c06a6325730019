// Reading a catalog file (JSON or YAML) for programs: CDK apps and Pulumi programs that keep their
// catalog beside the code. The CLI's --catalog reads through the same functions (data-file.ts for
// the text, loadCatalogData() for the data), so both say the same of the same file.
import { CATALOG_FILE, DataFileFault, readDataFile } from './data-file';
import { CatalogError, loadCatalog, type CatalogProblem, type ProductCatalog } from './catalog-set';

const fileProblem = (file: string, message: string) =>
  new CatalogError(file, [{ path: '(file)', value: file, message }]);

// A range of ports where the format does not take it as written: in a field of one port (a peer's
// default ports, a counted base), with spaces or the wrong way round, or as text where a fixed list
// is meant. The schema's "a whole number" does not tell a user who copied a vendor's range what to do.
const RANGE = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/;
// Where a single port, or a list of single ports, is expected; and where a fixed list or entry is.
const PORT_PATH = /\.(?:ports|defaults)(?:\[\d+\])?$|\.base$/;
const FIXED_ENTRY = /\.ports\.ports\[\d+\]$/;
const FIXED_LIST = /\.flows\[\d+\]\.ports(?:\.ports)?$/;

/**
 * What to write instead of a range the format does not take where it stands: fixed ports take
 * ranges (`ports: ["2500-3300"]`, at most 32 entries); peer defaults and a counted base are single
 * ports.
 * @internal
 */
export function rangeHint(path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || !PORT_PATH.test(path)) return undefined;
  const m = RANGE.exec(value);
  if (!m) return undefined;
  const [first, last] = [Number(m[1]), Number(m[2])];
  const n = last - first + 1;
  if (first < 1 || last > 65535 || n < 1) return `${value} is not a range of ports 1-65535, first port first`;
  const written = `"${first}-${last}"`;
  const fixed = `{ kind: fixed, ports: [${written}] }`;
  if (FIXED_ENTRY.test(path)) return value === `${first}-${last}` ? undefined : `write the range as ${written}`;
  if (FIXED_LIST.test(path)) return `fixed ports are a list: write ports: ${fixed}`;
  const ports = Array.from({ length: Math.min(n, 3) }, (_, i) => first + i).join(', ');
  const listed = n <= 32 ? `list its ports as numbers (${ports}${n > 3 ? ', ...' : ''}), ` : '';
  return (
    `${value} is a range of ${n} ports, and a port here is one number (peer defaults and a counted base ` +
    `are single ports): ${listed}open the range with fixed ports, ${fixed}, or write a run of consecutive ` +
    `ports as { kind: counted, base: ${first}, count: <option> } with a count option whose default is ${n}`
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
