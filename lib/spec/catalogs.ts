// The catalog set a call uses: the built-in products, then the user's catalogs. A set is built and
// checked once per combination of loaded catalogs, so passing the same catalogs to every call
// costs one check.
import { BUILTIN, BUILTIN_CATALOGS } from './builtin';
import { CatalogError, CatalogSet, loadCatalog, type CatalogSource, type ProductCatalog } from './catalog-set';
import { ArgumentError } from './errors';
import { pathText } from './problems';
import { DeclarationError, validateWith } from './validate';

/** Options of every function that reads catalogs. */
export interface CatalogOptions {
  /**
   * The user's catalogs, beside the built-in products: loaded ({@link loadCatalog},
   * {@link readCatalogFile}) or as definitions, which are loaded here.
   * @default [] - the built-in products only
   */
  readonly catalogs?: readonly CatalogSource[];
}

const ids = new WeakMap<ProductCatalog, number>();
let nextId = 0;
const SETS = new Map<string, CatalogSet>();
let builtinChecked = false;

/**
 * The built-in catalogs and the given ones as one checked set: unique ids across catalogs, flows
 * naming roles and peer kinds that exist, every preset a valid declaration. A given catalog whose
 * product id is a built-in product's replaces that product (in its place): how a newer vendor table
 * is tried before the library ships it.
 * @throws CatalogError naming the catalog, the path in it, the value and what is allowed
 * @throws ArgumentError when `catalogs` is not a list
 */
export function catalogSet(catalogs: readonly CatalogSource[] = []): CatalogSet {
  // The adapters pass what a program gave them: a JavaScript caller's mistake is named, not a TypeError.
  if (!Array.isArray(catalogs)) {
    throw new ArgumentError(
      'catalogs',
      catalogs,
      'a list of catalogs: readCatalogFile(), loadCatalog() or defineCatalog() results, or catalog definitions',
    );
  }
  if (!catalogs.length) {
    if (!builtinChecked) {
      checkPresets(BUILTIN, BUILTIN_CATALOGS);
      builtinChecked = true;
    }
    return BUILTIN;
  }
  // A loaded catalog names its own source; anything else (a definition, or not even an object) is
  // named by its place in the list.
  const loaded = catalogs.map((c: unknown, i) =>
    loadCatalog(c, typeof c === 'object' && c !== null && 'source' in c ? undefined : `catalogs[${i}]`),
  );
  const key = loaded
    .map((c) => {
      let id = ids.get(c);
      if (id === undefined) ids.set(c, (id = nextId++));
      return id;
    })
    .join(',');
  let set = SETS.get(key);
  if (!set) {
    const replaced = new Map(loaded.map((c) => [c.product.id, c]));
    const builtins = BUILTIN_CATALOGS.map((b) => replaced.get(b.product.id) ?? b);
    set = new CatalogSet([...builtins, ...loaded.filter((c) => !builtins.includes(c))]);
    checkPresets(set, loaded);
    SETS.set(key, set);
  }
  return set;
}

// Each preset of these catalogs is a valid declaration in the set; its problems are the catalog's.
function checkPresets(set: CatalogSet, catalogs: readonly ProductCatalog[]): void {
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
}
