// ICMP and ICMPv6 flows of a catalog: what the loader refuses (a code without a type, ports on
// ICMP, a type or code outside 0-255, ICMP fields on TCP) and how resolution merges messages.
import fc from 'fast-check';
import { CatalogError, loadCatalog, resolve, type CatalogDefinition } from '../../lib/model';
import { ICMP_CATALOG, ICMP_DECLARATION } from '../support/icmp-catalog';

type Flow = CatalogDefinition['rows'][number]['flows'][number];

// The catalog with the first flow of row PNG1 replaced.
const withFlow = (flow: unknown): unknown => {
  const c = structuredClone(ICMP_CATALOG) as unknown as { rows: { flows: unknown[] }[] };
  c.rows[0].flows[0] = flow;
  return c;
};
const base = ICMP_CATALOG.rows[0].flows[0];
const problems = (data: unknown) => {
  try {
    loadCatalog(data, 'icmp.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof CatalogError)) throw e;
    return e.problems.map((p) => [p.path, p.message]);
  }
};

test('a code needs a type; ICMP has no ports; TCP has no icmp; type and code are 0-255', () => {
  expect(problems(withFlow({ ...base, icmp: { code: 4 } }))).toEqual([
    ['rows[0].flows[0].icmp.code', expect.stringMatching(/must come with a type/)],
  ]);
  expect(problems(withFlow({ ...base, ports: { kind: 'fixed', ports: [7] } }))).toEqual([
    ['rows[0].flows[0]', 'unknown field ports; allowed: listener, initiator, protocol, direction, icmp, broadcast'],
  ]);
  expect(problems(withFlow({ ...base, protocol: 'tcp' }))[0][0]).toMatch(/^rows\[0\]\.flows\[0\]\.(icmp|ports)$/);
  for (const bad of [256, -1, 1.5])
    expect(problems(withFlow({ ...base, icmp: { type: bad } }))[0][0]).toBe('rows[0].flows[0].icmp.type');
  expect(problems(withFlow({ ...base, icmp: { type: 3, code: 256 } }))[0][0]).toBe('rows[0].flows[0].icmp.code');
});

// Random sets of ICMP messages between one pair, from several rows: the resolved flows admit
// exactly the union of the messages (compared message by message, all 65,536), none twice.
test('resolution merges the messages of a pair to flows that admit exactly their union', () => {
  const message = fc.oneof(
    fc.constant({}),
    fc.record({ type: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ type: fc.integer({ min: 0, max: 3 }), code: fc.integer({ min: 0, max: 3 }) }),
  );
  fc.assert(
    fc.property(fc.array(message, { minLength: 1, maxLength: 5 }), (messages) => {
      const c = structuredClone(ICMP_CATALOG) as unknown as { rows: { id: string; flows: Flow[] }[] };
      const rows = messages.map((icmp, i) => ({
        ...c.rows[0],
        id: `PNG${10 + i}`,
        flows: [{ ...base, icmp } as Flow],
      }));
      const catalog = { ...ICMP_CATALOG, rows: [...ICMP_CATALOG.rows.slice(1), ...rows] } as CatalogDefinition;
      const r = resolve(ICMP_DECLARATION, { catalogs: [catalog] });
      const flows = r.flows.filter((f) => f.protocol === 'icmp' && f.from.name === 'monitors');
      const admits = (m: { type?: number; code?: number }, t: number, k: number) =>
        (m.type === undefined || m.type === t) && (m.code === undefined || m.code === k);
      for (let t = 0; t < 256; t++)
        for (let k = 0; k < 256; k++) {
          const want = messages.some((m) => admits(m, t, k));
          const got = flows.filter((f) => admits(f.icmp ?? {}, t, k)).length;
          if (got > 0 !== want || got > 1) return false;
        }
      return true;
    }),
    { numRuns: 30 },
  );
});
