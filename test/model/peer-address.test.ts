// Peers that are not CIDRs: an AWS managed prefix list (by id, or an AWS-managed list by name) and
// an Azure service tag. Each target writes the form it can express and refuses a peer that has
// none of them, naming the peer and the forms it takes; AWS counts a prefix list rule as the list's
// maximum entries against the rule quota.
import { Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PortPlan } from '../../lib/cdk';
import { LimitError, checkRuleCounts, planAws, ruleCountsByFamily } from '../../lib/aws';
import { planAzure, securityRuleArgs } from '../../lib/azure/plan';
import { validateSecurityRules, type ArmSecurityRule } from '../../lib/azure/rules';
import { hostRules } from '../../lib/host';
import { DeclarationError, resolve, validate, type Declaration, type PeerDeclaration } from '../../lib/model';
import { SERVERPROTECT } from '../support/declarations';

const CM_BY_ID: PeerDeclaration = {
  name: 'tmcm',
  kind: 'control-manager',
  prefixList: { id: 'pl-0123456789abcdef0', maxEntries: 7 },
};
const CM_BY_TAG: PeerDeclaration = { name: 'tmcm', kind: 'control-manager', serviceTag: 'Storage.WestEurope' };
const withPeer = (peer: PeerDeclaration, egress: Declaration['egress'] = 'default'): Declaration => ({
  ...SERVERPROTECT,
  peers: [peer],
  serverProtect: { controlManagerAgent: 'tmi' },
  egress,
});
const AZURE = { band: { from: 100, to: 4096 }, denyOtherVnetTraffic: true };
const problems = (d: unknown): string[] => {
  try {
    validate(d);
    return [];
  } catch (e) {
    if (!(e instanceof DeclarationError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
};

describe('the declaration', () => {
  test('a peer needs an address form', () => {
    expect(problems(withPeer({ name: 'tmcm', kind: 'control-manager' }))).toEqual([
      'peers[0]: needs an address: a cidr, a prefixList (AWS) or a serviceTag (Azure)',
    ]);
  });

  test('a prefix list by id or by name, not both and not neither', () => {
    const both = { ...CM_BY_ID, prefixList: { id: 'pl-0123456789abcdef0', name: 'com.amazonaws.eu-west-1.s3' } };
    const neither = { ...CM_BY_ID, prefixList: { maxEntries: 3 } };
    for (const peer of [both, neither])
      expect(problems(withPeer(peer))).toEqual([
        'peers[0].prefixList: needs exactly one of id (any prefix list) or name (an AWS-managed list)',
      ]);
  });

  test('a list by id needs its maximum entries; an AWS-managed list has its documented weight', () => {
    const [p] = problems(withPeer({ ...CM_BY_ID, prefixList: { id: 'pl-0123456789abcdef0' } }));
    expect(p).toMatch(/^peers\[0\]\.prefixList\.maxEntries: is required: the prefix list's maximum entries/);
    expect(p).toContain('com.amazonaws.<region>.s3');
    const weight = (name: string) => {
      const r = resolve(withPeer({ ...CM_BY_ID, prefixList: { name } }));
      const peer = r.flows.map((f) => (f.from.kind === 'peer' ? f.from : f.to)).find((e) => e.kind === 'peer');
      return peer?.kind === 'peer' ? peer.prefixList : undefined;
    };
    expect(weight('com.amazonaws.eu-west-1.s3')).toEqual({
      name: 'com.amazonaws.eu-west-1.s3',
      maxEntries: 1,
      family: 4,
    });
    expect(weight('com.amazonaws.global.ipv6.cloudfront.origin-facing')).toEqual({
      name: 'com.amazonaws.global.ipv6.cloudfront.origin-facing',
      maxEntries: 55,
      family: 6,
    });
    expect(problems(withPeer({ ...CM_BY_ID, prefixList: { name: 'com.amazonaws.eu-west-1.unknown' } }))).toHaveLength(
      1,
    );
  });

  test('Internet and VirtualNetwork as a peer need allowAnyAddress, like a /0', () => {
    for (const tag of ['Internet', 'virtualnetwork'])
      expect(problems(withPeer({ ...CM_BY_TAG, serviceTag: tag }))).toEqual([
        expect.stringMatching(new RegExp(`^peers\\[0\\]\\.serviceTag: ${tag} is .*; set allowAnyAddress: true`)),
      ]);
    expect(problems(withPeer({ ...CM_BY_TAG, serviceTag: 'Internet', allowAnyAddress: true }))).toEqual([]);
  });
});

describe('AWS', () => {
  test('a prefix list peer is a separate rule naming the list', () => {
    const plan = planAws(resolve(withPeer(CM_BY_ID)));
    const rules = plan.rules.filter((r) => r.remote.kind === 'prefixList');
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.placement).toBe('separate');
      expect(r.remote).toEqual({
        kind: 'prefixList',
        prefixList: { id: 'pl-0123456789abcdef0', maxEntries: 7, family: 4 },
        family: 4,
      });
    }
    expect(plan.rules.some((r) => r.remote.kind === 'cidr')).toBe(false);
  });

  test('each rule naming a list counts as its maximum entries against the quota', () => {
    const one = planAws(resolve(withPeer({ ...CM_BY_ID, prefixList: { id: 'pl-0123456789abcdef0', maxEntries: 1 } })));
    const big = planAws(resolve(withPeer({ ...CM_BY_ID, prefixList: { id: 'pl-0123456789abcdef0', maxEntries: 40 } })));
    const holder = big.rules.find((r) => r.remote.kind === 'prefixList')!;
    const count = (p: typeof one) =>
      ruleCountsByFamily(p).find((c) => c.group === holder.group && c.direction === holder.direction && c.family === 4)!
        .count;
    const naming = big.rules.filter(
      (r) => r.group === holder.group && r.direction === holder.direction && r.remote.kind === 'prefixList',
    ).length;
    expect(count(big) - count(one)).toBe(39 * naming);
    expect(() => checkRuleCounts(big, count(big) - 1)).toThrow(LimitError);
    expect(() => checkRuleCounts(big, count(big))).not.toThrow();
  });

  test('the CDK construct checks the quota before it writes a rule: CloudFront origin-facing weighs 55', () => {
    const cloudfront = { name: 'com.amazonaws.global.cloudfront.origin-facing' };
    const declaration = withPeer({ ...CM_BY_ID, prefixList: cloudfront });
    const plan = planAws(resolve(declaration));
    const holder = plan.rules.find((r) => r.remote.kind === 'prefixList')!;
    const count = ruleCountsByFamily(plan).find(
      (c) => c.group === holder.group && c.direction === holder.direction && c.family === 4,
    )!.count;
    const others = plan.rules.filter((r) => r.group === holder.group && r.direction === holder.direction).length - 1;
    expect(count).toBe(55 + others);
    const synth = (maxRulesPerGroup: number) => {
      const stack = new Stack(new App(), 'Quota', { env: { account: '123456789012', region: 'us-east-1' } });
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'] });
      new PortPlan(stack, 'Plan', { vpc, declaration, maxRulesPerGroup });
      return stack;
    };
    expect(() => synth(count - 1)).toThrow(
      new RegExp(
        `^security group ${holder.group} would have ${count} inbound IPv4 rules, more than the limit of ${count - 1}.*a rule naming a prefix list counts as its maximum entries`,
      ),
    );
    expect(() => synth(count)).not.toThrow();
  });

  test('a peer with only a service tag is refused, naming the peer', () => {
    expect(() => planAws(resolve(withPeer(CM_BY_TAG)))).toThrow(
      /^peers\.tmcm: a cidr or a prefixList: an AWS security group rule cannot name an Azure service tag .*\(got "serviceTag Storage\.WestEurope"\)$/,
    );
  });

  test('CDK writes SourcePrefixListId; an AWS-managed list by name is looked up once, owned by AWS', () => {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'] });
    const peers: PeerDeclaration[] = [
      CM_BY_ID,
      { name: 's3', kind: 'control-manager', prefixList: { name: 'com.amazonaws.eu-west-1.s3' } },
    ];
    new PortPlan(stack, 'Plan', { vpc, declaration: { ...withPeer(CM_BY_ID), peers } });
    const ingress = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress'));
    const lists = new Set(ingress.map((r) => (r.Properties as { SourcePrefixListId?: string }).SourcePrefixListId));
    // The lookup's stand-in id until `cdk synth` fills the context from the account.
    expect([...lists].filter(Boolean).sort()).toEqual(['pl-0123456789abcdef0', 'pl-xxxxxxxx']);
    const missing = app.synth().manifest.missing ?? [];
    expect(missing.map((m) => m.props)).toEqual([
      expect.objectContaining({ propertyMatch: { PrefixListName: 'com.amazonaws.eu-west-1.s3', OwnerId: 'AWS' } }),
    ]);
  });
});

describe('Azure', () => {
  test('a service tag peer is the rule prefix, valid by the Azure rule validator', () => {
    const plan = planAzure(resolve(withPeer(CM_BY_TAG)), AZURE);
    const tagged = plan.rules.filter((r) => 'prefix' in r.source && r.source.prefix === 'Storage.WestEurope');
    expect(tagged.length).toBeGreaterThan(0);
    const arm = plan.rules.map((r) => securityRuleArgs(r, (g) => ({ id: `asg-${g}` })) as unknown as ArmSecurityRule);
    expect(validateSecurityRules(arm)).toEqual([]);
  });

  test('a peer with only a prefix list is refused, naming the peer', () => {
    expect(() => planAzure(resolve(withPeer(CM_BY_ID)), AZURE)).toThrow(
      /^peers\.tmcm: a cidr or a serviceTag: an Azure NSG rule cannot name an AWS prefix list/,
    );
  });

  test('a peer with a prefix list and a service tag serves both clouds', () => {
    const d = withPeer({ ...CM_BY_ID, serviceTag: 'AzureCloud' });
    expect(planAws(resolve(d)).rules.some((r) => r.remote.kind === 'prefixList')).toBe(true);
    const plan = planAzure(resolve(d), AZURE);
    expect(plan.rules.some((r) => 'prefix' in r.source && r.source.prefix === 'AzureCloud')).toBe(true);
  });
});

test('host firewalls write addresses: a peer without a CIDR is refused, naming it', () => {
  const r = resolve(withPeer(CM_BY_ID));
  expect(() => hostRules(r, 'serverprotect:information-server', 'windows', {})).toThrow(
    /^peers\.tmcm\.cidr: a cidr: host firewalls write addresses, and cannot name an AWS prefix list or an Azure service tag/,
  );
  const both = resolve(withPeer({ ...CM_BY_ID, cidr: '10.0.9.10/32' }));
  expect(hostRules(both, 'serverprotect:information-server', 'windows', {}).rules.length).toBeGreaterThan(0);
});
