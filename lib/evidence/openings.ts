import type { CatalogRow, FlowTemplate, Protocol, Resolution } from '../model';
import type { Membership } from './classify';

/**
 * Which catalog rows could open a port between two ends, under some setting of the declaration:
 * every flow of every row of the catalogs in use, with the ports it opens under any setting of its
 * options (a pinned port's base and fallback range, a counted range at its largest count, a peer's
 * ports: any). One list serves the in-process evidence and the SQL that Athena runs, so both name
 * the same rows.
 * @packageDocumentation
 */

/** One flow of a catalog row, with every port it could open. */
export interface RowOpening {
  /** The row id. */
  readonly row: string;
  /** The row's place in the catalogs in use (rows are listed in that order). */
  readonly order: number;
  /** The flow's protocol. */
  readonly protocol: Protocol;
  /** The roles of the listening groups. */
  readonly listenerRoles: readonly string[];
  /** The initiator: groups of these roles, or peers of this kind. */
  readonly initiator:
    | {
        /** Groups of these roles. */
        readonly roles: readonly string[];
      }
    | {
        /** Peers of this kind. */
        readonly peer: string;
      };
  /** The first port it could open. */
  readonly fromPort: number;
  /** The last port it could open. */
  readonly toPort: number;
}

/** The source of traffic as a catalog row sees it: a group's role, a peer's kind, or an address outside both. */
export type OpeningSource =
  | {
      /** A group. */
      readonly kind: 'group';
      /** Its role. */
      readonly role: string;
    }
  | {
      /** A declared peer. */
      readonly kind: 'peer';
      /** Its kind. */
      readonly peerKind: string;
    }
  | {
      /** An address in no group and no peer. */
      readonly kind: 'outside';
    };

// The largest count a counted port rule can take: the catalog's option states it.
function countMax(resolution: Resolution, row: CatalogRow, option: string): number {
  const o = resolution.catalog.catalog(row.product)?.options.find((x) => x.name === option);
  return o?.type === 'count' ? o.max : 1;
}

function ranges(resolution: Resolution, row: CatalogRow, t: FlowTemplate): [number, number][] {
  const p = t.ports;
  switch (p.kind) {
    case 'fixed':
      return p.ports.map((r) => [r.fromPort, r.toPort]);
    case 'fallback':
      return [
        [p.base, p.base],
        [p.fallback[0], p.fallback[1]],
      ];
    case 'counted':
      return [[p.base, p.base + countMax(resolution, row, p.count) - 1]];
    case 'peer':
      // A peer may list any port in its `ports`.
      return [[1, 65535]];
  }
}

/** Every flow of every row of a resolution's catalogs whose listener is groups, with the ports it could open. */
export function rowOpenings(resolution: Resolution): RowOpening[] {
  const out: RowOpening[] = [];
  resolution.catalog.rows.forEach((row, order) => {
    for (const t of row.flows) {
      // Flow logs record ports; ICMP flows are not learned from them.
      if (!('roles' in t.listener) || t.protocol === 'icmp' || t.protocol === 'icmpv6') continue;
      for (const [fromPort, toPort] of ranges(resolution, row, t))
        out.push({
          row: row.id,
          order,
          protocol: t.protocol,
          listenerRoles: t.listener.roles,
          initiator: 'roles' in t.initiator ? { roles: t.initiator.roles } : { peer: t.initiator.peer },
          fromPort,
          toPort,
        });
    }
  });
  return out;
}

/** Whether an opening's initiator is the source. */
export function initiatorMatches(o: RowOpening, source: OpeningSource): boolean {
  if ('roles' in o.initiator) return source.kind === 'group' && o.initiator.roles.includes(source.role);
  return source.kind === 'outside' || (source.kind === 'peer' && source.peerKind === o.initiator.peer);
}

/**
 * The rows (ids, in catalog order, each once) with a flow from the source to the listener's role
 * that could open the port.
 */
export function openingRows(
  openings: readonly RowOpening[],
  listenerRole: string,
  source: OpeningSource,
  protocol: Protocol,
  port: number,
): string[] {
  const hits = openings.filter(
    (o) =>
      o.protocol === protocol &&
      o.fromPort <= port &&
      port <= o.toPort &&
      o.listenerRoles.includes(listenerRole) &&
      initiatorMatches(o, source),
  );
  return [...new Set(hits.sort((a, b) => a.order - b.order).map((o) => o.row))];
}

/** The ways a row sees an end's groups and peers: each group's role and each peer's kind, or outside when it has none. */
export function sourcesOf(resolution: Resolution, m: Membership): { name?: string; source: OpeningSource }[] {
  const d = resolution.declaration;
  const out: { name?: string; source: OpeningSource }[] = [];
  for (const g of m.groups) {
    const role = d.groups.find((x) => x.name === g)?.role;
    if (role !== undefined) out.push({ name: g, source: { kind: 'group', role } });
  }
  for (const p of m.peers) {
    const kind = d.peers.find((x) => x.name === p)?.kind;
    if (kind !== undefined) out.push({ name: p, source: { kind: 'peer', peerKind: kind } });
  }
  if (!m.groups.length && !m.peers.length) out.push({ source: { kind: 'outside' } });
  return out;
}

/**
 * An end's groups and peers as one line of text, the same in every report and in the SQL:
 * group names, then `peer <name>`, comma-separated; `outside` for an end in none. Names hold
 * neither commas nor spaces, so the text names one membership only.
 */
export function membershipText(m: Membership): string {
  const parts = [...m.groups, ...m.peers.map((p) => `peer ${p}`)];
  return parts.length ? parts.join(', ') : 'outside';
}
