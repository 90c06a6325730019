// The names and texts the typed APIs are generated with (scripts/api-types.ts): the built-in
// catalogs state them in their `api` fields; a catalog without them gets names derived from its
// ids, which are identifiers the catalog format's `typeName` and option-name patterns accept.
import fc from 'fast-check';
import { ID } from '../../lib/model/catalog-format';
import { BUILTIN_CATALOGS, type CatalogDefinition } from '../../lib/model';
import { pascal, productApis, pulumiSource } from '../../scripts/api-types';
import { SHOP } from '../support/shop-catalog';

const TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,39}$/;

test('a role id, a peer kind id and a product id give a PascalCase name', () => {
  const words = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
  fc.assert(
    fc.property(fc.array(words, { minLength: 2, maxLength: 4 }), fc.constantFrom(':', '-'), (parts, sep) => {
      const id = parts.join(sep);
      fc.pre(sep === '-' || ID.role.test(id));
      expect(pascal(id)).toMatch(TYPE_NAME);
      expect(pascal(id).toLowerCase()).toBe(parts.join(''));
    }),
  );
});

test('a catalog without api fields: names from its ids, docs from its labels and descriptions', () => {
  const [shop] = productApis([SHOP.definition]);
  expect(shop.typeName).toBe('Shop');
  expect(shop.roles.map((r) => [r.typeName, r.groupsField, r.doc])).toEqual(
    SHOP.definition.roles.map((r) => {
      const name = r.id.slice('shop:'.length);
      return [`Shop${name[0].toUpperCase()}${name.slice(1)}`, `${name}Groups`, `${r.label}.`];
    }),
  );
  for (const o of shop.options) expect(o.name).toMatch(ID.option);
  const choice = shop.options.find((o) => o.enum);
  expect(choice?.enum?.members.map((m) => m.name).every((n) => TYPE_NAME.test(n))).toBe(true);
});

test('the built-in catalogs state every enum member and groups field, so no label change renames one', () => {
  const defs = BUILTIN_CATALOGS.map((c) => c.definition as CatalogDefinition);
  for (const c of defs) {
    for (const r of c.roles) expect([r.id, r.api?.typeName, r.api?.groupsField].includes(undefined)).toBe(false);
    for (const k of c.peerKinds ?? []) expect([k.id, k.api?.typeName].includes(undefined)).toBe(false);
    for (const o of c.options ?? []) if (o.type === 'choice') expect(o.api?.values).toHaveLength(o.values.length);
  }
  // Two catalogs that would declare one name twice are refused by the generator, naming it.
  const twice = [...defs, { ...defs[0], product: { ...defs[0].product, id: 'other' } }];
  expect(() => pulumiSource(twice)).toThrow(/ServerProtect.* is used twice/);
});
