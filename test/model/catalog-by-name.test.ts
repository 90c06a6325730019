import fc from 'fast-check';
import {
  ArgumentError,
  BUILTIN_CATALOGS,
  CatalogError,
  PRESETS,
  PRESET_NAMES,
  catalogSet,
  resolve,
  type CatalogSource,
} from '../../lib/model';
import { SHOP, SHOP_GROUPS } from '../support/shop-catalog';

// A built-in product's id in `catalogs` selects its built-in catalog: the same set, the same
// resolution, as the catalog itself; any other text is refused, with a near id when there is one.

const IDS = BUILTIN_CATALOGS.map((c) => c.product.id);

test('the built-in products are serverprotect and sum', () => {
  expect(IDS).toEqual(['serverprotect', 'sum']);
});

test.each(IDS)('%s by its id: the catalogs of the set are the built-in ones, in their place', (id) => {
  const set = catalogSet([id]);
  expect(set.catalogs).toEqual(BUILTIN_CATALOGS);
  expect(set.catalogs.find((c) => c.product.id === id)).toBe(BUILTIN_CATALOGS.find((c) => c.product.id === id));
});

test.each(PRESET_NAMES)('preset %s resolves to the same flows with the built-in ids as without them', (preset) => {
  const without = resolve(PRESETS[preset]);
  for (const catalogs of [['serverprotect'], ['sum'], ['sum', 'serverprotect']] as CatalogSource[][])
    expect(resolve(PRESETS[preset], { catalogs }).flows).toEqual(without.flows);
});

test('an id beside a catalog of your own: the same as the catalog alone', () => {
  const declaration = { groups: [...SHOP_GROUPS, { name: 'console', role: 'serverprotect:console' }] };
  expect(resolve(declaration, { catalogs: ['serverprotect', SHOP] }).flows).toEqual(
    resolve(declaration, { catalogs: [SHOP] }).flows,
  );
});

test('the same id twice: the catalog is given twice', () => {
  expect(() => catalogSet(['sum', 'sum'])).toThrow(CatalogError);
  expect(() => catalogSet(['sum', 'sum'])).toThrow(/is given twice, as catalogs\[0\] and catalogs\[1\]/);
});

test('a mistyped id: ArgumentError at its place in the list, with the near id', () => {
  const e = (() => {
    try {
      catalogSet(['serverprotect', 'Sum ']);
    } catch (x) {
      return x;
    }
  })() as ArgumentError;
  expect(e).toBeInstanceOf(ArgumentError);
  expect([e.path, e.value]).toEqual(['catalogs[1]', 'Sum ']);
  expect(e.message).toMatch(/ \(got "Sum "\); did you mean "sum"\?$/);
});

test('any text that is not a built-in id: ArgumentError naming the path, the value and what is allowed', () => {
  fc.assert(
    fc.property(
      fc.string().filter((s) => !IDS.includes(s)),
      fc.boolean(),
      (text, afterSum) => {
        const catalogs: CatalogSource[] = afterSum ? ['sum', text] : [text];
        const at = catalogs.length - 1;
        try {
          catalogSet(catalogs);
          return false;
        } catch (e) {
          return (
            e instanceof ArgumentError &&
            e.path === `catalogs[${at}]` &&
            e.value === text &&
            e.message.startsWith(`catalogs[${at}]: a built-in product id (serverprotect, sum), or a catalog`)
          );
        }
      },
    ),
  );
});
