import {
  catalogSet,
  resolve,
  type CatalogSource,
  type Declaration,
  type EndpointSpec,
  type PortSpec,
  type RowId,
} from '../../lib/model';

// An oracle written apart from resolve(): the set of single ports each applicable row requires
// between each pair of endpoints, keyed "from|to|protocol". The rows are those of the built-in
// products and of `catalogs`.
export function requiredPorts(
  d: Declaration,
  catalogs?: readonly CatalogSource[],
): Map<string, Map<number, Set<RowId>>> {
  const n = resolve(d, { catalogs }).declaration;
  const names = (e: EndpointSpec) =>
    'peer' in e
      ? n.peers.filter((p) => p.kind === e.peer).map((p) => p.name)
      : n.groups.filter((g) => e.roles.includes(g.role)).map((g) => g.name);
  const expand = (spec: PortSpec, peer: string | undefined): number[] => {
    const span = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    if (spec.kind === 'fixed') return spec.ports.flatMap((r) => span(r.fromPort, r.toPort));
    if (spec.kind === 'peer') return [...(n.peers.find((p) => p.name === peer)?.ports ?? spec.defaults)];
    const options = (n as unknown as Record<string, Record<string, unknown>>)[spec.optionsField];
    if (spec.kind === 'counted') return span(spec.base, spec.base + (options[spec.count] as number) - 1);
    const pin = options;
    return typeof pin[spec.pin] === 'number'
      ? [pin[spec.pin] as number]
      : [spec.base, ...span(spec.fallback[0], spec.fallback[1])];
  };
  const out = new Map<string, Map<number, Set<RowId>>>();
  for (const row of catalogSet(catalogs).rows.filter((r) => r.applies(n))) {
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

/**
 * The oracle's ports between parties that a cloud can address: a group, a peer, or, for a role with
 * two or more groups, the whole role (its groups are treated alike by every row of the built-in and
 * test catalogs, so one role-wide group stands for them), keyed "from|to|protocol".
 */
function rolePorts(d: Declaration, catalogs?: readonly CatalogSource[]): Map<string, Set<number>> {
  const n = resolve(d, { catalogs }).declaration;
  const count = new Map<string, number>();
  for (const g of n.groups) count.set(g.role, (count.get(g.role) ?? 0) + 1);
  const party = (name: string) => {
    const g = n.groups.find((x) => x.name === name);
    return g && (count.get(g.role) ?? 0) > 1 ? `role:${g.role}` : name;
  };
  const out = new Map<string, Set<number>>();
  for (const [key, ports] of requiredPorts(d, catalogs)) {
    const [from, to, protocol] = key.split('|');
    const k = `${party(from)}|${party(to)}|${protocol}`;
    out.set(k, new Set([...(out.get(k) ?? []), ...ports.keys()]));
  }
  return out;
}

/** Whether a party of {@link rolePorts} is a group or a role (carries rules), not a peer. */
function carriesRules(d: Declaration, party: string, catalogs?: readonly CatalogSource[]): boolean {
  return party.startsWith('role:') || resolve(d, { catalogs }).declaration.groups.some((g) => g.name === party);
}

/**
 * The least number of rules any tool could emit for a declaration, from the oracle alone: one per
 * maximal run of contiguous ports per (from, to, protocol), inbound, plus the same outbound when
 * egress is restricted (AWS counts each direction's rules on its own group), where the groups of a
 * role with two or more are one party (see {@link rolePorts}).
 */
export function minimumRules(
  d: Declaration,
  catalogs?: readonly CatalogSource[],
): { inbound: number; outbound: number } {
  const restricted = resolve(d, { catalogs }).declaration.egress === 'restricted';
  let inbound = 0;
  let outbound = 0;
  for (const [key, ports] of rolePorts(d, catalogs)) {
    const sorted = [...ports].sort((a, b) => a - b);
    const runs = sorted.filter((p, i) => i === 0 || p !== sorted[i - 1] + 1).length;
    const [from, to] = key.split('|');
    if (carriesRules(d, to, catalogs)) inbound += runs;
    if (restricted && carriesRules(d, from, catalogs)) outbound += runs;
  }
  return { inbound, outbound };
}

/** The least number of Azure allow rules: one per direction, source, destination and protocol (roles as in {@link minimumRules}). */
export function minimumAzureRules(d: Declaration, catalogs?: readonly CatalogSource[]): number {
  const restricted = resolve(d, { catalogs }).declaration.egress === 'restricted';
  const keys = [...rolePorts(d, catalogs).keys()].map((k) => k.split('|'));
  return (
    keys.filter(([, to]) => carriesRules(d, to, catalogs)).length +
    (restricted ? keys.filter(([from]) => carriesRules(d, from, catalogs)).length : 0)
  );
}
