// Entry point of the Pulumi component package (PulumiPlugin.yaml): the components it exports are
// the package's resources, `portplan:index:<Name>`; Pulumi derives their schema from these classes.
export { PortPlan, ServerProtect, SmartUpdateManager } from '../lib/pulumi/component';
