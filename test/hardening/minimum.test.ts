import { Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { PortPlan } from '../../lib/cdk';
import { planAzureRules } from '../../lib/pulumi';
import { expectedRules, templateRules, testStack } from '../support/cdk';
import { validDeclaration } from '../support/declarations';
import { minimumAzureRules, minimumRules } from '../support/oracle';

// The emitted rule count equals the theoretical minimum computed from the oracle alone (AWS: one
// rule per maximal contiguous port run per peer pair and protocol; Azure: one allow rule per
// direction, source, destination and protocol), where the groups of a role with two or more count
// as one party, as the role-wide group carries their rules. `npm run bench` reports the same ratio over every
// option combination.
test('AWS: rules in the template = the minimum (fast-check)', () => {
  fc.assert(
    fc.property(validDeclaration, (declaration) => {
      const { stack, vpc } = testStack();
      const plan = new PortPlan(stack, 'Plan', {
        vpc,
        declaration,
        maxRulesPerGroup: 1000,
        maxSecurityGroupsPerInterface: 1,
      });
      const min = minimumRules(declaration);
      expect(plan.rulePlan.rules.length).toBe(min.inbound + min.outbound);
      // Written out per pair of groups (a role-wide rule once per member), the template is every flow's rule.
      expect(templateRules(Template.fromStack(stack), plan)).toEqual(expectedRules(plan));
    }),
    { numRuns: 25 },
  );
});

test('Azure: allow rules = distinct (direction, source, destination, protocol) (fast-check)', () => {
  fc.assert(
    fc.property(validDeclaration, (declaration) => {
      const minimum = minimumAzureRules(declaration);
      const rules = planAzureRules(declaration, { band: { from: 100, to: 4096 }, denyOtherVnetTraffic: false }).rules;
      expect(rules.length).toBe(minimum);
    }),
    { numRuns: 200 },
  );
});
