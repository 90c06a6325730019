import fc from 'fast-check';
import { verifyAwsSite, type DeployedGroup } from '../../lib/verify/site-aws';
import { exampleSites } from './aws-templates';

// Any change of one planned port rule, as a colleague might make it through the EC2 API: the
// check reports exactly the ports the new range leaves out (the flow partial, or blocked when none
// is left) and exactly the ports it adds (the rule extra by them), never both for the same port.

const site = exampleSites().ServerProtectExample;
const portRules = site.groups.flatMap((g) =>
  g.ingress
    .map((r, i) => ({ groupId: g.groupId, i, r }))
    .filter(({ r }) => r.ipProtocol === 'tcp' && r.referencedGroupId !== undefined),
);

const range = (from: number, to: number) => (from === to ? `${from}` : `${from}-${to}`);
/** The inclusive ranges of `[a, b]` outside `[c, d]`. */
const outside = (a: number, b: number, c: number, d: number): [number, number][] =>
  [
    [a, Math.min(b, c - 1)],
    [Math.max(a, d + 1), b],
  ].filter(([x, y]) => x <= y) as [number, number][];

test('a port rule moved to any range: blocked exactly outside it, extra exactly beyond the plan', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...portRules),
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: -30, max: 30 }),
      (target, seed, width, shift) => {
        const { fromPort: a, toPort: b } = target.r as { fromPort: number; toPort: number };
        // Mostly near the planned range, sometimes anywhere.
        const c = Math.max(0, Math.min(65535, seed % 4 === 0 ? seed : a + shift));
        const d = Math.min(65535, c + width);
        const groups: DeployedGroup[] = site.groups.map((g) =>
          g.groupId !== target.groupId
            ? g
            : { ...g, ingress: g.ingress.map((r, i) => (i === target.i ? { ...r, fromPort: c, toPort: d } : r)) },
        );
        const r = verifyAwsSite(site.resolution, site.groupIds, groups);
        const to = Object.entries(site.groupIds).find(([, id]) => id === target.groupId)![0];
        const from = Object.entries(site.groupIds).find(([, id]) => id === target.r.referencedGroupId)![0];
        const flow = r.flows.find((f) => f.from === from && f.to === to && f.protocol === 'tcp' && f.fromPort === a)!;
        const missing = outside(a, b, c, d);
        expect(flow.blocked.flatMap((s) => s.ports.map((p) => [p.fromPort, p.toPort]))).toEqual(missing);
        expect(flow.status).toBe(missing.length === 0 ? 'allowed' : c > b || d < a ? 'blocked' : 'partial');
        // Other plan flows may open some of the added ports between the same groups already.
        const planned = site.resolution.flows
          .filter((f) => f.from.name === from && f.to.name === to && f.protocol === 'tcp')
          .map((f) => [f.fromPort, f.toPort]);
        let extra: [number, number][] = [[c, d]];
        for (const [x, y] of planned) extra = extra.flatMap(([p, q]) => outside(p, q, x, y));
        const rows = r.extra.map((e) => e.surplus);
        if (!extra.length) expect(rows).toEqual([]);
        else expect(rows).toEqual([[`tcp ${from} -> ${to} ${extra.map(([p, q]) => range(p, q)).join(', ')}`]]);
      },
    ),
    { numRuns: 60 },
  );
});
