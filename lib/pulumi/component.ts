import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import {
  serverProtectDeclaration, smartUpdateManagerDeclaration, warningText, type Declaration, type Resolution,
} from '../spec';
import type { AzureCommonArgs, PortPlanArgs, ServerProtectArgs, SmartUpdateManagerArgs } from './args';
import { AZURE_LIMITS, planAzureRules, type AzurePlan, type AzureRule } from './rules';

// The plans behind the components' TypeScript-only getters `resolution` and `rules`. Kept out of
// the classes' own fields so that Pulumi's component analyzer, which turns every field into a schema
// output, sees only outputs every language can read (resources and maps).
const PLANS = new WeakMap<pulumi.ComponentResource, AzurePlan>();

function planOf(component: pulumi.ComponentResource): AzurePlan {
  const plan = PLANS.get(component);
  if (!plan) throw new TypeError('portplan: a component read before its constructor finished');
  return plan;
}

// Plans and checks everything before the component registers anything, so a bad argument leaves
// nothing half-created.
function planComponent(args: AzureCommonArgs, declaration: Declaration): AzurePlan {
  const existing = args.existingNetworkSecurityGroup;
  return planAzureRules(declaration, {
    band: existing?.priorityBand ?? args.priorityBand ?? AZURE_LIMITS.priority,
    denyOtherVnetTraffic: args.denyOtherVnetTraffic ?? !existing,
    previousPriorities: args.previousPriorities,
  });
}

// The type tokens `portplan:index:<Name>` are what a Pulumi package schema names components by; the
// alias from `portplan:azure:<Name>`, the token of earlier releases, keeps existing stacks from
// replacing the component, and its children with it: the engine combines a parent's aliases with
// each child's name and type (https://www.pulumi.com/docs/iac/concepts/resources/options/aliases/).
function componentOptions(
  name: string,
  opts: pulumi.ComponentResourceOptions | undefined,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: `portplan:azure:${name}` }] };
}

/** The resources an Azure component creates, as the components expose them. */
interface AzureResources {
  readonly applicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  readonly networkSecurityGroup?: network.NetworkSecurityGroup;
  readonly securityRules: network.SecurityRule[];
  readonly priorities: Readonly<Record<string, number>>;
  /** What the component registers as its outputs (`pulumi stack output` of a component). */
  readonly outputs: pulumi.Inputs;
}

// The body every Azure component shares: ASGs, then the NSG with inline rules or the standalone
// rules on an existing NSG, then the component's outputs.
function createResources(
  component: pulumi.ComponentResource,
  name: string,
  args: AzureCommonArgs,
  plan: AzurePlan,
): AzureResources {
  PLANS.set(component, plan);
  const existing = args.existingNetworkSecurityGroup;
  const priorities = Object.fromEntries(plan.rules.map((r) => [r.name, r.priority]));
  for (const w of plan.resolution.warnings) pulumi.log.warn(warningText(w), component);

  const tags = args.tags ?? {};
  const asgs: Record<string, network.ApplicationSecurityGroup> = {};
  for (const g of plan.resolution.declaration.groups) {
    asgs[g.name] = new network.ApplicationSecurityGroup(`${name}-${g.name}`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tags: { ...tags, 'portplan:role': g.role },
    }, { parent: component });
  }

  const ruleArgs = (r: AzureRule) => ({
    name: r.name,
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    description: r.description,
    sourcePortRange: '*',
    destinationPortRanges: [...r.ports],
    ...('group' in r.source ? { sourceApplicationSecurityGroups: [{ id: asgs[r.source.group].id }] } : { sourceAddressPrefix: r.source.prefix }),
    ...('group' in r.destination ? { destinationApplicationSecurityGroups: [{ id: asgs[r.destination.group].id }] } : { destinationAddressPrefix: r.destination.prefix }),
  });

  const standalone: network.SecurityRule[] = [];
  let nsg: network.NetworkSecurityGroup | undefined;
  if (existing) {
    // One after another: Azure rejects concurrent writes to one NSG (AnotherOperationInProgress).
    let previous: network.SecurityRule | undefined;
    for (const r of plan.rules) {
      previous = new network.SecurityRule(`${name}-${r.name}`, {
        ...ruleArgs(r),
        securityRuleName: r.name,
        resourceGroupName: args.resourceGroupName,
        networkSecurityGroupName: existing.name,
      }, { parent: component, dependsOn: previous ? [previous] : [] });
      standalone.push(previous);
    }
  } else {
    nsg = new network.NetworkSecurityGroup(`${name}-nsg`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tags,
      securityRules: plan.rules.map(ruleArgs),
    }, { parent: component });
  }

  const outputs = {
    applicationSecurityGroupIds: Object.fromEntries(Object.entries(asgs).map(([k, v]) => [k, v.id])),
    networkSecurityGroupId: nsg?.id,
    ruleNames: plan.rules.map((r) => r.name),
    priorities,
  };
  return { applicationSecurityGroups: asgs, networkSecurityGroup: nsg, securityRules: standalone, priorities, outputs };
}

