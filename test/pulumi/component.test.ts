import * as pulumi from '@pulumi/pulumi';
import fc from 'fast-check';
import { AzureLimitError, declarationArgs, PortPlan, planAzureRules, ServerProtect } from '../../lib/pulumi';
import { ArgumentError, DeclarationError, ROW_IDS, type Declaration } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER, SMART_UPDATE_MANAGER_7, validDeclaration } from '../support/declarations';
import { ROW_CASES } from '../support/rows';
import { validateSecurityRules } from '../../lib/azure/rules';
import { recordAliases, type SentAlias } from './aliases';
import {
  asgMembers,
  byPriority,
  expectedLines,
  recordResources,
  ruleLines,
  settle,
  settleComponent,
  type Registered,
} from '../support/pulumi';

let registered: Registered[];
let aliases: Map<string, SentAlias[]>;
const warnings: string[] = [];
beforeAll(async () => {
  jest.spyOn(pulumi.log, 'warn').mockImplementation(async (message: string) => {
    warnings.push(message);
  });
  registered = await recordResources();
  aliases = recordAliases();
});

const BOTH: Declaration = { groups: [...SERVERPROTECT.groups, ...SMART_UPDATE_MANAGER.groups] };
const CM = { name: 'tmcm', kind: 'control-manager' as const, cidr: '10.0.9.10/32' };
let counter = 0;

async function build(declaration: Declaration, extra: Partial<ConstructorParameters<typeof PortPlan>[1]> = {}) {
  const name = `p${counter++}`;
  const plan = new PortPlan(name, {
    resourceGroupName: 'rg',
    declaration: declarationArgs(declaration),
    tags: { owner: 'net' },
    ...extra,
  });
  await settleComponent(plan);
  const mine = registered.filter((r) => r.name.startsWith(`${name}-`));
  return { plan, mine, asgIds: asgMembers(name, mine, plan.resolution) };
}

