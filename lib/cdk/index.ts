/**
 * AWS CDK constructs: one security group per role group, with the rules the spec resolves.
 * @packageDocumentation
 */
export * from './plan';
export * from './products';
export * from './limits';
export * from './rules';
