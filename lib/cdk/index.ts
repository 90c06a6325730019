/**
 * AWS CDK constructs: one security group per role group, with the rules the spec resolves, and
 * the pure planner ({@link planAws}) the constructs render.
 * @packageDocumentation
 */
export {
  PortPlan,
  RoleGroup,
  groupDescription,
  type ExistingSecurityGroup,
  type PortPlanProps,
  type SecurityGroupTaker,
} from './plan';
export {
  ServerProtect,
  SmartUpdateManager,
  type ProductProps,
  type ServerProtectProps,
  type SmartUpdateManagerProps,
} from './products';
export {
  LimitError,
  MAX_GROUPS_PER_INTERFACE,
  MAX_GROUPS_PER_INTERFACE_RAISED,
  MAX_RESOURCES_PER_STACK,
  MAX_RULES_PER_GROUP,
  planAws,
  planRules,
  ruleCountsByFamily,
  type AwsPlanOptions,
  type CidrRemote,
  type PrefixListRemote,
  type DefaultEgressRule,
  type GroupRemote,
  type GroupTreatment,
  type PlannedGroup,
  type PlannedRoleGroup,
  type PlannedRule,
  type RuleCount,
  type RulePlacement,
  type RulePlan,
  type RuleRemote,
} from '../aws';
