/**
 * Pulumi components for Azure: application security groups per role group and NSG rules from the
 * spec, and the pure planner ({@link planAzureRules}) the components render.
 * @packageDocumentation
 */
export {
  AZURE_LIMITS, AzureLimitError, AzureRuleError, planAzureRules, securityRuleArgs,
  type AdditionalRule, type AsgReference, type AzurePlan, type AzurePlanOptions, type AzureRule, type AzureRuleEndpoint,
  type AzureRuleOrigin, type AzureSecurityRuleArgs, type PriorityBand,
} from './rules';
export {
  ControlManagerAgent, Egress, PeerKind, RoleId, RuleAccess, RuleDirection, RuleProtocol, ServerProtectCommunication,
  SumProfile, WorkstationOs, declarationArgs,
  type AdditionalRuleArgs, type AzureCommonArgs, type Declaration, type ExistingNetworkSecurityGroup,
  type GroupDeclaration, type PeerDeclaration, type PortPlanArgs, type RuleEndpointArgs, type ServerProtectArgs,
  type ServerProtectOptions, type SmartUpdateManagerArgs, type SumOptions,
} from './args';
export { PortPlan, ServerProtect, SmartUpdateManager } from './component';
