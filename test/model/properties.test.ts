import fc from 'fast-check';
import { DESCRIPTION_MAX, resolve, validate, type RowId } from '../../lib/model';
import { requiredPorts as required } from '../support/oracle';
import { validDeclaration } from '../support/declarations';

const RUNS = { numRuns: 150 };

describe('resolve() properties over random valid declarations', () => {
  test('soundness: every port of every flow is required by an applicable row the flow cites', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const need = required(d);
        const unjustified: string[] = [];
        for (const f of resolve(d).flows) {
          const ports = need.get(`${f.from.name}|${f.to.name}|${f.protocol}`);
          const cited = new Set<RowId>();
          for (let p = f.fromPort; p <= f.toPort; p++) {
            const rows = ports?.get(p);
            if (!rows) unjustified.push(`${f.description} port ${p}`);
            rows?.forEach((r) => cited.add(r));
          }
          if ([...f.rows].sort().join() !== [...cited].sort().join())
            unjustified.push(`${f.description} cites ${f.rows} not ${[...cited]}`);
        }
        expect(unjustified).toEqual([]);
      }),
      RUNS,
    );
  });

  test('completeness: every port every applicable row requires is in a flow', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const flows = resolve(d).flows;
        const missing: string[] = [];
        for (const [key, ports] of required(d)) {
          const [from, to, protocol] = key.split('|');
          const mine = flows.filter((f) => f.from.name === from && f.to.name === to && f.protocol === protocol);
          for (const p of ports.keys())
            if (!mine.some((f) => f.fromPort <= p && p <= f.toPort)) missing.push(`${key} ${p}`);
        }
        expect(missing).toEqual([]);
      }),
      RUNS,
    );
  });

  test('minimality: no two flows with the same peers and protocol overlap or touch', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const flows = resolve(d).flows;
        flows.forEach((a, i) =>
          flows.slice(i + 1).forEach((b) => {
            if (a.from.name === b.from.name && a.to.name === b.to.name && a.protocol === b.protocol) {
              expect(a.toPort + 1 < b.fromPort || b.toPort + 1 < a.fromPort).toBe(true);
            }
          }),
        );
      }),
      RUNS,
    );
  });

  test('validation is idempotent: a normalized declaration validates to itself', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const once = validate(d);
        expect(validate(once)).toEqual(once);
        expect(resolve(once).flows).toEqual(resolve(d).flows);
      }),
      RUNS,
    );
  });

  test('determinism: the order of groups and peers does not change the output', () => {
    fc.assert(
      fc.property(validDeclaration, fc.integer(), (d, seed) => {
        const shuffle = <T>(xs: readonly T[]) =>
          [...xs]
            .map((x, i) => ({ x, k: (i * 7919 + seed) % 101 }))
            .sort((a, b) => a.k - b.k)
            .map((y) => y.x);
        const again = { ...d, groups: shuffle(d.groups), peers: shuffle(d.peers ?? []) };
        expect(JSON.stringify(resolve(again).flows)).toBe(JSON.stringify(resolve(d).flows));
      }),
      RUNS,
    );
  });

  test('descriptions fit AWS and Azure: at most 140 ASCII characters AWS accepts, naming every row', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        for (const f of resolve(d).flows) {
          expect(f.description.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
          expect(f.description).toMatch(/^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]+$/);
          for (const r of f.rows) expect(f.description).toContain(r);
        }
      }),
      RUNS,
    );
  });
});
