import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { ComponentProvider, getPulumiComponents } from '@pulumi/pulumi/provider/experimental';
import type { PackageSpec, Property } from '@pulumi/pulumi/provider/experimental/schema';
import { PEER_KINDS, ROLE_IDS, SUM_PROFILES } from '../../lib/model';
import { recordResources, settle } from '../support/pulumi';

// The component package as `pulumi package add` loads it: PulumiPlugin.yaml names the runtime and
// the plugin directory; the directory's entry point exports the components; Pulumi's component
// analyzer (the same code the plugin host runs) derives the package schema from their TypeScript.
const root = path.join(__dirname, '..', '..');
type Manifest = { runtime: string; main: string };
const manifest = parse(fs.readFileSync(path.join(root, 'PulumiPlugin.yaml'), 'utf8')) as Manifest;
const pluginDir = path.join(root, manifest.main);
type PackageJson = { name: string; version: string };
const readPackage = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
const pluginPackage = readPackage(pluginDir);

let provider: ComponentProvider;
let schema: PackageSpec;
beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded the way the plugin host loads it
  const components = getPulumiComponents(require(pluginDir));
  provider = new ComponentProvider({ components, dirname: pluginDir, name: pluginPackage.name });
  schema = JSON.parse(await provider.getSchema()) as PackageSpec;
}, 120000);

// A schema type as short text: `string`, `number[]`, `map<number>`, `Declaration` (a type of the
// package), `azure-native:network:NetworkSecurityGroup` (a resource of another package).
function typeText(p: Property): string {
  if ('$ref' in p) {
    const own = '#/types/portplan:index:';
    return p.$ref.startsWith(own) ? p.$ref.slice(own.length) : p.$ref.split('/resources/')[1];
  }
  if (p.type === 'array') return `${typeText(p.items!)}[]`;
  if (p.type === 'object' && p.additionalProperties) return `map<${typeText(p.additionalProperties)}>`;
  return p.type;
}
// Properties as `name: type`, with `?` on the optional ones.
const props = (ps: Record<string, Property> | undefined, required: readonly string[] | undefined) =>
  Object.fromEntries(
    Object.entries(ps ?? {}).map(([k, v]) => [k, `${typeText(v)}${required?.includes(k) ? '' : '?'}`]),
  );

const COMMON = {
  resourceGroupName: 'string',
  location: 'string?',
  tags: 'map<string>?',
  existingNetworkSecurityGroup: 'ExistingNetworkSecurityGroup?',
  priorityBand: 'PriorityBand?',
  denyOtherVnetTraffic: 'boolean?',
  denyOtherOutboundTraffic: 'boolean?',
  allowAzureLoadBalancer: 'boolean?',
  additionalRules: 'AdditionalRuleArgs[]?',
  previousPriorities: 'map<number>?',
};
const OUTPUTS = {
  applicationSecurityGroups: 'map<azure-native:network:ApplicationSecurityGroup>',
  networkSecurityGroup: 'azure-native:network:NetworkSecurityGroup?',
  securityRules: 'azure-native:network:SecurityRule[]',
  priorities: 'map<number>',
  roleApplicationSecurityGroups: 'map<azure-native:network:ApplicationSecurityGroup>',
};
const SUM_GROUPS = [
  'workstation',
  'windowsTarget',
  'linuxTarget',
  'integrityTarget',
  'vmwareTarget',
  'iloTarget',
  'onboardAdministratorTarget',
  'virtualConnectTarget',
  'switchTarget',
  'superdomeXTarget',
  'superdomeFlexTarget',
].map((g) => `${g}Groups`);

test('PulumiPlugin.yaml: runtime nodejs, plugin directory named portplan at the package version', () => {
  expect(manifest.runtime).toBe('nodejs');
  const rootPackage = readPackage(root);
  expect([pluginPackage.name, pluginPackage.version]).toEqual([rootPackage.name, rootPackage.version]);
  expect([schema.name, schema.version]).toEqual(['portplan', rootPackage.version]);
});

test('the schema lists exactly the three components, each with its inputs and outputs', () => {
  expect(Object.keys(schema.resources).sort()).toEqual([
    'portplan:index:PortPlan',
    'portplan:index:ServerProtect',
    'portplan:index:SmartUpdateManager',
  ]);
  const summary = (token: string) => {
    const r = schema.resources[token];
    return {
      component: r.isComponent,
      inputs: props(r.inputProperties, r.requiredInputs),
      outputs: props(r.properties, r.required),
    };
  };
  expect(summary('portplan:index:PortPlan')).toEqual({
    component: true,
    inputs: { ...COMMON, declaration: 'Declaration' },
    outputs: OUTPUTS,
  });
  expect(summary('portplan:index:ServerProtect')).toEqual({
    component: true,
    inputs: {
      ...COMMON,
      consoleGroups: 'string[]?',
      informationServerGroups: 'string[]?',
      normalServerGroups: 'string[]?',
      peers: 'PeerDeclaration[]?',
      options: 'ServerProtectOptions?',
      egress: 'Egress?',
    },
    outputs: OUTPUTS,
  });
  expect(summary('portplan:index:SmartUpdateManager')).toEqual({
    component: true,
    inputs: {
      ...COMMON,
      ...Object.fromEntries(SUM_GROUPS.map((g) => [g, 'string[]?'])),
      peers: 'PeerDeclaration[]?',
      options: 'SumOptions?',
      egress: 'Egress?',
    },
    outputs: OUTPUTS,
  });
  // The products' arguments are plain values (the plan is made before anything is registered);
  // the resource group and location may be outputs of other resources.
  const sp = schema.resources['portplan:index:ServerProtect'].inputProperties!;
  expect([sp.consoleGroups.plain, sp.options.plain, sp.resourceGroupName.plain, sp.location.plain]).toEqual([
    true,
    true,
    undefined,
    undefined,
  ]);
});

