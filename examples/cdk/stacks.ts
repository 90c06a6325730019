import type { App } from 'aws-cdk-lib';
import { BootstraplessSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { PortPlan, ServerProtect, SmartUpdateManager } from '../../lib/cdk';
import { shopBesideServerProtect, shopCatalog } from '../shop';
import { sum7Example } from '../sum7';

/** A VPC with private subnets and a flow log, as a production VPC has. */
export function exampleVpc(scope: Construct): ec2.Vpc {
  // Local deploys have no bootstrap stack for the custom resource that locks the default group.
  const local = isLocal(scope);
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    restrictDefaultSecurityGroup: !local,
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'hosts', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  vpc.addFlowLog('FlowLog');
  return vpc;
}

function isLocal(scope: Construct): boolean {
  const flag: unknown = scope.node.tryGetContext('portplan:local');
  return flag === true || flag === 'true';
}

/** A VPC, one console, one information server and normal servers; default options. */
export class ServerProtectExample extends Stack {
  readonly plan: ServerProtect;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.plan = new ServerProtect(this, 'ServerProtect', { vpc: exampleVpc(this) });
  }
}

/** A Windows workstation, Windows targets and Linux targets; default options (HP SUM 5.x). */
export class SmartUpdateManagerExample extends Stack {
  readonly plan: SmartUpdateManager;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.plan = new SmartUpdateManager(this, 'SmartUpdateManager', {
      vpc: exampleVpc(this),
      windowsTargetGroups: ['windows-targets'],
      linuxTargetGroups: ['linux-targets'],
    });
  }
}

/** HP SUM 7.x and later: the `smart-update-manager-7` preset's groups (see examples/sum7.ts). */
export class SmartUpdateManager7Example extends Stack {
  readonly plan: SmartUpdateManager;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.plan = new SmartUpdateManager(this, 'SmartUpdateManager', { vpc: exampleVpc(this), ...sum7Example() });
  }
}

/** Ids of the existing network the composed example joins (context keys `vpcId`, `subnetId`, `securityGroupId`). */
export interface ExistingNetwork {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly securityGroupId: string;
}

/**
 * An imported VPC, an existing security group for the information servers, one host that is both a
 * ServerProtect normal server and a SUM Windows target, and restricted egress.
 */
export class ComposedExample extends Stack {
  readonly plan: PortPlan;
  readonly host: ec2.CfnNetworkInterface;
  constructor(scope: Construct, id: string, network: ExistingNetwork, props?: StackProps) {
    super(scope, id, props);
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: network.vpcId,
      availabilityZones: ['us-east-1a'],
    });
    const infoSg = ec2.SecurityGroup.fromSecurityGroupId(this, 'InformationServerSg', network.securityGroupId, {
      allowAllOutbound: false,
    });
    this.plan = new PortPlan(this, 'Plan', {
      vpc,
      existingSecurityGroups: { 'information-server': { securityGroup: infoSg } },
      declaration: {
        groups: [
          { name: 'console', role: 'serverprotect:console' },
          { name: 'information-server', role: 'serverprotect:information-server' },
          { name: 'normal-servers', role: 'serverprotect:normal-server' },
          { name: 'workstation', role: 'sum:workstation' },
          { name: 'windows-targets', role: 'sum:target:windows' },
        ],
        egress: 'restricted',
      },
    });
    // The host's network interface carries the groups of both of its roles.
    this.host = new ec2.CfnNetworkInterface(this, 'NormalServerAndTarget', {
      subnetId: network.subnetId,
      description: 'ServerProtect normal server that is also a SUM Windows target',
      groupSet: [this.plan.group('normal-servers'), this.plan.group('windows-targets')].map(
        (g) => g.securityGroup.securityGroupId,
      ),
    });
  }
}

/**
 * The in-house three-tier application of examples/catalogs/three-tier.yaml (a catalog of the user's
 * own) beside ServerProtect: one PortPlan over both products' groups, and one host, a launch
 * template for Windows servers that are ServerProtect normal servers and the shop's application tier.
 */
export class ShopBesideServerProtectExample extends Stack {
  readonly plan: PortPlan;
  readonly host: ec2.LaunchTemplate;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.plan = new PortPlan(this, 'Plan', {
      vpc: exampleVpc(this),
      declaration: shopBesideServerProtect(),
      catalogs: [shopCatalog()],
    });
    // The host's groups: one per role it plays, from both products.
    this.host = new ec2.LaunchTemplate(this, 'NormalServerAndShopApp', {
      securityGroup: this.plan.group('normal-servers').securityGroup,
    });
    this.host.addSecurityGroup(this.plan.group('shop-app').securityGroup);
  }
}

/** Placeholder ids for synth without an account; deploys pass real ones as context. */
export const PLACEHOLDER_NETWORK: ExistingNetwork = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnetId: 'subnet-0a1b2c3d4e5f60718',
  securityGroupId: 'sg-0a1b2c3d4e5f60718',
};

/** The stack ids of the example app, in the order {@link buildApp} adds them. */
export const EXAMPLE_STACKS = [
  'ServerProtectExample',
  'SmartUpdateManagerExample',
  'SmartUpdateManager7Example',
  'ComposedExample',
  'ShopBesideServerProtectExample',
] as const;

/** The plan of each example stack of an app built by {@link buildApp}, by stack id. */
export function examplePlans(app: App): Record<(typeof EXAMPLE_STACKS)[number], PortPlan> {
  const plan = (id: string) => (app.node.findChild(id) as Stack & { plan: PortPlan }).plan;
  return Object.fromEntries(EXAMPLE_STACKS.map((id) => [id, plan(id)])) as Record<
    (typeof EXAMPLE_STACKS)[number],
    PortPlan
  >;
}

/** The example app: the five stacks, with options read from context. */
export function buildApp(app: App): App {
  // Local deploys (context `portplan:local`) use no bootstrap stack; users' deploys keep the default.
  const local = isLocal(app);
  const props: StackProps = local ? { synthesizer: new BootstraplessSynthesizer() } : {};
  const network: ExistingNetwork = {
    vpcId: app.node.tryGetContext('vpcId') ?? PLACEHOLDER_NETWORK.vpcId,
    subnetId: app.node.tryGetContext('subnetId') ?? PLACEHOLDER_NETWORK.subnetId,
    securityGroupId: app.node.tryGetContext('securityGroupId') ?? PLACEHOLDER_NETWORK.securityGroupId,
  };
  new ServerProtectExample(app, 'ServerProtectExample', props);
  new SmartUpdateManagerExample(app, 'SmartUpdateManagerExample', props);
  new SmartUpdateManager7Example(app, 'SmartUpdateManager7Example', props);
  new ComposedExample(app, 'ComposedExample', network, props);
  new ShopBesideServerProtectExample(app, 'ShopBesideServerProtectExample', props);
  return app;
}
