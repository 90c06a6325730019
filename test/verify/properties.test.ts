import fc from 'fast-check';
import { planRules } from '../../lib/aws/plan';
import { AZURE_LIMITS, planAzureRules, securityRuleArgs } from '../../lib/azure/plan';
import { cloudGroupNames, resolve, type Declaration, type Resolution } from '../../lib/model';
import { ruleCountsByFamily } from '../../lib/aws';
import type { AzureRuleEndpoint } from '../../lib/azure';
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

// A peer named by a prefix list (AWS) or a service tag (Azure) whose entries are exactly its CIDR
// is the same peer: the plan differs only in how the rules name it, the quota counts each such rule
// as the list's maximum entries, and a site deployed as planned checks clean with the list's
// entries or the tag's ranges given.
describe('peers by prefix list and service tag, for random declarations', () => {
  const named = (d: Declaration): Declaration => ({
    ...d,
    peers: (d.peers ?? []).map((p, i) => ({
      ...p,
      prefixList: {
        id: `pl-${String(i).padStart(8, '0')}`,
        maxEntries: 3,
        family: p.cidr!.includes(':') ? 'IPv6' : 'IPv4',
      },
      serviceTag: `Tag${i}`,
    })),
  });
  const entries = (d: Declaration) =>
    Object.fromEntries((d.peers ?? []).map((p, i) => [`pl-${String(i).padStart(8, '0')}`, [p.cidr!]]));
  const tags = (d: Declaration) => Object.fromEntries((d.peers ?? []).map((p, i) => [`Tag${i}`, [p.cidr!]]));
  const shape = (x: { group: string; direction: string; protocol: string; fromPort: number; toPort: number }) =>
    `${x.group} ${x.direction} ${x.protocol} ${x.fromPort}-${x.toPort}`;

  test('AWS: the same rules but their remote; counted by weight; clean with the entries', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const [plain, listed] = [resolve(d), resolve(named(d))];
        const [a, b] = [planRules(plain), planRules(listed)];
        expect(b.rules.map(shape)).toEqual(a.rules.map(shape));
        b.rules.forEach((x, i) => expect(x.remote.kind === 'prefixList').toBe(a.rules[i].remote.kind === 'cidr'));
        const weight = (p: typeof a) => ruleCountsByFamily(p).reduce((n, c) => n + c.count, 0);
        const lists = b.rules.filter((x) => x.remote.kind === 'prefixList').length;
        // CDK keeps its no-traffic egress placeholder beside a separate rule (a prefix list's), not an inline one.
        const placeholders = (p: typeof a) =>
          [...p.groups, ...p.roleGroups].filter((g) => g.defaultEgress.includes('no-traffic-placeholder')).length;
        expect(weight(b) - weight(a)).toBe(2 * lists + placeholders(b) - placeholders(a));
        const ids = Object.fromEntries(cloudGroupNames(listed).map((g) => [g, sg(g)]));
        const report = verifyAwsSite(listed, ids, awsSite(listed), { prefixLists: entries(d) });
        expect(report.flows.filter((f) => f.status !== 'allowed')).toEqual([]);
        expect(report.extra).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  test('Azure: the same rules but their prefix; clean with the tag ranges', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const listed = resolve(named(d));
        const options = { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true };
        const [a, b] = [planAzureRules(d, options), planAzureRules(named(d), options)];
        const side = (e: AzureRuleEndpoint) => ('group' in e ? e.group : 'peer');
        const text = (x: (typeof a.rules)[number]) => `${x.name} ${side(x.source)} ${side(x.destination)} ${x.ports}`;
        expect(b.rules.map(text)).toEqual(a.rules.map(text));
        const names = cloudGroupNames(listed);
        const asgId = (g: string) => `/subscriptions/s/applicationSecurityGroups/asg-${g.replace(/:/g, '_')}`;
        const asgs = names.map((n) => ({ key: asgKey(asgId(n)), name: n, tags: { 'portplan:group': n } }));
        const nsg = readNsg({ name: 'nsg', securityRules: b.rules.map((x) => securityRuleArgs(x, asgId)) }, 'n');
        const network = { addressSpace: ['10.40.0.0/16', 'fd00:40::/48'] };
        const groups = asgsOfGroups(names, asgs, [], nsg);
        const report = verifyAzureSite(listed, network, nsg, groups, { serviceTags: tags(d) });
        expect(report.flows.filter((f) => f.status !== 'allowed')).toEqual([]);
        expect(report.extra).toEqual([]);
        expect(report.unknownServiceTags).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });
});
