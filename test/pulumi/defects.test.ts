import * as pulumi from '@pulumi/pulumi';
import * as pulumiAdapter from '../../lib/pulumi';
import { AzureLimitError, declarationArgs, PortPlan, planAzureRules, ServerProtect } from '../../lib/pulumi';
import * as spec from '../../lib/model';
import { ArgumentError, PortplanError, type Declaration } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER } from '../support/declarations';
import { recordResources, settleComponent, type Registered } from '../support/pulumi';

// One test per defect of the Azure adapter (numbered as in the issue). Each failed on the code
// before its fix.
type Rule = Record<string, unknown> & { name: string; priority: number; direction: string; access: string };

let registered: Registered[];
const warnings: string[] = [];
beforeAll(async () => {
  jest.spyOn(pulumi.log, 'warn').mockImplementation(async (message: string) => {
    warnings.push(message);
  });
  registered = await recordResources();
});

let counter = 0;
async function nsgRules(
  declaration: Declaration,
  extra: Record<string, unknown> = {},
): Promise<{ rules: Rule[]; asgIds: Map<string, string> }> {
  const name = `d${counter++}`;
  const plan = new PortPlan(name, { resourceGroupName: 'rg', declaration: declarationArgs(declaration), ...extra });
  await settleComponent(plan);
  const mine = registered.filter((r) => r.name.startsWith(`${name}-`));
  const asgIds = new Map(
    mine
      .filter((r) => r.type === 'azure-native:network:ApplicationSecurityGroup')
      .map((r) => [r.name.slice(name.length + 1), `${r.name}-id`]),
  );
  const nsg = mine.find((r) => r.type === 'azure-native:network:NetworkSecurityGroup');
  const rules = (
    nsg
      ? nsg.inputs.securityRules
      : mine.filter((r) => r.type === 'azure-native:network:SecurityRule').map((r) => r.inputs)
  ) as Rule[];
  return { rules, asgIds };
}
const ids = (list: unknown) => (Array.isArray(list) ? list.map((a: { id: string }) => a.id) : []);

test('defect 1: "*" only in the singular port fields, never in destinationPortRanges or sourcePortRanges', async () => {
  const { rules } = await nsgRules(SERVERPROTECT);
  const denies = rules.filter((r) => r.access === 'Deny');
  expect(denies.length).toBeGreaterThan(0);
  for (const r of rules) {
    for (const field of ['destinationPortRanges', 'sourcePortRanges'])
      expect([r.name, (r[field] as string[] | undefined)?.includes('*') ?? false]).toEqual([r.name, false]);
  }
  for (const r of denies) expect(r.destinationPortRange).toBe('*');
});

test('defect 2: restricted egress adds an outbound deny from each group ASG below every outbound allow', async () => {
  const { rules, asgIds } = await nsgRules({ ...SERVERPROTECT, egress: 'restricted' });
  const out = rules.filter((r) => r.direction === 'Outbound');
  const allows = out.filter((r) => r.access === 'Allow');
  const denies = out.filter((r) => r.access === 'Deny');
  expect(allows.length).toBeGreaterThan(0);
  expect(denies.map((r) => ids(r.sourceApplicationSecurityGroups)).sort()).toEqual(
    SERVERPROTECT.groups.map((g) => [asgIds.get(g.name)]).sort(),
  );
  for (const d of denies) {
    expect([d.destinationAddressPrefix, d.protocol, d.destinationPortRange]).toEqual(['*', '*', '*']);
    expect(Math.max(...allows.map((a) => a.priority))).toBeLessThan(d.priority);
  }
});

test('defect 3: an AzureLoadBalancer inbound allow sits above the VirtualNetwork denies, and can be turned off', async () => {
  const { rules } = await nsgRules(SERVERPROTECT);
  const lb = rules.filter(
    (r) => r.direction === 'Inbound' && r.access === 'Allow' && r.sourceAddressPrefix === 'AzureLoadBalancer',
  );
  expect(lb.length).toBeGreaterThan(0);
  const lowestDeny = Math.min(
    ...rules.filter((r) => r.direction === 'Inbound' && r.access === 'Deny').map((r) => r.priority),
  );
  for (const r of lb) expect(r.priority).toBeLessThan(lowestDeny);
  const off = await nsgRules(SERVERPROTECT, { allowAzureLoadBalancer: false });
  expect(off.rules.filter((r) => r.sourceAddressPrefix === 'AzureLoadBalancer')).toEqual([]);
});

