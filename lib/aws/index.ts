/**
 * AWS's rules as code, with no SDK: the planner that turns a resolution into security group rules
 * (`planAws`), the quotas it is checked against (`limits`), and an evaluator of security groups written from
 * the AWS documentation. The CDK constructs (`portplan/cdk`) render the plan; `portplan verify aws`
 * checks a deployed site with the evaluator.
 * @packageDocumentation
 */
export {
  planAws,
  planRules,
  type AwsPlanOptions,
  type CidrRemote,
  type PrefixListRemote,
  type DefaultEgressRule,
  type GroupRemote,
  type GroupTreatment,
  type PlannedGroup,
  type PlannedRoleGroup,
  type PlannedRule,
  type RulePlacement,
  type RulePlan,
  type RuleRemote,
} from './plan';
export {
  LimitError,
  MAX_GROUPS_PER_INTERFACE,
  MAX_GROUPS_PER_INTERFACE_RAISED,
  MAX_RESOURCES_PER_STACK,
  MAX_RULES_PER_GROUP,
  MAX_RULES_TIMES_GROUPS,
  checkQuotaProduct,
  checkRuleCounts,
  checkWholeNumber,
  ruleCountsByFamily,
  type RuleCount,
} from './limits';
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
} from './evaluator';
