import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import {
  ArgumentError,
  serverProtectDeclaration,
  smartUpdateManagerDeclaration,
  warningText,
  type Declaration,
  type Resolution,
  type ServerProtectGroups,
  type SmartUpdateManagerGroups,
} from '../spec';
import { AZURE_LIMITS, planAzureRules, securityRuleArgs, type AdditionalRule, type AzureRule, type PriorityBand } from './rules';

/** An NSG the user already owns, that portplan adds standalone rules to. */
export interface ExistingNetworkSecurityGroup {
  /** The NSG's name (in `resourceGroupName`). */
  readonly name: pulumi.Input<string>;
  /** The priorities portplan's rules may take; the user's own rules stay outside it. */
  readonly priorityBand: PriorityBand;
}

/** Arguments shared by the Azure components. */
export interface AzureCommonArgs {
  /** The resource group of the NSG and the application security groups. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** @default - the resource group's location */
  readonly location?: pulumi.Input<string>;
  /** Tags for every resource the component creates. ASGs also get `portplan:role` and `portplan:group`. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Add the rules to this NSG as standalone `SecurityRule`s, created one after another.
   * @default - the component creates an NSG with the rules inline
   */
  readonly existingNetworkSecurityGroup?: ExistingNetworkSecurityGroup;
  /**
   * Priorities for the rules of an NSG the component creates.
   * @default { from: 100, to: 4096 }
   */
  readonly priorityBand?: PriorityBand;
  /**
   * Deny other VirtualNetwork traffic to each role's ASG, below the allow rules (Azure's default
   * `AllowVnetInBound` admits the whole VNet otherwise).
   * @default true for an NSG the component creates, false for an existing NSG
   */
  readonly denyOtherVnetTraffic?: boolean;
  /**
   * With `egress: 'restricted'`, deny all other outbound traffic from each role's ASG below the
   * outbound allows (Azure's default `AllowVnetOutBound` and `AllowInternetOutBound` let everything
   * out otherwise). Add what else the hosts need (Windows Update, backup) as `additionalRules`.
   * @default the value of `denyOtherVnetTraffic`
   */
  readonly denyOtherOutboundTraffic?: boolean;
  /**
   * With the VirtualNetwork deny rules, allow Azure Load Balancer health probes (service tag
   * `AzureLoadBalancer`, 168.63.129.16, which `VirtualNetwork` includes) to each role's ASG above
   * the denies. Turn off only when no load balancer fronts these hosts.
   * @default true
   */
  readonly allowAzureLoadBalancer?: boolean;
  /**
   * Rules of your own in the component's NSG (RDP or SSH from a bastion, backup, the application's
   * own traffic): placed below portplan's allows and above its denies, at stable priorities,
   * validated like portplan's rules. Standalone `SecurityRule`s beside an NSG with inline rules
   * are removed on the next update; use this instead.
   * @default []
   */
  readonly additionalRules?: readonly AdditionalRule[];
  /**
   * Priorities of the previous deployment, by rule name: the component's `priorities` output
   * (`pulumi stack output`), kept in config or a file. Surviving rules keep them, so no existing
   * rule is renumbered even where two names hash to one slot.
   * @default - priorities from the rule names alone
   */
  readonly previousPriorities?: Readonly<Record<string, number>>;
}

/** Arguments of {@link PortPlan}. */
export interface PortPlanArgs extends AzureCommonArgs {
  /** Role groups, peers and options, as the spec's `resolve()` takes them. */
  readonly declaration: Declaration;
}

/**
 * Application security groups for the role groups of a declaration, and NSG rules that allow
 * exactly the flows `resolve()` gives between them. For hosts with roles from both products, give
 * one PortPlan both products' groups (`mergeDeclarations(serverProtectDeclaration(...),
 * smartUpdateManagerDeclaration(...))`): two components would each deny the other's flows.
 */
export class PortPlan extends pulumi.ComponentResource {
  /** The resolved flows and warnings. */
  readonly resolution: Resolution;
  /** The NSG rules, as planned (names, priorities, ports). */
  readonly rules: readonly AzureRule[];
  /** One ASG per role group, by group name: put the hosts' NICs in them. */
  readonly applicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  /** The NSG the component created; undefined with `existingNetworkSecurityGroup`. */
  readonly networkSecurityGroup?: network.NetworkSecurityGroup;
  /** The standalone rules added to an existing NSG. */
  readonly securityRules: readonly network.SecurityRule[];
  /** Every rule's priority by rule name: pass it back as `previousPriorities` on the next deployment. */
  readonly priorities: Readonly<Record<string, number>>;

