// What a new catalog version changes: the port comparison applied to the old flows gives exactly the
// new ones, port by port with their rows (checked against a per-port oracle written here), for
// random flow sets and for one random declaration resolved under two random catalog versions.
import fc from 'fast-check';
import {
  applyFlowDiff,
  diffCatalogs,
  diffFlows,
  normalizeFlows,
  resolve,
  type CatalogDeclaration,
  type CatalogDefinition,
  type CatalogFlow,
  type Endpoint,
  type FlowPorts,
} from '../../lib/model';
import { arbitraryCatalog, arbitraryDeclaration } from '../support/catalogs';

// Every port of every flow, with the rows of all flows that cover it: the meaning of a flow set.
function portMap(flows: readonly FlowPorts[]): Map<string, string> {
  const rows = new Map<string, Set<string>>();
  for (const f of flows)
    for (let p = f.fromPort; p <= f.toPort; p++) {
      const key = `${f.from.kind}:${f.from.name}|${f.to.kind}:${f.to.name}|${f.protocol}|${p}`;
      const s = rows.get(key) ?? new Set<string>();
      f.rows.forEach((r) => s.add(r));
      rows.set(key, s);
    }
  return new Map([...rows].map(([k, s]) => [k, [...s].sort().join(',')]));
}
const entries = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const ENDPOINTS: Endpoint[] = [
  { kind: 'group', name: 'a', role: 'x:a' },
  { kind: 'group', name: 'b', role: 'x:b' },
  { kind: 'peer', name: 'a', peerKind: 'k', cidr: '10.0.0.0/24' },
];
const flow: fc.Arbitrary<FlowPorts> = fc
  .record({
    from: fc.constantFrom(...ENDPOINTS),
    to: fc.constantFrom(...ENDPOINTS),
    protocol: fc.constantFrom('tcp' as const, 'udp' as const),
    fromPort: fc.integer({ min: 1, max: 40 }),
    width: fc.integer({ min: 0, max: 12 }),
    rows: fc.uniqueArray(fc.constantFrom('R1', 'R2', 'R3'), { minLength: 1, maxLength: 3 }),
  })
  .map(({ width, ...f }) => ({ ...f, toPort: f.fromPort + width }));
const flows = fc.array(flow, { maxLength: 8 });

