// Random valid catalogs and declarations over them (fast-check), for the property tests that put a
// user's catalog through the same path as the built-ins.
import fc from 'fast-check';
import type { CatalogDefinition, CatalogFlow, CatalogOptionDefinition, CatalogPorts } from '../../lib/model';

const PRODUCTS = ['acme', 'shop', 'ledger'] as const;

/**
 * A random valid catalog of one product, with every kind of option and port rule: single ports and
 * ranges, ICMP and ICMPv6 flows (every message, a type, a type and code), flows either side opens
 * (`direction: both`).
 */
export function arbitraryCatalog(productIndex = 0): fc.Arbitrary<CatalogDefinition> {
  const product = PRODUCTS[productIndex];
  const roleIds = ['a', 'b', 'c', 'd'].map((r) => `${product}:${r}`);
  const kind = `${product}-peer`;
  const options: CatalogOptionDefinition[] = [
    { name: 'on', type: 'flag', default: true, description: 'a flag' },
    { name: 'mode', type: 'choice', values: ['x', 'y'], default: 'x', description: 'a choice' },
    { name: 'port', type: 'pinnedPort', base: 7000, fallback: [7001, 7005], description: 'a pinned port' },
    { name: 'width', type: 'count', min: 1, max: 12, default: 3, description: 'a count' },
  ];
  const port = fc.integer({ min: 1, max: 65535 });
  // Fixed entries: single ports and ranges ("2500-3300"), which may overlap or touch each other.
  const fixedEntry = fc.oneof(
    port,
    fc.tuple(port, fc.integer({ min: 0, max: 2000 })).map(([a, w]) => `${a}-${Math.min(65535, a + w)}`),
    fc.constant('49152-65535'),
  );
  const ports: fc.Arbitrary<CatalogPorts> = fc.oneof(
    fc.record({ kind: fc.constant('fixed' as const), ports: fc.array(fixedEntry, { minLength: 1, maxLength: 4 }) }),
    fc.constant({ kind: 'fallback' as const, pin: 'port' }),
    fc.record({
      kind: fc.constant('counted' as const),
      base: fc.integer({ min: 1, max: 65535 - 12 }),
      count: fc.constant('width'),
    }),
    fc.record({ kind: fc.constant('peer' as const), defaults: fc.uniqueArray(port, { minLength: 1, maxLength: 3 }) }),
  );
  const roles = fc.uniqueArray(fc.constantFrom(...roleIds), { minLength: 1, maxLength: 3 });
  const groupSide = roles.map((r) => ({ roles: r }));
  const portFlow = fc
    .record({
      listener: groupSide,
      initiator: groupSide,
      protocol: fc.constantFrom('tcp' as const, 'udp' as const),
      ports,
      peerSide: fc.constantFrom('none', 'listener', 'initiator'),
      both: fc.boolean(),
    })
    .map(({ peerSide, both, ...f }) => {
      // Peer ports only make sense with a peer on one side; a peer on both sides is no flow of a host.
      const withPeer = f.ports.kind === 'peer' && peerSide === 'none' ? 'listener' : peerSide;
      const g = { ...f, ...(both ? { direction: 'both' as const } : {}) };
      if (withPeer === 'listener') return { ...g, listener: { peer: kind } };
      if (withPeer === 'initiator') return { ...g, initiator: { peer: kind } };
      return g;
    });
  // ICMP and ICMPv6: every message, every code of a type, or one type and code; few types and codes,
  // so that the flows of one pair meet (a type beside its codes, every message beside a type).
  const icmp = fc.oneof(
    fc.constant(undefined),
    fc.constant({}),
    fc.record({ type: fc.constantFrom(0, 3, 4, 8) }),
    fc.record({ type: fc.constantFrom(3, 4, 8), code: fc.constantFrom(0, 4, 255) }),
  );
  const icmpFlow = fc
    .record({
      listener: groupSide,
      initiator: groupSide,
      protocol: fc.constantFrom('icmp' as const, 'icmpv6' as const),
      icmp,
      peerSide: fc.constantFrom('none', 'listener', 'initiator'),
      both: fc.boolean(),
    })
    .map(({ peerSide, both, icmp: m, ...f }) => {
      const g = { ...f, ...(m ? { icmp: m } : {}), ...(both ? { direction: 'both' as const } : {}) };
      if (peerSide === 'listener') return { ...g, listener: { peer: kind } };
      if (peerSide === 'initiator') return { ...g, initiator: { peer: kind } };
      return g;
    });
  const flow: fc.Arbitrary<CatalogFlow> = fc.oneof(
    { arbitrary: portFlow, weight: 3 },
    { arbitrary: icmpFlow, weight: 1 },
  );
  const when = fc.oneof(
    fc.constant(undefined),
    fc.constant({ on: true }),
    fc.constant({ on: false }),
    fc.constant({ mode: 'y' }),
    fc.constant({ mode: ['x', 'y'], on: true }),
  );
  const rows = fc.array(fc.record({ flows: fc.array(flow, { minLength: 1, maxLength: 3 }), when }), {
    minLength: 1,
    maxLength: 6,
  });
  return rows.map((rs) => ({
    product: { id: product, name: `${product} product` },
    documents: [{ id: 'doc', title: `${product} ports`, reference: `${product}-1` }],
    roles: roleIds.map((id) => ({ id, label: `${id.replace(':', ' ')} role`, hostOs: ['linux' as const] })),
    peerKinds: [{ id: kind, label: 'a peer' }],
    options,
    rows: rs.map((r, i) => ({
      id: `${product.toUpperCase()}${i + 1}`,
      purpose: `row ${i + 1}`,
      condition: r.when ? 'when set' : 'always',
      ...(r.when ? { when: r.when } : {}),
      citation: { document: 'doc' },
      flows: r.flows,
    })),
  }));
}