test('defect 4: additionalRules puts RDP from a bastion subnet in the NSG above the denies, at a stable priority', async () => {
  const rdp = {
    name: 'allow-rdp-from-bastion',
    access: 'Allow',
    protocol: 'Tcp',
    source: { prefix: '10.40.250.0/26' },
    destination: { group: 'normal-servers' },
    ports: [3389],
  };
  const { rules, asgIds } = await nsgRules(SERVERPROTECT, { additionalRules: [rdp] });
  const mine = rules.find((r) => r.name === 'allow-rdp-from-bastion');
  expect(mine).toMatchObject({
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourceAddressPrefix: '10.40.250.0/26',
    destinationPortRanges: ['3389'],
  });
  expect(ids(mine!.destinationApplicationSecurityGroups)).toEqual([asgIds.get('normal-servers')]);
  const denies = rules.filter((r) => r.direction === 'Inbound' && r.access === 'Deny');
  expect(mine!.priority).toBeLessThan(Math.min(...denies.map((r) => r.priority)));
  const again = await nsgRules({ ...SERVERPROTECT, egress: 'restricted' }, { additionalRules: [rdp] });
  expect(again.rules.find((r) => r.name === rdp.name)!.priority).toBe(mine!.priority);
});

test('defect 4: a bad additional rule is an ArgumentError naming the field, and nothing is registered', () => {
  const before = registered.length;
  const bad = {
    name: 'rdp',
    access: 'Allow',
    protocol: 'Tcp',
    source: { prefix: '10.40.250.1/26' },
    destination: { group: 'normal-servers' },
    ports: [3389],
  };
  let error: unknown;
  try {
    new PortPlan('bad-extra', {
      resourceGroupName: 'rg',
      declaration: declarationArgs(SERVERPROTECT),
      additionalRules: [bad],
    } as never);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ArgumentError);
  expect((error as ArgumentError).path).toBe('additionalRules[0].source.prefix');
  expect(registered.length).toBe(before);
});

test("defect 5: both products in one PortPlan (mergeDeclarations) give one NSG with both products' allows above all denies", async () => {
  const merge = spec.mergeDeclarations;
  const both = merge(
    spec.serverProtectDeclaration({}),
    spec.smartUpdateManagerDeclaration({ windowsTargetGroups: ['windows-targets'] }),
  );
  const { rules } = await nsgRules(both);
  const inbound = rules.filter((r) => r.direction === 'Inbound');
  const lowestDeny = Math.min(...inbound.filter((r) => r.access === 'Deny').map((r) => r.priority));
  expect(inbound.filter((r) => r.access === 'Allow').every((r) => r.priority < lowestDeny)).toBe(true);
  expect(rules.some((r) => String(r.description).includes('SP1'))).toBe(true);
  expect(rules.some((r) => String(r.description).includes('SUM2'))).toBe(true);
});

test('defect 5: two components on one existing NSG with overlapping bands are refused before anything is registered', () => {
  const existing = (from: number, to: number) => ({ name: 'shared-nsg-5', priorityBand: { from, to } });
  new ServerProtect('sp-shared', { resourceGroupName: 'rg', existingNetworkSecurityGroup: existing(1000, 1999) });
  const before = registered.length;
  expect(
    () =>
      new PortPlan('sum-shared', {
        resourceGroupName: 'rg',
        declaration: declarationArgs(SMART_UPDATE_MANAGER),
        existingNetworkSecurityGroup: existing(1500, 2500),
      }),
  ).toThrow(/1000-1999.*shared-nsg-5/);
  expect(registered.length).toBe(before);
});

