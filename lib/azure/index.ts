/**
 * Azure's rules as code, with no SDK: the planner that turns a resolution into NSG rules with
 * stable priorities (`planAzure`), Azure's limits, the Azure Resource Manager rule validator,
 * and an evaluator of NSGs written from the Azure documentation. The Pulumi components
 * (`portplan/pulumi`) create the planned resources; `portplan verify azure` checks a deployed site
 * with the evaluator.
 * @packageDocumentation
 */
export {
  AZURE_LIMITS,
  AzureLimitError,
  AzureRuleError,
  checkPriorityBand,
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
} from './plan';
export {
  RULE_PROTOCOLS,
  SERVICE_TAGS,
  isServiceTag,
  isAddressPrefix,
  isPortRange,
  isValidRuleName,
  validateSecurityRules,
  type ArmApplicationSecurityGroupRef,
  type ArmSecurityRule,
  type RuleFinding,
} from './rules';
export {
  AZURE_HOST_IP,
  AZURE_IMDS_IP,
  DEFAULT_RULES,
  evaluateFlow,
  compileNsg,
  decideIn,
  evaluateNsg,
  type AzureEndpoint,
  type CompileNsgOptions,
  type CompiledNsg,
  type NsgQuestion,
  type AzureNetwork,
  type AzurePacket,
  type FlowVerdict,
  type NsgDecision,
} from './evaluator';
export {
  adminRulePackets,
  withAdminRules,
  type AdminPackets,
  type AdminRule,
  type AdminRuleAddress,
  type AdminRuleDecision,
  type AdminSitePackets,
} from './admin-rules';
