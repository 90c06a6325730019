import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, examplePlans, PLACEHOLDER_NETWORK, EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import type { Resolution } from '../../lib/model';
import type { DeployedGroup } from '../../lib/verify/site-aws';
import { createdGroupId, parseSecurityGroups } from '../support/aws-template';

type Json = Record<string, unknown>;

/** One example stack as `verify aws` would find it deployed: its groups read from the template, mapped by tag. */
export interface TemplateSite {
  readonly resolution: Resolution;
  readonly groupIds: Record<string, string>;
  readonly groups: DeployedGroup[];
}

/** Synthesizes the example app and reads each stack's security groups from its template. */
export function exampleSites(): Record<(typeof EXAMPLE_STACKS)[number], TemplateSite> {
  const app = buildApp(new App({ builtinCloudFormationValidation: false } as ConstructorParameters<typeof App>[0]));
  const plans = examplePlans(app);
  const out: Partial<Record<string, TemplateSite>> = {};
  for (const stack of EXAMPLE_STACKS) {
    const template = Template.fromStack(Stack.of(plans[stack])).toJSON() as Json;
    const groups = parseSecurityGroups([{ stack, template }]);
    const groupIds: Record<string, string> = {};
    // Created groups are found by the portplan:group tag the CDK adapter writes, as on EC2.
    for (const [id, res] of Object.entries(template.Resources as Record<string, { Type: string; Properties: Json }>)) {
      if (res.Type !== 'AWS::EC2::SecurityGroup') continue;
      const tag = (res.Properties.Tags as { Key: string; Value: string }[] | undefined)?.find(
        (t) => t.Key === 'portplan:group',
      );
      if (tag) groupIds[tag.Value] = createdGroupId(stack, id);
    }
    if (stack === 'ComposedExample') groupIds['information-server'] = PLACEHOLDER_NETWORK.securityGroupId;
    out[stack] = { resolution: plans[stack].resolution, groupIds, groups };
  }
  return out as Record<(typeof EXAMPLE_STACKS)[number], TemplateSite>;
}