test('defect 5: the same component constructed again (a program run twice in one process) is no conflict', () => {
  const existing = { name: 'shared-nsg-5c', priorityBand: { from: 1000, to: 1999 } };
  new ServerProtect('sp-again', { resourceGroupName: 'rg', existingNetworkSecurityGroup: existing });
  expect(
    () => new ServerProtect('sp-again', { resourceGroupName: 'rg', existingNetworkSecurityGroup: existing }),
  ).not.toThrow();
});

test('defect 5: two components with deny rules on one existing NSG are warned about', () => {
  const existing = (from: number, to: number) => ({ name: 'shared-nsg-5b', priorityBand: { from, to } });
  new ServerProtect('sp-shared-b', {
    resourceGroupName: 'rg',
    existingNetworkSecurityGroup: existing(1000, 1999),
    denyOtherVnetTraffic: true,
  });
  new PortPlan('sum-shared-b', {
    resourceGroupName: 'rg',
    declaration: declarationArgs(SMART_UPDATE_MANAGER),
    existingNetworkSecurityGroup: existing(2000, 2999),
  });
  expect(warnings.some((w) => w.includes('shared-nsg-5b') && w.includes('one PortPlan'))).toBe(true);
});

test('defect 6: the rule validator refuses names Azure refuses', () => {
  const verify = (() => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require('../../lib/azure/rules') as {
        validateSecurityRules: (r: unknown[]) => { rule: string; field: string }[];
      };
    } catch {
      return undefined;
    }
  })();
  expect(verify).toBeDefined();
  const rule = (name: string) => ({
    name,
    priority: 100,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourceAddressPrefix: '10.0.0.0/24',
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '22',
  });
  for (const bad of ['in-console--to-x-tcp-', '-a', 'a/b', 'a b', 'x'.repeat(81)]) {
    expect(verify!.validateSecurityRules([rule(bad)]).map((f) => f.field)).toContain('name');
  }
  for (const good of ['in-a-to-b-tcp', 'a_', 'A.b-c_d', 'x'.repeat(80)])
    expect(verify!.validateSecurityRules([rule(good)])).toEqual([]);
});

test('defect 7: a new rule never takes the previous priority of a rule removed in the same update', () => {
  const band = { from: 100, to: 4096 };
  const plain = planAzureRules(SERVERPROTECT, { band, denyOtherVnetTraffic: true }).rules;
  const victim = plain.find((r) => r.access === 'Allow')!;
  // The previous deployment had another rule, now removed, at the very priority the new rule hashes to.
  const previous = { 'in-removed-to-gone-tcp': victim.priority };
  const next = planAzureRules(SERVERPROTECT, { band, denyOtherVnetTraffic: true, previousPriorities: previous }).rules;
  const moved = next.find((r) => r.name === victim.name)!;
  expect(moved.priority).not.toBe(victim.priority);
  expect(next.filter((r) => r.direction === victim.direction).map((r) => r.priority)).not.toContain(victim.priority);
});

test('defect 8: the band error names the band the user gave, not the zone computed from it', () => {
  let error: unknown;
  try {
    new PortPlan('bad-band', {
      resourceGroupName: 'rg',
      declaration: declarationArgs(SERVERPROTECT),
      existingNetworkSecurityGroup: { name: 'n8', priorityBand: { from: 1000, to: 1007 } },
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AzureLimitError);
  expect(String(error)).toMatch(/priority band 1000-1007/);
});

test('errors: AzureLimitError is a PortplanError (AZURE_LIMIT); a band out of range is an ArgumentError on priorityBand', () => {
  let limit: unknown;
  try {
    planAzureRules(SERVERPROTECT, { band: { from: 100, to: 101 }, denyOtherVnetTraffic: true });
  } catch (e) {
    limit = e;
  }
  expect(limit).toBeInstanceOf(PortplanError);
  expect((limit as PortplanError).code).toBe('AZURE_LIMIT');
  let error: unknown;
  try {
    new PortPlan('bad-range', {
      resourceGroupName: 'rg',
      declaration: declarationArgs(SERVERPROTECT),
      priorityBand: { from: 50, to: 200 },
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ArgumentError);
  expect(error).toMatchObject({ path: 'priorityBand', value: { from: 50, to: 200 } });
  expect(pulumiAdapter.AzureLimitError).toBeDefined();
});
