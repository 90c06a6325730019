// A user's catalog through resolve(), for random catalogs and random declarations over them:
// every flow is justified by a row of the catalog that applies, every port an applicable row
// requires is opened, ranges are merged as tightly as the ports allow, and a catalog beside the
// built-ins never changes what the built-in roles get.
import fc from 'fast-check';
import { PRESETS, resolve, type CatalogDeclaration, type ResolvedFlow } from '../../lib/model';
import { arbitraryCatalog, arbitraryDeclaration, catalogPorts } from '../support/catalogs';

// A flow's ports; an ICMP flow's messages as type * 256 + code, as catalogPorts() numbers them.
const flowRange = (f: ResolvedFlow): [number, number] => {
  if (!f.icmp) return [f.fromPort, f.toPort];
  const [a, b] = f.icmp.code === undefined ? [0, 255] : [f.icmp.code, f.icmp.code];
  return [f.fromPort * 256 + a, f.toPort * 256 + b];
};

const flowPorts = (flows: readonly ResolvedFlow[]): Map<string, Set<number>> => {
  const out = new Map<string, Set<number>>();
  for (const f of flows) {
    const key = `${f.from.name}|${f.to.name}|${f.protocol}`;
    const s = out.get(key) ?? new Set<number>();
    const [a, b] = flowRange(f);
    for (let p = a; p <= b; p++) s.add(p);
    out.set(key, s);
  }
  return out;
};

// Each set as its ranges ascending ("1-3,7"): the same sets exactly when equal, and short for
// ICMP's 65536 messages.
const ranges = (s: Set<number>): string => {
  const out: [number, number][] = [];
  for (const p of [...s].sort((a, b) => a - b)) {
    const last = out.at(-1);
    if (last && last[1] + 1 === p) last[1] = p;
    else out.push([p, p]);
  }
  return out.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
};
const sorted = (m: Map<string, Set<number>>) => [...m].map(([k, s]) => [k, ranges(s)]).sort();

const catalogAndDeclaration = arbitraryCatalog().chain((c) => arbitraryDeclaration(c).map((d) => ({ c, d })));

test('random catalogs: resolve() opens exactly the ports the applicable rows require', () => {
  fc.assert(
    fc.property(catalogAndDeclaration, ({ c, d }) => {
      const r = resolve(d as unknown as CatalogDeclaration, { catalogs: [c] });
      expect(sorted(flowPorts(r.flows))).toEqual(sorted(catalogPorts(c, d)));
      for (const f of r.flows) {
        // Each flow cites only rows of the catalog, and its ranges do not overlap or touch another
        // flow's of the same pair and protocol (merged as tightly as the ports allow). ICMP flows
        // are one per message type (or type and code), as the clouds write them: they do not overlap.
        expect(f.rows.every((id) => c.rows.some((row) => row.id === id))).toBe(true);
        const same = r.flows.filter(
          (g) => g !== f && g.from.name === f.from.name && g.to.name === f.to.name && g.protocol === f.protocol,
        );
        const [a, b] = flowRange(f);
        const gap = f.icmp ? 0 : 1;
        expect(same.every((g) => flowRange(g)[1] + gap < a || b + gap < flowRange(g)[0])).toBe(true);
      }
    }),
    { numRuns: 200, seed: 2601 },
  );
});

test('random catalogs beside the built-ins leave the built-in flows as they are', () => {
  const base = resolve(PRESETS.serverprotect);
  fc.assert(
    fc.property(catalogAndDeclaration, ({ c, d }) => {
      const both = resolve(
        {
          ...(d as object),
          groups: [...PRESETS.serverprotect.groups, ...(d as { groups: [] }).groups],
        } as CatalogDeclaration,
        { catalogs: [c] },
      );
      const builtin = both.flows.filter((f) => f.rows.every((id) => /^SP/.test(id)));
      expect(builtin).toEqual(base.flows.filter((f) => f.to.kind === 'group'));
    }),
    { numRuns: 60, seed: 2602 },
  );
});

test('two random catalogs of different products resolve together as each does alone', () => {
  const two = fc
    .tuple(arbitraryCatalog(0), arbitraryCatalog(1))
    .chain(([a, b]) =>
      fc.tuple(arbitraryDeclaration(a), arbitraryDeclaration(b)).map(([da, db]) => ({ a, b, da, db })),
    );
  fc.assert(
    fc.property(two, ({ a, b, da, db }) => {
      const rename = (d: Record<string, unknown>, prefix: string) => ({
        ...d,
        groups: (d.groups as { name: string; role: string }[]).map((g) => ({ ...g, name: `${prefix}${g.name}` })),
        peers: (d.peers as { name: string }[]).map((p) => ({ ...p, name: `${prefix}${p.name}` })),
      });
      const [ra, rb] = [rename(da, 'a'), rename(db, 'b')];
      const alone = [
        ...resolve(ra as unknown as CatalogDeclaration, { catalogs: [a] }).flows,
        ...resolve(rb as unknown as CatalogDeclaration, { catalogs: [b] }).flows,
      ];
      const together = resolve(
        {
          groups: [...(ra.groups as []), ...(rb.groups as [])],
          peers: [...(ra.peers as []), ...(rb.peers as [])],
          acme: da.acme,
          shop: db.shop,
          egress: da.egress,
        } as CatalogDeclaration,
        { catalogs: [a, b] },
      );
      expect(sorted(flowPorts(together.flows))).toEqual(sorted(flowPorts(alone)));
    }),
    { numRuns: 60, seed: 2603 },
  );
});
