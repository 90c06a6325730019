import { has, packets, PacketSpace } from '../../lib/packets';
import type { DeployedGroup, DeployedRule } from '../../lib/verify/site-aws';
import { verifyAwsSite } from '../../lib/verify/site-aws';
import { exampleSites } from './aws-templates';

// Public false positives and negatives of rule scanners that compare rule text, each as the packet
// sets see it. The site is the ServerProtect example as deployed, with the rule of the report added.

const site = exampleSites().ServerProtectExample;
const { console: consoleId, 'information-server': infoId } = site.groupIds;

function withRules(groupId: string, rules: readonly DeployedRule[]): DeployedGroup[] {
  return site.groups.map((g) => (g.groupId === groupId ? { ...g, ingress: [...g.ingress, ...rules] } : g));
}
const check = (groupId: string, ...rules: DeployedRule[]) =>
  verifyAwsSite(site.resolution, site.groupIds, withRules(groupId, rules));

test('Prowler #2442, #5172: a range that contains 22 admits that range, not every port', () => {
  const r = check(consoleId, {
    ipProtocol: 'tcp',
    fromPort: 20,
    toPort: 23,
    cidrIpv4: '0.0.0.0/0',
    ruleId: 'sgr-ftp-ssh',
  });
  expect(r.extra.map((e) => [e.rule, e.ports, e.worldOpen, e.surplus])).toEqual([
    ['sgr-ftp-ssh', '20-23', true, ['tcp 0.0.0.0/0 -> console 20-23']],
  ]);
  expect(r.extra[0].witness).toMatchObject({ protocol: 6, port: 20 });
  // A rule of every port says so: every TCP port to console, but the range the plan opens from
  // information-server.
  const all = check(consoleId, {
    ipProtocol: 'tcp',
    fromPort: 0,
    toPort: 65535,
    cidrIpv4: '0.0.0.0/0',
    ruleId: 'sgr-all',
  });
  expect(all.extra[0].surplus).toEqual([
    'tcp {external, console, normal-servers}@0.0.0.0/0 -> console all ports',
    'tcp information-server@0.0.0.0/0 -> console 0-999, 1010-65535',
  ]);
});

test('Prowler #964: protocol 47 (GRE) from anywhere is GRE, not port 22', () => {
  const r = check(consoleId, { ipProtocol: '47', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0', ruleId: 'sgr-gre' });
  expect(r.extra.map((e) => [e.rule, e.protocol, e.ports, e.surplus])).toEqual([
    // Ports on a protocol without ports count for nothing: the whole protocol is admitted.
    ['sgr-gre', '47', 'all', ['proto 47 0.0.0.0/0 -> console']],
  ]);
  expect(r.extra[0].witness).toEqual({
    protocol: 47,
    source: { address: '0.0.0.0' },
    destination: { address: '0.0.0.0', hostClass: 'console' },
  });
});

test('Checkov #6073: a self-referencing rule does not hide 0.0.0.0/0 beside it', () => {
  const r = check(
    consoleId,
    { ipProtocol: '-1', referencedGroupId: consoleId, ruleId: 'sgr-self' },
    { ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv4: '0.0.0.0/0', ruleId: 'sgr-rdp' },
  );
  expect(r.extra.map((e) => [e.rule, e.remote, e.worldOpen])).toEqual([
    ['sgr-rdp', '0.0.0.0/0', true],
    ['sgr-self', 'console', false],
  ]);
  expect(r.extra[1].surplus).toEqual(['all console -> console']);
});

test('Checkov #6624: a rule naming a group admits that group’s hosts, and only them', () => {
  const r = check(
    infoId,
    // The plan's own rule again, by reference: nothing beyond the plan.
    { ipProtocol: 'tcp', fromPort: 3000, toPort: 3009, referencedGroupId: consoleId, ruleId: 'sgr-same' },
    // Another plan group on those ports: exactly its hosts are surplus.
    {
      ipProtocol: 'tcp',
      fromPort: 3000,
      toPort: 3009,
      referencedGroupId: site.groupIds['normal-servers'],
      ruleId: 'sgr-normal',
    },
    // A group the plan does not have: its hosts, named by the group id.
    { ipProtocol: 'tcp', fromPort: 22, toPort: 22, referencedGroupId: 'sg-0123456789abcdef0', ruleId: 'sgr-other' },
  );
  expect(r.extra.map((e) => [e.rule, e.remote, e.surplus])).toEqual([
    ['sgr-normal', 'normal-servers', ['tcp normal-servers -> information-server 3000-3009']],
    ['sgr-other', 'sg-0123456789abcdef0', ['tcp unplanned:sg-0123456789abcdef0 -> information-server 22']],
  ]);
  expect(r.flows.every((f) => f.status === 'allowed')).toBe(true);
});

test('the witnesses are packets of the surplus and of no planned flow', () => {
  const r = check(consoleId, { ipProtocol: 'udp', fromPort: 1000, toPort: 1009, cidrIpv6: '::/0', ruleId: 'sgr-udp6' });
  const [e] = r.extra;
  expect([e.worldOpen, e.surplus]).toEqual([true, ['udp ::/0 -> console 1000-1009']]);
  const space = new PacketSpace(['console']);
  const rule = packets(space, { protocol: 'udp', ports: { from: 1000, to: 1009 }, source: { addresses: ['::/0'] } });
  expect(has(rule, e.witness!)).toBe(true);
  expect(site.resolution.flows.some((f) => f.to.name === 'console' && f.protocol === 'udp')).toBe(false);
});
