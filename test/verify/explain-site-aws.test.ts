import fc from 'fast-check';
import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import type { ResolvedFlow } from '../../lib/model';
import { describePacket, difference, inSpace, isEmpty, witness, type PacketSet } from '../../lib/packets';
import { applyAwsChanges, explainAwsSite, type AwsRuleChange } from '../../lib/verify/explain-aws';
import type { SiteAnswer } from '../../lib/verify/explain-site';
import { flowPackets, ruleView } from '../../lib/verify/plan-packets';
import { awsRulePackets } from '../../lib/aws/site-packets';
import { awsSiteModel, type DeployedGroup, type DeployedRule } from '../../lib/verify/site-aws';
import { exampleSites, type TemplateSite } from './aws-templates';

// The plan's own templates are the site as planned; each case drifts it the way a change made on
// EC2 would (a rule deleted, or narrowed to fewer ports or addresses), asks explain about every
// pair of the plan, applies every change it suggests and compiles the site again: the site must then
// admit exactly what it admitted as planned (sets compared whole, a witness for any difference).
const sites = exampleSites();

/** Every change suggested for every pair of parties of the plan's flows, both directions. */
function allChanges(site: TemplateSite, groups: readonly DeployedGroup[]): AwsRuleChange[] {
  const pairs = new Map<string, [string, string]>();
  for (const f of site.resolution.flows) pairs.set(JSON.stringify([f.from.name, f.to.name]), [f.from.name, f.to.name]);
  const answers = [...pairs.values()].map(([from, to]) =>
    explainAwsSite(site.resolution, { from, to }, site.groupIds, groups),
  );
  return answers.flatMap(changesOf);
}

const changesOf = (a: SiteAnswer<AwsRuleChange>): AwsRuleChange[] =>
  a.directions.flatMap((d) => d.flows.flatMap((f) => f.gaps.flatMap((g) => g.changes)));

/** The difference of two sides' sets, either way, as one witness text; undefined when equal. */
function differs(a: PacketSet, b: PacketSet): string | undefined {
  const moved = inSpace(b, a.space);
  const w = witness(difference(a, moved)) ?? witness(difference(moved, a));
  return w && describePacket(w);
}

function expectRestored(site: TemplateSite, drifted: DeployedGroup[]): AwsRuleChange[] {
  const changes = allChanges(site, drifted);
  const planned = awsSiteModel(site.resolution, site.groupIds, site.groups);
  const after = awsSiteModel(site.resolution, site.groupIds, applyAwsChanges(drifted, changes));
  expect({ ingress: differs(planned.sets.ingress, after.sets.ingress) }).toEqual({ ingress: undefined });
  expect({ egress: differs(planned.sets.egress, after.sets.egress) }).toEqual({ egress: undefined });
  // And nothing left to suggest.
  expect(allChanges(site, applyAwsChanges(drifted, changes))).toEqual([]);
  return changes;
}

type Drift = { group: string; side: 'ingress' | 'egress'; index: number; rule: DeployedRule | undefined };

function drift(site: TemplateSite, d: Drift): DeployedGroup[] {
  const id = site.groupIds[d.group];
  return site.groups.map((g) => {
    if (g.groupId !== id) return g;
    const rules = g[d.side].flatMap((r, i) => (i !== d.index ? [r] : d.rule ? [d.rule] : []));
    return { ...g, [d.side]: rules };
  });
}

// Rules with ports, of the plan's own groups: the ones a drift narrows or deletes.
function portRules(site: TemplateSite) {
  const out: { group: string; side: 'ingress' | 'egress'; index: number; rule: DeployedRule }[] = [];
  for (const [group, id] of Object.entries(site.groupIds)) {
    const g = site.groups.find((x) => x.groupId === id)!;
    for (const side of ['ingress', 'egress'] as const) {
      g[side].forEach((rule, index) => {
        if (['tcp', 'udp'].includes(rule.ipProtocol) && rule.fromPort !== undefined && rule.fromPort >= 0)
          out.push({ group, side, index, rule });
      });
    }
  }
  return out;
}

describe.each(EXAMPLE_STACKS)('%s', (stack) => {
  const site = sites[stack];
  const rules = portRules(site);

  test('as planned: every flow allowed, nothing to change, nothing admitted that no row requires', () => {
    expect(rules.length).toBeGreaterThan(3);
    expect(allChanges(site, site.groups)).toEqual([]);
    const f = site.resolution.flows.find((x) => x.from.kind === 'group' && x.to.kind === 'group')!;
    const a = explainAwsSite(site.resolution, { from: f.from.name, to: f.to.name }, site.groupIds, site.groups);
    for (const d of a.directions) {
      expect(d.unrequired).toBeUndefined();
      expect(d.flows.every((x) => x.status === 'allowed')).toBe(true);
    }
  });

  test('a deleted or narrowed rule: the suggested changes restore exactly the planned site', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...rules),
        fc.constantFrom('delete', 'low', 'high', 'middle', 'cidr'),
        fc.nat(),
        (picked, how, seed) => {
          const r = picked.rule;
          const width = r.toPort! - r.fromPort!;
          const cut = width ? 1 + (seed % width) : 0;
          const narrowed: DeployedRule | undefined =
            how === 'delete' || (how !== 'cidr' && width === 0)
              ? undefined
              : how === 'low'
                ? { ...r, toPort: r.fromPort! + cut - 1 }
                : how === 'high'
                  ? { ...r, fromPort: r.fromPort! + cut }
                  : how === 'middle'
                    ? { ...r, fromPort: r.fromPort! + Math.min(cut, width), toPort: r.fromPort! + Math.min(cut, width) }
                    : r.cidrIpv4 && Number(r.cidrIpv4.split('/')[1]) < 32
                      ? { ...r, cidrIpv4: narrowCidr(r.cidrIpv4) }
                      : undefined;
          const changes = expectRestored(site, drift(site, { ...picked, rule: narrowed }));
          expect(changes.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 15 },
    );
  });
});

