// verify aws on a site of a catalog with ICMP and ICMPv6 flows: the CDK template's groups, read
// as EC2 gives them, admit every planned message and nothing else; a rule edited to another ICMP
// type blocks the flow (witness: a packet of the planned type) and is reported as extra.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PortPlan } from '../../lib/cdk';
import { verifyAwsSite, type DeployedGroup } from '../../lib/verify/site-aws';
import { createdGroupId, parseSecurityGroups } from '../support/aws-template';
import { ICMP_CATALOG, ICMP_DECLARATION } from '../support/icmp-catalog';

function icmpSite() {
  const app = new App();
  const stack = new Stack(app, 'Icmp');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration: ICMP_DECLARATION, catalogs: [ICMP_CATALOG] });
  const template = Template.fromStack(stack).toJSON() as Record<string, unknown>;
  const groups = parseSecurityGroups([{ stack: 'Icmp', template }]);
  const groupIds: Record<string, string> = {};
  for (const g of plan.groups) {
    const logical = (stack.resolve(g.securityGroup.securityGroupId) as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    groupIds[g.name] = createdGroupId('Icmp', logical);
  }
  return { resolution: plan.resolution, groups, groupIds };
}

const site = icmpSite();

test('the deployed template admits every planned ICMP and ICMPv6 message and no other', () => {
  const r = verifyAwsSite(site.resolution, site.groupIds, site.groups);
  expect(r.flows.filter((f) => f.protocol.startsWith('icmp')).map((f) => [f.from, f.to, f.protocol, f.status])).toEqual(
    [
      ['nodes', 'monitors', 'icmpv6', 'allowed'],
      ['monitors', 'nodes', 'icmp', 'allowed'],
      ['probe', 'nodes', 'icmp', 'allowed'],
    ],
  );
  expect(r.extra).toEqual([]);
  expect(r.drift).toBe(false);
});

test('an echo-request rule edited to echo reply (type 0): the flow is blocked at ingress with a type-8 witness, the rule is extra', () => {
  const nodes = site.groupIds.nodes;
  const groups: DeployedGroup[] = site.groups.map((g) =>
    g.groupId === nodes
      ? {
          ...g,
          ingress: g.ingress.map((x) => (x.ipProtocol === 'icmp' && x.fromPort === 8 ? { ...x, fromPort: 0 } : x)),
        }
      : g,
  );
  const r = verifyAwsSite(site.resolution, site.groupIds, groups);
  const echo = r.flows.find((f) => f.protocol === 'icmp' && f.from === 'monitors')!;
  expect(echo.status).toBe('blocked');
  expect(echo.blocked.map((b) => b.side)).toEqual(['ingress']);
  expect(echo.blocked[0].witness).toMatchObject({ protocol: 1, icmpType: 8 });
  expect(r.extra.map((x) => [x.group, x.direction, x.protocol])).toEqual([['nodes', 'inbound', 'icmp']]);
  expect(r.drift).toBe(true);
});
