import type { EndpointSpec, FlowProtocol, IcmpMessage, PortSpec, RowId } from './catalog';
import { icmpMessageText, isIcmp } from './port-ranges';
import type { CatalogDeclaration, Declaration, NormalizedDeclaration, PeerDeclaration } from './options';
import type { PeerKind, RoleId } from './roles';
import { BROAD_PREFIX, parseCidr } from './cidr';
import { peerPrefixList, type ResolvedPrefixList } from './peer-address';
import { validateWith } from './validate';
import { catalogSet, type CatalogOptions } from './catalogs';
import { BUILTIN } from './builtin';
import { optionOf, type CatalogSet } from './catalog-set';
import { ArgumentError } from './errors';
import { pairOptions } from './group-options';

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
  /** The peer's address range as declared (validated: masked, IPv4 or IPv6), if it gave one. */
  readonly cidr?: string;
  /** The peer's AWS managed prefix list, with its weight and family, if it gave one. */
  readonly prefixList?: ResolvedPrefixList;
  /** The peer's Azure service tag, if it gave one. */
  readonly serviceTag?: string;
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

/**
 * What a flow or rule admits after its protocol, as tables print it: its ports (`1000-1009`, `22`),
 * or its ICMP messages: `all`, a type (`8`, every code) or a type and code (`3/4`).
 */
export function flowPortsText(f: PortRange & { readonly icmp?: IcmpMessage }): string {
  return f.icmp ? icmpMessageText(f.icmp) : portRangeText(f);
}

/**
 * A connection that must be allowed: `from` opens it to `to` on the ports `fromPort`-`toPort`, or
 * sends it the ICMP messages `icmp`.
 */
export interface ResolvedFlow extends PortRange {
  /** The initiator: opens the connection (needs the egress rule when egress is restricted). */
  readonly from: Endpoint;
  /** The listener: accepts the connection (needs the inbound rule). */
  readonly to: Endpoint;
  /**
   * Transport protocol, or ICMP. An ICMP flow's `fromPort`-`toPort` are its message types (0-255
   * for every message, the one type otherwise) and `icmp` says which messages.
   */
  readonly protocol: FlowProtocol;
  /** For ICMP flows only: the messages, `{}` for every one. */
  readonly icmp?: IcmpMessage;
  /** The catalog rows that require it, in catalog order. */
  readonly rows: readonly RowId[];
  /** Rows and purposes in ASCII, at most 140 characters (fits AWS and Azure rule descriptions). */
  readonly description: string;
}

/** Something the user should know about a resolution; never a reason to fail. */
export interface ResolveWarning {
  /**
   * Stable id: `netbios-broadcast`, `broadcast-<id>` for a broadcast of a catalog
   * (`broadcast-discovery`), `unused-peer` or `broad-peer`; a plan adds its own (`azure-icmp-wider`:
   * an Azure rule admits more ICMP messages than its flows ask for).
   */
  readonly code: 'netbios-broadcast' | 'unused-peer' | 'broad-peer' | 'azure-icmp-wider' | `broadcast-${string}`;
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
  /** The catalogs the declaration was resolved against: roles, rows and citations for every layer that prints them. */
  readonly catalog: CatalogSet;
}

/** Maximum length of a flow description. */
export const DESCRIPTION_MAX = 140;

