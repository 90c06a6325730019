// Entry point of the Pulumi component package (PulumiPlugin.yaml): the components it exports are
// the package's resources, `portplan:index:<Name>`; Pulumi derives their schema from these classes,
// which are generated from the built-in catalogs (lib/pulumi/component.ts holds what they do).
export { PortPlan, ServerProtect, SmartUpdateManager } from '../lib/pulumi/schema-types.generated';
