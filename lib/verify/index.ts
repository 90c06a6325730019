/**
 * The clouds' rules as code, for checking plans and deployed sites: an AWS security group
 * evaluator, an Azure NSG evaluator and an Azure Resource Manager rule validator, each written from
 * the cloud's documentation with no cloud SDK; and the site checks behind `portplan verify`, which
 * compare what is deployed with the plan. Only {@link readSecurityGroups} calls a cloud API (it
 * loads `@aws-sdk/client-ec2`, an optional peer dependency, when called).
 * @packageDocumentation
 */
export * from './aws';
export * from './azure';
export * from './azure-rules';
export * from './site';
export * from './site-aws';
export * from './site-azure';
export * from './ec2';
