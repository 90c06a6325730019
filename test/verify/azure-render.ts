import type { Registered } from '../support/pulumi';

/**
 * Renders what the example Pulumi program registers (under mocks) the way Azure returns it once
 * deployed, for `verify azure` fixtures:
 * - `az network nsg show -g portplan-example -n <nsg> -o json`: the NSG with `properties` flattened,
 *   `id`s, `etag`s, `provisioningState`, `securityRules` and Azure's `defaultSecurityRules`;
 * - `az network asg list -g portplan-example -o json`: every ASG of the resource group;
 * - `az group export -n portplan-example`: an ARM template, rule fields under `properties`, names
 *   and references through parameters; an ASG of another resource group (the export holds only
 *   its own group's resources) is a parameter `applicationSecurityGroups_<name>_externalid` whose
 *   default value is the ASG's resource id, referenced as `[parameters('..._externalid')]`, as
 *   exported templates name resources outside the group
 *   (https://learn.microsoft.com/azure/azure-resource-manager/templates/export-template-cli; the
 *   form as it appears in Microsoft's own exported templates, e.g.
 *   https://learn.microsoft.com/azure/data-explorer/security-network-migrate-vnet-to-private-endpoint).
 * Shapes from Network Security Groups - Get and Application Security Groups - List, api-version
 * 2024-05-01 (https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/get,
 * https://learn.microsoft.com/rest/api/virtualnetwork/application-security-groups/list), keys in
 * the sorted order the Azure CLI prints. Resource names are the Pulumi logical names (a deployment
 * adds an auto-naming suffix, which verify does not depend on).
 */

