import { CfnResource, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Resolution } from '../spec';

/** AWS quota: security groups on one network interface (default). */
export const MAX_GROUPS_PER_INTERFACE = 5;
/** CloudFormation quota: resources in one stack. */
export const MAX_RESOURCES_PER_STACK = 500;

/** A cloud limit a plan would exceed; the message names the group or resource and the numbers. */
export class LimitError extends Error {
  /** Always `LimitError`, so the error can be told apart after serialization. */
  override readonly name = 'LimitError';
}

/**
 * Throws when a group would get more inbound or outbound rules than `max`. Inline address-range
 * rules and separate rules count alike: AWS counts rules, not resources.
 */
export function checkRuleCounts(resolution: Resolution, max: number): void {
  if (!Number.isInteger(max) || max < 1) throw new LimitError(`maxRulesPerGroup: must be a whole number of at least 1 (got ${max})`);
  const inbound = new Map<string, number>();
  const outbound = new Map<string, number>();
  for (const f of resolution.flows) {
    if (f.to.kind === 'group') inbound.set(f.to.name, (inbound.get(f.to.name) ?? 0) + 1);
    if (resolution.declaration.egress === 'restricted' && f.from.kind === 'group') outbound.set(f.from.name, (outbound.get(f.from.name) ?? 0) + 1);
  }
  for (const [direction, counts] of [['inbound', inbound], ['outbound', outbound]] as const) {
    for (const [group, n] of counts) {
      if (n > max) {
        throw new LimitError(
          `security group ${group} would have ${n} ${direction} rules, more than the limit of ${max} per group; ` +
            'split the role group, or raise maxRulesPerGroup if the account quota is raised',
        );
      }
    }
  }
}

/** Synth-time checks over the whole stack: resources per stack, security groups per interface. */
export function stackLimits(stack: Stack): string[] {
  const errors: string[] = [];
  const resources = stack.node.findAll().filter(CfnResource.isCfnResource);
  if (resources.length > MAX_RESOURCES_PER_STACK) {
    errors.push(`stack ${stack.stackName} has ${resources.length} resources, more than CloudFormation's ${MAX_RESOURCES_PER_STACK}; spread the role groups over several PortPlan constructs in different stacks`);
  }
  for (const r of resources) {
    const groups =
      r instanceof ec2.CfnInstance ? r.securityGroupIds : r instanceof ec2.CfnNetworkInterface ? r.groupSet : undefined;
    const resolved: unknown = groups === undefined ? undefined : stack.resolve(groups);
    if (Array.isArray(resolved) && resolved.length > MAX_GROUPS_PER_INTERFACE) {
      errors.push(`${r.node.path} has ${resolved.length} security groups on one network interface, more than AWS's ${MAX_GROUPS_PER_INTERFACE}`);
    }
  }
  return errors;
}
