import * as pulumi from '@pulumi/pulumi';
import { PortPlan, ServerProtect, declarationArgs, planAzureRules } from '../../lib/pulumi';
import { DeclarationError, defineCatalog, type CatalogDeclaration, type CatalogSource } from '../../lib/model';
import { validateSecurityRules, type ArmSecurityRule } from '../../lib/azure/rules';
import { betweenNics } from '../support/azure-network';
import { BAD_CATALOGS, SHOP, SHOP_GROUPS } from '../support/shop-catalog';
import { RANGES_CATALOG, RANGES_DECLARATION } from '../support/ranges-catalog';
import { ICMP_CATALOG, ICMP_DECLARATION } from '../support/icmp-catalog';
import { SERVERPROTECT } from '../support/declarations';
import { expectedLines, recordResources, ruleLines, settleComponent, type Registered } from '../support/pulumi';

// PortPlan's TypeScript-only `catalogs` (CatalogArgs): a user's catalog beside the built-in
// products, its rules registered in the component's NSG and checked against Azure's documented
// semantics; a bad catalog registers nothing.

let registered: Registered[];
beforeAll(async () => {
  jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined);
  registered = await recordResources();
});

/** An NSG rule as the component registered it: ARM properties, names and priorities set. */
type RegisteredRule = ArmSecurityRule & { readonly name: string; readonly priority: number } & Record<string, unknown>;

let counter = 0;
async function build(declaration: CatalogDeclaration, catalogs?: readonly CatalogSource[]) {
  const name = `c${counter++}`;
  const plan = new PortPlan(name, {
    resourceGroupName: 'rg',
    declaration: declarationArgs(declaration),
    catalogs,
  });
  await settleComponent(plan);
  const mine = registered.filter((r) => r.name.startsWith(`${name}-`));
  const asgs = mine.filter((r) => r.type === 'azure-native:network:ApplicationSecurityGroup');
  const asgIds = new Map(asgs.map((r) => [`${r.name}-id`, r.name.slice(name.length + 1)]));
  const nsg = mine.find((r) => r.type === 'azure-native:network:NetworkSecurityGroup')!;
  return { name, plan, asgs, asgIds, rules: nsg.inputs.securityRules as RegisteredRule[] };
}

const BESIDE: CatalogDeclaration = { groups: [...SERVERPROTECT.groups, ...SHOP_GROUPS] };

