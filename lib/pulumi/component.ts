import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import {
  ArgumentError,
  GROUP_TAG,
  NAME_TARGETS,
  ROLE_TAG,
  catalogSet,
  composeName,
  resolve,
  user,
  warningText,
  type CatalogDeclaration,
  type CatalogSource,
  type Declaration,
} from '../model';
import type { AzureCommonArgs, ExistingNetworkSecurityGroup } from './args';
import {
  AZURE_LIMITS,
  checkPriorityBand,
  planAzure,
  securityRuleArgs,
  type AzurePlan,
  type AzureRule,
  type AzureRuleEndpoint,
  type PriorityBand,
} from '../azure';

// The plan behind the components' TypeScript-only getters `resolution` and `rules`, kept on the
// component under a symbol rather than in a declared field: Pulumi's component analyzer turns every
// declared field into a schema output, and should see only outputs every language can read
// (resources and maps). Not enumerable, not writable.
const PLAN: unique symbol = Symbol('portplan.plan');

/** The plan of a component, once its constructor has made it. @internal */
export function planOf(component: pulumi.ComponentResource): AzurePlan {
  const plan = (component as { [PLAN]?: AzurePlan })[PLAN];
  if (!plan) throw new TypeError('portplan: a component read before its constructor finished');
  return plan;
}

/**
 * Plans and checks everything before the component registers anything, so a bad argument leaves
 * nothing half-created. @internal
 */
export function planComponent(
  name: string,
  args: AzureCommonArgs,
  declaration: Declaration | CatalogDeclaration,
  catalogs?: readonly CatalogSource[],
): { plan: AzurePlan; sharing?: SharedNsg } {
  const existing = args.existingNetworkSecurityGroup;
  const band = existing?.priorityBand ?? args.priorityBand ?? AZURE_LIMITS.priority;
  const bandPath = existing ? 'existingNetworkSecurityGroup.priorityBand' : 'priorityBand';
  // The band first, then the declaration, resolved once here.
  checkPriorityBand(band, bandPath);
  // The catalog set is built (and checked) once per component; the planner reads the resolution's.
  const resolution = resolve(declaration, { catalogs: catalogSet(catalogs) });
  const plan = planAzure(resolution, {
    band,
    bandPath,
    denyOtherVnetTraffic: args.denyOtherVnetTraffic ?? !existing,
    denyOtherOutboundTraffic: args.denyOtherOutboundTraffic,
    allowAzureLoadBalancer: args.allowAzureLoadBalancer,
    // The planner checks each rule at run time, including that each side sets exactly one of group
    // and prefix (other Pulumi languages send both keys): the args type cannot say "one of".
    additionalRules: args.additionalRules?.map((r) => ({
      ...r,
      source: r.source as unknown as AzureRuleEndpoint,
      destination: r.destination as unknown as AzureRuleEndpoint,
    })),
    previousPriorities: args.previousPriorities,
  });
  return { plan, sharing: existing ? checkSharedNsg(name, args.resourceGroupName, existing, plan.rules) : undefined };
}

/** One component's rules on an existing NSG. */
interface NsgClaim {
  readonly component: string;
  readonly band: PriorityBand;
  readonly denies: boolean;
}

/**
 * The existing NSGs one Pulumi program's components add rules to: by resource group, then NSG
 * name, each the lower-cased string (Azure compares resource group and resource names without
 * regard to case: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules)
 * or, when given as an Output or a promise, that very object. So the check sees one NSG wherever
 * two components give the same strings in any case, or the same Output (one value); it cannot see
 * that a string and an Output, or two Outputs, hold the same name (their values are not known
 * while the program runs), and lets those pass. NIC membership and other programs' NSGs are out
 * of its sight too.
 */
type ProgramClaims = Map<unknown, Map<unknown, NsgClaim[]>>;

// The claims of each running program are kept on its root stack resource: the Pulumi engine and
// the Automation API run every program inside a stack resource of its own
// (@pulumi/pulumi runtime/stack.ts runInPulumiStack; automation/server.ts runs each inline program
// so), so programs run in one process never see each other's claims, and a finished program's
// claims go with it. Unit tests under mocks create components with no stack resource: there the
// mock monitor each setMocks installs stands for the program. Not enumerable, not writable.
const CLAIMS: unique symbol = Symbol('portplan.nsgClaims');

