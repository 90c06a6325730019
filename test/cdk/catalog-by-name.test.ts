import { Template } from 'aws-cdk-lib/assertions';
import { PortPlan } from '../../lib/cdk';
import type { CatalogDeclaration, CatalogSource, Declaration } from '../../lib/model';
import { SHOP, SHOP_GROUPS } from '../support/shop-catalog';
import { testStack } from '../support/cdk';
import { SERVERPROTECT } from '../support/declarations';

// PortPlanProps.catalogs takes a built-in product by its id: the same template as without it.
function template(declaration: Declaration | CatalogDeclaration, catalogs?: readonly CatalogSource[]) {
  const { stack, vpc } = testStack();
  new PortPlan(stack, 'Plan', { vpc, declaration, catalogs });
  return Template.fromStack(stack).toJSON();
}

test.each<[string, CatalogSource[], CatalogSource[] | undefined]>([
  ["'serverprotect'", ['serverprotect'], undefined],
  ["'serverprotect' and 'sum'", ['serverprotect', 'sum'], undefined],
  ["'serverprotect' beside a catalog of your own", ['serverprotect', SHOP], [SHOP]],
])('catalogs: %s writes the template the built-in products write', (_name, byId, plain) => {
  const declaration: Declaration | CatalogDeclaration = { groups: [...SERVERPROTECT.groups, ...SHOP_GROUPS] };
  const expected = template(plain ? declaration : SERVERPROTECT, plain);
  expect(template(plain ? declaration : SERVERPROTECT, byId)).toEqual(expected);
  expect(Object.keys(expected.Resources as object).length).toBeGreaterThan(5);
});
