import { ArgumentError, CatalogError, type CatalogDefinition, type GroupDeclaration } from '../../lib/model';
import { shopCatalog } from '../../examples/shop';

// The example catalog (product `shop`) and catalogs each adapter must refuse before it creates
// anything, shared by the CDK and Pulumi tests.

/** The three-tier example catalog, read from examples/catalogs/three-tier.yaml. */
export const SHOP = shopCatalog();

/** One group per shop role. */
export const SHOP_GROUPS: GroupDeclaration[] = [
  { name: 'shop-web', role: 'shop:web' },
  { name: 'shop-app', role: 'shop:app' },
  { name: 'shop-db', role: 'shop:db' },
];

const d = SHOP.definition;

/** A bad `catalogs` value, the error it must throw, and the path and message that error names. */
export type BadCatalogs = [
  name: string,
  catalogs: unknown,
  error: typeof CatalogError | typeof ArgumentError,
  path: string,
  message: RegExp,
];

/** Catalogs that fail each kind of check: their own shape, across catalogs, and the argument itself. */
export const BAD_CATALOGS: BadCatalogs[] = [
  [
    'a role outside its product',
    [{ ...d, roles: [{ ...d.roles[0], id: 'web' }, ...d.roles.slice(1)] } satisfies CatalogDefinition],
    CatalogError,
    'roles[0].id',
    /catalog catalogs\[0\]:\n {2}roles\[0\]\.id: must be the product id, a colon and .* \(got "web"\)/,
  ],
  [
    'a flow naming a role no catalog has',
    [
      {
        ...d,
        rows: [
          { ...d.rows[0], flows: [{ ...d.rows[0].flows[0], listener: { roles: ['shop:cache'] } }] },
          ...d.rows.slice(1),
        ],
      } satisfies CatalogDefinition,
    ],
    CatalogError,
    'rows[0].flows[0].listener.roles[0]',
    /must be a role of a catalog in use; .* \(got "shop:cache"\)/,
  ],
  [
    'a port out of range',
    [
      {
        ...d,
        rows: d.rows.map((r) =>
          r.id === 'SHOP3' ? { ...r, flows: [{ ...r.flows[0], ports: { kind: 'fixed', ports: [70000] } }] } : r,
        ),
      } satisfies CatalogDefinition,
    ],
    CatalogError,
    'rows[2].flows[0].ports.ports[0]',
    /must be a whole number from 1 to 65535 \(got 70000\)/,
  ],
  [
    'the same product twice',
    [SHOP, { ...d }],
    CatalogError,
    'product.id',
    /duplicate product id; catalog .*three-tier\.yaml already has it/,
  ],
  ['not an object', [null], CatalogError, '(catalog)', /catalog catalogs\[0\]:\n {2}\(catalog\): must be an object/],
  ['not a list', SHOP, ArgumentError, 'catalogs', /catalogs: a list of catalogs/],
  [
    'a product id that is not a built-in one',
    [SHOP, 'summ'],
    ArgumentError,
    'catalogs[1]',
    /^catalogs\[1\]: a built-in product id \(serverprotect, sum\), or a catalog: .* \(got "summ"\); did you mean "sum"\?$/,
  ],
];