function programClaims(): ProgramClaims | undefined {
  const program: object | undefined = pulumi.runtime.getStackResource() ?? pulumi.runtime.getMonitor();
  if (program === undefined) return undefined;
  const holder = program as { [CLAIMS]?: ProgramClaims };
  if (!holder[CLAIMS] && Object.isExtensible(program)) {
    Object.defineProperty(program, CLAIMS, { value: new Map<unknown, Map<unknown, NsgClaim[]>>() });
  }
  return holder[CLAIMS];
}

const nameKey = (v: pulumi.Input<string>): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

/** An existing NSG's use by one component. @internal */
export interface SharedNsg {
  /** Records this component's use of the NSG; called once the component is registered. */
  readonly claim: () => void;
  /** Set when another component of this program shares the NSG and either has deny rules. */
  readonly warning?: string;
}

/**
 * Two components of one program on one existing NSG ({@link ProgramClaims}): refused when their
 * bands overlap, warned about when either has deny rules (a host in groups of both loses the
 * other's flows to the deny).
 * @throws ArgumentError naming the band and the component already using it
 */
function checkSharedNsg(
  name: string,
  resourceGroup: pulumi.Input<string>,
  existing: ExistingNetworkSecurityGroup,
  rules: readonly AzureRule[],
): SharedNsg | undefined {
  const program = programClaims();
  if (!program) return undefined;
  const byName = program.get(nameKey(resourceGroup)) ?? new Map<unknown, NsgClaim[]>();
  const nsg = typeof existing.name === 'string' ? existing.name : 'existingNetworkSecurityGroup.name';
  const where = typeof resourceGroup === 'string' ? ` (resource group ${resourceGroup})` : '';
  const band = existing.priorityBand;
  const denies = rules.some((r) => r.origin === 'deny');
  // A component of the same name is this component again (a program's constructor run twice under
  // one set of mocks): its earlier claim is replaced, not a conflict.
  const others = (byName.get(nameKey(existing.name)) ?? []).filter((o) => o.component !== name);
  for (const o of others) {
    if (band.from <= o.band.to && o.band.from <= band.to) {
      throw new ArgumentError(
        'existingNetworkSecurityGroup.priorityBand',
        band,
        `a band not overlapping ${o.band.from}-${o.band.to}, which component ${o.component} already uses in NSG ${nsg}${where}; ` +
          "better: one PortPlan whose declaration has both products' groups (mergeDeclarations)",
      );
    }
  }
  const clash = others.filter((o) => o.denies || denies).map((o) => o.component);
  const warning = clash.length
    ? `NSG ${nsg}${where} gets rules from components ${[...clash, name].join(', ')} and deny rules from at least one: ` +
      "a host in groups of both loses the other component's flows to the deny. Use one PortPlan whose declaration has both products' groups (mergeDeclarations)."
    : undefined;
  const claim = () => {
    byName.set(nameKey(existing.name), [...others, { component: name, band, denies }]);
    program.set(nameKey(resourceGroup), byName);
  };
  return { claim, warning };
}

/**
 * The options of a component of type `portplan:index:<Name>`, the token a Pulumi package schema
 * names components by: the alias from `portplan:azure:<Name>`, the token of earlier releases, keeps
 * existing stacks from replacing the component, and its children with it: the engine combines a
 * parent's aliases with each child's name and type
 * (https://www.pulumi.com/docs/iac/concepts/resources/options/aliases/). @internal
 */
export function componentOptions(
  name: string,
  opts: pulumi.ComponentResourceOptions | undefined,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: `portplan:azure:${name}` }] };
}

/** The resources an Azure component creates, as the components expose them. @internal */
export interface AzureResources {
  readonly applicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  readonly roleApplicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  readonly networkSecurityGroup?: network.NetworkSecurityGroup;
  readonly securityRules: network.SecurityRule[];
  readonly priorities: Readonly<Record<string, number>>;
  /** What the component registers as its outputs (`pulumi stack output` of a component). */
  readonly outputs: pulumi.Inputs;
}

type Asgs = Record<string, network.ApplicationSecurityGroup>;

