// The catalog compiler: from a catalog that passed every check (lib/model/catalog-checks.ts) to the
// rows a resolution reads. It reports nothing: whatever it would need to refuse, a check refused.
import type { CatalogRow, Citation, EndpointSpec, FlowTemplate, IcmpMessage, PortSpec } from './catalog';
import { icmpTypeRange } from './port-ranges';
import {
  PORT_RANGE,
  type CatalogDefinition,
  type CatalogEndpoint,
  type CatalogIcmpMessage,
  type CatalogOptionDefinition,
  type CatalogPorts,
} from './catalog-format';
import type { PortRange } from './resolve';
import { citationsOf, optionsFieldOf, peerRef } from './catalog-checks';
import { conditionHolds } from './catalog-options';
import type { ProductCatalog } from './catalog-set';

type Options = ReadonlyMap<string, CatalogOptionDefinition>;

/** A fixed port entry as a range: `445` is 445-445, `"49152-65535"` its two ends (checked by the schema). @internal */
export function fixedPortRange(entry: number | string): PortRange {
  if (typeof entry === 'number') return { fromPort: entry, toPort: entry };
  const m = PORT_RANGE.exec(entry);
  if (!m) throw new Error(`portplan internal error: ${entry} is not a range of ports`);
  return { fromPort: Number(m[1]), toPort: Number(m[2]) };
}

// A port rule in the terms of the resolver: a pinned or counted rule carries its option's numbers.
function portsOf(p: CatalogPorts, options: Options, optionsField: string): PortSpec {
  switch (p.kind) {
    case 'fixed':
      return { kind: 'fixed', ports: p.ports.map(fixedPortRange) };
    case 'peer':
      return { kind: 'peer', defaults: p.defaults };
    case 'fallback': {
      const o = options.get(p.pin);
      if (o?.type !== 'pinnedPort') throw new Error(`portplan internal error: ${p.pin} is not a pinnedPort option`);
      return { kind: 'fallback', base: o.base, fallback: [o.fallback[0], o.fallback[1]], pin: p.pin, optionsField };
    }
    case 'counted':
      return { kind: 'counted', base: p.base, count: p.count, optionsField };
  }
}

// The message as the model keeps it: only the fields the catalog sets.
const icmpMessage = (m: CatalogIcmpMessage | undefined): IcmpMessage =>
  m?.type === undefined ? {} : m.code === undefined ? { type: m.type } : { type: m.type, code: m.code };

// A peer kind is one id across the set, whichever catalog declares it: `serverprotect:mail` is `mail`.
const endpointOf = (e: CatalogEndpoint): EndpointSpec =>
  'peer' in e ? { peer: peerRef(e.peer).kind } : { roles: e.roles };

/** The rows of a checked catalog, ready for resolution. */
function compileRows(c: CatalogDefinition, optionsField: string): CatalogRow[] {
  const options: Options = new Map((c.options ?? []).map((o) => [o.name, o]));
  const documentTitle = new Map(c.documents.map((d) => [d.id, d.title]));
  return c.rows.map((r): CatalogRow => {
    // A flow either side opens is the two directed flows: everything downstream sees only those.
    const flows = r.flows.flatMap((f): FlowTemplate[] => {
      const one: FlowTemplate = {
        listener: endpointOf(f.listener),
        initiator: endpointOf(f.initiator),
        protocol: f.protocol,
        ...(f.protocol === 'icmp' || f.protocol === 'icmpv6'
          ? { ports: { kind: 'fixed', ports: [icmpTypeRange(f.icmp ?? {})] }, icmp: icmpMessage(f.icmp) }
          : { ports: portsOf(f.ports, options, optionsField) }),
        ...(f.broadcast !== undefined ? { broadcast: f.broadcast } : {}),
      };
      return f.direction === 'both' ? [one, { ...one, listener: one.initiator, initiator: one.listener }] : [one];
    });
    const when = r.when ?? {};
    const citations = citationsOf(r).map((c): Citation => ({
      document: documentTitle.get(c.document) ?? c.document,
      ...(c.section !== undefined ? { section: c.section } : {}),
      row: r.id,
      ...(c.note !== undefined ? { note: c.note } : {}),
    }));
    return {
      id: r.id,
      product: c.product.id,
      purpose: r.purpose,
      condition: r.condition,
      when,
      optionsField,
      applies: (d) => conditionHolds(when, d, optionsField),
      flows,
      citation: citations[0],
      citations,
    };
  });
}

// The roles on the other side of the flows that reach a peer kind, for the unused-peer warning.
function reachedWith(c: CatalogDefinition, kind: string): string {
  const roles = new Set<string>();
  for (const r of c.rows)
    for (const f of r.flows) {
      const [peer, other] = 'peer' in f.listener ? [f.listener, f.initiator] : [f.initiator, f.listener];
      if ('peer' in peer && peerRef(peer.peer).kind === kind && 'roles' in other)
        other.roles.forEach((x) => roles.add(x));
    }
  return roles.size ? `a group of role ${[...roles].join(' or ')}` : 'a row that reaches it';
}

/**
 * A checked catalog as a resolution reads it: product, roles, peer kinds, options and rows.
 * @param c the catalog, its shape and every rule across its fields checked
 * @param source where it came from, named in every later error about it
 * @internal
 */
export function compileCatalog(c: CatalogDefinition, source: string): ProductCatalog {
  const productId = c.product.id;
  const optionsField = optionsFieldOf(c);
  return {
    source,
    definition: c,
    product: { id: productId, name: c.product.name, optionsField, documents: c.documents },
    roles: c.roles.map((r) => ({
      id: r.id,
      product: productId,
      label: r.label,
      hostOs: r.hostOs,
      ...(r.hostOsOption !== undefined ? { hostOsOption: r.hostOsOption } : {}),
      requires: r.requires ?? [],
    })),
    peerKinds: (c.peerKinds ?? []).map((k) => ({
      id: k.id,
      product: productId,
      label: k.label,
      reachedWith: k.reachedWith ?? reachedWith(c, k.id),
    })),
    options: c.options ?? [],
    rows: compileRows(c, optionsField),
  };
}