test('the object types and enums of the arguments', () => {
  const types = Object.fromEntries(
    Object.entries(schema.types).map(([k, t]) => [k.slice('portplan:index:'.length), t]),
  );
  const objects = Object.fromEntries(
    Object.entries(types)
      .filter(([, t]) => !t.enum)
      .map(([k, t]) => [k, props(t.properties, t.required)]),
  );
  expect(objects).toEqual({
    Declaration: {
      groups: 'GroupDeclaration[]',
      peers: 'PeerDeclaration[]?',
      serverProtect: 'ServerProtectOptions?',
      sum: 'SumOptions?',
      egress: 'Egress?',
    },
    GroupDeclaration: { name: 'string', role: 'RoleId' },
    PeerDeclaration: {
      name: 'string',
      kind: 'PeerKind',
      cidr: 'string?',
      serviceTag: 'string?',
      prefixList: 'PeerPrefixListArgs?',
      ports: 'number[]?',
      allowAnyAddress: 'boolean?',
    },
    PeerPrefixListArgs: { id: 'string?', name: 'string?', maxEntries: 'number?' },
    ServerProtectOptions: {
      communication: 'ServerProtectCommunication?',
      localInstall: 'boolean?',
      remoteInstall: 'boolean?',
      consoleEventPort: 'number?',
      discoveryPort: 'number?',
      managementPort: 'number?',
      controlManagerAgent: 'ControlManagerAgent?',
    },
    SumOptions: {
      profile: 'SumProfile?',
      workstationOs: 'WorkstationOs?',
      concurrentTargets: 'number?',
      netbiosNameService: 'boolean?',
      webServerPort: 'number?',
      soapPortCount: 'number?',
    },
    ExistingNetworkSecurityGroup: { name: 'string', priorityBand: 'PriorityBand' },
    PriorityBand: { from: 'number', to: 'number' },
    AdditionalRuleArgs: {
      name: 'string',
      direction: 'RuleDirection?',
      access: 'RuleAccess',
      protocol: 'RuleProtocol',
      source: 'RuleEndpointArgs',
      destination: 'RuleEndpointArgs',
      ports: 'string[]',
      description: 'string?',
      allowAnyAddress: 'boolean?',
    },
    RuleEndpointArgs: { group: 'string?', prefix: 'string?' },
  });
  const values = (name: string) => types[name].enum!.map((e) => e.value);
  // Every enum holds exactly the values the spec accepts.
  expect(values('RoleId')).toEqual([...ROLE_IDS]);
  expect(values('PeerKind')).toEqual([...PEER_KINDS]);
  expect(values('SumProfile')).toEqual([...SUM_PROFILES]);
  expect(values('ServerProtectCommunication')).toEqual(['tcpip', 'namedPipes']);
  expect(values('ControlManagerAgent')).toEqual(['tmi', 'mcp']);
  expect(values('WorkstationOs')).toEqual(['windows', 'linux']);
  expect(values('Egress')).toEqual(['default', 'restricted']);
  expect(values('RuleDirection')).toEqual(['Inbound', 'Outbound']);
  expect(values('RuleAccess')).toEqual(['Allow', 'Deny']);
  expect(values('RuleProtocol')).toEqual(['Tcp', 'Udp', 'Icmp', '*']);
  expect(schema.dependencies?.map((d) => d.name)).toEqual(['azure-native']);
});

test('the provider constructs a component from plain inputs, as another language sends them', async () => {
  const registered = await recordResources();
  const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined);
  const inputs = { resourceGroupName: 'rg', normalServerGroups: ['fleet'], egress: 'restricted' };
  const result = await provider.construct('from-python', 'portplan:index:ServerProtect', inputs, {});
  expect(await settle(result.urn as never)).toBe(
    'urn:pulumi:test::portplan-example::portplan:index:ServerProtect::from-python',
  );
  expect(Object.keys(result.state).sort()).toEqual(Object.keys(OUTPUTS).sort());
  expect(Object.keys(result.state.priorities as Record<string, number>)).toContain(
    'in-console-to-information-server-tcp',
  );
  await settle((result.state.networkSecurityGroup as { id: never }).id);
  expect(registered.filter((r) => r.name.startsWith('from-python-')).map((r) => r.name)).toEqual([
    'from-python-console',
    'from-python-information-server',
    'from-python-fleet',
    'from-python-nsg',
  ]);
  // resolve() warnings reach the engine's log, as in a TypeScript program.
  expect(warn.mock.calls.map(([message]) => message)).toContainEqual(
    expect.stringMatching(/^SP8, SP9: NetBIOS name broadcasts/),
  );
  warn.mockRestore();
});
