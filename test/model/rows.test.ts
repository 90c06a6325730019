import { CATALOG, PRODUCTS, ROW_IDS, resolve, type FlowProtocol } from '../../lib/model';
import { ROW_CASES as CASES, type Expect } from '../support/rows';
import { portProtocol } from '../support/protocol';

const asTuple = (f: {
  from: { name: string };
  to: { name: string };
  protocol: FlowProtocol;
  fromPort: number;
  toPort: number;
}): Expect => [f.from.name, f.to.name, portProtocol(f.protocol), f.fromPort, f.toPort];

describe('every row of the two port tables is in the catalog, cited', () => {
  test.each(ROW_IDS)('%s has one catalog entry with a citation and at least one flow', (id) => {
    const rows = CATALOG.filter((r) => r.id === id);
    expect(rows).toHaveLength(1);
    expect(rows[0].citation.row).toBe(id);
    // A product's own document, or (HP SUM 7.x+) the later online help, which must say it is not the 5.x guide.
    if (id.startsWith('SUM7-')) {
      expect(rows[0].citation.document).toMatch(/HPE Smart Update Manager 7\.x\+/);
      expect(rows[0].citation.note).toMatch(/^not in the HP SUM 5\.x user guide/);
    } else {
      expect([PRODUCTS.serverprotect.document, PRODUCTS.sum.document]).toContain(rows[0].citation.document);
    }
    expect(rows[0].flows.length).toBeGreaterThan(0);
    expect(rows[0].purpose).toMatch(/^[\x20-\x7e]+$/);
  });
  test('the catalog has no row beyond the numbered ones', () => {
    expect(CATALOG.map((r) => r.id)).toEqual([...ROW_IDS]);
  });
});

describe('each row resolves to the flows its table gives', () => {
  test.each(ROW_IDS)('row %s', (id) => {
    const { flows } = resolve(CASES[id].declaration);
    const carrying = flows.filter((f) => f.rows.includes(id)).map(asTuple);
    const same = (a: Expect, b: Expect) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
    // Every range the row requires is inside one flow that cites the row...
    for (const e of CASES[id].expect) {
      expect(carrying.filter((c) => same(c, e) && c[3] <= e[3] && e[4] <= c[4])).toHaveLength(1);
    }
    // ...and every flow that cites the row holds one of its ranges (merging may widen it with other rows).
    for (const c of carrying) {
      expect(CASES[id].expect.some((e) => same(c, e) && c[3] <= e[3] && e[4] <= c[4])).toBe(true);
    }
    for (const f of flows.filter((x) => x.rows.includes(id))) expect(f.description).toContain(id);
  });
});
