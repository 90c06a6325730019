import { CATALOG, type EndpointSpec, type PortSpec, type Protocol, type RowId, ROW_IDS, catalogRow } from './catalog';
import type { Declaration, NormalizedDeclaration, PeerDeclaration } from './options';
import type { PeerKind, RoleId } from './roles';
import { BROAD_PREFIX, parseCidr } from './cidr';
import { validate } from './validate';

/** A declared role group as one side of a flow. */
export interface GroupEndpoint {
  /** Discriminator. */
  readonly kind: 'group';
  /** The group's declared name. */
  readonly name: string;
  /** The role the group's hosts play. */
  readonly role: RoleId;
}

/** A declared external peer as one side of a flow, with its address range. */
export interface PeerEndpoint {
  /** Discriminator. */
  readonly kind: 'peer';
  /** The peer's declared name. */
  readonly name: string;
  /** What the peer is. */
  readonly peerKind: PeerKind;
  /** The peer's address range as declared (validated: masked, IPv4 or IPv6). */
  readonly cidr: string;
}

/**
 * One side of a resolved flow: a role group or an external peer. Each carries what the adapters
 * need (the group's role, the peer's CIDR), so no layer looks a name up again.
 */
export type Endpoint = GroupEndpoint | PeerEndpoint;

/** An inclusive port range. */
export interface PortRange {
  /** First port of the range. */
  readonly fromPort: number;
  /** Last port of the range (equal to `fromPort` for one port). */
  readonly toPort: number;
}

/** A range as the clouds and host firewalls write it: `1000-1009`, or `22` for a single port. */
export function portRangeText(r: PortRange): string {
  return r.fromPort === r.toPort ? `${r.fromPort}` : `${r.fromPort}-${r.toPort}`;
}

/** A connection that must be allowed: `from` opens it to `to` on the ports `fromPort`-`toPort`. */
export interface ResolvedFlow extends PortRange {
  /** The initiator: opens the connection (needs the egress rule when egress is restricted). */
  readonly from: Endpoint;
  /** The listener: accepts the connection (needs the inbound rule). */
  readonly to: Endpoint;
  /** Transport protocol. */
  readonly protocol: Protocol;
  /** The catalog rows that require it, in catalog order. */
  readonly rows: readonly RowId[];
  /** Rows and purposes in ASCII, at most 140 characters (fits AWS and Azure rule descriptions). */
  readonly description: string;
}

/** Something the user should know about a resolution; never a reason to fail. */
export interface ResolveWarning {
  /** Stable id, e.g. `broadcast-discovery`. */
  readonly code: 'broadcast-discovery' | 'netbios-broadcast' | 'unused-peer' | 'broad-peer';
  /** The rows the warning is about; empty for `unused-peer` and `broad-peer`. */
  readonly rows: readonly RowId[];
  /** What happens and what to do instead. */
  readonly message: string;
}

/** A warning as one line: its rows, if any, then its message. Every adapter prints it this way. */
export function warningText(w: ResolveWarning): string {
  return `${w.rows.length ? `${w.rows.join(', ')}: ` : ''}${w.message}`;
}

/** The result of {@link resolve}. */
export interface Resolution {
  /** The validated declaration with defaults filled in. */
  readonly declaration: NormalizedDeclaration;
  /** The minimal set of flows, sorted deterministically. */
  readonly flows: readonly ResolvedFlow[];
  /** Things the user should know; never a reason to fail. */
  readonly warnings: readonly ResolveWarning[];
}

/** Maximum length of a flow description. */
export const DESCRIPTION_MAX = 140;

interface RawFlow extends PortRange {
  from: Endpoint;
  to: Endpoint;
  protocol: Protocol;
  row: RowId;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The declaration's endpoints by role and by peer kind, built once: resolution stays linear. */
function endpointIndex(d: NormalizedDeclaration): (spec: EndpointSpec) => readonly Endpoint[] {
  const byRole = new Map<RoleId, GroupEndpoint[]>();
  for (const g of d.groups) push(byRole, g.role, { kind: 'group', name: g.name, role: g.role });
  const byKind = new Map<PeerKind, PeerEndpoint[]>();
  for (const p of d.peers) push(byKind, p.kind, { kind: 'peer', name: p.name, peerKind: p.kind, cidr: p.cidr });
  return (spec) => ('peer' in spec ? (byKind.get(spec.peer) ?? []) : spec.roles.flatMap((r) => byRole.get(r) ?? []));
}

/** The port ranges a row's port spec opens under these options (peer: the peer the flow reaches). */
export function portRanges(spec: PortSpec, d: NormalizedDeclaration, peer?: PeerDeclaration): PortRange[] {
  const single = (p: number): PortRange => ({ fromPort: p, toPort: p });
  switch (spec.kind) {
    case 'fixed':
      return spec.ports.map(single);
    case 'fallback': {
      const pin = spec.pin === 'webServerPort' ? d.sum.webServerPort : d.serverProtect[spec.pin];
      if (pin !== undefined) return [single(pin)];
      return [single(spec.base), { fromPort: spec.fallback[0], toPort: spec.fallback[1] }];
    }
    case 'counted':
      return [{ fromPort: spec.base, toPort: spec.base + d.sum[spec.count] - 1 }];
    case 'peer':
      return (peer?.ports ?? spec.defaults).map(single);
  }
}

const key = (e: Endpoint): string => `${e.kind}:${e.name}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const rowOrder = (a: RowId, b: RowId): number => ROW_IDS.indexOf(a) - ROW_IDS.indexOf(b);

/** Rows and their purposes as one ASCII description of at most {@link DESCRIPTION_MAX} characters. */
export function describeRows(rows: readonly RowId[]): string {
  const ids = [...new Set(rows)].sort(rowOrder);
  const text = `${ids.join(' ')}: ${[...new Set(ids.map((r) => catalogRow(r).purpose))].join('; ')}`;
  return text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 3)}...` : text;
}

