/**
 * Pulumi components for Azure: application security groups per role group and NSG rules from the
 * spec, and the pure planner ({@link planAzure}) the components render.
 * @packageDocumentation
 */
export {
  AZURE_LIMITS,
  AzureLimitError,
  AzureRuleError,
  planAzure,
  planAzureRules,
  securityRuleArgs,
  type AdditionalRule,
  type AsgReference,
  type AzurePlan,
  type AzurePlanOptions,
  type AzureRule,
  type AzureRuleEndpoint,
  type AzureRuleOrigin,
  type AzureRulesOptions,
  type AzureSecurityRuleArgs,
  type PriorityBand,
} from '../azure';
export {
  Egress,
  RuleAccess,
  RuleDirection,
  RuleProtocol,
  declarationArgs,
  type AdditionalRuleArgs,
  type AzureCommonArgs,
  type CatalogArgs,
  type ExistingNetworkSecurityGroup,
  type GroupDeclaration,
  type PeerDeclaration,
  type PortPlanArgs,
  type RuleEndpointArgs,
} from './args';
export {
  ControlManagerAgent,
  PeerKind,
  RoleId,
  ServerProtectCommunication,
  SumProfile,
  WorkstationOs,
  type Declaration,
  type ServerProtectArgs,
  type ServerProtectOptions,
  type SmartUpdateManagerArgs,
  type SumOptions,
} from './schema-types.generated';
import type * as pulumi from '@pulumi/pulumi';
import type * as network from '@pulumi/azure-native/network';
import type { AzureCommonArgs, CatalogArgs, PortPlanArgs } from './args';
import type { ServerProtectArgs, SmartUpdateManagerArgs } from './schema-types.generated';
import * as component from './component';

/** A component that created its NSG (no `existingNetworkSecurityGroup`): `networkSecurityGroup` is set. */
export type WithNetworkSecurityGroup<C> = C & {
  /** The NSG the component created. */
  readonly networkSecurityGroup: network.NetworkSecurityGroup;
};

/**
 * The components' constructors as TypeScript sees them: without `existingNetworkSecurityGroup` the
 * component creates the NSG, so `networkSecurityGroup` is typed as set (no `!` needed). The classes
 * themselves (in the Pulumi package schema, for every language) keep it optional.
 */
export interface AzureComponentConstructor<C, A extends AzureCommonArgs> {
  /** Creates the NSG: `networkSecurityGroup` is set. */
  new (
    name: string,
    args: A & { readonly existingNetworkSecurityGroup?: undefined },
    opts?: pulumi.ComponentResourceOptions,
  ): WithNetworkSecurityGroup<C>;
  /** Adds rules to an existing NSG (or may): `networkSecurityGroup` may be undefined. */
  new (name: string, args: A, opts?: pulumi.ComponentResourceOptions): C;
  /** The class's prototype, so `instanceof` works. */
  readonly prototype: C;
}

/**
 * Application security groups and NSG rules for any declaration (`portplan:index:PortPlan`). In
 * TypeScript it also takes your own catalogs ({@link CatalogArgs}), which the package schema leaves out.
 */
export const PortPlan = component.PortPlan as AzureComponentConstructor<component.PortPlan, PortPlanArgs & CatalogArgs>;
/** Application security groups and NSG rules for any declaration (`portplan:index:PortPlan`). */
export type PortPlan = component.PortPlan;
/** Trend Micro ServerProtect for Windows 5.8 on Azure (`portplan:index:ServerProtect`). */
export const ServerProtect = component.ServerProtect as AzureComponentConstructor<
  component.ServerProtect,
  ServerProtectArgs
>;
/** Trend Micro ServerProtect for Windows 5.8 on Azure (`portplan:index:ServerProtect`). */
export type ServerProtect = component.ServerProtect;
/** HP Smart Update Manager (profile 5.x or 7.x+) on Azure (`portplan:index:SmartUpdateManager`). */
export const SmartUpdateManager = component.SmartUpdateManager as AzureComponentConstructor<
  component.SmartUpdateManager,
  SmartUpdateManagerArgs
>;
/** HP Smart Update Manager (profile 5.x or 7.x+) on Azure (`portplan:index:SmartUpdateManager`). */
export type SmartUpdateManager = component.SmartUpdateManager;