// The ASGs of the plan: one per group, by group name, and one per role with two or more groups.
function createAsgs(
  component: pulumi.ComponentResource,
  name: string,
  args: AzureCommonArgs,
  plan: AzurePlan,
): { asgs: Asgs; roleAsgs: Asgs } {
  const tags = args.tags ?? {};
  const asg = (child: string, role: string, group: string) =>
    new network.ApplicationSecurityGroup(
      `${name}-${child}`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: { ...tags, [ROLE_TAG]: role, [GROUP_TAG]: group },
      },
      { parent: component },
    );
  const asgs: Asgs = {};
  for (const g of plan.resolution.declaration.groups) asgs[g.name] = asg(g.name, g.role, g.name);
  // A role with two or more groups: one more ASG, which every NIC of its groups joins (named by the
  // role id, which no group name can be; a colon is not allowed in an Azure name, hence the scheme).
  const roleAsgs: Asgs = {};
  for (const r of plan.roleGroups) {
    roleAsgs[r.role] = asg(composeName(NAME_TARGETS.azureRule, [user(r.role)]), r.role, r.name);
  }
  return { asgs, roleAsgs };
}

// The rules: standalone rules on an existing NSG, one after another, or a new NSG with inline rules.
function createRules(
  component: pulumi.ComponentResource,
  name: string,
  args: AzureCommonArgs,
  plan: AzurePlan,
  byName: Asgs,
): { standalone: network.SecurityRule[]; nsg?: network.NetworkSecurityGroup } {
  const existing = args.existingNetworkSecurityGroup;
  const ruleArgs = (r: AzureRule) => securityRuleArgs(r, (group) => byName[group].id);
  const standalone: network.SecurityRule[] = [];
  if (!existing) {
    const nsg = new network.NetworkSecurityGroup(
      `${name}-nsg`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags ?? {},
        securityRules: plan.rules.map(ruleArgs),
      },
      { parent: component },
    );
    return { standalone, nsg };
  }
  // One after another: Azure rejects concurrent writes to one NSG (AnotherOperationInProgress).
  let previous: network.SecurityRule | undefined;
  for (const r of plan.rules) {
    previous = new network.SecurityRule(
      `${name}-${r.name}`,
      {
        ...ruleArgs(r),
        securityRuleName: r.name,
        resourceGroupName: args.resourceGroupName,
        networkSecurityGroupName: existing.name,
      },
      { parent: component, dependsOn: previous ? [previous] : [] },
    );
    standalone.push(previous);
  }
  return { standalone };
}

/**
 * The body every Azure component shares: ASGs, then the NSG with inline rules or the standalone
 * rules on an existing NSG, then the component's outputs. @internal
 */
export function createResources(
  component: pulumi.ComponentResource,
  name: string,
  args: AzureCommonArgs,
  { plan, sharing }: { plan: AzurePlan; sharing?: SharedNsg },
): AzureResources {
  Object.defineProperty(component, PLAN, { value: plan });
  sharing?.claim();
  const priorities = Object.fromEntries(plan.rules.map((r) => [r.name, r.priority]));
  for (const w of plan.warnings) pulumi.log.warn(warningText(w), component);
  if (sharing?.warning) pulumi.log.warn(sharing.warning, component);
  const { asgs, roleAsgs } = createAsgs(component, name, args, plan);
  const { standalone, nsg } = createRules(component, name, args, plan, { ...asgs, ...roleAsgs });
  const outputs = {
    applicationSecurityGroupIds: Object.fromEntries(Object.entries(asgs).map(([k, v]) => [k, v.id])),
    roleApplicationSecurityGroupIds: Object.fromEntries(Object.entries(roleAsgs).map(([k, v]) => [k, v.id])),
    networkSecurityGroupId: nsg?.id,
    ruleNames: plan.rules.map((r) => r.name),
    priorities,
  };
  return {
    applicationSecurityGroups: asgs,
    roleApplicationSecurityGroups: roleAsgs,
    networkSecurityGroup: nsg,
    securityRules: standalone,
    priorities,
    outputs,
  };
}

// The components themselves (PortPlan, ServerProtect, SmartUpdateManager) are generated from the
// built-in catalogs into schema-types.generated.ts: each declares its outputs as its own fields and
// calls the functions above, which are all it does.
export { PortPlan, ServerProtect, SmartUpdateManager } from './schema-types.generated';
