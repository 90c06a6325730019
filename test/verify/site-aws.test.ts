import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import { ArgumentError, type ResolvedFlow } from '../../lib/model';
import type { DeployedGroup, DeployedRule } from '../../lib/verify/site-aws';
import { verifyAwsSite } from '../../lib/verify/site-aws';
import { siteReportText } from '../../lib/verify/site';
import { exampleSites, type TemplateSite } from './aws-templates';

// The plan's own templates, read back into the evaluator's model, are the deployed state that
// equals the plan; each variant changes it the way an out-of-band change on EC2 would.
const sites = exampleSites();

function edit(site: TemplateSite, group: string, change: (g: DeployedGroup) => DeployedGroup): DeployedGroup[] {
  const id = site.groupIds[group];
  return site.groups.map((g) => (g.groupId === id ? change(g) : g));
}

test.each(EXAMPLE_STACKS)('%s as synthesized: every flow allowed, no extra rule, no drift', (stack) => {
  const site = sites[stack];
  const r = verifyAwsSite(site.resolution, site.groupIds, site.groups);
  expect(r.flows.filter((f) => f.status !== 'allowed')).toEqual([]);
  expect(r.extra).toEqual([]);
  expect(r.drift).toBe(false);
  expect(r.flows).toHaveLength(site.resolution.flows.length);
  expect(r.flows.length).toBeGreaterThan(5);
});

