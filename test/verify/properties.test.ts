import fc from 'fast-check';
import { planRules } from '../../lib/aws/plan';
import { AZURE_LIMITS, planAzureRules, securityRuleArgs } from '../../lib/azure/plan';
import { cloudGroupNames, resolve, type Resolution } from '../../lib/model';
import { verifyAwsSite, type DeployedGroup, type DeployedRule } from '../../lib/verify/site-aws';
import { asgKey, asgsOfGroups, readNsg, verifyAzureSite } from '../../lib/verify/site-azure';
import { validDeclaration } from '../support/declarations';

// Random declarations, deployed exactly as the adapters' planners plan them: the check finds no
// drift; one world-open rule added to any group is found, first.

const sg = (group: string) => `sg-${group}`;

/** The security groups planRules() describes, as EC2 would list them after a deploy. */
function awsSite(r: Resolution): DeployedGroup[] {
  const plan = planRules(r);
  return [...plan.groups, ...plan.roleGroups].map((g) => {
    const own = plan.rules.filter((x) => x.group === g.name);
    const rule = (x: (typeof own)[number]): DeployedRule => ({
      ipProtocol: x.protocol,
      fromPort: x.fromPort,
      toPort: x.toPort,
      ...(x.remote.kind === 'group'
        ? { referencedGroupId: sg(x.remote.name) }
        : x.remote.kind === 'prefixList'
          ? { prefixListId: x.remote.prefixList.id }
          : x.remote.family === 4
            ? { cidrIpv4: x.remote.cidr }
            : { cidrIpv6: x.remote.cidr }),
    });
    const defaults: DeployedRule[] = g.defaultEgress.map((d) =>
      d === 'allow-all-ipv4'
        ? { ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }
        : d === 'allow-all-ipv6'
          ? { ipProtocol: '-1', cidrIpv6: '::/0' }
          : { ipProtocol: 'icmp', fromPort: 252, toPort: 86, cidrIpv4: '255.255.255.255/32' },
    );
    return {
      groupId: sg(g.name),
      ingress: own.filter((x) => x.direction === 'inbound').map(rule),
      egress: [...own.filter((x) => x.direction === 'outbound').map(rule), ...defaults],
    };
  });
}

test('AWS: a site deployed as planned has no drift; an added world-open rule is the first finding', () => {
  fc.assert(
    fc.property(validDeclaration, fc.nat(), (d, pick) => {
      const r = resolve(d);
      const ids = Object.fromEntries(cloudGroupNames(r).map((g) => [g, sg(g)]));
      const groups = awsSite(r);
      const clean = verifyAwsSite(r, ids, groups);
      expect(clean.flows.filter((f) => f.status !== 'allowed')).toEqual([]);
      expect(clean.extra).toEqual([]);
      const target = groups[pick % groups.length];
      const open: DeployedRule = {
        ipProtocol: 'tcp',
        fromPort: 3389,
        toPort: 3389,
        cidrIpv4: '0.0.0.0/0',
        ruleId: 'sgr-open',
      };
      const changed = groups.map((g) => (g === target ? { ...g, ingress: [...g.ingress, open] } : g));
      const found = verifyAwsSite(r, ids, changed);
      expect(found.drift).toBe(true);
      const group = cloudGroupNames(r)[pick % groups.length];
      expect(found.extra[0]).toMatchObject({ rule: 'sgr-open', worldOpen: true, group });
    }),
  );
});

test('Azure: an NSG deployed as planned (restricted egress too) has no drift; an Internet allow is found first', () => {
  fc.assert(
    fc.property(validDeclaration, fc.nat(), (d, pick) => {
      const r = resolve(d);
      const plan = planAzureRules(r.declaration, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
      const names = cloudGroupNames(r);
      const asgName = (g: string) => `asg-${g.replace(/:/g, '_')}`;
      const asgId = (g: string) => `/subscriptions/s/applicationSecurityGroups/${asgName(g)}`;
      const asgs = names.map((n) => ({ key: asgKey(asgId(n)), name: asgName(n), tags: { 'portplan:group': n } }));
      const rules = plan.rules.map((x) => securityRuleArgs(x, asgId));
      const network = { addressSpace: ['10.40.0.0/16', 'fd00:40::/48'] };
      const nsg = readNsg({ name: 'nsg', securityRules: rules }, 'nsg.json');
      const groups = asgsOfGroups(names, asgs, [], nsg);
      const clean = verifyAzureSite(r, network, nsg, groups);
      expect(clean.flows.filter((f) => f.status !== 'allowed')).toEqual([]);
      expect(clean.extra).toEqual([]);
      const target = names[pick % names.length];
      const open = {
        name: 'open',
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourcePortRange: '*',
        destinationPortRange: '3389',
        sourceAddressPrefix: 'Internet',
        destinationApplicationSecurityGroups: [{ id: asgId(target) }],
      };
      const withOpen = readNsg({ name: 'nsg', securityRules: [...rules, open] }, 'nsg.json');
      const found = verifyAzureSite(r, network, withOpen, groups);
      expect(found.extra[0]).toMatchObject({ rule: 'open (priority 100)', worldOpen: true, group: target });
    }),
  );
});

test('Azure: a peer whose range covers the whole VNet (IPv4 and IPv6) still gets the groups NIC addresses', () => {
  const r = resolve({
    groups: [
      { name: 'workstation', role: 'sum:workstation' },
      { name: 'ilos', role: 'sum:target:ilo' },
    ],
    peers: [
      { name: 'admins', kind: 'administrators', cidr: '10.0.0.0/8' },
      { name: 'admins6', kind: 'administrators', cidr: 'fd00::/8' },
    ],
    sum: { profile: '7.x+' },
  });
  const plan = planAzureRules(r.declaration, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
  const asg = (n: string) => ({ key: `asg-${n}`, name: `asg-${n}`, tags: { 'portplan:group': n } });
  const asgs = ['workstation', 'ilos'].map(asg);
  const rules = plan.rules.map((x) => securityRuleArgs(x, (g) => `asg-${g}`));
  const nsg = readNsg({ name: 'nsg', securityRules: rules }, 'n');
  const network = { addressSpace: ['10.40.0.0/16', 'fd00:40::/48'] };
  const report = verifyAzureSite(r, network, nsg, asgsOfGroups(['workstation', 'ilos'], asgs, [], nsg));
  expect(report.flows.some((f) => f.from === 'admins6')).toBe(true);
  expect([report.drift, report.flows.length]).toEqual([false, r.flows.length]);
});
