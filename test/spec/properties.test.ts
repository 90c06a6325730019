import fc from 'fast-check';
import { CATALOG, DESCRIPTION_MAX, resolve, type Declaration, type EndpointSpec, type PortSpec, type RowId } from '../../lib/spec';
import { validDeclaration } from '../support/declarations';

// An oracle written apart from resolve(): the set of single ports each applicable row requires
// between each pair of endpoints, keyed "from|to|protocol".
function required(d: Declaration): Map<string, Map<number, Set<RowId>>> {
  const n = resolve(d).declaration;
  const names = (e: EndpointSpec) =>
    'peer' in e ? n.peers.filter((p) => p.kind === e.peer).map((p) => p.name) : n.groups.filter((g) => e.roles.includes(g.role)).map((g) => g.name);
  const expand = (spec: PortSpec, peer: string | undefined): number[] => {
    const span = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    if (spec.kind === 'fixed') return [...spec.ports];
    if (spec.kind === 'peer') return [...(n.peers.find((p) => p.name === peer)?.ports ?? spec.defaults)];
    if (spec.kind === 'counted') return span(spec.base, spec.base + n.sum[spec.count] - 1);
    const pin = { ...n.serverProtect, ...n.sum } as Record<string, unknown>;
    return typeof pin[spec.pin] === 'number' ? [pin[spec.pin] as number] : [spec.base, ...span(spec.fallback[0], spec.fallback[1])];
  };
  const out = new Map<string, Map<number, Set<RowId>>>();
  for (const row of CATALOG.filter((r) => r.applies(n))) {
    for (const t of row.flows) {
      for (const to of names(t.listener)) {
        for (const from of names(t.initiator)) {
          const peer = 'peer' in t.listener ? to : 'peer' in t.initiator ? from : undefined;
          const key = `${from}|${to}|${t.protocol}`;
          const ports = out.get(key) ?? new Map<number, Set<RowId>>();
          for (const p of expand(t.ports, peer)) ports.set(p, (ports.get(p) ?? new Set()).add(row.id));
          out.set(key, ports);
        }
      }
    }
  }
  return out;
}

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
          if ([...f.rows].sort().join() !== [...cited].sort().join()) unjustified.push(`${f.description} cites ${f.rows} not ${[...cited]}`);
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
          for (const p of ports.keys()) if (!mine.some((f) => f.fromPort <= p && p <= f.toPort)) missing.push(`${key} ${p}`);
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

  test('determinism: the order of groups and peers does not change the output', () => {
    fc.assert(
      fc.property(validDeclaration, fc.integer(), (d, seed) => {
        const shuffle = <T>(xs: readonly T[]) => [...xs].map((x, i) => ({ x, k: (i * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k).map((y) => y.x);
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