interface RawFlow extends PortRange {
  from: Endpoint;
  to: Endpoint;
  protocol: FlowProtocol;
  icmp?: IcmpMessage;
  row: RowId;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A declared peer as a flow's endpoint: its address forms as given, a prefix list's weight filled in. */
function peerEndpoint(p: NormalizedDeclaration['peers'][number], i: number): PeerEndpoint {
  return {
    kind: 'peer',
    name: p.name,
    peerKind: p.kind,
    ...(p.cidr !== undefined ? { cidr: p.cidr } : {}),
    ...(p.prefixList ? { prefixList: peerPrefixList(p.prefixList, `peers.${i}.prefixList`) } : {}),
    ...(p.serviceTag !== undefined ? { serviceTag: p.serviceTag } : {}),
  };
}

/** The declaration's endpoints by role and by peer kind, built once: resolution stays linear. */
function endpointIndex(d: NormalizedDeclaration): (spec: EndpointSpec) => readonly Endpoint[] {
  const byRole = new Map<RoleId, GroupEndpoint[]>();
  for (const g of d.groups) push(byRole, g.role, { kind: 'group', name: g.name, role: g.role });
  const byKind = new Map<PeerKind, PeerEndpoint[]>();
  d.peers.forEach((p, i) => push(byKind, p.kind, peerEndpoint(p, i)));
  return (spec) => ('peer' in spec ? (byKind.get(spec.peer) ?? []) : spec.roles.flatMap((r) => byRole.get(r) ?? []));
}

/** The port ranges a row's port spec opens under these options (peer: the peer the flow reaches). */
export function portRanges(spec: PortSpec, d: NormalizedDeclaration, peer?: PeerDeclaration): PortRange[] {
  const single = (p: number): PortRange => ({ fromPort: p, toPort: p });
  switch (spec.kind) {
    case 'fixed':
      return spec.ports.map((r) => ({ fromPort: r.fromPort, toPort: r.toPort }));
    case 'fallback': {
      const pin = optionOf(d, spec.optionsField, spec.pin);
      if (typeof pin === 'number') return [single(pin)];
      return [single(spec.base), { fromPort: spec.fallback[0], toPort: spec.fallback[1] }];
    }
    case 'counted':
      return [{ fromPort: spec.base, toPort: spec.base + (optionOf(d, spec.optionsField, spec.count) as number) - 1 }];
    case 'peer':
      return (peer?.ports ?? spec.defaults).map(single);
  }
}

const key = (e: Endpoint): string => `${e.kind}:${e.name}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of resolved flows: listener, initiator, protocol, first port. Whatever lists flows
 * (resolve(), catalog diffs) sorts by it, so their lists line up. @internal
 */
type Ordered = PortRange & {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly protocol: FlowProtocol;
  readonly icmp?: IcmpMessage;
};
export function flowOrder(a: Ordered, b: Ordered): number {
  // Kind, then name: the order of the keys `kind:name`, without building a string per comparison.
  return (
    cmp(a.to.kind, b.to.kind) ||
    cmp(a.to.name, b.to.name) ||
    cmp(a.from.kind, b.from.kind) ||
    cmp(a.from.name, b.from.name) ||
    cmp(a.protocol, b.protocol) ||
    a.fromPort - b.fromPort ||
    (a.icmp?.code ?? -1) - (b.icmp?.code ?? -1)
  );
}
/**
 * Rows and their purposes as one ASCII description of at most {@link DESCRIPTION_MAX} characters.
 * @param rows row ids of the catalogs
 * @param catalog the catalogs that have them (a resolution's `catalog`)
 * @default catalog - the built-in products
 * @throws ArgumentError when a row is in none of the catalogs
 */
export function describeRows(rows: readonly RowId[], catalog: CatalogSet = BUILTIN): string {
  const ids = [...new Set(rows)].sort(catalog.rowOrder);
  const purposes = ids.map((r) => {
    const row = catalog.row(r);
    if (!row) throw new ArgumentError('rows', r, 'a row id of the catalogs in use');
    return row.purpose;
  });
  const text = `${ids.join(' ')}: ${[...new Set(purposes)].join('; ')}`;
  return text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 3)}...` : text;
}

// The ICMP flows of one pair and protocol, fewest that admit the same messages: every message takes
// the whole pair's rows, a type without a code takes its coded messages' rows.
function mergeIcmp(flows: readonly RawFlow[], describe: (rows: readonly RowId[]) => string): ResolvedFlow[] {
  const byMessage = new Map<string, { icmp: IcmpMessage; rows: Set<RowId> }>();
  const all = flows.some((f) => f.icmp?.type === undefined);
  const typeOnly = new Set(flows.filter((f) => f.icmp?.code === undefined).map((f) => f.icmp?.type));
  for (const f of flows) {
    const m = f.icmp ?? {};
    const icmp: IcmpMessage = all ? {} : typeOnly.has(m.type) ? { type: m.type } : m;
    const k = `${icmp.type ?? ''}/${icmp.code ?? ''}`;
    const entry = byMessage.get(k) ?? { icmp, rows: new Set<RowId>() };
    entry.rows.add(f.row);
    byMessage.set(k, entry);
  }
  const [f0] = flows;
  return [...byMessage.values()].map(({ icmp, rows }) => {
    const sorted = [...rows];
    const type = icmp.type;
    return {
      from: f0.from,
      to: f0.to,
      protocol: f0.protocol,
      ...(type === undefined ? { fromPort: 0, toPort: 255 } : { fromPort: type, toPort: type }),
      icmp,
      rows: sorted,
      description: describe(sorted),
    };
  });
}