type Json = Record<string, unknown>;

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const RESOURCE_GROUP = 'portplan-example';
/** A resource group of its own for ASGs, as a site may keep them apart from the NSG. */
export const ASG_RESOURCE_GROUP = 'portplan-asgs';
const provider = (group: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Network`;
const PROVIDER = provider(RESOURCE_GROUP);
const ETAG = 'W/"6b1d6e4a-6f3c-4f43-9a0e-2f1d0c5b7a11"';
const GUID = '3f6c2a9e-8d41-4b7a-9c55-1e0f7d2b6a48';

const sorted = (o: Json): Json =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
export const asgId = (name: string, group = RESOURCE_GROUP): string =>
  `${provider(group)}/applicationSecurityGroups/${name}`;

// Azure's default rules as `az network nsg show` prints them (descriptions as the platform writes them).
const DEFAULTS: [string, string, string, string, string, string][] = [
  [
    'AllowVnetInBound',
    'Inbound',
    'Allow',
    'VirtualNetwork',
    'VirtualNetwork',
    'Allow inbound traffic from all VMs in VNET',
  ],
  [
    'AllowAzureLoadBalancerInBound',
    'Inbound',
    'Allow',
    'AzureLoadBalancer',
    '*',
    'Allow inbound traffic from azure load balancer',
  ],
  ['DenyAllInBound', 'Inbound', 'Deny', '*', '*', 'Deny all inbound traffic'],
  [
    'AllowVnetOutBound',
    'Outbound',
    'Allow',
    'VirtualNetwork',
    'VirtualNetwork',
    'Allow outbound traffic from all VMs to all VMs in VNET',
  ],
  ['AllowInternetOutBound', 'Outbound', 'Allow', '*', 'Internet', 'Allow outbound traffic from all VMs to Internet'],
  ['DenyAllOutBound', 'Outbound', 'Deny', '*', '*', 'Deny all outbound traffic'],
];
const PRIORITY: Record<string, number> = {
  AllowVnetInBound: 65000,
  AllowAzureLoadBalancerInBound: 65001,
  DenyAllInBound: 65500,
  AllowVnetOutBound: 65000,
  AllowInternetOutBound: 65001,
  DenyAllOutBound: 65500,
};

/** One rule of the program, flattened as the CLI prints it; mock ASG ids become resource ids. */
function cliRule(nsg: string, r: Json, asgName: (mockId: string) => string): Json {
  const asgs = (v: unknown) =>
    Array.isArray(v)
      ? v.map((a: Json) => ({ id: asgId(asgName(String(a.id))), resourceGroup: RESOURCE_GROUP }))
      : undefined;
  const out: Json = {
    access: r.access,
    direction: r.direction,
    etag: ETAG,
    id: `${PROVIDER}/networkSecurityGroups/${nsg}/securityRules/${String(r.name)}`,
    name: r.name,
    priority: r.priority,
    protocol: r.protocol,
    provisioningState: 'Succeeded',
    resourceGroup: RESOURCE_GROUP,
    sourcePortRange: r.sourcePortRange,
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    sourceAddressPrefixes: r.sourceAddressPrefixes ?? [],
    destinationAddressPrefixes: r.destinationAddressPrefixes ?? [],
    sourcePortRanges: r.sourcePortRanges ?? [],
    destinationPortRanges: r.destinationPortRanges ?? [],
  };
  for (const k of ['description', 'sourceAddressPrefix', 'destinationAddressPrefix', 'destinationPortRange'])
    if (r[k] !== undefined) out[k] = r[k];
  if (r.sourceApplicationSecurityGroups) out.sourceApplicationSecurityGroups = asgs(r.sourceApplicationSecurityGroups);
  if (r.destinationApplicationSecurityGroups)
    out.destinationApplicationSecurityGroups = asgs(r.destinationApplicationSecurityGroups);
  return sorted(out);
}

/** `az network nsg show` of one component's NSG. */
export function nsgShow(registered: readonly Registered[], component: string, subnet: string): Json {
  const nsg = registered.find(
    (r) => r.type === 'azure-native:network:NetworkSecurityGroup' && r.name === `${component}-nsg`,
  )!;
  const name = nsg.name;
  const asgName = (mockId: string) => mockId.replace(/-id$/, '');
  return sorted({
    defaultSecurityRules: DEFAULTS.map(([n, direction, access, source, destination, description]) =>
      sorted({
        access,
        description,
        destinationAddressPrefix: destination,
        destinationAddressPrefixes: [],
        destinationPortRange: '*',
        destinationPortRanges: [],
        direction,
        etag: ETAG,
        id: `${PROVIDER}/networkSecurityGroups/${name}/defaultSecurityRules/${n}`,
        name: n,
        priority: PRIORITY[n],
        protocol: '*',
        provisioningState: 'Succeeded',
        resourceGroup: RESOURCE_GROUP,
        sourceAddressPrefix: source,
        sourceAddressPrefixes: [],
        sourcePortRange: '*',
        sourcePortRanges: [],
        type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
      }),
    ),
    etag: ETAG,
    id: `${PROVIDER}/networkSecurityGroups/${name}`,
    location: nsg.inputs.location,
    name,
    provisioningState: 'Succeeded',
    resourceGroup: RESOURCE_GROUP,
    resourceGuid: GUID,
    securityRules: (nsg.inputs.securityRules as Json[]).map((r) => cliRule(name, r, asgName)),
    subnets: [{ id: `${PROVIDER}/virtualNetworks/portplan-example/subnets/${subnet}`, resourceGroup: RESOURCE_GROUP }],
    tags: nsg.inputs.tags,
    type: 'Microsoft.Network/networkSecurityGroups',
  });
}

/** `az network asg list -g <group>`: every ASG of every component, as if created in that group. */
export function asgList(registered: readonly Registered[], group = RESOURCE_GROUP): Json[] {
  return registered
    .filter((r) => r.type === 'azure-native:network:ApplicationSecurityGroup')
    .map((a) =>
      sorted({
        etag: ETAG,
        id: asgId(a.name, group),
        location: a.inputs.location,
        name: a.name,
        provisioningState: 'Succeeded',
        resourceGroup: group,
        resourceGuid: GUID,
        tags: a.inputs.tags,
        type: 'Microsoft.Network/applicationSecurityGroups',
      }),
    );
}

/**
 * `az group export` of one component: parameters for the names, the NSG with its rules nested
 * under `properties` and again as `securityRules` resources, and its ASGs; or, with `asgGroup`,
 * ASGs of that other resource group, named by `_externalid` parameters and not exported.
 */
export function groupExport(registered: readonly Registered[], component: string, asgGroup?: string): Json {
  const nsg = registered.find((r) => r.name === `${component}-nsg`)!;
  const asgs = registered.filter(
    (r) => r.type === 'azure-native:network:ApplicationSecurityGroup' && r.name.startsWith(`${component}-`),
  );
  const param = (type: string, name: string, kind = 'name') => `${type}_${name.replace(/-/g, '_')}_${kind}`;
  const parameters: Json = {};
  for (const a of asgs) {
    parameters[param('applicationSecurityGroups', a.name, asgGroup ? 'externalid' : 'name')] = {
      defaultValue: asgGroup ? asgId(a.name, asgGroup) : a.name,
      type: 'String',
    };
  }
  const nsgParam = param('networkSecurityGroups', nsg.name);
  parameters[nsgParam] = { defaultValue: nsg.name, type: 'String' };
  const asgRef = (name: string) =>
    asgGroup
      ? `[parameters('${param('applicationSecurityGroups', name, 'externalid')}')]`
      : "[resourceId('Microsoft.Network/applicationSecurityGroups', " +
        `parameters('${param('applicationSecurityGroups', name)}'))]`;
  const ref = (v: unknown) =>
    Array.isArray(v) ? v.map((a: Json) => ({ id: asgRef(String(a.id).replace(/-id$/, '')) })) : undefined;
  const props = (r: Json): Json => {
    const p: Json = { ...r };
    delete p.name;
    if (r.sourceApplicationSecurityGroups) p.sourceApplicationSecurityGroups = ref(r.sourceApplicationSecurityGroups);
    if (r.destinationApplicationSecurityGroups)
      p.destinationApplicationSecurityGroups = ref(r.destinationApplicationSecurityGroups);
    return sorted(p);
  };
  const rules = nsg.inputs.securityRules as Json[];
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: sorted(parameters),
    resources: [
      ...(asgGroup ? [] : asgs).map((a) => ({
        apiVersion: '2024-05-01',
        location: a.inputs.location,
        name: `[parameters('${param('applicationSecurityGroups', a.name)}')]`,
        properties: {},
        tags: a.inputs.tags,
        type: 'Microsoft.Network/applicationSecurityGroups',
      })),
      {
        apiVersion: '2024-05-01',
        location: nsg.inputs.location,
        name: `[parameters('${nsgParam}')]`,
        properties: {
          securityRules: rules.map((r) => ({
            name: r.name,
            properties: props(r),
            type: 'Microsoft.Network/networkSecurityGroups/securityRules',
          })),
        },
        tags: nsg.inputs.tags,
        type: 'Microsoft.Network/networkSecurityGroups',
      },
      ...rules.map((r) => ({
        apiVersion: '2024-05-01',
        name: `[concat(parameters('${nsgParam}'), '/${String(r.name)}')]`,
        properties: props(r),
        type: 'Microsoft.Network/networkSecurityGroups/securityRules',
      })),
    ],
  };
}
