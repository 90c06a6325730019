// What a new catalog version changes: the port comparison applied to the old flows gives exactly the
// new ones, port by port with their rows (checked against a per-port oracle written here), for
// random flow sets and for one random declaration resolved under two random catalog versions.
import fc from 'fast-check';
import {
  applyFlowDiff,
  changePortsText,
  diffCatalogs,
  diffFlows,
  isIcmp,
  normalizeFlows,
  resolve,
  type CatalogDeclaration,
  type CatalogDefinition,
  type CatalogFlow,
  type Endpoint,
  type FlowChange,
  type FlowPorts,
} from '../../lib/model';
import { arbitraryCatalog, arbitraryDeclaration } from '../support/catalogs';

// A flow's range of its pair's line: its ports; ICMP, its messages as type * 256 + code (a change's
// codes, a resolved flow's one code, else every code of its types). A change of several types
// with some codes only would be no range: none may be written.
function lineOf(f: FlowPorts): [number, number] {
  if (f.protocol === 'tcp' || f.protocol === 'udp') return [f.fromPort, f.toPort];
  const code = f.icmp?.code;
  const [a, b] = f.codes ? [f.codes.fromCode, f.codes.toCode] : code !== undefined ? [code, code] : [0, 255];
  if (f.fromPort !== f.toPort && (a !== 0 || b !== 255))
    throw new Error(`types ${f.fromPort}-${f.toPort} codes ${a}-${b}`);
  return [f.fromPort * 256 + a, f.toPort * 256 + b];
}
const pairOf = (f: FlowPorts) => `${f.from.kind}:${f.from.name}|${f.to.kind}:${f.to.name}|${f.protocol}`;