describe('restricted egress (ComposedExample, egress rules moto cannot deploy)', () => {
  const site = sites.ComposedExample;
  const flowOut = site.resolution.flows.find(
    (f) => f.from.kind === 'group' && f.to.kind === 'group' && f.from.name === 'console',
  )!;
  const matches = (f: ResolvedFlow) => (r: DeployedRule) =>
    r.referencedGroupId === site.groupIds[f.to.name] &&
    r.ipProtocol === f.protocol &&
    r.fromPort === f.fromPort &&
    r.toPort === f.toPort;

  test('a removed egress rule blocks its flow by egress, on exactly its ports', () => {
    const groups = edit(site, flowOut.from.name, (g) => ({
      ...g,
      egress: g.egress.filter((r) => !matches(flowOut)(r)),
    }));
    const r = verifyAwsSite(site.resolution, site.groupIds, groups);
    const blocked = r.flows.filter((f) => f.status === 'blocked');
    expect(blocked).toEqual([
      expect.objectContaining({
        from: flowOut.from.name,
        to: flowOut.to.name,
        rows: flowOut.rows,
        status: 'blocked',
        blocked: [
          expect.objectContaining({ side: 'egress', ports: [{ fromPort: flowOut.fromPort, toPort: flowOut.toPort }] }),
        ],
      }),
    ]);
    expect(r.extra).toEqual([]);
    expect(r.drift).toBe(true);
  });

  test('an allow-all egress rule is an extra world-open opening under restricted egress', () => {
    const groups = edit(site, 'console', (g) => ({
      ...g,
      egress: [...g.egress, { ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', ruleId: 'sgr-all' }],
    }));
    const r = verifyAwsSite(site.resolution, site.groupIds, groups);
    expect(r.extra).toEqual([
      {
        group: 'console',
        direction: 'outbound',
        remote: '0.0.0.0/0',
        protocol: '-1',
        ports: 'all',
        rule: 'sgr-all',
        worldOpen: true,
        surplus: expect.any(Array) as unknown,
        witness: expect.objectContaining({ source: expect.objectContaining({ hostClass: 'console' }) }) as unknown,
      },
    ]);
    expect(r.flows.every((f) => f.status === 'allowed')).toBe(true);
  });

  test("CDK's match-no-traffic placeholder is not an opening", () => {
    const placeholder: DeployedRule = {
      ipProtocol: 'icmp',
      fromPort: 252,
      toPort: 86,
      cidrIpv4: '255.255.255.255/32',
      description: 'Disallow all traffic',
    };
    const groups = edit(site, 'console', (g) => ({ ...g, egress: [...g.egress, placeholder] }));
    expect(verifyAwsSite(site.resolution, site.groupIds, groups).extra).toEqual([]);
  });
});

describe('default egress (ServerProtectExample)', () => {
  const site = sites.ServerProtectExample;
  const f = site.resolution.flows.find((x) => x.to.kind === 'group' && x.from.kind === 'group')!;

  test('allow-all egress rules are expected; a missing ingress rule blocks by ingress', () => {
    expect(
      site.groups.find((g) => g.groupId === site.groupIds[f.from.name])!.egress.some((r) => r.ipProtocol === '-1'),
    ).toBe(true);
    const groups = edit(site, f.to.name, (g) => ({
      ...g,
      ingress: g.ingress.filter(
        (r) => !(r.referencedGroupId === site.groupIds[f.from.name] && r.fromPort === f.fromPort),
      ),
    }));
    const r = verifyAwsSite(site.resolution, site.groupIds, groups);
    expect(
      r.flows
        .filter((x) => x.status !== 'allowed')
        .map((x) => [x.from, x.to, x.status, x.blocked.map((b) => [b.side, b.ports])]),
    ).toEqual([[f.from.name, f.to.name, 'blocked', [['ingress', [{ fromPort: f.fromPort, toPort: f.toPort }]]]]]);
  });

  test('world-open rules come first; a rule between two groups names both groups', () => {
    const [a, b] = site.resolution.declaration.groups.map((g) => g.name);
    const groups = edit(site, a, (g) => ({
      ...g,
      ingress: [
        ...g.ingress,
        {
          ipProtocol: 'tcp',
          fromPort: 9999,
          toPort: 9999,
          referencedGroupId: site.groupIds[b],
          ruleId: 'sgr-b',
          description: 'oops',
        },
        { ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv4: '0.0.0.0/0', ruleId: 'sgr-rdp' },
      ],
    }));
    const r = verifyAwsSite(site.resolution, site.groupIds, groups);
    expect(r.extra.map((e) => [e.rule, e.group, e.remote, e.ports, e.worldOpen])).toEqual([
      ['sgr-rdp', a, '0.0.0.0/0', '3389', true],
      ['sgr-b', a, b, '9999', false],
    ]);
    expect(r.extra[1].description).toBe('oops');
    const text = siteReportText(r);
    expect(text).toMatch(/^AWS: DRIFT: \d+ flows, \d+ allowed, 0 blocked; 2 extra rules \(1 world-open\)/);
    expect(text.indexOf('sgr-rdp')).toBeLessThan(text.indexOf('sgr-b'));
  });

  test('a rule covering part of a range blocks exactly the rest, and is not extra', () => {
    const wide = site.resolution.flows.find((x) => x.to.kind === 'group' && x.toPort - x.fromPort >= 2)!;
    const mid = wide.fromPort + 1;
    const groups = edit(site, wide.to.name, (g) => ({
      ...g,
      ingress: g.ingress.map((r) =>
        r.fromPort === wide.fromPort && r.toPort === wide.toPort ? { ...r, fromPort: mid, toPort: mid } : r,
      ),
    }));
    const r = verifyAwsSite(site.resolution, site.groupIds, groups);
    const check = r.flows.find(
      (x) => x.from === wide.from.name && x.to === wide.to.name && x.fromPort === wide.fromPort,
    )!;
    expect(check.status).toBe('partial');
    expect(check.blocked.map((b) => [b.side, b.ports])).toEqual([
      [
        'ingress',
        [
          { fromPort: wide.fromPort, toPort: wide.fromPort },
          { fromPort: mid + 1, toPort: wide.toPort },
        ],
      ],
    ]);
    // The narrowed rule admits nothing the plan does not need.
    expect(r.extra).toEqual([]);
  });

  test('a group with no security group, two groups on one, and an unknown id are argument errors', () => {
    const [a, b] = site.resolution.declaration.groups.map((g) => g.name);
    const rest = Object.fromEntries(Object.entries(site.groupIds).filter(([k]) => k !== a));
    expect(() => verifyAwsSite(site.resolution, rest, site.groups)).toThrow(ArgumentError);
    expect(() => verifyAwsSite(site.resolution, { ...site.groupIds, [b]: site.groupIds[a] }, site.groups)).toThrow(
      /one security group per declared group/,
    );
    expect(() => verifyAwsSite(site.resolution, { ...site.groupIds, [a]: 'sg-0000000000' }, site.groups)).toThrow(
      /--group: ids of security groups that exist in this account and region: EC2 has none with the id of console=sg-0000000000/,
    );
  });
});
