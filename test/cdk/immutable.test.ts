import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PortPlan } from '../../lib/cdk';
import { isCdkImmutable } from '../../lib/cdk/plan';
import { SERVERPROTECT } from '../support/declarations';
import { testStack } from '../support/cdk';

// Whether aws-cdk-lib writes rules on an existing group is read from what the group does (its
// addIngressRule, run on a stand-in in a scratch app), not from which class it is: the answer holds
// whatever class aws-cdk-lib implements imports with, and the app is never touched.

const SG_ID = 'sg-0123456789abcdef0';
const paths = (stack: Stack) => stack.node.root.node.findAll().map((c) => c.node.path);

describe('the groups aws-cdk-lib makes', () => {
  test.each<[string, ec2.SecurityGroupImportOptions | undefined, boolean]>([
    ['an import with mutable: false', { mutable: false }, true],
    ['a mutable import', undefined, false],
    ['a mutable import that restricts outbound traffic', { allowAllOutbound: false }, false],
  ])('%s: %s', (_name, options, immutable) => {
    const { stack } = testStack();
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Existing', SG_ID, options);
    expect(isCdkImmutable(sg)).toBe(immutable);
  });

  test('a group created in the app: mutable', () => {
    const { stack, vpc } = testStack();
    expect(isCdkImmutable(new ec2.SecurityGroup(stack, 'Mine', { vpc }))).toBe(false);
  });
});

test("a class of aws-cdk-lib's import that inherits its rule methods from another: still read right", () => {
  const { stack } = testStack();
  const frozen = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Frozen', SG_ID, { mutable: false });
  const open = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Open', SG_ID);
  // Were aws-cdk-lib to declare the no-op rule methods one class up, the group would behave the same.
  const Base = Object.getPrototypeOf(frozen).constructor as new (...a: unknown[]) => ec2.ISecurityGroup;
  const Subclass = class extends Base {};
  const moved = Object.setPrototypeOf(Object.create(frozen), Subclass.prototype) as ec2.ISecurityGroup;
  Object.defineProperties(moved, Object.getOwnPropertyDescriptors(frozen));
  expect(isCdkImmutable(moved)).toBe(true);
  const MutableSub = class extends (Object.getPrototypeOf(open).constructor as new (
    ...a: unknown[]
  ) => ec2.ISecurityGroup) {};
  const movedOpen = Object.setPrototypeOf(Object.create(open), MutableSub.prototype) as ec2.ISecurityGroup;
  Object.defineProperties(movedOpen, Object.getOwnPropertyDescriptors(open));
  expect(isCdkImmutable(movedOpen)).toBe(false);
});

test('the probe leaves the app as it was: no construct, no rule, the same template', () => {
  const { stack, vpc } = testStack();
  const open = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Open', SG_ID);
  const frozen = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Frozen', 'sg-0fedcba9876543210', { mutable: false });
  new PortPlan(stack, 'Plan', {
    vpc,
    declaration: SERVERPROTECT,
    existingSecurityGroups: { console: { securityGroup: open }, 'information-server': { securityGroup: frozen } },
  });
  const template = JSON.stringify(Template.fromStack(stack).toJSON());
  const before = { paths: paths(stack), template };
  expect(isCdkImmutable(open)).toBe(false);
  expect(isCdkImmutable(frozen)).toBe(true);
  expect(paths(stack)).toEqual(before.paths);
  expect(JSON.stringify(Template.fromStack(stack).toJSON())).toBe(before.template);
  expect(before.template).not.toContain('192.0.2.');
});
