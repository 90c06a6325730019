import * as pulumi from '@pulumi/pulumi';
import { validateSecurityRules, type ArmSecurityRule } from '../../lib/azure/rules';
import { betweenNics } from '../support/azure-network';
import { expectedLines, recordResources, ruleLines, settle, type Registered } from '../support/pulumi';
import { recordAliases, type SentAlias } from './aliases';

// Runs the example program itself (Pulumi.yaml's main) under Pulumi's mock runtime.
let registered: Registered[];
let aliases: Map<string, SentAlias[]>;
type Program = typeof import('../../examples/pulumi/index'); // eslint-disable-line @typescript-eslint/consistent-type-imports -- the program must load after the mocks
let program: Program;
const warnings: string[] = [];

beforeAll(async () => {
  jest.spyOn(pulumi.log, 'warn').mockImplementation(async (message: string) => {
    warnings.push(message);
  });
  registered = await recordResources();
  aliases = recordAliases();
  program = await import('../../examples/pulumi/index');
  await Promise.all([
    settle(program.vnetId),
    settle(program.serverProtectNsgId),
    settle(program.smartUpdateManagerNsgId),
    settle(program.smartUpdateManager7NsgId),
    settle(program.shopVnetId),
    settle(program.shopNsgId),
    settle(program.shopHostNicId),
  ]);
});

// ASG mock ids to group names, for one component (ASG names are `<component>-<group>`).
const asgIds = (component: string) =>
  new Map(
    registered
      .filter((r) => r.type === 'azure-native:network:ApplicationSecurityGroup' && r.name.startsWith(`${component}-`))
      .map((r) => [`${r.name}-id`, r.name.slice(component.length + 1)]),
  );

describe.each([
  ['serverprotect', () => program.serverProtect],
  ['sum', () => program.smartUpdateManager],
  ['sum7', () => program.smartUpdateManager7],
  ['shop-serverprotect', () => program.shopBesideServerProtect],
])('example component %s', (name, component) => {
  test('its NSG holds exactly the resolve() flows, a VNet deny and a probe allow per group, and the RDP rule', () => {
    const nsg = registered.find(
      (r) => r.type === 'azure-native:network:NetworkSecurityGroup' && r.name === `${name}-nsg`,
    );
    expect(nsg).toBeDefined();
    const lines = ruleLines(nsg!.inputs.securityRules, asgIds(name));
    const extra = name === 'serverprotect' ? ['Inbound Allow 10.40.250.0/26 normal-servers Tcp 3389'] : [];
    expect(lines).toEqual([...expectedLines(component().resolution, true), ...extra].sort());
    expect(lines.length).toBeGreaterThan(5);
  });

  test('nothing is open to the world: no allow rule from *, Internet, 0.0.0.0/0 or ::/0', () => {
    const rules = registered.find((r) => r.name === `${name}-nsg`)!.inputs.securityRules as {
      access: string;
      sourceAddressPrefix?: string;
    }[];
    expect(
      rules.filter(
        (r) => r.access === 'Allow' && ['*', 'Internet', '0.0.0.0/0', '::/0'].includes(r.sourceAddressPrefix ?? ''),
      ),
    ).toEqual([]);
  });

  test('priorities are unique per direction, inside 100-4096, denies below every allow', () => {
    const rules = registered.find((r) => r.name === `${name}-nsg`)!.inputs.securityRules as {
      direction: string;
      access: string;
      priority: number;
    }[];
    for (const dir of ['Inbound', 'Outbound']) {
      const ps = rules.filter((r) => r.direction === dir).map((r) => r.priority);
      expect(new Set(ps).size).toBe(ps.length);
    }
    for (const r of rules) expect(r.priority >= 100 && r.priority <= 4096).toBe(true);
    const lowestDeny = Math.min(...rules.filter((r) => r.access === 'Deny').map((r) => r.priority));
    const highestAllow = Math.max(...rules.filter((r) => r.access === 'Allow').map((r) => r.priority));
    expect(highestAllow).toBeLessThan(lowestDeny);
  });

  test('one ASG per role group, tagged with the role id, the group name and the user tags', () => {
    const asgs = registered.filter(
      (r) => r.type === 'azure-native:network:ApplicationSecurityGroup' && r.name.startsWith(`${name}-`),
    );
    const groups = component().resolution.declaration.groups;
    const tags = (g: (typeof groups)[number]) => ({
      project: 'portplan-example',
      'portplan:role': g.role,
      'portplan:group': g.name,
    });
    expect(asgs.map((a) => a.inputs.tags)).toEqual(groups.map(tags));
  });
});

test('every NSG the program registers passes the ARM rule validator', () => {
  const nsgs = registered.filter((r) => r.type === 'azure-native:network:NetworkSecurityGroup');
  expect(nsgs).toHaveLength(4);
  for (const nsg of nsgs) expect([nsg.name, validateSecurityRules(nsg.inputs.securityRules)]).toEqual([nsg.name, []]);
});

test('every resource the program creates carries the user tags', () => {
  for (const r of registered.filter((x) => x.custom))
    expect(r.inputs.tags).toMatchObject({ project: 'portplan-example' });
});

test('components are parented: package type tokens and URNs', async () => {
  const urn = await settle(program.serverProtect.urn);
  expect(urn).toContain('portplan:index:ServerProtect');
  const asgUrn = await settle(program.serverProtect.applicationSecurityGroups['console'].urn);
  expect(asgUrn).toContain('portplan:index:ServerProtect$azure-native:network:ApplicationSecurityGroup');
  expect(await settle(program.smartUpdateManager.urn)).toContain('portplan:index:SmartUpdateManager');
});

