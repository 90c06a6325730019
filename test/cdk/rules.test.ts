import fc from 'fast-check';
import {
  LimitError,
  planAws,
  planRules,
  ruleCountsByFamily,
  type GroupTreatment,
  type PlannedRule,
} from '../../lib/aws';
import { placeCloudRules, resolve, type CloudRule, type Declaration, type ResolvedFlow } from '../../lib/model';
import { SERVERPROTECT, validDeclaration } from '../support/declarations';

// The planner is pure: plain objects in, plain objects out, no synth.

/** A declaration with some of its groups existing (mutable or not, with or without allow-all egress). */
const planInput = validDeclaration.chain((declaration) => {
  const names = resolve(declaration).declaration.groups.map((g) => g.name);
  return fc
    .array(fc.option(fc.record({ mutable: fc.boolean(), allowsAllOutbound: fc.boolean() }), { nil: undefined }), {
      minLength: names.length,
      maxLength: names.length,
    })
    .map((choices) => {
      const treatment: Record<string, GroupTreatment> = {};
      choices.forEach((c, i) => {
        if (c) treatment[names[i]] = { existing: true, ...c };
      });
      return { declaration, treatment };
    });
});

const remoteOf = (p: CloudRule) => (p.remote.kind === 'peer' ? `cidr:${p.remote.cidr}` : `group:${p.remote.name}`);
const remoteOfRule = (r: PlannedRule) =>
  r.remote.kind === 'group'
    ? `group:${r.remote.name}`
    : r.remote.kind === 'cidr'
      ? `cidr:${r.remote.cidr}`
      : 'prefix-list';
const key = (r: PlannedRule) => [r.group, r.direction, remoteOfRule(r), r.protocol, r.fromPort, r.toPort].join('|');

