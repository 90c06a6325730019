// Example Pulumi program: a resource group, a VNet with one subnet per deployment, and the
// ServerProtect, HP SUM 5.x and HP SUM 7.x+ components, each with its own NSG on its subnet; then
// the in-house three-tier application (a catalog of our own) beside ServerProtect, in a VNet of its own.
import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import * as resources from '@pulumi/azure-native/resources';
import { PortPlan, ServerProtect, SmartUpdateManager, declarationArgs } from '../../lib/pulumi';
import { shopBesideServerProtect as shopDeclaration, shopCatalog } from '../shop';
import { sum7Example } from '../sum7';

const config = new pulumi.Config();
const location = config.get('location') ?? 'westeurope';
const addressSpace = config.get('addressSpace') ?? '10.40.0.0/16';
const administratorsCidr = config.get('administratorsCidr') ?? '192.168.50.0/24';
// The subnet administrators connect from (an Azure Bastion subnet, a jump host's subnet).
const bastionCidr = config.get('bastionCidr') ?? '10.40.250.0/26';
// The shop's own VNet: its ASGs' NICs must all be in one VNet, and the VNet above keeps its subnets.
const shopAddressSpace = config.get('shopAddressSpace') ?? '10.41.0.0/16';
const tags = { project: 'portplan-example' };

const group = new resources.ResourceGroup('portplan-example', { location, tags });

export const serverProtect = new ServerProtect('serverprotect', {
  resourceGroupName: group.name,
  location,
  tags,
  // The NSG denies other VNet traffic to the role groups: RDP from the bastion subnet goes in as a
  // rule of the component (above its denies), not as a standalone SecurityRule beside it.
  additionalRules: [
    {
      name: 'allow-rdp-from-bastion',
      access: 'Allow',
      protocol: 'Tcp',
      source: { prefix: bastionCidr },
      destination: { group: 'normal-servers' },
      ports: ['3389'],
    },
  ],
});

export const smartUpdateManager = new SmartUpdateManager('sum', {
  resourceGroupName: group.name,
  location,
  tags,
  windowsTargetGroups: ['windows-targets'],
  linuxTargetGroups: ['linux-targets'],
});

export const smartUpdateManager7 = new SmartUpdateManager('sum7', {
  resourceGroupName: group.name,
  location,
  tags,
  ...sum7Example(administratorsCidr),
});

// Three /24 subnets at the start of the address space; each product's NSG guards its subnet.
const [a, b] = addressSpace.split('.').map(Number);
const vnet = new network.VirtualNetwork('portplan-example', {
  resourceGroupName: group.name,
  location,
  tags,
  addressSpace: { addressPrefixes: [addressSpace] },
  subnets: [
    {
      name: 'serverprotect',
      addressPrefix: `${a}.${b}.1.0/24`,
      networkSecurityGroup: { id: serverProtect.networkSecurityGroup.id },
    },
    {
      name: 'smart-update-manager',
      addressPrefix: `${a}.${b}.2.0/24`,
      networkSecurityGroup: { id: smartUpdateManager.networkSecurityGroup.id },
    },
    {
      name: 'smart-update-manager-7',
      addressPrefix: `${a}.${b}.3.0/24`,
      networkSecurityGroup: { id: smartUpdateManager7.networkSecurityGroup.id },
    },
  ],
});

export const vnetId = vnet.id;
export const serverProtectNsgId = serverProtect.networkSecurityGroup.id;
export const smartUpdateManagerNsgId = smartUpdateManager.networkSecurityGroup.id;
export const smartUpdateManager7NsgId = smartUpdateManager7.networkSecurityGroup.id;

// Example Shop (examples/catalogs/three-tier.yaml, product `shop`) beside ServerProtect: one PortPlan
// over both products' groups, so its one NSG orders every allow of both before every deny (two
// components would each deny the other's flows to a host in groups of both).
export const shopBesideServerProtect = new PortPlan('shop-serverprotect', {
  resourceGroupName: group.name,
  location,
  tags,
  declaration: declarationArgs(shopDeclaration()),
  catalogs: [shopCatalog()],
});

const [c, d] = shopAddressSpace.split('.').map(Number);
const shopSubnet = 'shop-serverprotect';
const shopVnet = new network.VirtualNetwork('portplan-example-shop', {
  resourceGroupName: group.name,
  location,
  tags,
  addressSpace: { addressPrefixes: [shopAddressSpace] },
  subnets: [
    {
      name: shopSubnet,
      addressPrefix: `${c}.${d}.1.0/24`,
      networkSecurityGroup: { id: shopBesideServerProtect.networkSecurityGroup.id },
    },
  ],
});

// One host in the ASGs of both of its roles: a ServerProtect normal server that is also the shop's
// application tier. The subnet's id is the VNet's id and its name, as ARM forms it.
const shopHostNic = new network.NetworkInterface('normal-server-and-shop-app', {
  resourceGroupName: group.name,
  location,
  tags,
  ipConfigurations: [
    {
      name: 'primary',
      subnet: { id: pulumi.interpolate`${shopVnet.id}/subnets/${shopSubnet}` },
      privateIPAllocationMethod: 'Dynamic',
      applicationSecurityGroups: ['normal-servers', 'shop-app'].map((g) => ({
        id: shopBesideServerProtect.applicationSecurityGroups[g].id,
      })),
    },
  ],
});

export const shopVnetId = shopVnet.id;
export const shopNsgId = shopBesideServerProtect.networkSecurityGroup.id;
export const shopHostNicId = shopHostNic.id;
