// A catalog set is built where catalogSet() is called and kept nowhere else: a caller that makes
// many calls with the same catalogs builds it once and passes it; loading a loaded catalog returns
// it; a definition is checked each time it is loaded.
import {
  CatalogError,
  CatalogSet,
  PRESETS,
  catalogSet,
  defineCatalog,
  loadCatalog,
  resolve,
  validate,
  type CatalogDefinition,
} from '../../lib/model';
import { SHOP, SHOP_GROUPS } from '../support/shop-catalog';

test('a set given as the catalogs is used as it is, and resolves as its catalogs do', () => {
  const set = catalogSet([SHOP]);
  expect(catalogSet(set)).toBe(set);
  const declaration = { groups: SHOP_GROUPS };
  const once = resolve(declaration, { catalogs: set });
  expect(once.catalog).toBe(set);
  const listed = resolve(declaration, { catalogs: [SHOP] });
  expect([once.declaration, once.flows, once.warnings]).toEqual([listed.declaration, listed.flows, listed.warnings]);
  expect(validate(declaration, { catalogs: set })).toEqual(validate(declaration, { catalogs: [SHOP] }));
});

test('each call with a list builds a set of its own; the built-in set is the one shared value', () => {
  expect(catalogSet([SHOP])).not.toBe(catalogSet([SHOP]));
  expect(catalogSet([])).toBe(catalogSet());
  expect(resolve(PRESETS.serverprotect).catalog).toBe(catalogSet());
  expect(catalogSet()).toBeInstanceOf(CatalogSet);
});

test('a loaded catalog loads as itself; a copy of it is a definition, checked as one', () => {
  expect(loadCatalog(SHOP)).toBe(SHOP);
  expect(loadCatalog(SHOP, 'other.yaml')).toBe(SHOP);
  expect(() => loadCatalog({ ...SHOP })).toThrow(CatalogError);
});

test('a definition changed after loading is checked again when loaded again', () => {
  const definition = structuredClone(SHOP.definition) as {
    -readonly [K in keyof CatalogDefinition]: CatalogDefinition[K];
  };
  const first = defineCatalog(definition);
  expect(first).not.toBe(SHOP);
  const { id, title } = definition.documents[0];
  definition.documents = [{ id, title }] as CatalogDefinition['documents'];
  expect(() => loadCatalog(definition)).toThrow(/needs a url or a reference/);
  expect(loadCatalog(first)).toBe(first);
});
