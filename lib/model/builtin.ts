// The built-in products, loaded from their catalog files exactly as a user's catalog is: the same
// checks, the same compiled rows. Loaded once, when the spec is first required.
import { CatalogSet, loadCatalog, type ProductCatalog } from './catalog-set';
import serverprotect from './catalogs/serverprotect.json';
import sum from './catalogs/sum.json';

/** The catalogs of the built-in products: Trend Micro ServerProtect for Windows 5.8 and HP Smart Update Manager. */
export const BUILTIN_CATALOGS: readonly ProductCatalog[] = [
  loadCatalog(serverprotect, 'built-in serverprotect'),
  loadCatalog(sum, 'built-in sum'),
];

/** The set of the built-in catalogs alone: what a resolution uses when given no catalogs. */
export const BUILTIN = new CatalogSet(BUILTIN_CATALOGS);