/** The first half of a CIDR: one bit longer. */
function narrowCidr(cidr: string): string {
  const [address, bits] = cidr.split('/');
  return `${address}/${Number(bits) + 1}`;
}

describe('ServerProtectExample: what the suggestion says', () => {
  const site = sites.ServerProtectExample;
  const flow = site.resolution.flows.find(
    (f) => f.from.kind === 'group' && f.to.kind === 'group' && f.toPort > f.fromPort + 1,
  ) as ResolvedFlow;
  const ruleOf = (g: DeployedGroup) =>
    g.ingress.findIndex(
      (r) =>
        r.referencedGroupId === site.groupIds[flow.from.name] &&
        r.ipProtocol === flow.protocol &&
        r.fromPort! <= flow.fromPort &&
        r.toPort! >= flow.toPort,
    );
  const holder = site.groups.find((g) => g.groupId === site.groupIds[flow.to.name])!;
  const index = ruleOf(holder);

  test('a deleted rule: one ingress rule on the listener naming the initiator, the flow rows', () => {
    expect(index).toBeGreaterThanOrEqual(0);
    const original = holder.ingress[index];
    const drifted = drift(site, { group: flow.to.name, side: 'ingress', index, rule: undefined });
    const a = explainAwsSite(site.resolution, { from: flow.from.name, to: flow.to.name }, site.groupIds, drifted);
    const f = a.directions[0].flows.find((x) => x.fromPort === flow.fromPort && x.protocol === flow.protocol)!;
    expect(f.rows).toEqual(flow.rows);
    expect(f.status).toBe('blocked');
    expect(f.gaps).toHaveLength(1);
    const [change] = f.gaps[0].changes;
    expect(f.gaps[0].changes).toHaveLength(1);
    expect(change).toMatchObject({
      action: 'add',
      group: flow.to.name,
      groupId: site.groupIds[flow.to.name],
      direction: 'ingress',
      remote: flow.from.name,
      rule: { ipProtocol: flow.protocol, referencedGroupId: site.groupIds[flow.from.name] },
    });
    // The rule admits only packets of the flow (as the plan's rules admit them) and every one blocked.
    const model = awsSiteModel(site.resolution, site.groupIds, drifted);
    const added = awsRulePackets(model.ctx, change.groupId, 'ingress', change.rule, 'added')!;
    expect(isEmpty(difference(added, flowPackets(model.ctx.space, flow, ruleView)))).toBe(true);
    expect(change.rule.fromPort).toBeLessThanOrEqual(flow.fromPort);
    expect(original.fromPort).toBeLessThanOrEqual(change.rule.fromPort!);
  });

  test('a narrowed rule: widen that rule, by its id, to the flow ports', () => {
    const original = holder.ingress[index];
    const narrowed = { ...original, ruleId: 'sgr-0123456789abcdef0', toPort: original.fromPort };
    const drifted = drift(site, { group: flow.to.name, side: 'ingress', index, rule: narrowed });
    const a = explainAwsSite(site.resolution, { from: flow.from.name, to: flow.to.name }, site.groupIds, drifted);
    const f = a.directions[0].flows.find((x) => x.fromPort === flow.fromPort && x.protocol === flow.protocol)!;
    expect(f.status).toBe('partial');
    expect(f.gaps[0].changes).toEqual([
      expect.objectContaining({
        action: 'widen',
        replaces: narrowed,
        rule: expect.objectContaining({ fromPort: original.fromPort, toPort: original.toPort }),
      }),
    ]);
  });

  test('an extra rule: what it admits that no row requires, with a witness and the rule id', () => {
    const extra: DeployedRule = {
      ipProtocol: 'tcp',
      fromPort: 1,
      toPort: 2,
      referencedGroupId: site.groupIds[flow.from.name],
      ruleId: 'sgr-0fedcba9876543210',
    };
    const groups = site.groups.map((g) => (g === holder ? { ...g, ingress: [...g.ingress, extra] } : g));
    const a = explainAwsSite(site.resolution, { from: flow.from.name, to: flow.to.name }, site.groupIds, groups);
    expect(a.directions[0].unrequired).toEqual({
      packets: [
        `tcp ${flow.from.name}@0.0.0.0/0 -> ${flow.to.name}@0.0.0.0/0 1-2`,
        `tcp ${flow.from.name}@::/0 -> ${flow.to.name}@::/0 1-2`,
      ],
      witness: expect.objectContaining({ protocol: 6, port: 1 }),
      rules: ['sgr-0fedcba9876543210'],
    });
    expect(a.directions[1].unrequired).toBeUndefined();
  });
});