test('each component sends the alias from its earlier type token, so existing stacks keep it and its children', () => {
  const components = [...aliases].filter(([key]) => key.startsWith('portplan:'));
  expect(components.map(([key, sent]) => [key, sent])).toEqual([
    ['portplan:index:ServerProtect::serverprotect', [{ type: 'portplan:azure:ServerProtect', name: '' }]],
    ['portplan:index:SmartUpdateManager::sum', [{ type: 'portplan:azure:SmartUpdateManager', name: '' }]],
    ['portplan:index:SmartUpdateManager::sum7', [{ type: 'portplan:azure:SmartUpdateManager', name: '' }]],
    ['portplan:index:PortPlan::shop-serverprotect', [{ type: 'portplan:azure:PortPlan', name: '' }]],
  ]);
});

test('subnets carry the component NSGs', () => {
  const vnet = registered.find(
    (r) => r.type === 'azure-native:network:VirtualNetwork' && r.name === 'portplan-example',
  )!;
  expect(vnet.inputs.subnets.map((s: { networkSecurityGroup: { id: string } }) => s.networkSecurityGroup.id)).toEqual([
    'serverprotect-nsg-id',
    'sum-nsg-id',
    'sum7-nsg-id',
  ]);
  expect(vnet.inputs.addressSpace.addressPrefixes).toEqual(['10.40.0.0/16']);
});

test('resolve() warnings go to pulumi.log.warn', () => {
  expect(warnings.some((w) => /^SP2, SP3: .*by name or address/.test(w))).toBe(true);
  expect(warnings.some((w) => /^SUM2: .*DNS/.test(w))).toBe(true);
});

// The resources the program registered, in order: the shop's come after every earlier one, whose
// registrations (inputs included) the tests above check.
test('registrations: the shop beside ServerProtect adds its component, its VNet and one NIC after the others', () => {
  const names = registered.map((r) => `${r.type} ${r.name}`);
  const shop = names.filter((n) => /shop/.test(n));
  expect(shop).toEqual([
    'portplan:index:PortPlan shop-serverprotect',
    ...['console', 'information-server', 'normal-servers', 'shop-web', 'shop-app', 'shop-db'].map(
      (g) => `azure-native:network:ApplicationSecurityGroup shop-serverprotect-${g}`,
    ),
    'azure-native:network:NetworkSecurityGroup shop-serverprotect-nsg',
    'azure-native:network:VirtualNetwork portplan-example-shop',
    'azure-native:network:NetworkInterface normal-server-and-shop-app',
  ]);
  expect(names.filter((n) => !/shop/.test(n))).toHaveLength(21);
});

describe('the shop beside ServerProtect', () => {
  const nsg = () => registered.find((r) => r.name === 'shop-serverprotect-nsg')!;
  const nic = () => registered.find((r) => r.type === 'azure-native:network:NetworkInterface')!;

  test('its own VNet, whose one subnet carries its NSG', () => {
    const vnet = registered.find((r) => r.name === 'portplan-example-shop')!;
    expect(vnet.inputs.addressSpace.addressPrefixes).toEqual(['10.41.0.0/16']);
    expect(vnet.inputs.subnets).toEqual([
      {
        name: 'shop-serverprotect',
        addressPrefix: '10.41.1.0/24',
        networkSecurityGroup: { id: 'shop-serverprotect-nsg-id' },
      },
    ]);
  });

  test('one NIC in that subnet, in the ASGs of both its roles: ServerProtect normal server and shop application tier', () => {
    const [ip, ...more] = nic().inputs.ipConfigurations;
    expect(more).toEqual([]);
    expect(ip.subnet).toEqual({ id: 'portplan-example-shop-id/subnets/shop-serverprotect' });
    expect(ip.applicationSecurityGroups).toEqual([
      { id: 'shop-serverprotect-normal-servers-id' },
      { id: 'shop-serverprotect-shop-app-id' },
    ]);
  });

  test('the rules of the shop rows, described from the catalog, at the priorities the component reports', () => {
    const rules = nsg().inputs.securityRules as { name: string; priority: number; description: string }[];
    const shop = rules.filter((r) => r.name.startsWith('in-shop'));
    expect(shop.map((r) => [r.name, r.description])).toEqual(
      expect.arrayContaining([
        ['in-shop-web-to-shop-app-tcp', 'SHOP1 SHOP2: web tier to application tier, HTTPS; application tier workers'],
        ['in-shop-app-to-shop-db-tcp', 'SHOP3: application tier to PostgreSQL'],
      ]),
    );
    expect(shop).toHaveLength(2);
    for (const r of rules)
      expect([r.name, r.priority]).toEqual([r.name, program.shopBesideServerProtect.priorities[r.name]]);
  });

  test('evaluated as registered: between the NIC and one NIC per group, exactly the planned ports pass', () => {
    const asgIds = (groups: string[]) => groups.map((g) => `shop-serverprotect-${g}-id`);
    const host = nic().inputs.ipConfigurations[0].applicationSecurityGroups.map((a: { id: string }) => a.id);
    expect(host).toEqual(asgIds(['normal-servers', 'shop-app']));
    const resolution = program.shopBesideServerProtect.resolution;
    const groups = resolution.declaration.groups.map((g) => g.name);
    const { wrong, passed } = betweenNics(resolution, nsg().inputs.securityRules as ArmSecurityRule[], [
      ...groups.map((g) => ({ name: g, groups: [g], asgIds: asgIds([g]) })),
      { name: 'normal-server-and-shop-app', groups: ['normal-servers', 'shop-app'], asgIds: host },
    ]);
    expect(wrong).toEqual([]);
    expect(passed).toBeGreaterThan(20);
  });
});
