/**
 * The site checks behind `portplan verify aws|azure`, which compare what is deployed with the plan
 * as exact packet sets (lib/packets), and their readers of the clouds' own data: the AWS security
 * groups and the Azure NSGs compiled into packet sets from the clouds' documentation (from
 * `lib/aws` and `lib/azure`, no cloud SDK), the plan's flows as packet sets, `explain` of a pair of
 * parties (from the plan, or against a deployed site with the rule change that opens what it
 * blocks) and the packet half of `catalog diff`. Also the AWS evaluator (one packet against the
 * same sets), an Azure NSG evaluator and an Azure Resource Manager rule validator. Only
 * {@link readSecurityGroups} calls a cloud API (it loads `@aws-sdk/client-ec2`, an optional peer
 * dependency, when called).
 * @packageDocumentation
 */
export {
  ModelError,
  allowed,
  allowedIn,
  compileAwsNetwork,
  type AddressEnd,
  type AwsNetworkModel,
  type CompiledAwsNetwork,
  type ConnectionEnd,
  type HostEnd,
  type HostModel,
  type SecurityGroupModel,
  type SecurityGroupRuleModel,
  type Verdict,
} from '../aws';
export {
  AZURE_HOST_IP,
  AZURE_IMDS_IP,
  DEFAULT_RULES,
  RULE_PROTOCOLS,
  SERVICE_TAGS,
  evaluateFlow,
  compileNsg,
  decideIn,
  evaluateNsg,
  isAddressPrefix,
  isPortRange,
  isValidRuleName,
  validateSecurityRules,
  type ArmApplicationSecurityGroupRef,
  type ArmSecurityRule,
  type AzureEndpoint,
  type CompileNsgOptions,
  type CompiledNsg,
  type NsgQuestion,
  type AzureNetwork,
  type AzurePacket,
  type FlowVerdict,
  type NsgDecision,
  type RuleFinding,
} from '../azure';
export {
  VERIFY_JSON_VERSION,
  siteReportJson,
  siteReportText,
  type BlockedSide,
  type ExtraRule,
  type FlowCheck,
  type MappedGroup,
  type Shortfall,
  type SideLoss,
  type SiteReport,
  flowCheck,
  shortfall,
  surplusOf,
} from './site';
export { GROUP_TAG } from '../model';
export {
  groupIdsByTag,
  verifyAwsSite,
  type AwsSiteOptions,
  type DeployedGroup,
  type DeployedRule,
  type TaggedGroup,
} from './site-aws';
export {
  ASG_GROUP_TAG,
  AzureInputError,
  asgKey,
  asgsOfGroups,
  readAsgs,
  readNsg,
  verifyAzureSite,
  type AsgInput,
  type AzureSiteOptions,
  type NsgInput,
} from './site-azure';
export {
  AwsAccessError,
  MissingDependencyError,
  readSecurityGroups,
  type Ec2Query,
  type ReadSecurityGroup,
} from './ec2';
export {
  flowPackets,
  hostView,
  planPackets,
  ruleView,
  sameFamilyPackets,
  addressesOf,
  portsOf,
  type FlowView,
} from './plan-packets';
export { explainPair, type PairAnswer, type PairDirection, type PairFlow, type PairQuery } from './explain-pair';
export {
  explainSite,
  type SiteAnswer,
  type SiteDirection,
  type SiteFlow,
  type SideGap,
  type SiteSide,
  type Unrequired,
} from './explain-site';
export { applyAwsChanges, explainAwsSite, type AwsRuleChange } from './explain-aws';
export {
  applyAzureChanges,
  explainAzureSite,
  type AzureAdminChange,
  type AzureNsgChange,
  type AzureRuleChange,
} from './explain-azure';
export { awsSiteModel, type AwsSiteModel } from './site-aws';
export { adminDecisions, azureSiteModel, type AzureSiteModel } from './site-azure';
export { diffPlanPackets, planPacketDiffText, type PlanPacketDiff, type RolePairChange } from './plan-diff';
export {
  awsRulePackets,
  awsSitePackets,
  unfiltered,
  type AwsGroupCarriers,
  type AwsRule,
  type AwsRuleContext,
  type AwsSitePackets,
} from '../aws/site-packets';
export {
  azureSitePackets,
  nsgPackets,
  platformPackets,
  rulePackets as azureRulePackets,
  type AzureRuleContext,
  type AzureSitePackets,
  type NsgPackets,
  type RuleDecision,
} from '../azure/site-packets';
export { readAdminRules } from './admin-rules-file';
export { readServiceTags } from './service-tags-file';