describe('planAws (fast-check over random declarations and existing groups)', () => {
  test('every rule is justified by its flows, every placed rule on a mutable group is emitted exactly once', () => {
    fc.assert(
      fc.property(planInput, ({ declaration, treatment }) => {
        const resolution = resolve(declaration);
        const plan = planAws(resolution, { existingGroups: treatment });
        const placedRules = placeCloudRules(resolution).rules;
        const placedByFlow = new Map<ResolvedFlow, CloudRule[]>();
        for (const p of placedRules) for (const f of p.flows) placedByFlow.set(f, [...(placedByFlow.get(f) ?? []), p]);
        const mutable = (g: string) => !treatment[g] || treatment[g].mutable;
        // Justified: each flow a rule carries is placed on that group, direction and remote, same protocol and ports.
        for (const r of plan.rules) {
          expect(r.flows.length).toBeGreaterThan(0);
          expect(mutable(r.group)).toBe(true);
          for (const f of r.flows) {
            const placed = (placedByFlow.get(f) ?? []).filter(
              (p) => p.holder.name === r.group && p.direction === r.direction,
            );
            expect(placed).toHaveLength(1);
            expect(remoteOf(placed[0])).toBe(remoteOfRule(r));
            expect([f.protocol, f.fromPort, f.toPort]).toEqual([r.protocol, r.fromPort, r.toPort]);
          }
          expect([...r.rows].sort()).toEqual([...new Set(r.flows.flatMap((f) => f.rows))].sort());
          for (const row of r.rows) expect(r.description).toContain(row);
          expect(r.description.length).toBeLessThanOrEqual(140);
          // Inline only for address ranges on groups portplan creates.
          expect(r.placement).toBe(r.remote.kind === 'cidr' && !treatment[r.group] ? 'inline' : 'separate');
        }
        // Exactly once: every placed rule on a mutable group is carried by one rule; no two rules are the same to EC2.
        const byFlow = new Map<ResolvedFlow, PlannedRule[]>();
        for (const r of plan.rules) for (const f of r.flows) byFlow.set(f, [...(byFlow.get(f) ?? []), r]);
        for (const p of placedRules) {
          for (const f of p.flows) {
            const carriers = (byFlow.get(f) ?? []).filter(
              (r) => r.group === p.holder.name && r.direction === p.direction,
            );
            expect(carriers).toHaveLength(mutable(p.holder.name) ? 1 : 0);
            if (!mutable(p.holder.name)) expect(plan.skippedFlows).toContain(f);
          }
        }
        expect(new Set(plan.rules.map(key)).size).toBe(plan.rules.length);
        expect(new Set(plan.rules.filter((r) => r.placement === 'separate').map((r) => r.id)).size).toBe(
          plan.rules.filter((r) => r.placement === 'separate').length,
        );
        // Skipped flows are exactly those with a rule on an immutable group, each once, in flow order.
        const skipped = resolution.flows.filter((f) =>
          (placedByFlow.get(f) ?? []).some((p) => !mutable(p.holder.name)),
        );
        expect(plan.skippedFlows).toEqual(skipped);
      }),
      { numRuns: 100 },
    );
  });

  test('counts: rules of a family plus group rules plus CDK default egress, per group and direction', () => {
    fc.assert(
      fc.property(planInput, ({ declaration, treatment }) => {
        const plan = planAws(resolve(declaration), { existingGroups: treatment });
        for (const c of ruleCountsByFamily(plan)) {
          const g = [...plan.groups, ...plan.roleGroups].find((x) => x.name === c.group)!;
          const own = plan.rules.filter((r) => r.group === c.group && r.direction === c.direction);
          const family = own.filter((r) => r.remote.kind === 'group' || r.remote.family === c.family).length;
          const defaults =
            c.direction === 'inbound'
              ? 0
              : g.defaultEgress.filter((e) => (e === 'allow-all-ipv6') === (c.family === 6)).length;
          expect(c.count).toBe(family + defaults);
        }
        for (const g of plan.groups) {
          const restricted = resolve(declaration).declaration.egress === 'restricted';
          if (!g.created) expect(g.defaultEgress).toEqual([]);
          else if (!restricted) expect(g.defaultEgress).toEqual(['allow-all-ipv4', 'allow-all-ipv6']);
          else {
            const inlineV4 = plan.rules.some(
              (r) =>
                r.group === g.name &&
                r.direction === 'outbound' &&
                r.placement === 'inline' &&
                r.remote.kind === 'cidr' &&
                r.remote.family === 4,
            );
            expect(g.defaultEgress).toEqual(inlineV4 ? [] : ['no-traffic-placeholder']);
          }
          expect(g.keepsOwnEgress).toBe(!g.created && restricted && g.mutable && treatment[g.name].allowsAllOutbound);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('planAws examples', () => {
  const CM = (name: string) => ({ name, kind: 'control-manager' as const, cidr: '10.0.9.10/32' });

  test('two peers with one CIDR: one rule with both flows, its id from the first', () => {
    const d: Declaration = {
      ...SERVERPROTECT,
      peers: [CM('tmcm-a'), CM('tmcm-b')],
      serverProtect: { controlManagerAgent: 'tmi' },
    };
    const plan = planAws(resolve(d), { existingGroups: { 'information-server': { existing: true, mutable: true } } });
    const fromCm = plan.rules.filter((r) => r.direction === 'inbound' && r.remote.kind === 'cidr');
    expect(fromCm).toHaveLength(1);
    expect(fromCm[0]).toMatchObject({
      group: 'information-server',
      placement: 'separate',
      rows: ['SP10'],
      id: 'in-information-server-from-tmcm-a-tcp-10319-10319',
    });
    expect(fromCm[0].flows.map((f) => f.from.name)).toEqual(['tmcm-a', 'tmcm-b']);
  });

  test('an immutable existing group: its flows are skipped, nothing planned on it', () => {
    const plan = planAws(resolve(SERVERPROTECT), { existingGroups: { console: { existing: true, mutable: false } } });
    expect(plan.rules.filter((r) => r.group === 'console')).toEqual([]);
    expect(plan.skippedFlows.length).toBeGreaterThan(0);
    expect(plan.skippedFlows.every((f) => f.to.name === 'console')).toBe(true);
  });

  test('restricted egress: an IPv4 peer removes the placeholder, an IPv6 one does not', () => {
    const base: Declaration = { ...SERVERPROTECT, egress: 'restricted' };
    const v4 = planAws(resolve({ ...base, peers: [{ name: 'up', kind: 'update-source', cidr: '10.0.8.0/28' }] }));
    const v6 = planAws(resolve({ ...base, peers: [{ name: 'up', kind: 'update-source', cidr: '2001:db8::/64' }] }));
    expect(v4.groups.find((g) => g.name === 'information-server')!.defaultEgress).toEqual([]);
    expect(v6.groups.find((g) => g.name === 'information-server')!.defaultEgress).toEqual(['no-traffic-placeholder']);
  });
});

describe('planAws options', () => {
  it('checks the rule quota only when maxRulesPerGroup is given, against the largest count', () => {
    const resolution = resolve(SERVERPROTECT);
    const plan = planAws(resolution);
    const most = Math.max(...ruleCountsByFamily(plan).map((c) => c.count));
    expect(planAws(resolution, { maxRulesPerGroup: most })).toEqual(plan);
    expect(() => planAws(resolution, { maxRulesPerGroup: most - 1 })).toThrow(LimitError);
  });

  it('planRules (deprecated) is planAws with the treatment as existingGroups', () => {
    fc.assert(
      fc.property(validDeclaration, fc.boolean(), (declaration, mutable) => {
        const resolution = resolve(declaration);
        const treatment = { [declaration.groups[0].name]: { existing: true, mutable } };
        expect(planRules(resolution, treatment)).toEqual(planAws(resolution, { existingGroups: treatment }));
      }),
      { numRuns: 25 },
    );
  });
});