describe('diffFlows()', () => {
  test('applied to the old flows it gives exactly the new ones: every port, with its rows (random flow sets)', () => {
    fc.assert(
      fc.property(flows, flows, (before, after) => {
        const diff = diffFlows(before, after);
        expect(entries(portMap(applyFlowDiff(before, diff)))).toEqual(entries(portMap(after)));
      }),
      { numRuns: 500 },
    );
  });

  test('opened ports only the new flows open, closed only the old, kept ones both with other rows; ranges collapsed', () => {
    fc.assert(
      fc.property(flows, flows, (before, after) => {
        const { opened, closed, rowsChanged } = diffFlows(before, after);
        const was = portMap(before);
        const is = portMap(after);
        for (const [k, rows] of portMap(opened)) expect([was.has(k), is.get(k)]).toEqual([false, rows]);
        for (const [k, rows] of portMap(closed)) expect([was.get(k), is.has(k)]).toEqual([rows, false]);
        const kept = portMap(rowsChanged.map((c) => ({ ...c, rows: c.after })));
        for (const [k, rows] of kept) expect([was.has(k), is.get(k), was.get(k) !== rows]).toEqual([true, rows, true]);
        // Every port whose rows differ is in exactly one list.
        const changed = [...new Set([...was.keys(), ...is.keys()])].filter((k) => was.get(k) !== is.get(k));
        const listed = [...portMap(opened).keys(), ...portMap(closed).keys(), ...kept.keys()];
        expect(listed.sort()).toEqual(changed.sort());
        // Collapsed: no two ranges of one list for the same pair and rows touch.
        for (const list of [opened, closed]) {
          list.forEach((x, i) =>
            list.slice(i + 1).forEach((y) => {
              const same =
                `${x.from.kind}${x.from.name}${x.to.kind}${x.to.name}${x.protocol}${[...x.rows].sort()}` ===
                `${y.from.kind}${y.from.name}${y.to.kind}${y.to.name}${y.protocol}${[...y.rows].sort()}`;
              if (same) expect(x.toPort + 1 < y.fromPort || y.toPort + 1 < x.fromPort).toBe(true);
            }),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  test('one declaration under two random versions of a catalog: the diff turns the old flows into the new ones', () => {
    const versions = fc
      .tuple(arbitraryCatalog(), arbitraryCatalog())
      .chain(([a, b]) => arbitraryDeclaration(a).map((d) => ({ a, b, d })));
    fc.assert(
      fc.property(versions, ({ a, b, d }) => {
        // Peer ports are allowed only where a row reads them, which may differ between versions.
        const declaration = {
          ...d,
          peers: (d.peers as Record<string, unknown>[]).map((p) => ({ ...p, ports: undefined })),
        } as unknown as CatalogDeclaration;
        const was = resolve(declaration, { catalogs: [a] }).flows;
        const is = resolve(declaration, { catalogs: [b] }).flows;
        const diff = diffFlows(was, is);
        expect(entries(portMap(applyFlowDiff(was, diff)))).toEqual(entries(portMap(is)));
        // resolve() merges ranges already, and sorts them as normalizeFlows() does.
        expect(normalizeFlows(is)).toEqual(
          is.map(({ from, to, protocol, fromPort, toPort, rows }) => ({ from, to, protocol, fromPort, toPort, rows })),
        );
      }),
      { numRuns: 150 },
    );
  });

  test('a port moved from 22 to 2222 and a row added: two opened, one closed, each with its rows', () => {
    const ws: Endpoint = { kind: 'group', name: 'workstation', role: 'sum:workstation' };
    const lx: Endpoint = { kind: 'group', name: 'linux-targets', role: 'sum:target:linux' };
    const f = (fromPort: number, toPort: number, rows: string[]) => ({
      from: ws,
      to: lx,
      protocol: 'tcp' as const,
      fromPort,
      toPort,
      rows,
    });
    const diff = diffFlows(
      [f(22, 22, ['SUM1']), f(60000, 60007, ['SUM4'])],
      [f(2222, 2222, ['SUM1']), f(8080, 8080, ['SUM9']), f(60000, 60003, ['SUM4']), f(60004, 60007, ['SUM4', 'SUM9'])],
    );
    expect(diff.opened.map((c) => [c.fromPort, c.toPort, c.rows])).toEqual([
      [2222, 2222, ['SUM1']],
      [8080, 8080, ['SUM9']],
    ]);
    expect(diff.closed.map((c) => [c.fromPort, c.toPort, c.rows])).toEqual([[22, 22, ['SUM1']]]);
    expect(diff.rowsChanged.map((c) => [c.fromPort, c.toPort, c.before, c.after])).toEqual([
      [60004, 60007, ['SUM4'], ['SUM4', 'SUM9']],
    ]);
    expect(diffFlows([f(22, 22, ['SUM1'])], [f(22, 22, ['SUM1'])])).toEqual({
      opened: [],
      closed: [],
      rowsChanged: [],
    });
  });
});

describe('diffCatalogs()', () => {
  const base: CatalogDefinition = {
    product: { id: 'acme', name: 'Acme 1' },
    documents: [{ id: 'doc', title: 'Acme ports', reference: 'acme-1' }],
    roles: [
      { id: 'acme:a', label: 'a', hostOs: ['linux'] },
      { id: 'acme:b', label: 'b', hostOs: ['linux'] },
    ],
    options: [{ name: 'on', type: 'flag', default: true, description: 'a flag' }],
    rows: [
      {
        id: 'ACME1',
        purpose: 'one',
        condition: 'always',
        citation: { document: 'doc' },
        flows: [
          {
            listener: { roles: ['acme:a'] },
            initiator: { roles: ['acme:b'] },
            protocol: 'tcp',
            ports: { kind: 'fixed', ports: [22] },
          },
        ],
      },
      {
        id: 'ACME2',
        purpose: 'two',
        condition: 'always',
        citation: { document: 'doc' },
        flows: [
          {
            listener: { roles: ['acme:b'] },
            initiator: { roles: ['acme:a'] },
            protocol: 'udp',
            ports: { kind: 'fixed', ports: [53] },
          },
        ],
      },
    ],
  };

  test('rows, roles and options added, removed and changed, by id; the fields that differ', () => {
    const next: CatalogDefinition = {
      ...base,
      roles: [base.roles[0], { id: 'acme:c', label: 'c', hostOs: [] }],
      options: [{ name: 'on', type: 'flag', default: false, description: 'a flag' }],
      rows: [
        {
          ...base.rows[0],
          purpose: 'one, renamed',
          flows: [{ ...(base.rows[0].flows[0] as CatalogFlow & { protocol: 'tcp' }), protocol: 'udp' }],
        },
        { ...base.rows[1], id: 'ACME3' },
      ],
    };
    const d = diffCatalogs(base, next);
    expect(d.rows).toEqual({
      added: ['ACME3'],
      removed: ['ACME2'],
      changed: [{ id: 'ACME1', fields: ['purpose', 'flows'] }],
    });
    expect(d.roles).toEqual({ added: ['acme:c'], removed: ['acme:b'], changed: [] });
    expect(d.options).toEqual({ added: [], removed: [], changed: [{ id: 'on', fields: ['default'] }] });
    expect(d.presets).toEqual({ added: [], removed: [], changed: [] });
  });

  test('the same data with keys in another order (as a YAML and a JSON file may write it) is no change', () => {
    const reordered = JSON.parse(
      JSON.stringify(base, (_k, v: unknown) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    ) as CatalogDefinition;
    expect(Object.keys(reordered.rows[0])).not.toEqual(Object.keys(base.rows[0]));
    const none = { added: [], removed: [], changed: [] };
    expect(diffCatalogs(base, reordered)).toEqual({
      product: [],
      documents: none,
      broadcasts: none,
      rows: none,
      roles: none,
      peerKinds: none,
      options: none,
      presets: none,
    });
  });

  test("the product's fields, the documents and the broadcasts: added, removed and changed", () => {
    const next: CatalogDefinition = {
      ...base,
      product: { id: 'acme', name: 'Acme 2', optionsField: 'acmeOptions' },
      documents: [
        { ...base.documents[0], title: 'Acme ports, revised' },
        { id: 'note', title: 'Our note', reference: 'n-1' },
      ],
      broadcasts: [{ id: 'discovery', message: 'Discovery does not cross a VPC; list the hosts.' }],
    };
    const d = diffCatalogs(base, next);
    expect(d.product).toEqual(['name', 'optionsField']);
    expect(d.documents).toEqual({ added: ['note'], removed: [], changed: [{ id: 'doc', fields: ['title'] }] });
    expect(d.broadcasts).toEqual({ added: ['discovery'], removed: [], changed: [] });
    expect(diffCatalogs(next, base).broadcasts).toEqual({ added: [], removed: ['discovery'], changed: [] });
    expect(diffCatalogs(next, base).product).toEqual(['name', 'optionsField']);
  });

  test('a field present in one version only is a change of that field', () => {
    const next = { ...base, rows: [{ ...base.rows[0], when: { on: true } }, base.rows[1]] };
    expect(diffCatalogs(base, next).rows.changed).toEqual([{ id: 'ACME1', fields: ['when'] }]);
  });
});
