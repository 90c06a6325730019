import { join } from 'node:path';
import {
  mergeDeclarations,
  readCatalogFile,
  serverProtectDeclaration,
  type Declaration,
  type ProductCatalog,
} from '../lib/model';

/**
 * The catalog of the in-house three-tier application "Example Shop" (product `shop`; an example,
 * not a vendor's product). Found from this file, so a program run from any directory reads it.
 */
export const SHOP_CATALOG_FILE = join(__dirname, 'catalogs', 'three-tier.yaml');

/** The shop's catalog, read and checked: what both example programs pass as `catalogs`. */
export function shopCatalog(): ProductCatalog {
  return readCatalogFile(SHOP_CATALOG_FILE);
}

/**
 * The deployment both example programs create beside ServerProtect: ServerProtect's default groups
 * (console, information server, normal servers) and the shop's three tiers, in one declaration so
 * that one plan (one NSG on Azure) holds the rules of both products. The shop's options stay at
 * their defaults (PostgreSQL, two workers, no payments).
 */
export function shopBesideServerProtect(): Declaration {
  return mergeDeclarations(serverProtectDeclaration({}), {
    groups: [
      { name: 'shop-web', role: 'shop:web' },
      { name: 'shop-app', role: 'shop:app' },
      { name: 'shop-db', role: 'shop:db' },
    ],
  });
}
