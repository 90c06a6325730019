/**
 * Pulumi components for Azure: application security groups per role group and NSG rules from the spec.
 * @packageDocumentation
 */
export * from './rules';
export * from './args';
export * from './component';