/** Merges overlapping or adjacent ranges of flows with the same peers and protocol. */
function merge(raw: RawFlow[], catalog: CatalogSet): ResolvedFlow[] {
  const rowOrder = catalog.rowOrder;
  const byPair = new Map<string, RawFlow[]>();
  for (const f of raw) {
    const k = `${key(f.from)}|${key(f.to)}|${f.protocol}`;
    push(byPair, k, f);
  }
  const out: ResolvedFlow[] = [];
  // The same rows describe many pairs' flows alike: each description is written once.
  const descriptions = new Map<string, string>();
  const describe = (rows: readonly RowId[]): string => {
    const k = rows.join('\u0000');
    let text = descriptions.get(k);
    if (text === undefined) descriptions.set(k, (text = describeRows(rows, catalog)));
    return text;
  };
  for (const flows of byPair.values()) {
    if (isIcmp(flows[0].protocol)) {
      out.push(...mergeIcmp(flows, (rows) => describe([...rows].sort(rowOrder))));
      continue;
    }
    flows.sort((a, b) => a.fromPort - b.fromPort || a.toPort - b.toPort);
    let cur:
      | { from: Endpoint; to: Endpoint; protocol: FlowProtocol; fromPort: number; toPort: number; rows: Set<RowId> }
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
        description: describe(rows),
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
  return out.sort(flowOrder);
}

// NetBIOS is not a product's: every catalog's flows may name it.
const NETBIOS_WARNING =
  'NetBIOS name broadcasts (UDP 137/138) do not cross a VPC or VNet: resolve host names through DNS; the unicast ports are opened anyway.';

// The warnings of a resolution: broadcasts its rows rely on, peers no flow reaches, broad peers.
function resolveWarnings(
  catalog: CatalogSet,
  d: NormalizedDeclaration,
  broadcast: ReadonlyMap<string, ReadonlySet<RowId>>,
  broadcastText: ReadonlyMap<string, string>,
  usedPeers: ReadonlySet<string>,
): ResolveWarning[] {
  const warnings: ResolveWarning[] = [];
  for (const [code, rows] of broadcast) {
    const message = broadcastText.get(code) ?? '';
    if (rows.size)
      warnings.push({ code: code as ResolveWarning['code'], rows: [...rows].sort(catalog.rowOrder), message });
  }
  for (const p of d.peers) {
    if (!usedPeers.has(p.name)) {
      warnings.push({
        code: 'unused-peer',
        rows: [],
        message: `peer ${p.name} (${p.kind}) is reached by no flow: it needs ${catalog.peerKind(p.kind)?.reachedWith ?? 'a row that reaches it'}`,
      });
    }
  }
  for (const p of d.peers) {
    const c = p.cidr === undefined ? undefined : parseCidr(p.cidr);
    if (c && c.prefix < BROAD_PREFIX[c.family]) {
      warnings.push({
        code: 'broad-peer',
        rows: [],
        message: `peer ${p.name} (${p.kind}) is ${p.cidr}, ${c.prefix === 0 ? 'every address' : `wider than a /${BROAD_PREFIX[c.family]}`}: give the peer's own addresses unless the whole range needs the ports`,
      });
    }
  }
  return warnings;
}

/**
 * Resolves a declaration to the minimal, deterministic list of flows its roles and options require,
 * from the built-in products' catalogs and the given ones.
 * @throws DeclarationError when the declaration is invalid
 * @throws CatalogError when a catalog is invalid
 * @throws ArgumentError when `catalogs` is not a list
 */
export function resolve(declaration: Declaration | CatalogDeclaration, options: CatalogOptions = {}): Resolution {
  const catalog = catalogSet(options.catalogs);
  const d = validateWith(catalog, declaration);
  const raw: RawFlow[] = [];
  // Broadcast warnings in the order the catalogs declare them, NetBIOS last.
  const broadcastText = new Map<string, string>(
    catalog.catalogs.flatMap((c) =>
      (c.definition.broadcasts ?? []).map((b) => [`broadcast-${b.id}`, b.message] as const),
    ),
  );
  broadcastText.set('netbios-broadcast', NETBIOS_WARNING);
  const broadcast = new Map([...broadcastText.keys()].map((k) => [k, new Set<RowId>()]));
  const usedPeers = new Set<string>();
  const endpoints = endpointIndex(d);
  const peers = new Map(d.peers.map((p) => [p.name, p]));
  // Groups that set options for themselves: a row's condition and ports are read per pair.
  const pairs = pairOptions(catalog, d);
  for (const row of catalog.rows) {
    const whole = row.applies(d);
    if (!whole && !pairs.touches(row.product)) continue;
    for (const t of row.flows) {
      const initiators = endpoints(t.initiator);
      for (const to of endpoints(t.listener)) {
        for (const from of initiators) {
          if (!pairs.holds(row, from, to, whole)) continue;
          const peerName = to.kind === 'peer' ? to.name : from.kind === 'peer' ? from.name : undefined;
          const peer = peerName === undefined ? undefined : peers.get(peerName);
          if (peer) usedPeers.add(peer.name);
          for (const r of portRanges(t.ports, pairs.view(row, from, to), peer))
            raw.push({ from, to, protocol: t.protocol, ...r, ...(t.icmp ? { icmp: t.icmp } : {}), row: row.id });
          if (t.broadcast)
            broadcast.get(t.broadcast === 'netbios' ? 'netbios-broadcast' : `broadcast-${t.broadcast}`)?.add(row.id);
        }
      }
    }
  }
  const warnings = resolveWarnings(catalog, d, broadcast, broadcastText, usedPeers);
  return { declaration: d, flows: merge(raw, catalog), warnings, catalog };
}
