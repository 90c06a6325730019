// verify on sites whose peers are a prefix list (AWS) or a service tag (Azure): the peer is every
// address the site's list or tag holds, so a site as planned admits exactly the plan's packets; a
// rule narrowed to one entry of the list blocks the others, with a witness in them; and a check
// that is not told the entries refuses, naming what it needs.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AZURE_LIMITS, planAzure, securityRuleArgs } from '../../lib/azure/plan';
import { PortPlan } from '../../lib/cdk';
import { resolve, type Declaration } from '../../lib/model';
import { verifyAwsSite, type DeployedGroup } from '../../lib/verify/site-aws';
import { explainAwsSite } from '../../lib/verify/explain-aws';
import { asgKey, readNsg, verifyAzureSite } from '../../lib/verify/site-azure';
import { readServiceTags } from '../../lib/verify';
import { createdGroupId, parseSecurityGroups } from '../support/aws-template';
import { SERVERPROTECT } from '../support/declarations';

const LIST = 'pl-0123456789abcdef0';
const ENTRIES = ['203.0.113.0/28', '198.51.100.8/29'];
const DECLARATION: Declaration = {
  ...SERVERPROTECT,
  peers: [
    {
      name: 'tmcm',
      kind: 'control-manager',
      prefixList: { id: LIST, maxEntries: 4 },
      serviceTag: 'AzureMonitor.WestEurope',
    },
  ],
  serverProtect: { controlManagerAgent: 'tmi' },
};

function awsSite() {
  const app = new App();
  const stack = new Stack(app, 'Peers');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration: DECLARATION });
  const template = Template.fromStack(stack).toJSON() as Record<string, unknown>;
  const groups = parseSecurityGroups([{ stack: 'Peers', template }]);
  const groupIds: Record<string, string> = {};
  for (const g of plan.groups) {
    const logical = (stack.resolve(g.securityGroup.securityGroupId) as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    groupIds[g.name] = createdGroupId('Peers', logical);
  }
  return { resolution: plan.resolution, groups, groupIds };
}

describe('verify aws: a prefix list peer is its entries', () => {
  const site = awsSite();
  const peerFlows = (r: ReturnType<typeof verifyAwsSite>) =>
    r.flows.filter((f) => f.from === 'tmcm' || f.to === 'tmcm');

  test('as planned: every flow of the peer allowed, no extra rule', () => {
    const r = verifyAwsSite(site.resolution, site.groupIds, site.groups, { prefixLists: { [LIST]: ENTRIES } });
    expect(peerFlows(r).length).toBeGreaterThan(0);
    expect(peerFlows(r).every((f) => f.status === 'allowed')).toBe(true);
    expect(r.extra).toEqual([]);
    expect(r.drift).toBe(false);
  });

  test('a rule narrowed from the list to its first entry: the other entry is cut off, with a witness in it', () => {
    const groups: DeployedGroup[] = site.groups.map((g) => ({
      ...g,
      ingress: g.ingress.map((x) => {
        if (x.prefixListId !== LIST) return x;
        return { ...x, prefixListId: undefined, cidrIpv4: ENTRIES[0] };
      }),
    }));
    const r = verifyAwsSite(site.resolution, site.groupIds, groups, { prefixLists: { [LIST]: ENTRIES } });
    const cut = peerFlows(r).filter((f) => f.status !== 'allowed');
    expect(cut.length).toBeGreaterThan(0);
    for (const f of cut) {
      const witness = f.blocked[0].witness;
      expect(witness.source.address).toMatch(/^198\.51\.100\.(8|9|1[0-5])$/);
    }
    expect(r.extra).toEqual([]);
  });

  test('explain from the list to the information servers: every planned flow open, no unrequired packet', () => {
    const answer = explainAwsSite(
      site.resolution,
      { from: 'tmcm', to: 'information-server' },
      site.groupIds,
      site.groups,
      { prefixLists: { [LIST]: ENTRIES } },
    );
    const [there] = answer.directions;
    expect(there.flows.length).toBeGreaterThan(0);
    expect(there.flows.every((f) => f.status === 'allowed')).toBe(true);
    expect(there.unrequired).toBeUndefined();
  });

  test('without the entries of the list, the check refuses and says what it needs', () => {
    expect(() => verifyAwsSite(site.resolution, site.groupIds, site.groups)).toThrow(
      /^prefixLists: the entries of peer tmcm's prefix list pl-0123456789abcdef0/,
    );
  });
});

describe('verify azure: a service tag peer is its published ranges', () => {
  const r = resolve(DECLARATION);
  const plan = planAzure(r, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
  const asgId = (g: string) =>
    `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/${g}`;
  const names = [...r.declaration.groups.map((g) => g.name), ...plan.roleGroups.map((g) => g.name)];
  const groups = Object.fromEntries(names.map((n) => [n, asgKey(asgId(n))]));
  const nsg = readNsg({ name: 'nsg', securityRules: plan.rules.map((x) => securityRuleArgs(x, asgId)) }, 'nsg.json');
  const NETWORK = { addressSpace: ['10.40.0.0/16'] };
  // The shape of `az network list-service-tags -o json`.
  const serviceTags = readServiceTags(
    {
      values: [
        { name: 'AzureMonitor.WestEurope', properties: { addressPrefixes: ['20.50.65.0/28', '51.144.56.0/26'] } },
      ],
    },
    'tags.json',
  );

  test('as planned, with the tag ranges: every flow allowed, no extra rule', () => {
    const report = verifyAzureSite(r, NETWORK, nsg, groups, { serviceTags });
    const peer = report.flows.filter((f) => f.from === 'tmcm' || f.to === 'tmcm');
    expect(peer.length).toBeGreaterThan(0);
    expect(peer.every((f) => f.status === 'allowed')).toBe(true);
    expect(report.extra).toEqual([]);
  });

  test('without the ranges of the tag, the check refuses and names the option', () => {
    expect(() => verifyAzureSite(r, NETWORK, nsg, groups)).toThrow(
      /^serviceTags: the ranges of peer tmcm's service tag AzureMonitor\.WestEurope \(verify azure --service-tags/,
    );
  });

  test('a service tags file of another shape is refused, naming the file and the field', () => {
    expect(() => readServiceTags({ value: [] }, 'tags.json')).toThrow(/tags\.json: must be Azure's service tags JSON/);
    expect(() =>
      readServiceTags({ values: [{ name: 'X', properties: { addressPrefixes: ['nope'] } }] }, 't.json'),
    ).toThrow(/t\.json: values\[0\] \(X\): addressPrefixes\[0\] must be an IPv4 or IPv6 CIDR/);
  });
});