describe('a catalog of your own', () => {
  test.each<[string, CatalogSource]>([
    ['readCatalogFile()', SHOP],
    ['defineCatalog()', defineCatalog(SHOP.definition)],
    ['a plain definition', structuredClone(SHOP.definition)],
  ])(
    'passed as %s: ASGs of its roles, rules of its rows between them, described from the catalog',
    async (_how, catalog) => {
      const { plan, asgs, asgIds, rules } = await build({ groups: SHOP_GROUPS }, [catalog]);
      expect(asgs.map((a) => a.inputs.tags['portplan:role'])).toEqual(['shop:web', 'shop:app', 'shop:db']);
      expect(ruleLines(rules, asgIds)).toEqual(expectedLines(plan.resolution, true));
      const web = rules.find((r) => r.name === 'in-shop-web-to-shop-app-tcp')!;
      // Two rows in one rule: its description cites both, from the catalog.
      expect([web.destinationPortRanges, web.description]).toEqual([
        ['8443-8447', '9100-9101'],
        'SHOP1 SHOP2: web tier to application tier, HTTPS; application tier workers',
      ]);
    },
  );

  test("beside ServerProtect: the shop's rules name the right ASGs at the planned priorities, and pass the ARM validator", async () => {
    const { name, plan, rules } = await build(BESIDE, [SHOP]);
    const asg = (group: string) => [{ id: `${name}-${group}-id` }];
    const shop = rules
      .filter((r) => /shop/.test(r.name))
      .map((r) => [
        r.name,
        r.priority,
        r.sourceApplicationSecurityGroups ?? r.sourceAddressPrefix,
        r.destinationApplicationSecurityGroups,
      ]);
    // The priorities the planner gives the same declaration and catalogs, independently of the component.
    const p = new Map(
      planAzureRules(BESIDE, { band: { from: 100, to: 4096 }, denyOtherVnetTraffic: true, catalogs: [SHOP] }).rules.map(
        (r) => [r.name, r.priority],
      ),
    );
    expect(shop).toEqual(
      [
        ['in-shop-web-to-shop-app-tcp', p.get('in-shop-web-to-shop-app-tcp'), asg('shop-web'), asg('shop-app')],
        ['in-shop-app-to-shop-db-tcp', p.get('in-shop-app-to-shop-db-tcp'), asg('shop-app'), asg('shop-db')],
        ...['shop-web', 'shop-app', 'shop-db'].map((g) => [
          `allow-lb-to-${g}`,
          p.get(`allow-lb-to-${g}`),
          'AzureLoadBalancer',
          asg(g),
        ]),
        ...['shop-web', 'shop-app', 'shop-db'].map((g) => [
          `deny-vnet-to-${g}`,
          p.get(`deny-vnet-to-${g}`),
          'VirtualNetwork',
          asg(g),
        ]),
      ].sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
    expect(plan.priorities).toEqual(Object.fromEntries(p));
    // Every shop allow sits above every deny of either product.
    const lowestDeny = Math.min(...rules.filter((r) => r.access === 'Deny').map((r) => r.priority));
    expect(Math.max(...rules.filter((r) => r.access === 'Allow').map((r) => r.priority))).toBeLessThan(lowestDeny);
    expect(validateSecurityRules(rules)).toEqual([]);
  });

  test('beside ServerProtect, evaluated: between the groups and a NIC in the ASGs of both products, exactly the planned ports pass', async () => {
    const { name, plan, rules } = await build(BESIDE, [SHOP]);
    const groups = plan.resolution.declaration.groups.map((g) => g.name);
    const nic = (n: string, gs: string[]) => ({ name: n, groups: gs, asgIds: gs.map((g) => `${name}-${g}-id`) });
    const { wrong, passed } = betweenNics(plan.resolution, rules, [
      ...groups.map((g) => nic(g, [g])),
      nic('normal-server-and-shop-app', ['normal-servers', 'shop-app']),
    ]);
    expect(wrong).toEqual([]);
    expect(passed).toBeGreaterThan(20);
  });

  test('fixed port ranges: one destinationPortRanges entry per run, the ARM validator accepts them, exactly the planned ports pass', async () => {
    const { name, plan, rules } = await build(RANGES_DECLARATION, [RANGES_CATALOG]);
    const allow = rules.filter((r) => r.access === 'Allow' && /^(in|out)-/.test(r.name));
    expect(
      allow
        .map((r) => [r.name, r.protocol, r.destinationPortRanges])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ).toEqual([
      ['in-clients-to-servers-tcp', 'Tcp', ['135', '49152-65535']],
      ['in-servers-to-clients-udp', 'Udp', ['2500-3301']],
      ['out-clients-to-servers-tcp', 'Tcp', ['135', '49152-65535']],
      ['out-servers-to-backup-tcp', 'Tcp', ['10000-10100', '10200']],
      ['out-servers-to-backup6-tcp', 'Tcp', ['10000-10100', '10200']],
      ['out-servers-to-clients-udp', 'Udp', ['2500-3301']],
    ]);
    expect(validateSecurityRules(rules)).toEqual([]);
    const groups = plan.resolution.declaration.groups.map((g) => g.name);
    const { wrong, passed } = betweenNics(
      plan.resolution,
      rules,
      groups.map((g) => ({ name: g, groups: [g], asgIds: [`${name}-${g}-id`] })),
    );
    expect(wrong).toEqual([]);
    expect(passed).toBeGreaterThan(0);
  });

  test('ICMP and ICMPv6: one Icmp rule per pair (ports *), the ARM validator accepts them, and each wider rule is warned of by name', async () => {
    const warn = pulumi.log.warn as unknown as jest.Mock;
    const before = warn.mock.calls.length;
    const { rules } = await build(ICMP_DECLARATION, [ICMP_CATALOG]);
    const allow = rules.filter((r) => r.access === 'Allow' && /^(in|out)-/.test(r.name));
    expect(
      allow
        .map((r) => [r.name, r.protocol, r.destinationPortRange ?? r.destinationPortRanges])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ).toEqual([
      ['in-monitors-to-nodes-icmp', 'Icmp', '*'],
      ['in-monitors-to-nodes-tcp', 'Tcp', ['9100']],
      ['in-nodes-to-monitors-icmp', 'Icmp', '*'],
      ['in-probe-to-nodes-icmp', 'Icmp', '*'],
      ['out-monitors-to-nodes-icmp', 'Icmp', '*'],
      ['out-monitors-to-nodes-tcp', 'Tcp', ['9100']],
      ['out-nodes-to-monitors-icmp', 'Icmp', '*'],
    ]);
    expect(validateSecurityRules(rules)).toEqual([]);
    // Every Icmp rule admits more than its flows: a type or code, or ICMP beside ICMPv6.
    const logged = warn.mock.calls.slice(before).map((c) => String(c[0]));
    const wider = logged.filter((w) => w.includes('admits every ICMP and ICMPv6 message'));
    expect(wider.map((w) => /NSG rule (\S+)/.exec(w)?.[1]).sort()).toEqual(
      allow
        .filter((r) => r.protocol === 'Icmp')
        .map((r) => r.name)
        .sort(),
    );
    expect(wider).toContain(
      'PNG3: the NSG rule in-probe-to-nodes-icmp admits every ICMP and ICMPv6 message (an Azure rule has protocol ' +
        'Icmp, no type or code) where the flows ask for icmp 3/4: filter the messages on the hosts',
    );
  });

  test('without the catalog its roles are a DeclarationError, and nothing is registered', async () => {
    expect(
      () =>
        new PortPlan('no-catalog', { resourceGroupName: 'rg', declaration: declarationArgs({ groups: SHOP_GROUPS }) }),
    ).toThrow(DeclarationError);
    await new Promise((r) => setTimeout(r, 50));
    expect(registered.filter((r) => r.name === 'no-catalog' || r.name.startsWith('no-catalog-'))).toEqual([]);
  });
});

describe('a bad catalog registers nothing', () => {
  test.each(BAD_CATALOGS)(
    '%s: the error names path, value and what is allowed; no registration',
    async (_name, catalogs, error, path, message) => {
      const name = `bad-catalog-${counter++}`;
      const ofName = () => registered.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
      let thrown: unknown;
      try {
        new PortPlan(name, {
          resourceGroupName: 'rg',
          declaration: declarationArgs({ groups: SHOP_GROUPS }),
          catalogs: catalogs as CatalogSource[],
        });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(error);
      expect(thrown).toMatchObject({ path, message: expect.stringMatching(message) });
      // Registration is asynchronous: give a registration that had started time to reach the mocks.
      await new Promise((r) => setTimeout(r, 50));
      expect(ofName()).toEqual([]);
      // The same name with the good catalog registers its component and resources: the check above can see them.
      await settleComponent(
        new PortPlan(name, {
          resourceGroupName: 'rg',
          declaration: declarationArgs({ groups: SHOP_GROUPS }),
          catalogs: [SHOP],
        }),
      );
      expect(ofName().map((r) => r.type)).toEqual([
        'portplan:index:PortPlan',
        ...Array(3).fill('azure-native:network:ApplicationSecurityGroup'),
        'azure-native:network:NetworkSecurityGroup',
      ]);
    },
  );
});

// What the compiler accepts is the point here (npm run typecheck); the run confirms it at run time.
test('types: PortPlan takes catalogs in TypeScript; the product components do not (their roles are built in)', () => {
  const plan = new PortPlan('types-catalogs', {
    resourceGroupName: 'rg',
    declaration: declarationArgs({ groups: SHOP_GROUPS, shop: { workers: 3 } }),
    catalogs: [SHOP],
  });
  expect(plan.rules.map((r) => r.ports.join(','))).toContain('8443-8447,9100-9102');
  // @ts-expect-error a product component declares only its own built-in roles: no catalogs
  const sp = new ServerProtect('types-no-catalogs', { resourceGroupName: 'rg', catalogs: [SHOP] });
  expect(sp.resolution.catalog.role('shop:web')).toBeUndefined();
});