// Every port (ICMP message) of every flow, with the rows of all flows that cover it: the meaning of
// flow sets, each as a map. Per pair, the line is cut at both ends of every flow of every set, so a
// flow covers each piece whole or not at all: the piece's first point stands for all of it, exactly.
function portMaps(...sets: (readonly FlowPorts[])[]): Map<string, string>[] {
  const cuts = new Map<string, Set<number>>();
  for (const f of sets.flat()) {
    const [a, b] = lineOf(f);
    cuts.set(pairOf(f), (cuts.get(pairOf(f)) ?? new Set<number>()).add(a).add(b + 1));
  }
  const sorted = new Map([...cuts].map(([k, c]) => [k, [...c].sort((x, y) => x - y)]));
  return sets.map((flows) => {
    const rows = new Map<string, Set<string>>();
    for (const f of flows) {
      const [a, b] = lineOf(f);
      for (const p of sorted.get(pairOf(f))!.filter((c) => a <= c && c <= b)) {
        const s = rows.get(`${pairOf(f)}|${p}`) ?? new Set<string>();
        f.rows.forEach((r) => s.add(r));
        rows.set(`${pairOf(f)}|${p}`, s);
      }
    }
    return new Map([...rows].map(([k, s]) => [k, [...s].sort().join(',')]));
  });
}
const entries = (m: Map<string, string>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const ENDPOINTS: Endpoint[] = [
  { kind: 'group', name: 'a', role: 'x:a' },
  { kind: 'group', name: 'b', role: 'x:b' },
  { kind: 'peer', name: 'a', peerKind: 'k', cidr: '10.0.0.0/24' },
];
const portFlow: fc.Arbitrary<FlowPorts> = fc
  .record({
    from: fc.constantFrom(...ENDPOINTS),
    to: fc.constantFrom(...ENDPOINTS),
    protocol: fc.constantFrom('tcp' as const, 'udp' as const),
    fromPort: fc.integer({ min: 1, max: 40 }),
    width: fc.integer({ min: 0, max: 12 }),
    rows: fc.uniqueArray(fc.constantFrom('R1', 'R2', 'R3'), { minLength: 1, maxLength: 3 }),
  })
  .map(({ width, ...f }) => ({ ...f, toPort: f.fromPort + width }));
// ICMP flows as resolve() writes them: every message (types 0-255), a type, or a type and code;
// few types and codes, so that flows of one pair meet.
const icmpFlow: fc.Arbitrary<FlowPorts> = fc
  .record({
    from: fc.constantFrom(...ENDPOINTS),
    to: fc.constantFrom(...ENDPOINTS),
    protocol: fc.constantFrom('icmp' as const, 'icmpv6' as const),
    type: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    code: fc.option(fc.constantFrom(0, 1, 4, 255), { nil: undefined }),
    rows: fc.uniqueArray(fc.constantFrom('R1', 'R2', 'R3'), { minLength: 1, maxLength: 3 }),
  })
  .map(({ type, code, ...f }) =>
    type === undefined
      ? { ...f, fromPort: 0, toPort: 255, icmp: {} }
      : { ...f, fromPort: type, toPort: type, icmp: code === undefined ? { type } : { type, code } },
  );
// Flow sets of ports alone, and of ICMP beside ports.
const SETS = [
  ['ports', fc.array(portFlow, { maxLength: 8 })],
  ['ICMP and ports', fc.array(fc.oneof(portFlow, icmpFlow), { maxLength: 8 })],
] as const;

describe.each(SETS)('diffFlows(), random flow sets of %s', (_what, flows) => {
  test('applied to the old flows it gives exactly the new ones: every port, with its rows', () => {
    fc.assert(
      fc.property(flows, flows, (before, after) => {
        const diff = diffFlows(before, after);
        const [applied, wanted] = portMaps(applyFlowDiff(before, diff), after);
        expect(entries(applied)).toEqual(entries(wanted));
      }),
      { numRuns: 500 },
    );
  });

  test('opened ports only the new flows open, closed only the old, kept ones both with other rows; ranges collapsed', () => {
    fc.assert(
      fc.property(flows, flows, (before, after) => {
        const { opened, closed, rowsChanged } = diffFlows(before, after);
        const [was, is, o, c, kept] = portMaps(
          before,
          after,
          opened,
          closed,
          rowsChanged.map((x) => ({ ...x, rows: x.after })),
        );
        for (const [k, rows] of o) expect([was.has(k), is.get(k)]).toEqual([false, rows]);
        for (const [k, rows] of c) expect([was.get(k), is.has(k)]).toEqual([rows, false]);
        for (const [k, rows] of kept) expect([was.has(k), is.get(k), was.get(k) !== rows]).toEqual([true, rows, true]);
        // Every port whose rows differ is in exactly one list.
        const changed = [...new Set([...was.keys(), ...is.keys()])].filter((k) => was.get(k) !== is.get(k));
        const listed = [...o.keys(), ...c.keys(), ...kept.keys()];
        expect(listed.sort()).toEqual(changed.sort());
        // Collapsed: no two ranges of one list for the same pair and rows touch; but ICMP messages
        // (type * 256 + code) touching across types, as a partial type beside whole ones is written
        // (3/5-255 then 4-6 then 7/0-2), never two whole-type ranges nor two ranges of one type.
        const whole = (x: FlowChange) => x.codes?.fromCode === 0 && x.codes.toCode === 255;
        for (const list of [opened, closed]) {
          list.forEach((x, i) =>
            list.slice(i + 1).forEach((y) => {
              const same =
                `${x.from.kind}${x.from.name}${x.to.kind}${x.to.name}${x.protocol}${[...x.rows].sort()}` ===
                `${y.from.kind}${y.from.name}${y.to.kind}${y.to.name}${y.protocol}${[...y.rows].sort()}`;
              const [first, next] = lineOf(x)[0] < lineOf(y)[0] ? [x, y] : [y, x];
              if (same && lineOf(first)[1] + 1 === lineOf(next)[0])
                expect([!!x.codes, whole(first) && whole(next), first.toPort === next.fromPort]).toEqual([
                  true,
                  false,
                  false,
                ]);
              else if (same) expect(lineOf(first)[1] + 1 < lineOf(next)[0]).toBe(true);
            }),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('diffFlows()', () => {
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
        const [applied, wanted] = portMaps(applyFlowDiff(was, diff), is);
        expect(entries(applied)).toEqual(entries(wanted));
        // resolve() merges port ranges already, and sorts them as normalizeFlows() does (its ICMP
        // flows stay one per type, or type and code, as the clouds' rules are written).
        const ports = is.filter((f) => !isIcmp(f.protocol));
        expect(normalizeFlows(ports)).toEqual(
          ports.map(({ from, to, protocol, fromPort, toPort, rows }) => ({
            from,
            to,
            protocol,
            fromPort,
            toPort,
            rows,
          })),
        );
      }),
      { numRuns: 150, seed: 2604 },
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

describe('diffFlows() on ICMP: messages by type and code', () => {
  const mon: Endpoint = { kind: 'group', name: 'monitors', role: 'png:monitor' };
  const node: Endpoint = { kind: 'group', name: 'nodes', role: 'png:node' };
  const icmp = (type: number | undefined, code: number | undefined, rows: string[]) => ({
    from: mon,
    to: node,
    protocol: 'icmp' as const,
    ...(type === undefined ? { fromPort: 0, toPort: 255 } : { fromPort: type, toPort: type }),
    icmp: type === undefined ? {} : code === undefined ? { type } : { type, code },
    rows,
  });
  const text = (list: readonly FlowChange[]) => list.map((c) => `${c.protocol} ${changePortsText(c)} ${c.rows}`);

  test('a code changed within one type: the old message closed, the new one opened', () => {
    const diff = diffFlows([icmp(3, 4, ['PNG3'])], [icmp(3, 1, ['PNG3'])]);
    expect([text(diff.opened), text(diff.closed), diff.rowsChanged]).toEqual([
      ['icmp 3/1 PNG3'],
      ['icmp 3/4 PNG3'],
      [],
    ]);
    expect(diff.opened[0]).toMatchObject({ fromPort: 3, toPort: 3, codes: { fromCode: 1, toCode: 1 } });
  });

  test('every code of a type narrowed to one: the other codes closed, exactly', () => {
    const diff = diffFlows([icmp(3, undefined, ['PNG3'])], [icmp(3, 4, ['PNG3'])]);
    expect([text(diff.opened), text(diff.closed)]).toEqual([[], ['icmp 3/0-3 PNG3', 'icmp 3/5-255 PNG3']]);
    // And back: the other codes opened.
    const back = diffFlows([icmp(3, 4, ['PNG3'])], [icmp(3, undefined, ['PNG3'])]);
    expect([text(back.opened), text(back.closed)]).toEqual([['icmp 3/0-3 PNG3', 'icmp 3/5-255 PNG3'], []]);
  });

  test('every message narrowed to one type: the types on either side closed, whole', () => {
    const diff = diffFlows([icmp(undefined, undefined, ['PNG1'])], [icmp(8, undefined, ['PNG1'])]);
    expect(text(diff.closed)).toEqual(['icmp 0-7 PNG1', 'icmp 9-255 PNG1']);
    const wider = diffFlows([icmp(8, 0, ['PNG1'])], [icmp(undefined, undefined, ['PNG1'])]);
    expect(text(wider.opened)).toEqual(['icmp 0-7 PNG1', 'icmp 8/1-255 PNG1', 'icmp 9-255 PNG1']);
  });

  test('the same messages for another row: kept, with both rows; the same flows: no change', () => {
    const diff = diffFlows([icmp(8, 0, ['PNG1'])], [icmp(8, 0, ['PNG1', 'PNG4'])]);
    expect(diff.rowsChanged.map((c) => [changePortsText(c), c.before, c.after])).toEqual([
      ['8/0', ['PNG1'], ['PNG1', 'PNG4']],
    ]);
    expect(diffFlows([icmp(3, 4, ['PNG3'])], [icmp(3, 4, ['PNG3'])])).toEqual({
      opened: [],
      closed: [],
      rowsChanged: [],
    });
    // ICMP and ICMPv6 are apart: the same message over the other protocol is a change.
    const v6 = diffFlows([icmp(8, 0, ['PNG1'])], [{ ...icmp(8, 0, ['PNG1']), protocol: 'icmpv6' }]);
    expect([text(v6.opened), text(v6.closed)]).toEqual([['icmpv6 8/0 PNG1'], ['icmp 8/0 PNG1']]);
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
