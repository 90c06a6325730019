import { Stack, type App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildApp } from '../../examples/cdk/stacks';
import { PortPlan, ServerProtect, SmartUpdateManager } from '../../lib/cdk';
import { PRESETS, type PeerDeclaration } from '../../lib/model';
import { RANGES_CATALOG, RANGES_DECLARATION } from './ranges-catalog';
import { ICMP_CATALOG, ICMP_DECLARATION } from './icmp-catalog';
import { CONFIGMGR_CATALOG, CONFIGMGR_DECLARATION } from './configmgr-catalog';

/**
 * A variety of stacks for the template validators (aws-cdk-lib's own and cfn-lint): the example
 * app, and stacks with existing groups (mutable, immutable, in another stack), restricted and
 * default egress, IPv4 and IPv6 peers, peers sharing a CIDR, a launch template, and a user's catalog
 * with fixed port ranges, one with ICMP and ICMPv6 flows, the Configuration Manager example
 * catalog, and peers that are AWS managed prefix lists (IPv4 and IPv6, inbound and outbound).
 */
export const VARIETY_STACKS = [
  'VarietyPeers',
  'VarietyDefaultIpv6',
  'VarietySum7Restricted',
  'VarietyGroups',
  'VarietyCrossStack',
  'VarietyRanges',
  'VarietyIcmp',
  'VarietyConfigMgr',
  'VarietyPrefixLists',
] as const;

const PEERS: PeerDeclaration[] = [
  { name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.10/32' },
  { name: 'tmcm-standby', kind: 'control-manager', cidr: '10.0.9.10/32' },
  { name: 'proxy', kind: 'update-source', cidr: '2001:db8:8::/64', ports: [8080] },
  { name: 'mail', kind: 'mail', cidr: '10.0.7.25/32' },
  { name: 'nms', kind: 'snmp', cidr: 'fd00::162/128' },
];

function vpcOf(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a'] });
}

/** Adds the example stacks and the variety stacks to `app`. */
export function buildVariety(app: App): App {
  buildApp(app);

  const peers = new Stack(app, 'VarietyPeers');
  new ServerProtect(peers, 'ServerProtect', {
    vpc: vpcOf(peers),
    peers: PEERS,
    options: { controlManagerAgent: 'tmi' },
    egress: 'restricted',
    existingSecurityGroups: {
      'information-server': {
        securityGroup: ec2.SecurityGroup.fromSecurityGroupId(peers, 'Info', 'sg-0a1b2c3d4e5f60711', {
          allowAllOutbound: false,
        }),
      },
      console: {
        securityGroup: ec2.SecurityGroup.fromSecurityGroupId(peers, 'Console', 'sg-0a1b2c3d4e5f60712', {
          mutable: false,
        }),
      },
    },
  });

  const v6 = new Stack(app, 'VarietyDefaultIpv6');
  new PortPlan(v6, 'Plan', {
    vpc: vpcOf(v6),
    declaration: {
      groups: [...PRESETS.serverprotect.groups, ...PRESETS['smart-update-manager'].groups],
      peers: [
        ...PEERS.filter((p) => p.kind !== 'control-manager'),
        { name: 'tmcm6', kind: 'control-manager', cidr: 'fd00:9::10/128' },
      ],
      serverProtect: { controlManagerAgent: 'mcp' },
    },
  });

  const sum7 = new Stack(app, 'VarietySum7Restricted');
  const sum = new SmartUpdateManager(sum7, 'SmartUpdateManager', {
    vpc: vpcOf(sum7),
    workstationGroups: ['workstation'],
    windowsTargetGroups: ['windows-targets'],
    linuxTargetGroups: ['linux-targets'],
    iloTargetGroups: ['ilos'],
    peers: [{ name: 'administrators', kind: 'administrators', cidr: '2001:db8:50::/64' }],
    options: { profile: '7.x+' },
    egress: 'restricted',
  });
  const lt = new ec2.LaunchTemplate(sum7, 'Targets', { securityGroup: sum.group('windows-targets').securityGroup });
  lt.addSecurityGroup(sum.group('linux-targets').securityGroup);

  // Groups created by CDK in one stack, used as existing groups by a plan in another.
  const groups = new Stack(app, 'VarietyGroups');
  const gv = vpcOf(groups);
  const info = new ec2.SecurityGroup(groups, 'Info', {
    vpc: gv,
    description: 'information servers',
    allowAllOutbound: false,
  });
  const normal = new ec2.SecurityGroup(groups, 'Normal', { vpc: gv, description: 'normal servers' });
  const cross = new Stack(app, 'VarietyCrossStack');
  new ServerProtect(cross, 'ServerProtect', {
    vpc: vpcOf(cross),
    peers: [PEERS[0], PEERS[2]],
    options: { controlManagerAgent: 'mcp' },
    egress: 'restricted',
    existingSecurityGroups: {
      'information-server': { securityGroup: info },
      'normal-servers': { securityGroup: normal },
    },
  });

  const ranges = new Stack(app, 'VarietyRanges');
  new PortPlan(ranges, 'Plan', { vpc: vpcOf(ranges), declaration: RANGES_DECLARATION, catalogs: [RANGES_CATALOG] });

  const icmp = new Stack(app, 'VarietyIcmp');
  new PortPlan(icmp, 'Plan', { vpc: vpcOf(icmp), declaration: ICMP_DECLARATION, catalogs: [ICMP_CATALOG] });
  const configMgr = new Stack(app, 'VarietyConfigMgr');
  new PortPlan(configMgr, 'Plan', {
    vpc: vpcOf(configMgr),
    declaration: { ...CONFIGMGR_DECLARATION, egress: 'restricted' },
    catalogs: [CONFIGMGR_CATALOG],
  });
  const lists = new Stack(app, 'VarietyPrefixLists');
  new PortPlan(lists, 'Plan', {
    vpc: vpcOf(lists),
    declaration: {
      groups: [...PRESETS.serverprotect.groups, ...PRESETS['smart-update-manager-7'].groups],
      peers: [
        { name: 'admins', kind: 'administrators', prefixList: { id: 'pl-0a1b2c3d4e5f60719', maxEntries: 10 } },
        {
          name: 'mirror',
          kind: 'update-source',
          prefixList: { id: 'pl-0a1b2c3d4e5f6071a', maxEntries: 4, family: 'IPv6' },
          ports: [443],
        },
      ],
      sum: { profile: '7.x+' },
      egress: 'restricted',
    },
  });
  return app;
}