// Every component below declares the same fields (the analyzer reads each class's own fields as its
// schema outputs, so they cannot come from a shared base class) and the same two getters.

/**
 * Application security groups for the role groups of a declaration, and NSG rules that allow
 * exactly the flows `resolve()` gives between them (`portplan:index:PortPlan`).
 */
export class PortPlan extends pulumi.ComponentResource {
  /** One ASG per role group, by group name: put the hosts' NICs in them. */
  readonly applicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  /** The NSG the component created; undefined with `existingNetworkSecurityGroup`. */
  readonly networkSecurityGroup?: network.NetworkSecurityGroup;
  /** The standalone rules added to an existing NSG. */
  readonly securityRules: network.SecurityRule[];
  /** Every rule's priority by rule name: pass it back as `previousPriorities` on the next deployment. */
  readonly priorities: Readonly<Record<string, number>>;

  /** The resolved flows and warnings (TypeScript only: not in the package schema). */
  get resolution(): Resolution {
    return planOf(this).resolution;
  }

  /** The NSG rules, as planned: names, priorities, ports (TypeScript only: not in the package schema). */
  get rules(): readonly AzureRule[] {
    return planOf(this).rules;
  }

  /** Plans the rules (throwing before anything is registered), then creates the resources. */
  constructor(name: string, args: PortPlanArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planComponent(args, args.declaration);
    super('portplan:index:PortPlan', name, {}, componentOptions('PortPlan', opts));
    let outputs: pulumi.Inputs;
    ({
      applicationSecurityGroups: this.applicationSecurityGroups,
      networkSecurityGroup: this.networkSecurityGroup,
      securityRules: this.securityRules,
      priorities: this.priorities,
      outputs,
    } = createResources(this, name, args, plan));
    this.registerOutputs(outputs);
  }
}

/** Trend Micro ServerProtect for Windows 5.8 on Azure (`portplan:index:ServerProtect`). */
export class ServerProtect extends pulumi.ComponentResource {
  /** One ASG per role group, by group name: put the hosts' NICs in them. */
  readonly applicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  /** The NSG the component created; undefined with `existingNetworkSecurityGroup`. */
  readonly networkSecurityGroup?: network.NetworkSecurityGroup;
  /** The standalone rules added to an existing NSG. */
  readonly securityRules: network.SecurityRule[];
  /** Every rule's priority by rule name: pass it back as `previousPriorities` on the next deployment. */
  readonly priorities: Readonly<Record<string, number>>;

  /** The resolved flows and warnings (TypeScript only: not in the package schema). */
  get resolution(): Resolution {
    return planOf(this).resolution;
  }

  /** The NSG rules, as planned: names, priorities, ports (TypeScript only: not in the package schema). */
  get rules(): readonly AzureRule[] {
    return planOf(this).rules;
  }

  /** Plans the rules (throwing before anything is registered), then creates the resources. */
  constructor(name: string, args: ServerProtectArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planComponent(args, serverProtectDeclaration(args));
    super('portplan:index:ServerProtect', name, {}, componentOptions('ServerProtect', opts));
    let outputs: pulumi.Inputs;
    ({
      applicationSecurityGroups: this.applicationSecurityGroups,
      networkSecurityGroup: this.networkSecurityGroup,
      securityRules: this.securityRules,
      priorities: this.priorities,
      outputs,
    } = createResources(this, name, args, plan));
    this.registerOutputs(outputs);
  }
}

/** HP Smart Update Manager (profile 5.x or 7.x+) on Azure (`portplan:index:SmartUpdateManager`). */
export class SmartUpdateManager extends pulumi.ComponentResource {
  /** One ASG per role group, by group name: put the hosts' NICs in them. */
  readonly applicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  /** The NSG the component created; undefined with `existingNetworkSecurityGroup`. */
  readonly networkSecurityGroup?: network.NetworkSecurityGroup;
  /** The standalone rules added to an existing NSG. */
  readonly securityRules: network.SecurityRule[];
  /** Every rule's priority by rule name: pass it back as `previousPriorities` on the next deployment. */
  readonly priorities: Readonly<Record<string, number>>;

  /** The resolved flows and warnings (TypeScript only: not in the package schema). */
  get resolution(): Resolution {
    return planOf(this).resolution;
  }

  /** The NSG rules, as planned: names, priorities, ports (TypeScript only: not in the package schema). */
  get rules(): readonly AzureRule[] {
    return planOf(this).rules;
  }

  /** Plans the rules (throwing before anything is registered), then creates the resources. */
  constructor(name: string, args: SmartUpdateManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planComponent(args, smartUpdateManagerDeclaration(args));
    super('portplan:index:SmartUpdateManager', name, {}, componentOptions('SmartUpdateManager', opts));
    let outputs: pulumi.Inputs;
    ({
      applicationSecurityGroups: this.applicationSecurityGroups,
      networkSecurityGroup: this.networkSecurityGroup,
      securityRules: this.securityRules,
      priorities: this.priorities,
      outputs,
    } = createResources(this, name, args, plan));
    this.registerOutputs(outputs);
  }
}