/** Merges overlapping or adjacent ranges of flows with the same peers and protocol. */
function merge(raw: RawFlow[]): ResolvedFlow[] {
  const byPair = new Map<string, RawFlow[]>();
  for (const f of raw) {
    const k = `${key(f.from)}|${key(f.to)}|${f.protocol}`;
    push(byPair, k, f);
  }
  const out: ResolvedFlow[] = [];
  for (const flows of byPair.values()) {
    flows.sort((a, b) => a.fromPort - b.fromPort || a.toPort - b.toPort);
    let cur:
      | { from: Endpoint; to: Endpoint; protocol: Protocol; fromPort: number; toPort: number; rows: Set<RowId> }
      | undefined;
    const flush = () => {
      if (!cur) return;
      const rows = [...cur.rows].sort(rowOrder);
      out.push({
        from: cur.from,
        to: cur.to,
        protocol: cur.protocol,
        fromPort: cur.fromPort,
        toPort: cur.toPort,
        rows,
        description: describeRows(rows),
      });
    };
    for (const f of flows) {
      if (cur && f.fromPort <= cur.toPort + 1) {
        cur.toPort = Math.max(cur.toPort, f.toPort);
        cur.rows.add(f.row);
      } else {
        flush();
        cur = {
          from: f.from,
          to: f.to,
          protocol: f.protocol,
          fromPort: f.fromPort,
          toPort: f.toPort,
          rows: new Set([f.row]),
        };
      }
    }
    flush();
  }
  return out.sort(
    (a, b) =>
      cmp(key(a.to), key(b.to)) ||
      cmp(key(a.from), key(b.from)) ||
      cmp(a.protocol, b.protocol) ||
      a.fromPort - b.fromPort,
  );
}

const WARNINGS = {
  'broadcast-discovery':
    'ServerProtect discovery by broadcast (UDP) does not cross a VPC or VNet: add information servers to the console by name or address, and give the installer the information server address.',
  'netbios-broadcast':
    'NetBIOS name broadcasts (UDP 137/138) do not cross a VPC or VNet: resolve host names through DNS; the unicast ports are opened anyway.',
} as const;

const UNUSED_PEER: Record<PeerKind, string> = {
  'control-manager': 'an information server group and serverProtect.controlManagerAgent',
  'update-source': 'an information server group',
  mail: 'an information server group',
  snmp: 'an information server group',
  administrators: 'a sum:workstation group and sum.profile 7.x+',
};

/**
 * Resolves a declaration to the minimal, deterministic list of flows its roles and options require.
 * @throws DeclarationError when the declaration is invalid
 */
export function resolve(declaration: Declaration): Resolution {
  const d = validate(declaration);
  const raw: RawFlow[] = [];
  const broadcast = { 'broadcast-discovery': new Set<RowId>(), 'netbios-broadcast': new Set<RowId>() };
  const usedPeers = new Set<string>();
  const endpoints = endpointIndex(d);
  const peers = new Map(d.peers.map((p) => [p.name, p]));
  for (const row of CATALOG) {
    if (!row.applies(d)) continue;
    for (const t of row.flows) {
      const initiators = endpoints(t.initiator);
      for (const to of endpoints(t.listener)) {
        for (const from of initiators) {
          const peerName = to.kind === 'peer' ? to.name : from.kind === 'peer' ? from.name : undefined;
          const peer = peerName === undefined ? undefined : peers.get(peerName);
          if (peer) usedPeers.add(peer.name);
          for (const r of portRanges(t.ports, d, peer)) raw.push({ from, to, protocol: t.protocol, ...r, row: row.id });
          if (t.broadcast)
            broadcast[t.broadcast === 'discovery' ? 'broadcast-discovery' : 'netbios-broadcast'].add(row.id);
        }
      }
    }
  }
  const warnings: ResolveWarning[] = [];
  for (const [code, rows] of Object.entries(broadcast) as [keyof typeof WARNINGS, Set<RowId>][]) {
    if (rows.size) warnings.push({ code, rows: [...rows].sort(rowOrder), message: WARNINGS[code] });
  }
  for (const p of d.peers) {
    if (!usedPeers.has(p.name)) {
      warnings.push({
        code: 'unused-peer',
        rows: [],
        message: `peer ${p.name} (${p.kind}) is reached by no flow: it needs ${UNUSED_PEER[p.kind]}`,
      });
    }
  }
  for (const p of d.peers) {
    const c = parseCidr(p.cidr);
    if (c && c.prefix < BROAD_PREFIX[c.family]) {
      warnings.push({
        code: 'broad-peer',
        rows: [],
        message: `peer ${p.name} (${p.kind}) is ${p.cidr}, ${c.prefix === 0 ? 'every address' : `wider than a /${BROAD_PREFIX[c.family]}`}: give the peer's own addresses unless the whole range needs the ports`,
      });
    }
  }
  return { declaration: d, flows: merge(raw), warnings };
}
