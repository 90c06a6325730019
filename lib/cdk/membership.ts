import { CfnResource, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { interfaceGroupLists } from './limits';

/** A declared group whose role has a role-wide security group: the two a host of it must carry. */
export interface RoleMembership {
  /** The group's name. */
  readonly group: string;
  /** The group's own security group. */
  readonly own: ec2.ISecurityGroup;
  /** The role-wide security group. */
  readonly role: ec2.ISecurityGroup;
}

/**
 * Synth-time check: every network interface of the app (instance, network interface, launch
 * template, launch configuration) that carries a group's own security group also carries its
 * role's security group, which holds the rules every group of the role needs alike: without it
 * the host would be cut off from them. Groups are compared by their resolved ids, so lists whose
 * ids come from another stack or outside CDK are not judged.
 */
export function roleMembershipErrors(stack: Stack, memberships: readonly RoleMembership[]): string[] {
  if (!memberships.length) return [];
  const id = (sg: ec2.ISecurityGroup) => JSON.stringify(stack.resolve(sg.securityGroupId));
  const errors: string[] = [];
  const all = (stack.node.root as IConstruct).node.findAll().filter(CfnResource.isCfnResource);
  for (const r of all) {
    for (const list of interfaceGroupLists(r)) {
      if (!Array.isArray(list)) continue;
      const ids = new Set(list.map((x) => JSON.stringify(Stack.of(r).resolve(x))));
      for (const m of memberships) {
        if (ids.has(id(m.own)) && !ids.has(id(m.role))) {
          errors.push(
            `${r.node.path} carries the security group of ${m.group} but not its role's security group: ` +
              `add both with group.addTo(host) (or every one of group.securityGroups)`,
          );
        }
      }
    }
  }
  return errors;
}