  constructor(name: string, args: PortPlanArgs, opts?: pulumi.ComponentResourceOptions, type = 'portplan:azure:PortPlan') {
    // Plan and check everything before registering anything.
    const existing = args.existingNetworkSecurityGroup;
    const deny = args.denyOtherVnetTraffic ?? !existing;
    const plan = planAzureRules(args.declaration, {
      band: existing?.priorityBand ?? args.priorityBand ?? AZURE_LIMITS.priority,
      bandPath: existing ? 'existingNetworkSecurityGroup.priorityBand' : 'priorityBand',
      denyOtherVnetTraffic: deny,
      denyOtherOutboundTraffic: args.denyOtherOutboundTraffic,
      allowAzureLoadBalancer: args.allowAzureLoadBalancer,
      additionalRules: args.additionalRules,
      previousPriorities: args.previousPriorities,
    });
    const sharing = existing ? checkSharedNsg(name, existing, plan.rules) : undefined;
    super(type, name, {}, opts);
    sharing?.claim();
    this.resolution = plan.resolution;
    this.rules = plan.rules;
    this.priorities = Object.fromEntries(plan.rules.map((r) => [r.name, r.priority]));
    for (const w of plan.resolution.warnings) pulumi.log.warn(warningText(w), this);
    if (sharing?.warning) pulumi.log.warn(sharing.warning, this);

    const tags = args.tags ?? {};
    const asgs: Record<string, network.ApplicationSecurityGroup> = {};
    for (const g of plan.resolution.declaration.groups) {
      asgs[g.name] = new network.ApplicationSecurityGroup(`${name}-${g.name}`, {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: { ...tags, 'portplan:role': g.role, 'portplan:group': g.name },
      }, { parent: this });
    }
    this.applicationSecurityGroups = asgs;

    const ruleArgs = (r: AzureRule) => securityRuleArgs(r, (group) => asgs[group].id);

    const standalone: network.SecurityRule[] = [];
    if (existing) {
      // One after another: Azure rejects concurrent writes to one NSG (AnotherOperationInProgress).
      let previous: network.SecurityRule | undefined;
      for (const r of plan.rules) {
        previous = new network.SecurityRule(`${name}-${r.name}`, {
          ...ruleArgs(r),
          securityRuleName: r.name,
          resourceGroupName: args.resourceGroupName,
          networkSecurityGroupName: existing.name,
        }, { parent: this, dependsOn: previous ? [previous] : [] });
        standalone.push(previous);
      }
    } else {
      this.networkSecurityGroup = new network.NetworkSecurityGroup(`${name}-nsg`, {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags,
        securityRules: plan.rules.map(ruleArgs),
      }, { parent: this });
    }
    this.securityRules = standalone;

    this.registerOutputs({
      applicationSecurityGroupIds: Object.fromEntries(Object.entries(asgs).map(([k, v]) => [k, v.id])),
      networkSecurityGroupId: this.networkSecurityGroup?.id,
      ruleNames: plan.rules.map((r) => r.name),
      priorities: this.priorities,
    });
  }
}

// Existing NSGs the components of this program add rules to, by NSG name (when a plain string):
// two components on one NSG are refused when their bands overlap, and warned about when either has
// deny rules (a host in groups of both loses the other's flows to the deny). NIC membership and
// NSGs of other programs are out of sight here.
const SHARED = new Map<string, { component: string; band: PriorityBand; denies: boolean }[]>();

function checkSharedNsg(name: string, existing: ExistingNetworkSecurityGroup, rules: readonly AzureRule[]): { claim: () => void; warning?: string } | undefined {
  if (typeof existing.name !== 'string') return undefined;
  const nsg = existing.name;
  const band = existing.priorityBand;
  const denies = rules.some((r) => r.origin === 'deny');
  // A component of the same name is this component again (a program run twice in one process, as
  // the Automation API does): its earlier claim is replaced, not a conflict.
  const others = (SHARED.get(nsg) ?? []).filter((o) => o.component !== name);
  for (const o of others) {
    if (band.from <= o.band.to && o.band.from <= band.to) {
      throw new ArgumentError(
        'existingNetworkSecurityGroup.priorityBand',
        band,
        `a band not overlapping ${o.band.from}-${o.band.to}, which component ${o.component} already uses in NSG ${nsg}; better: one PortPlan whose declaration has both products' groups (mergeDeclarations)`,
      );
    }
  }
  const clash = others.filter((o) => o.denies || denies).map((o) => o.component);
  const warning = clash.length
    ? `NSG ${nsg} gets rules from components ${[...clash, name].join(', ')} and deny rules from at least one: a host in groups of both loses the other component's flows to the deny. Use one PortPlan whose declaration has both products' groups (mergeDeclarations).`
    : undefined;
  return { claim: () => SHARED.set(nsg, [...others, { component: name, band, denies }]), warning };
}

/** Arguments of {@link ServerProtect}. */
export interface ServerProtectArgs extends AzureCommonArgs, ServerProtectGroups {}

/** Arguments of {@link SmartUpdateManager}. */
export interface SmartUpdateManagerArgs extends AzureCommonArgs, SmartUpdateManagerGroups {}

/** Trend Micro ServerProtect for Windows 5.8 on Azure (`portplan:azure:ServerProtect`). */
export class ServerProtect extends PortPlan {
  constructor(name: string, args: ServerProtectArgs, opts?: pulumi.ComponentResourceOptions) {
    super(name, { ...args, declaration: serverProtectDeclaration(args) }, opts, 'portplan:azure:ServerProtect');
  }
}

/** HP Smart Update Manager (profile 5.x or 7.x+) on Azure (`portplan:azure:SmartUpdateManager`). */
export class SmartUpdateManager extends PortPlan {
  constructor(name: string, args: SmartUpdateManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(name, { ...args, declaration: smartUpdateManagerDeclaration(args) }, opts, 'portplan:azure:SmartUpdateManager');
  }
}
