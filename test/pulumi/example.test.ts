import * as pulumi from '@pulumi/pulumi';
import { validateSecurityRules } from '../../lib/verify/azure-rules';
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
  expect(nsgs).toHaveLength(3);
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
  ]);
});

test('subnets carry the component NSGs', () => {
  const vnet = registered.find((r) => r.type === 'azure-native:network:VirtualNetwork')!;
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