/** A random declaration over a catalog's roles, peer kind and options. */
export function arbitraryDeclaration(c: CatalogDefinition): fc.Arbitrary<Record<string, unknown>> {
  const field = c.product.id;
  const roleIds = c.roles.map((r) => r.id);
  const kind = c.peerKinds?.[0]?.id ?? '';
  // A peer may name its ports only where some row lets it (validation refuses them otherwise).
  const choosesPorts = c.rows.some((r) => r.flows.some((f) => 'ports' in f && f.ports.kind === 'peer'));
  return fc
    .record({
      roles: fc.uniqueArray(fc.constantFrom(...roleIds), { minLength: 1, maxLength: roleIds.length }),
      twice: fc.boolean(),
      peers: fc.array(
        fc.record({
          octet: fc.integer({ min: 1, max: 254 }),
          ports: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }), {
            nil: undefined,
          }),
        }),
        { maxLength: 2 },
      ),
      options: fc.record(
        {
          on: fc.boolean(),
          mode: fc.constantFrom('x', 'y'),
          port: fc.constantFrom(7000, 7001, 7005),
          width: fc.integer({ min: 1, max: 12 }),
        },
        { requiredKeys: [] },
      ),
      egress: fc.constantFrom('default', 'restricted'),
    })
    .map(({ roles, twice, peers, options, egress }) => ({
      groups: [
        ...roles.map((role, i) => ({ name: `g${i}`, role })),
        ...(twice ? [{ name: 'again', role: roles[0] }] : []),
      ],
      peers: peers.map((p, i) => ({
        name: `p${i}`,
        kind,
        cidr: `10.9.${p.octet}.0/24`,
        ...(p.ports && choosesPorts ? { ports: p.ports } : {}),
      })),
      [field]: options,
      egress,
    }));
}

/**
 * The single ports a catalog requires between each pair of endpoints ("from|to|protocol"), read
 * from the catalog definition itself (ICMP messages as type * 256 + code): an oracle written apart from loadCatalog() and resolve().
 */
export function catalogPorts(c: CatalogDefinition, d: Record<string, unknown>): Map<string, Set<number>> {
  const options = new Map((c.options ?? []).map((o) => [o.name, o]));
  const set = { ...((d[c.product.optionsField ?? c.product.id] as Record<string, unknown>) ?? {}) };
  for (const o of c.options ?? []) if (set[o.name] === undefined && 'default' in o) set[o.name] = o.default;
  const groups = d.groups as { name: string; role: string }[];
  const peers = (d.peers as { name: string; kind: string; ports?: number[] }[]) ?? [];
  const names = (e: { roles: readonly string[] } | { peer: string }) =>
    'peer' in e
      ? peers.filter((p) => p.kind === e.peer).map((p) => p.name)
      : groups.filter((g) => e.roles.includes(g.role)).map((g) => g.name);
  const span = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const rangeEnds = (e: string): [number, number] => {
    const [a, b] = e.split('-').map(Number);
    return [a, b];
  };
  const out = new Map<string, Set<number>>();
  for (const row of c.rows) {
    const holds = Object.entries(row.when ?? {}).every(([k, v]) =>
      Array.isArray(v) ? v.includes(set[k]) : set[k] === v,
    );
    if (!holds) continue;
    // A flow either side opens is the flow and its reverse, each reading the ports as it would alone.
    const flows = row.flows.flatMap((f) =>
      f.direction === 'both' ? [f, { ...f, listener: f.initiator, initiator: f.listener }] : [f],
    );
    for (const f of flows)
      for (const to of names(f.listener))
        for (const from of names(f.initiator)) {
          const peer = peers.find((p) => p.name === ('peer' in f.listener ? to : 'peer' in f.initiator ? from : ''));
          let ports: number[];
          // ICMP messages as numbers type * 256 + code: no type is all of them, a type its 256 codes.
          if (!('ports' in f)) {
            const m = f.icmp ?? {};
            ports =
              m.type === undefined
                ? span(0, 65535)
                : m.code === undefined
                  ? span(m.type * 256, m.type * 256 + 255)
                  : [m.type * 256 + m.code];
          }
          // A range entry ("2500-3300") is every port from its first to its last.
          else if (f.ports.kind === 'fixed')
            ports = f.ports.ports.flatMap((e) => (typeof e === 'number' ? [e] : span(...rangeEnds(e))));
          else if (f.ports.kind === 'peer') ports = [...(peer?.ports ?? f.ports.defaults)];
          else if (f.ports.kind === 'counted')
            ports = span(f.ports.base, f.ports.base + (set[f.ports.count] as number) - 1);
          else {
            const o = options.get(f.ports.pin) as unknown as { base: number; fallback: [number, number] };
            ports =
              typeof set[f.ports.pin] === 'number'
                ? [set[f.ports.pin] as number]
                : [o.base, ...span(o.fallback[0], o.fallback[1])];
          }
          const key = `${from}|${to}|${f.protocol}`;
          const s = out.get(key) ?? new Set<number>();
          ports.forEach((p) => s.add(p));
          out.set(key, s);
        }
  }
  return out;
}
