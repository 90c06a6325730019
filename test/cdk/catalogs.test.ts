import { Template } from 'aws-cdk-lib/assertions';
import { PortPlan } from '../../lib/cdk';
import { DeclarationError, defineCatalog, type CatalogDeclaration, type CatalogSource } from '../../lib/model';
import { BAD_CATALOGS, SHOP, SHOP_GROUPS } from '../support/shop-catalog';
import { expectedRules, templateRules, testStack } from '../support/cdk';
import { SERVERPROTECT } from '../support/declarations';

// PortPlanProps.catalogs: a user's catalog beside the built-in products, read by everything the
// construct writes; a bad one refused before any construct exists.

type Json = Record<string, unknown>;

function synth(declaration: CatalogDeclaration, catalogs?: readonly CatalogSource[]) {
  const { stack, vpc } = testStack();
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration, catalogs });
  return { stack, plan, template: Template.fromStack(stack) };
}

const descriptions = (template: Template, type: string, key: string) =>
  Object.values(template.findResources(type)).map((r) => (r.Properties as Json)[key]);

describe('a catalog of your own', () => {
  test.each<[string, CatalogSource]>([
    ['readCatalogFile()', SHOP],
    ['defineCatalog()', defineCatalog(SHOP.definition)],
    ['a plain definition', structuredClone(SHOP.definition)],
  ])('passed as %s: its roles become groups and its rows rules, described from the catalog', (_how, catalog) => {
    const { plan, template } = synth({ groups: SHOP_GROUPS }, [catalog]);
    expect(templateRules(template, plan)).toEqual([
      'in shop-app shop-web tcp 8443-8447',
      'in shop-app shop-web tcp 9100-9101',
      'in shop-db shop-app tcp 5432-5432',
    ]);
    expect(descriptions(template, 'AWS::EC2::SecurityGroup', 'GroupDescription')).toEqual([
      'portplan Example Shop web tier (shop-web)',
      'portplan Example Shop application tier (shop-app)',
      'portplan Example Shop database (shop-db)',
    ]);
    expect(descriptions(template, 'AWS::EC2::SecurityGroupIngress', 'Description').sort()).toEqual([
      'SHOP1: web tier to application tier, HTTPS',
      'SHOP2: application tier workers',
      'SHOP3: application tier to PostgreSQL',
    ]);
    expect(plan.groupsOf('shop:app').map((g) => g.name)).toEqual(['shop-app']);
  });

  test("beside ServerProtect, with the shop's options, every rule is a flow and every flow a rule", () => {
    const { plan, template } = synth(
      {
        groups: [...SERVERPROTECT.groups, ...SHOP_GROUPS],
        shop: { workers: 4, database: 'mssql', payments: true },
        peers: [{ name: 'psp', kind: 'shop-payment-gateway', cidr: '203.0.113.0/28', ports: [8443] }],
        egress: 'restricted',
      },
      [SHOP],
    );
    expect(templateRules(template, plan)).toEqual(expectedRules(plan));
    expect(templateRules(template, plan)).toEqual(
      expect.arrayContaining([
        'in shop-app shop-web tcp 9100-9103',
        'in shop-db shop-app tcp 1433-1433',
        'out shop-app 203.0.113.0/28 tcp 8443-8443',
        'in information-server normal-servers tcp 3628-3628',
      ]),
    );
    expect(plan.resolution.catalog.role('shop:web')?.label).toBe('Example Shop web tier');
  });

  test('a rule carrying two flows (two providers at one address) cites its rows from the catalog', () => {
    const peers = ['psp-a', 'psp-b'].map((name) => ({ name, kind: 'shop-payment-gateway', cidr: '203.0.113.0/28' }));
    const { template } = synth({ groups: SHOP_GROUPS, shop: { payments: true }, peers, egress: 'restricted' }, [SHOP]);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .flatMap((g) => ((g.Properties as Json).SecurityGroupEgress ?? []) as Json[])
      .filter((r) => r.CidrIp === '203.0.113.0/28');
    expect(egress.map((r) => [r.FromPort, r.Description])).toEqual([
      [443, 'SHOP5: payments from the application tier'],
    ]);
  });

  test('without the catalog its roles are a DeclarationError naming the role', () => {
    expect(() => synth({ groups: SHOP_GROUPS })).toThrow(DeclarationError);
    expect(() => synth({ groups: SHOP_GROUPS })).toThrow(
      /groups\[0\]\.role: names product shop, which no catalog in use has: pass its catalog .*\(got "shop:web"\)/,
    );
  });
});

describe('a bad catalog creates nothing', () => {
  test.each(BAD_CATALOGS)(
    '%s: the error names path, value and what is allowed; the stack is unchanged',
    (_name, catalogs, error, path, message) => {
      const { stack, vpc } = testStack();
      const before = stack.node.findAll().length;
      let thrown: unknown;
      try {
        new PortPlan(stack, 'Plan', {
          vpc,
          declaration: { groups: SHOP_GROUPS },
          catalogs: catalogs as CatalogSource[],
        });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(error);
      expect(thrown).toMatchObject({ path, message: expect.stringMatching(message) });
      expect(stack.node.findAll().length).toBe(before);
      expect(stack.node.tryFindChild('Plan')).toBeUndefined();
      expect(Template.fromStack(stack).toJSON().Resources ?? {}).toEqual({});
      // The id is free again: the good catalog takes it.
      expect(
        new PortPlan(stack, 'Plan', { vpc, declaration: { groups: SHOP_GROUPS }, catalogs: [SHOP] }).groups,
      ).toHaveLength(3);
    },
  );
});
