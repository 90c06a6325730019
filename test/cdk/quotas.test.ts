import fc from 'fast-check';
import { PortPlan, ServerProtect } from '../../lib/cdk';
import { ArgumentError } from '../../lib/model';
import { SERVERPROTECT } from '../support/declarations';
import { testStack } from '../support/cdk';

// AWS caps rules per security group times security groups per network interface at 1,000
// (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups):
// the two limit props are refused together when their product is larger, each at its default
// (60 and 5) when not given.

const construct = (limits: { maxRulesPerGroup?: number; maxSecurityGroupsPerInterface?: number }) => {
  const { stack, vpc } = testStack();
  return { stack, make: () => new PortPlan(stack, 'Plan', { vpc, declaration: SERVERPROTECT, ...limits }) };
};

test('1,000 rules per group with 16 groups per interface: refused, naming both props and the quota', () => {
  const { stack, make } = construct({ maxRulesPerGroup: 1000, maxSecurityGroupsPerInterface: 16 });
  expect(make).toThrow(ArgumentError);
  expect(make).toThrow(
    /^maxRulesPerGroup × maxSecurityGroupsPerInterface: at most 1,000 \(AWS quota: rules per security group times security groups per network interface, https:\/\/docs\.aws\.amazon\.com\/vpc\/latest\/userguide\/amazon-vpc-limits\.html#vpc-limits-security-groups\); 1,000 × 16 is 16,000: lower one of them \(got \{"maxRulesPerGroup":1000,"maxSecurityGroupsPerInterface":16\}\)$/,
  );
  expect(stack.node.tryFindChild('Plan')).toBeUndefined();
});

test("one prop alone is checked against the other one's default", () => {
  expect(construct({ maxRulesPerGroup: 201 }).make).toThrow(
    /201 × 5 is 1,005: lower one of them \(got \{"maxRulesPerGroup":201,"maxSecurityGroupsPerInterface":5\}\)/,
  );
  expect(construct({ maxRulesPerGroup: 200 }).make).not.toThrow();
  expect(construct({ maxSecurityGroupsPerInterface: 16 }).make).not.toThrow(); // 60 × 16 = 960
  expect(construct({}).make).not.toThrow(); // 60 × 5
});

// From 60 rules up: fewer would refuse the plan's own rule counts, another check.
test('every product up to 1,000 is accepted, every product above it refused (fast-check)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 60, max: 1200 }), fc.integer({ min: 1, max: 16 }), (rules, groups) => {
      const { make } = construct({ maxRulesPerGroup: rules, maxSecurityGroupsPerInterface: groups });
      if (rules * groups > 1000) expect(make).toThrow(/maxRulesPerGroup × maxSecurityGroupsPerInterface/);
      else expect(make).not.toThrow();
    }),
    { numRuns: 60 },
  );
});

test('the product constructs check it too', () => {
  const { stack, vpc } = testStack();
  expect(
    () => new ServerProtect(stack, 'Sp', { vpc, maxRulesPerGroup: 500, maxSecurityGroupsPerInterface: 3 }),
  ).toThrow(/maxRulesPerGroup × maxSecurityGroupsPerInterface: at most 1,000/);
});
