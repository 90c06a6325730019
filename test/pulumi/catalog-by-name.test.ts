import * as pulumi from '@pulumi/pulumi';
import { PortPlan, declarationArgs } from '../../lib/pulumi';
import type { CatalogDeclaration, CatalogSource, Declaration } from '../../lib/model';
import { SHOP, SHOP_GROUPS } from '../support/shop-catalog';
import { SERVERPROTECT } from '../support/declarations';
import { recordResources, settleComponent, type Registered } from '../support/pulumi';

// PortPlan's `catalogs` takes a built-in product by its id: the same resources as without it.
let registered: Registered[];
beforeAll(async () => {
  jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined);
  registered = await recordResources();
});

async function resources(
  name: string,
  declaration: Declaration | CatalogDeclaration,
  catalogs?: readonly CatalogSource[],
) {
  await settleComponent(
    new PortPlan(name, { resourceGroupName: 'rg', declaration: declarationArgs(declaration), catalogs }),
  );
  // Each resource as registered, its name and the ids in its inputs without the component's name.
  return registered
    .filter((r) => r.name.startsWith(`${name}-`))
    .map(
      (r) =>
        JSON.parse(
          JSON.stringify({ type: r.type, name: r.name, inputs: r.inputs }).split(`${name}-`).join(''),
        ) as unknown,
    );
}

test.each<[string, CatalogSource[], CatalogSource[] | undefined]>([
  ["'sum'", ['sum'], undefined],
  ["'serverprotect' beside a catalog of your own", ['serverprotect', SHOP], [SHOP]],
])('catalogs: %s registers what the built-in products register', async (name, byId, plain) => {
  const declaration: Declaration | CatalogDeclaration = plain
    ? { groups: [...SERVERPROTECT.groups, ...SHOP_GROUPS] }
    : SERVERPROTECT;
  const key = name.replace(/\W+/g, '');
  const expected = await resources(`plain${key}`, declaration, plain);
  expect(await resources(`byid${key}`, declaration, byId)).toEqual(expected);
  expect(expected.length).toBeGreaterThan(3);
});