describe('created NSG: inline rules equal resolve() flows', () => {
  test.each<[string, Declaration]>([
    ['both products', BOTH],
    [
      'named pipes, installs done, pinned',
      {
        ...SERVERPROTECT,
        serverProtect: { communication: 'namedPipes', localInstall: false, remoteInstall: false, discoveryPort: 3004 },
      },
    ],
    [
      'Control Manager TMI with peers, restricted egress',
      {
        ...SERVERPROTECT,
        peers: [CM, { name: 'smtp', kind: 'mail', cidr: '10.0.8.25/32' }],
        serverProtect: { controlManagerAgent: 'tmi' },
        egress: 'restricted',
      },
    ],
    [
      'a Control Manager behind an Azure service tag, mail by CIDR',
      {
        ...SERVERPROTECT,
        peers: [
          {
            name: 'tmcm',
            kind: 'control-manager',
            serviceTag: 'AzureCloud.WestEurope',
            prefixList: { id: 'pl-0123456789abcdef0', maxEntries: 5 },
          },
          { name: 'smtp', kind: 'mail', cidr: '10.0.8.25/32' },
        ],
        serverProtect: { controlManagerAgent: 'tmi' },
        egress: 'restricted',
      },
    ],
    [
      'SUM wide and NetBIOS',
      { ...SMART_UPDATE_MANAGER, sum: { concurrentTargets: 50, netbiosNameService: true, soapPortCount: 2 } },
    ],
    [
      'SUM 7.x+, every later target kind, administrators, restricted',
      { ...SMART_UPDATE_MANAGER_7, egress: 'restricted' },
    ],
  ])('%s', async (_name, declaration) => {
    const { plan, mine, asgIds } = await build(declaration);
    const nsgs = mine.filter((r) => r.type === 'azure-native:network:NetworkSecurityGroup');
    expect(nsgs).toHaveLength(1);
    expect(ruleLines(nsgs[0].inputs.securityRules, asgIds)).toEqual(expectedLines(plan.resolution, true));
    expect(mine.filter((r) => r.type === 'azure-native:network:SecurityRule')).toHaveLength(0);
  });

  test.each(ROW_IDS)(
    'row %s: its declaration (restricted egress, so egress-only rows show) registers exactly its flows, the row cited in a rule',
    async (id) => {
      const { plan, mine, asgIds } = await build({ ...ROW_CASES[id].declaration, egress: 'restricted' });
      const nsg = mine.find((r) => r.type === 'azure-native:network:NetworkSecurityGroup')!;
      expect(ruleLines(nsg.inputs.securityRules, asgIds)).toEqual(expectedLines(plan.resolution, true));
      expect((nsg.inputs.securityRules as { description: string }[]).some((r) => r.description.includes(id))).toBe(
        true,
      );
    },
  );

  test('random valid declarations (fast-check): rules equal flows, nothing from a wide source', async () => {
    await fc.assert(
      fc.asyncProperty(validDeclaration, async (declaration) => {
        const { plan, mine, asgIds } = await build(declaration);
        const nsg = mine.find((r) => r.type === 'azure-native:network:NetworkSecurityGroup')!;
        const lines = ruleLines(nsg.inputs.securityRules, asgIds);
        expect(lines).toEqual(expectedLines(plan.resolution, true));
        expect(lines.filter((l) => /^\S+ Allow (\*|0\.0\.0\.0\/0|Internet|VirtualNetwork) /.test(l))).toEqual([]);
        expect(validateSecurityRules(nsg.inputs.securityRules)).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});

test('resolve() warnings go to pulumi.log.warn, one line each as warningText() writes them', async () => {
  const before = warnings.length;
  await build(SERVERPROTECT);
  expect(warnings.slice(before).some((w) => /^SP2, SP3: .*by name or address/.test(w))).toBe(true);
});

describe('existing NSG: standalone rules in the band, no deny by default', () => {
  test("additional rules become standalone rules too, chained after portplan's, inside the band", async () => {
    const band = { from: 3000, to: 3399 };
    const ssh = {
      name: 'allow-ssh-from-bastion',
      access: 'Allow' as const,
      protocol: 'Tcp' as const,
      source: { prefix: '10.40.250.0/26' },
      destination: { group: 'linux-targets' },
      ports: ['22'],
    };
    const { mine, asgIds } = await build(SMART_UPDATE_MANAGER, {
      existingNetworkSecurityGroup: { name: 'user-nsg-extra', priorityBand: band },
      additionalRules: [ssh],
    });
    const rules = mine.filter((r) => r.type === 'azure-native:network:SecurityRule');
    const extra = rules.find((r) => r.inputs.name === ssh.name)!;
    expect(ruleLines([extra.inputs], asgIds)).toEqual(['Inbound Allow 10.40.250.0/26 linux-targets Tcp 22']);
    expect(extra.inputs.priority >= 3300 && extra.inputs.priority <= 3349).toBe(true);
  });

  test('rules equal flows, every priority inside the band', async () => {
    const band = { from: 2000, to: 2199 };
    const { plan, mine, asgIds } = await build(BOTH, {
      existingNetworkSecurityGroup: { name: 'user-nsg', priorityBand: band },
    });
    const rules = mine.filter((r) => r.type === 'azure-native:network:SecurityRule');
    expect(mine.filter((r) => r.type === 'azure-native:network:NetworkSecurityGroup')).toHaveLength(0);
    expect(
      ruleLines(
        rules.map((r) => r.inputs),
        asgIds,
      ),
    ).toEqual(expectedLines(plan.resolution, false));
    for (const r of rules) {
      expect(r.inputs.networkSecurityGroupName).toBe('user-nsg');
      expect(r.inputs.priority >= band.from && r.inputs.priority <= band.to).toBe(true);
      expect(r.inputs.securityRuleName).toBe(r.inputs.name);
    }
    expect(plan.securityRules).toHaveLength(rules.length);
  });

  test('deny rule can be turned on for an existing NSG', async () => {
    const { plan, mine, asgIds } = await build(SERVERPROTECT, {
      existingNetworkSecurityGroup: { name: 'user-nsg', priorityBand: { from: 300, to: 399 } },
      denyOtherVnetTraffic: true,
    });
    const rules = mine.filter((r) => r.type === 'azure-native:network:SecurityRule');
    expect(
      ruleLines(
        rules.map((r) => r.inputs),
        asgIds,
      ),
    ).toEqual(expectedLines(plan.resolution, true));
  });
});

describe('priority stability', () => {
  const band = { from: 100, to: 4096 };
  test.each<[string, Declaration]>([
    [
      'add a role group',
      {
        ...BOTH,
        groups: [
          ...BOTH.groups,
          { name: 'integrity', role: 'sum:target:integrity' },
          { name: 'normal-2', role: 'serverprotect:normal-server' },
        ],
      },
    ],
    ['named pipes', { ...BOTH, serverProtect: { communication: 'namedPipes' } }],
    ['installs done', { ...BOTH, serverProtect: { localInstall: false, remoteInstall: false } }],
    [
      'pinned ports and wider SUM',
      { ...BOTH, serverProtect: { managementPort: 5005 }, sum: { concurrentTargets: 16, netbiosNameService: true } },
    ],
    [
      'Control Manager and restricted egress',
      { ...BOTH, peers: [CM], serverProtect: { controlManagerAgent: 'mcp' }, egress: 'restricted' },
    ],
    [
      'SUM 7.x+ with its later targets',
      { ...SMART_UPDATE_MANAGER_7, groups: [...SERVERPROTECT.groups, ...SMART_UPDATE_MANAGER_7.groups] },
    ],
  ])('%s keeps the name and priority of every surviving rule', (_name, changed) => {
    for (const deny of [true, false]) {
      // As the component is updated: the previous deployment's priorities passed back.
      const before = byPriority(planAzureRules(BOTH, { band, denyOtherVnetTraffic: deny }).rules);
      const previousPriorities = Object.fromEntries(before);
      const after = byPriority(planAzureRules(changed, { band, denyOtherVnetTraffic: deny, previousPriorities }).rules);
      for (const [name, priority] of before)
        if (after.has(name)) expect([name, after.get(name)]).toEqual([name, priority]);
    }
  });

  test('turning the deny rules on moves no allow rule', () => {
    const off = byPriority(planAzureRules(BOTH, { band, denyOtherVnetTraffic: false }).rules);
    const on = byPriority(planAzureRules(BOTH, { band, denyOtherVnetTraffic: true }).rules);
    for (const [name, p] of off) expect(on.get(name)).toBe(p);
  });
});

describe('guard rails: named error, no resource registered', () => {
  const many = (n: number, role: 'sum:target:linux' | 'serverprotect:normal-server') =>
    Array.from({ length: n }, (_, i) => ({ name: `g-${i}`, role }));
  test.each<[string, () => unknown, RegExp]>([
    [
      'bad declaration',
      () => new ServerProtect('bad', { resourceGroupName: 'rg', options: { communication: 'smb' as 'tcpip' } }),
      /serverProtect.communication/,
    ],
    [
      'band outside 100-4096',
      () =>
        new PortPlan('bad', {
          resourceGroupName: 'rg',
          declaration: declarationArgs(SERVERPROTECT),
          priorityBand: { from: 50, to: 200 },
        }),
      /priorityBand: a priority band of whole numbers with 100 <= from <= to <= 4096 \(got \{"from":50,"to":200\}\)/,
    ],
    [
      'band too small',
      () =>
        new PortPlan('bad', {
          resourceGroupName: 'rg',
          declaration: declarationArgs(SERVERPROTECT),
          existingNetworkSecurityGroup: { name: 'n', priorityBand: { from: 1000, to: 1007 } },
        }),
      /priority band 1000-1007: its inbound allow zone 1000-1005 holds 6 rules; the plan needs 9: widen the band/,
    ],
    [
      'more than 1000 rules',
      () =>
        new PortPlan('bad', {
          resourceGroupName: 'rg',
          // Each administrators' range is its own source: a rule of its own to the workstation's web UI.
          declaration: {
            groups: [{ name: 'ws', role: 'sum:workstation' }],
            peers: Array.from({ length: 1001 }, (_, i) => ({
              name: `admins-${i}`,
              kind: 'administrators' as const,
              cidr: `10.${Math.floor(i / 256)}.${i % 256}.0/24`,
            })),
            sum: { profile: '7.x+' },
          },
        }),
      /the plan needs 1003 rules in one NSG, more than Azure's 1000 security rules per network security group/,
    ],
    [
      'more than 100 ASGs',
      () =>
        new PortPlan('bad', {
          resourceGroupName: 'rg',
          declaration: { groups: [{ name: 'ws', role: 'sum:workstation' }, ...many(100, 'sum:target:linux')] },
          // A rule of the user's own for each group names each group's own ASG.
          additionalRules: Array.from({ length: 100 }, (_, i) => ({
            name: `ssh-${i}`,
            access: 'Allow' as const,
            protocol: 'Tcp' as const,
            source: { prefix: '10.9.0.0/24' },
            destination: { group: `g-${i}` },
            ports: ['22'],
          })),
        }),
      /references 102 application security groups in one NSG, more than Azure's 100/,
    ],
  ])('%s', (_name, make, message) => {
    const before = registered.length;
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(
      _name === 'bad declaration'
        ? DeclarationError
        : _name === 'band outside 100-4096'
          ? ArgumentError
          : AzureLimitError,
    );
    expect(String(error)).toMatch(message);
    expect(registered.length).toBe(before);
  });
});

test("PortPlan: token portplan:index:PortPlan, the alias from portplan:azure:PortPlan after the user's own", async () => {
  const args = { resourceGroupName: 'rg', declaration: declarationArgs(SERVERPROTECT) };
  const plan = new PortPlan('aliased', args, { aliases: [{ name: 'renamed' }] });
  expect(await settle(plan.urn)).toBe('urn:pulumi:test::portplan-example::portplan:index:PortPlan::aliased');
  expect(aliases.get('portplan:index:PortPlan::aliased')).toEqual([
    { type: '', name: 'renamed' },
    { type: 'portplan:azure:PortPlan', name: '' },
  ]);
});

test('declarationArgs: a spec Declaration with readonly arrays becomes an equal value with its own arrays', () => {
  const spec: Declaration = { ...SMART_UPDATE_MANAGER_7, peers: [{ ...CM, ports: [80, 443] }], egress: 'restricted' };
  const args = declarationArgs(spec);
  expect(args).toEqual(spec);
  expect(args.groups).not.toBe(spec.groups);
  expect(args.peers![0].ports).not.toBe(spec.peers![0].ports);
  expect(Object.keys(declarationArgs({ groups: [{ name: 'c', role: 'serverprotect:console' }] }))).toEqual(['groups']);
});
