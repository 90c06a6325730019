import fc from 'fast-check';
import {
  placeCloudRules,
  placeRules,
  resolve,
  type CloudRule,
  type Declaration,
  type ResolvedFlow,
  type RuleParty,
} from '../../lib/model';
import { validDeclaration } from '../support/declarations';

// placeCloudRules(): the flows every group of a role has alike go on the role's role-wide group,
// and nothing else changes. A cloud rule admits every member of its holder from every member of
// its remote; the checks below hold it to exactly the flows the resolution has.

/** Who a party stands for: a group or a peer itself, or every group of a role-wide group. */
const members = (e: RuleParty): string[] => (e.kind === 'role' ? [...e.groups] : [e.name]);
const side = (c: CloudRule) =>
  c.direction === 'inbound' ? { own: 'to', other: 'from' } : { own: 'from', other: 'to' };

describe('placeCloudRules over random declarations', () => {
  test('each cloud rule stands for exactly the flows between its members: no pair more, no pair less', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const r = resolve(d);
        for (const c of placeCloudRules(r).rules) {
          const { own, other } = side(c);
          const pairs = c.flows.map((f) => `${f[own as 'to'].name}|${f[other as 'from'].name}`).sort();
          const wanted = members(c.holder)
            .flatMap((h) => members(c.remote).map((x) => `${h}|${x}`))
            .sort();
          expect(pairs).toEqual(wanted);
          for (const f of c.flows)
            expect([f.protocol, f.fromPort, f.toPort]).toEqual([c.protocol, c.fromPort, c.toPort]);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('every rule placeRules() places is carried by exactly one cloud rule of its direction', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const r = resolve(d);
        const cloud = placeCloudRules(r).rules;
        const carriers = new Map<ResolvedFlow, CloudRule[]>();
        for (const c of cloud) for (const f of c.flows) carriers.set(f, [...(carriers.get(f) ?? []), c]);
        const placed = placeRules(r);
        for (const p of placed) {
          const mine = (carriers.get(p.flow) ?? []).filter((c) => c.direction === p.direction);
          expect(mine).toHaveLength(1);
          expect(members(mine[0].holder)).toContain(p.group.name);
        }
        const total = cloud.reduce((n, c) => n + c.flows.length, 0);
        expect(total).toBe(placed.length);
      }),
      { numRuns: 200 },
    );
  });

  test('a role-wide group exactly for each role with two or more groups', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const r = resolve(d);
        const counts = new Map<string, string[]>();
        for (const g of r.declaration.groups) counts.set(g.role, [...(counts.get(g.role) ?? []), g.name]);
        const expected = [...counts].filter(([, gs]) => gs.length > 1).map(([role, groups]) => ({ role, groups }));
        expect(placeCloudRules(r).roleGroups.map(({ role, groups }) => ({ role, groups }))).toEqual(expected);
      }),
    );
  });
});

/** A ServerProtect site with n normal-server groups, remote install on (every pair of them talks). */
const site = (n: number, egress: 'default' | 'restricted' = 'default'): Declaration => ({
  groups: [
    { name: 'console', role: 'serverprotect:console' },
    { name: 'info', role: 'serverprotect:information-server' },
    ...Array.from({ length: n }, (_, i) => ({ name: `normal-${i}`, role: 'serverprotect:normal-server' })),
  ],
  egress,
});

test.each(['default', 'restricted'] as const)(
  'the number of cloud rules does not grow with the number of groups of a role (%s egress)',
  (egress) => {
    const count = (n: number) => placeCloudRules(resolve(site(n, egress))).rules.length;
    const two = count(2);
    expect([count(3), count(10), count(50), count(200)]).toEqual([two, two, two, two]);
    // Per group, as placeRules() places them, the remote install rows alone grow with the square.
    expect(placeRules(resolve(site(50, egress))).length).toBeGreaterThan(50 * 50);
  },
);
