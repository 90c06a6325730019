// The catalog set a call uses: the built-in products, then the user's catalogs. A set is built and
// checked where catalogSet() is called, and nowhere kept: a program that calls the spec many times
// with the same catalogs builds the set once (catalogSet()) and passes it (`catalogs: set`). The
// built-in set alone is the one shared value: immutable, and checked once, when the spec is loaded.
import { BUILTIN, BUILTIN_CATALOGS } from './builtin';
import { CatalogError, CatalogSet, loadCatalog, type CatalogSource, type ProductCatalog } from './catalog-set';
import { ArgumentError } from './errors';
import { didYouMean, pathText } from './problems';
import { DeclarationError, validateWith } from './declaration-check';

/** Options of every function that reads catalogs. */
export interface CatalogOptions {
  /**
   * The user's catalogs, beside the built-in products: loaded ({@link loadCatalog},
   * {@link readCatalogFile}), as definitions, which are loaded here, or a built-in product by its
   * id (`'sum'`), which selects that built-in catalog. Or a set {@link catalogSet} built already,
   * used as it is: what a program that makes many calls with the same catalogs passes.
   * @default [] - the built-in products only
   */
  readonly catalogs?: readonly CatalogSource[] | CatalogSet;
}

const BUILTIN_IDS: ReadonlySet<string> = new Set(BUILTIN_CATALOGS.map((b) => b.product.id));

/**
 * The built-in catalogs and the given ones as one checked set: unique ids across catalogs, flows
 * naming roles that exist, every preset a valid declaration. A given catalog whose
 * product id is a built-in product's replaces that product (in its place): how a newer vendor table
 * is tried before the library ships it. Of two catalogs that clash, the one given later is at fault.
 * A set given instead of a list is returned as it is. Each call builds a new set (the built-in set
 * alone excepted): build it once and pass it to the calls that share it.
 * @throws CatalogError naming the catalog, the path in it, the value and what is allowed
 * @throws ArgumentError when `catalogs` is not a list
 */
export function catalogSet(catalogs: readonly CatalogSource[] | CatalogSet = []): CatalogSet {
  if (catalogs instanceof CatalogSet) return catalogs;
  // The adapters pass what a program gave them: a JavaScript caller's mistake is named, not a TypeError.
  if (!Array.isArray(catalogs)) {
    throw new ArgumentError(
      'catalogs',
      catalogs,
      'a list of catalogs: readCatalogFile(), loadCatalog() or defineCatalog() results, catalog definitions, ' +
        'or built-in product ids',
    );
  }
  if (!catalogs.length) return CHECKED_BUILTIN;
  // A loaded catalog keeps its own source (loadCatalog() returns it as it is); anything else (a
  // definition, or not even an object) is named by its place in the list.
  const loaded = catalogs.map((c, i) =>
    typeof c === 'string' ? builtinCatalog(c, `catalogs[${i}]`) : loadCatalog(c, `catalogs[${i}]`),
  );
  // The same catalog twice would clash with itself in every id; say what happened instead.
  loaded.forEach((c, i) => {
    const j = loaded.indexOf(c);
    if (j < i) {
      const message = `is given twice, as catalogs[${j}] and catalogs[${i}]; give each catalog once`;
      throw new CatalogError(c.source, [{ path: '(catalog)', value: c.product.id, message }]);
    }
  });
  // The first given catalog of a built-in product takes its place; a second one is a duplicate.
  const replacing = new Map<string, number>();
  loaded.forEach((c, i) => {
    if (BUILTIN_IDS.has(c.product.id) && !replacing.has(c.product.id)) replacing.set(c.product.id, i);
  });
  const inPlace = BUILTIN_CATALOGS.map((b) => loaded[replacing.get(b.product.id) ?? -1] ?? b);
  const used = new Set(replacing.values());
  const rest = loaded.filter((_c, i) => !used.has(i));
  // Ids are claimed by the built-in products left in place, then by the given catalogs in the
  // user's order: a clash is blamed on the later given catalog, never on a built-in one.
  const untouched = BUILTIN_CATALOGS.filter((b) => !replacing.has(b.product.id));
  return checkPresets(new CatalogSet([...inPlace, ...rest], [...untouched, ...loaded]), loaded);
}

/**
 * The built-in catalog of a product, by its id: what a string in `catalogs` selects.
 * @param id the product id given
 * @param path where it was given (`catalogs[1]`)
 * @throws ArgumentError naming the path, the id, the built-in products and a near one
 */
export function builtinCatalog(id: string, path: string): ProductCatalog {
  const found = BUILTIN_CATALOGS.find((b) => b.product.id === id);
  if (found) return found;
  const ids = [...BUILTIN_IDS];
  const e = new ArgumentError(
    path,
    id,
    `a built-in product id (${ids.join(', ')}), or a catalog: readCatalogFile(), loadCatalog() or defineCatalog() ` +
      'results, or catalog definitions',
  );
  const hint = didYouMean(id, ids);
  if (hint) e.message = `${e.message}; ${hint}`;
  throw e;
}

// Each preset of these catalogs is a valid declaration in the set; its problems are the catalog's.
function checkPresets(set: CatalogSet, catalogs: readonly ProductCatalog[]): CatalogSet {
  for (const c of catalogs) {
    const problems = (c.definition.presets ?? []).flatMap((p, i) => {
      try {
        validateWith(set, p.declaration);
        return [];
      } catch (e) {
        if (!(e instanceof DeclarationError)) throw e;
        return e.problems.map((x) => ({
          ...x,
          path: `${pathText(['presets', i, 'declaration'])}${x.path === '(declaration)' ? '' : x.path.startsWith('[') ? x.path : `.${x.path}`}`,
        }));
      }
    });
    if (problems.length) throw new CatalogError(c.source, problems);
  }
  return set;
}

// The built-in set, its presets checked once, when the spec is loaded (a fault there is the
// library's own, found by every test run). Nothing changes it after.
const CHECKED_BUILTIN: CatalogSet = checkPresets(BUILTIN, BUILTIN_CATALOGS);
