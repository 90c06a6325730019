import {
  ArgumentError,
  BUILTIN_CATALOGS,
  resolve,
  type CatalogDefinition,
  type CatalogSource,
  type Declaration,
  type Resolution,
} from '../model';
import { planClassifier, type Packet } from './classify';
import type { EvidenceReport, UnplannedTraffic } from './evidence';
import type { Inventory } from './inventory';
import { membershipText, openingRows, rowOpenings, sourcesOf, type OpeningSource } from './openings';
import { protocolName, tupleText } from './render';
import { unifiedDiff, yamlText } from './yaml-text';

/**
 * Learning from the logs: the accepted traffic no planned flow covers, turned into a change to the
 * declaration that plans it (options of a catalog row that would open it, peers for the addresses
 * outside the inventory) and, for traffic no catalog row explains, draft catalog rows. Every change
 * is checked by resolving the changed declaration and classifying the traffic's own records again:
 * a change is kept only when the traffic is then planned and all that was planned before still is.
 * The draft rows cite no vendor document: the catalog format requires a citation, so they cite a
 * document named as needing a source, in a catalog of their own that a reviewer replaces.
 * @packageDocumentation
 */

/** One change to the declaration, and the traffic it plans. */
export interface LearnChange {
  /** The path changed (`peers[3]`, `serverProtect.communication`). */
  readonly path: string;
  /** The value set there. */
  readonly value: unknown;
  /** Why: the traffic, and the catalog row (or draft row) that opens it. */
  readonly why: string;
}

/** Traffic the change could not plan, and why. */
export interface Unlearned {
  /** The traffic, as one line. */
  readonly traffic: string;
  /** Why not. */
  readonly reason: string;
}

/** What {@link learnFromEvidence} proposes. */
export interface LearnResult {
  /** The declaration with the changes. */
  readonly declaration: Record<string, unknown>;
  /** The changes, in order. */
  readonly changes: readonly LearnChange[];
  /** The draft catalog (rows that need a source), when some traffic needs one. */
  readonly draft?: CatalogDefinition;
  /** Accepted traffic left unplanned. */
  readonly unlearned: readonly Unlearned[];
}

/** How {@link learnFromEvidence} names what it makes. */
export interface LearnOptions {
  /** The product id of the draft catalog; its row ids, role id and peer kinds start with it. @default 'observed' */
  readonly product?: string;
}

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

interface State {
  declaration: Json;
  readonly changes: LearnChange[];
  readonly rows: NonNullable<CatalogDefinition['rows']>[number][];
  readonly kinds: NonNullable<CatalogDefinition['peerKinds']>[number][];
  readonly peerOf: Map<string, string>;
  readonly planned: Packet[][];
}

const cidrOf = (a: string): string => `${a}/${a.includes(':') ? 128 : 32}`;

/** The records of a kind of traffic to check it by: its samples, and each outside address kept. */
function packetsOf(u: UnplannedTraffic): Packet[] {
  const s = u.samples[0];
  return [
    ...u.samples,
    ...u.addresses.src.map((a) => ({ ...s, srcAddr: a })),
    ...u.addresses.dst.map((a) => ({ ...s, dstAddr: a })),
  ];
}

class Learner {
  readonly state: State;
  private readonly user: CatalogSource[];
  private readonly openings;
  private counter = 0;

  constructor(
    private readonly resolution: Resolution,
    private readonly inventory: Inventory,
    original: unknown,
    private readonly product: string,
  ) {
    this.user = resolution.catalog.catalogs.filter((c) => !BUILTIN_CATALOGS.includes(c));
    this.openings = rowOpenings(resolution);
    this.state = {
      declaration: clone(original) as Json,
      changes: [],
      rows: [],
      kinds: [],
      peerOf: new Map(),
      planned: [],
    };
  }

  draft(rows = this.state.rows, kinds = this.state.kinds): CatalogDefinition | undefined {
    if (!rows.length) return undefined;
    return {
      product: { id: this.product, name: 'Traffic observed in flow logs (DRAFT: every row needs a source)' },
      documents: [
        {
          id: 'needs-source',
          title: 'NEEDS A SOURCE: traffic observed in flow logs, not found in any vendor document',
          reference: 'portplan learn: replace with the vendor document that states each port',
        },
      ],
      roles: [
        {
          id: `${this.product}:unplaced`,
          label: 'Placeholder role: a catalog needs one; no group uses it',
          hostOs: [],
        },
      ],
      peerKinds: kinds,
      rows,
    };
  }

  /** Resolves a declaration with the draft rows; undefined when it does not resolve. */
  private resolveWith(declaration: Json, rows: State['rows'], kinds: State['kinds']): Resolution | undefined {
    const draft = this.draft(rows, kinds);
    try {
      return resolve(declaration as unknown as Declaration, { catalogs: [...this.user, ...(draft ? [draft] : [])] });
    } catch {
      return undefined;
    }
  }

  /** Applies a change when the traffic is then planned and all planned before still is. */
  attempt(packets: Packet[], change: (d: Json, rows: State['rows'], kinds: State['kinds']) => LearnChange[]): boolean {
    const d = clone(this.state.declaration);
    const rows = clone(this.state.rows);
    const kinds = clone(this.state.kinds);
    const changes = change(d, rows, kinds);
    const res = this.resolveWith(d, rows, kinds);
    if (!res) return false;
    const classify = planClassifier(res, this.inventory);
    if (![...this.state.planned, packets].every((list) => list.every((p) => classify(p).flows.length > 0)))
      return false;
    this.state.declaration = d;
    this.state.rows.splice(0, Infinity, ...rows);
    this.state.kinds.splice(0, Infinity, ...kinds);
    this.state.changes.push(...changes);
    this.state.planned.push(packets);
    return true;
  }

  /** A name no peer of the declaration has, and no peer kind of the catalogs: `<product>-<n>`. */
  freshName(d: Json, kinds: State['kinds']): string {
    const taken = new Set([
      ...((d.peers as { name: string }[] | undefined) ?? []).map((p) => p.name),
      ...this.resolution.catalog.peerKindIds,
      ...kinds.map((k) => k.id),
    ]);
    let name: string;
    do name = `${this.product}-${++this.counter}`;
    while (taken.has(name));
    return name;
  }

  catalogCandidates(u: UnplannedTraffic): { row: string; source: OpeningSource; from?: string }[] {
    const d = this.resolution.declaration;
    const protocol = u.protocol === 6 ? 'tcp' : 'udp';
    return u.dst.groups.flatMap((to) => {
      const role = d.groups.find((g) => g.name === to)?.role ?? '';
      return sourcesOf(this.resolution, u.src).flatMap(({ name, source }) =>
        openingRows(this.openings, role, source, protocol, u.port).map((row) => ({ row, source, from: name })),
      );
    });
  }
}

/** A kind of unplanned traffic as one line: `accepted 10.0.1.5:50001 -> 192.0.2.80:443/tcp (console -> outside), 3 records`. */
export function trafficText(u: UnplannedTraffic): string {
  const ends = `${membershipText(u.src)} -> ${membershipText(u.dst)}`;
  return `${u.action === 'accept' ? 'accepted' : 'denied'} ${tupleText(u.samples[0])} (${ends}), ${u.tally.records} record${u.tally.records === 1 ? '' : 's'}`;
}

type Change = (d: Json, rows: State['rows'], kinds: State['kinds']) => LearnChange[];

function peersOf(d: Json): Json[] {
  if (!Array.isArray(d.peers)) d.peers = [];
  return d.peers as Json[];
}

// The options and port setting a catalog row needs, and peers for the addresses outside.
function catalogChange(
  l: Learner,
  r: Resolution,
  u: UnplannedTraffic,
  c: { row: string; source: OpeningSource; from?: string },
): Change {
  return (d, _rows, kinds) => {
    const row = r.catalog.row(c.row);
    if (!row) return [];
    const why = `${trafficText(u)}: catalog row ${row.id} (${row.purpose})`;
    const out: LearnChange[] = [];
    const block = (
      typeof d[row.optionsField] === 'object' && d[row.optionsField] !== null
        ? d[row.optionsField]
        : (d[row.optionsField] = {})
    ) as Json;
    const set = (k: string, value: unknown) => {
      if (block[k] === value) return;
      block[k] = value;
      out.push({ path: `${row.optionsField}.${k}`, value, why });
    };
    for (const [k, v] of Object.entries(row.when)) set(k, Array.isArray(v) ? v[0] : v);
    const normalized = (r.declaration as unknown as Record<string, Json | undefined>)[row.optionsField] ?? {};
    const protocol = u.protocol === 6 ? 'tcp' : 'udp';
    const t = row.flows.find((f) => f.protocol === protocol && 'roles' in f.listener);
    if (t?.ports.kind === 'counted') {
      const need = u.port - t.ports.base + 1;
      const now = Number(block[t.ports.count] ?? normalized[t.ports.count] ?? 0);
      if (need > now) set(t.ports.count, need);
    }
    if (t?.ports.kind === 'fallback' && block[t.ports.pin] !== undefined) set(t.ports.pin, u.port);
    if (c.source.kind === 'outside' && t && 'peer' in t.initiator)
      for (const a of u.addresses.src) {
        const name = l.freshName(d, kinds);
        const peer: Json = { name, kind: t.initiator.peer, cidr: cidrOf(a) };
        if (t.ports.kind === 'peer' && !t.ports.defaults.includes(u.port)) peer.ports = [u.port];
        peersOf(d).push(peer);
        out.push({ path: `peers[${peersOf(d).length - 1}]`, value: peer, why });
      }
    return out;
  };
}

type EndSpec = { readonly roles: readonly string[] } | { readonly peer: string };

// A draft peer kind, and a peer of it, for a range; one already made for the range is reused.
function draftPeer(l: Learner, d: Json, kinds: State['kinds'], cidr: string, why: string, out: LearnChange[]): string {
  const own = new Set(kinds.map((k) => k.id));
  const found = peersOf(d).find((p) => p.cidr === cidr && own.has(String(p.kind)));
  if (found) return String(found.kind);
  const name = l.freshName(d, kinds);
  kinds.push({ id: name, label: `Observed peer ${cidr}` });
  const peer = { name, kind: name, cidr };
  peersOf(d).push(peer);
  out.push({ path: `peers[${peersOf(d).length - 1}]`, value: peer, why });
  return name;
}

// A draft row from one end to the other (a row of the same ends and protocol takes the port).
function draftChange(l: Learner, r: Resolution, u: UnplannedTraffic, product: string): Change {
  return (d, rows, kinds) => {
    const out: LearnChange[] = [];
    const why = `${trafficText(u)}: draft row (no catalog row opens it)`;
    const ends = (m: UnplannedTraffic['src'], addresses: readonly string[]): EndSpec[] => {
      if (m.groups.length) return [{ roles: [r.declaration.groups.find((g) => g.name === m.groups[0])?.role ?? ''] }];
      const cidrs = m.peers.length
        ? [r.declaration.peers.find((p) => p.name === m.peers[0])?.cidr ?? '']
        : addresses.map(cidrOf);
      return cidrs.map((c) => ({ peer: draftPeer(l, d, kinds, c, why, out) }));
    };
    const protocol = u.protocol === 6 ? ('tcp' as const) : ('udp' as const);
    for (const listener of ends(u.dst, u.addresses.dst))
      for (const initiator of ends(u.src, u.addresses.src)) {
        const same = rows.find(
          (x) =>
            JSON.stringify([x.flows[0].listener, x.flows[0].initiator, x.flows[0].protocol]) ===
              JSON.stringify([listener, initiator, protocol]) &&
            'ports' in x.flows[0] &&
            x.flows[0].ports.kind === 'fixed' &&
            x.flows[0].ports.ports.length < 32,
        );
        const first = same?.flows[0];
        const ports = first && 'ports' in first ? first.ports : undefined;
        if (ports?.kind === 'fixed') {
          if (!ports.ports.includes(u.port)) (ports.ports as number[]).push(u.port);
          continue;
        }
        const id = `${product.toUpperCase()}-${rows.length + 1}`;
        const purpose = `Observed ${protocol} from ${membershipText(u.src)} to ${membershipText(u.dst)}`.replace(
          /[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g,
          ' ',
        );
        rows.push({
          id,
          purpose: purpose.length > 80 ? `${purpose.slice(0, 77)}...` : purpose,
          condition: 'Observed in flow logs; NEEDS A SOURCE before use',
          citation: { document: 'needs-source', note: `NEEDS A SOURCE. Seen: ${trafficText(u)}`.slice(0, 400) },
          flows: [{ listener, initiator, protocol, ports: { kind: 'fixed', ports: [u.port] } }],
        });
        out.push({ path: `draft rows: ${id}`, value: `${protocol} ${u.port}`, why });
      }
    return out;
  };
}

/**
 * A change to the declaration (and draft catalog rows) that plans the accepted traffic no planned
 * flow covers, checked as the module's documentation says.
 * @param report the evidence
 * @param resolution the plan the evidence was collected against
 * @param inventory the inventory it was collected with
 * @param declaration the declaration as written (a preset's or a file's), which the change is to
 * @param options how drafts are named
 * @throws ArgumentError when the product id is not one a catalog may have
 */
export function learnFromEvidence(
  report: EvidenceReport,
  resolution: Resolution,
  inventory: Inventory,
  declaration: unknown,
  options: LearnOptions = {},
): LearnResult {
  const product = options.product ?? 'observed';
  if (!/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/.test(product))
    throw new ArgumentError(
      'product',
      product,
      'a product id: 2-24 lower-case letters, digits and dashes, starting with a letter',
    );
  const l = new Learner(resolution, inventory, declaration, product);
  const unlearned: Unlearned[] = [];
  for (const u of report.acceptedUnplanned) {
    const traffic = trafficText(u);
    const refuse = (reason: string) => unlearned.push({ traffic, reason });
    if (u.protocol !== 6 && u.protocol !== 17) refuse(`${protocolName(u.protocol)}: catalogs plan tcp and udp only`);
    else if (!u.src.groups.length && !u.dst.groups.length)
      refuse('neither end is in a declared group: a rule needs a group to carry it');
    else if (u.addresses.more)
      refuse('more addresses outside the inventory than were kept: name them as peers by hand');
    else {
      const packets = packetsOf(u);
      const done =
        l.attempt(packets, () => []) ||
        l.catalogCandidates(u).some((c) => l.attempt(packets, catalogChange(l, resolution, u, c))) ||
        l.attempt(packets, draftChange(l, resolution, u, product));
      if (!done) refuse('no change that still resolves plans it');
    }
  }
  if (report.overflow.accepted.records)
    unlearned.push({
      traffic: `${report.overflow.accepted.records} accepted records beyond the cap on distinct kinds`,
      reason: 'not itemized: raise the cap and learn again',
    });
  const draft = l.draft();
  return { declaration: l.state.declaration, changes: l.state.changes, ...(draft ? { draft } : {}), unlearned };
}

/** The changed declaration as YAML, each change with a comment saying what traffic it plans. */
export function learnYaml(result: LearnResult, draftFile?: string): string {
  const comments = new Map<string, string>();
  for (const c of result.changes) {
    const before = comments.get(c.path);
    comments.set(c.path, `${before ? `${before}\n` : ''}learned: ${c.why}`);
  }
  const head = ['# Declaration changed by portplan learn: review each change marked "learned" before use.'];
  if (result.draft)
    head.push(
      `# Traffic no catalog row explains needs the draft rows ${draftFile ? `in ${draftFile}` : '(see --draft-catalog)'}:`,
      '# give that file with --catalog; every row in it NEEDS A SOURCE.',
      ...result.changes
        .filter((c) => c.path.startsWith('draft rows: '))
        .map((c) => `#   ${c.path.slice(12)}: ${c.why}`),
    );
  for (const u of result.unlearned) head.push(`# NOT LEARNED: ${u.traffic}: ${u.reason}`);
  return `${head.join('\n')}\n${yamlText(result.declaration, comments)}`;
}

/** The change as a unified diff of the declaration's YAML, before and after. */
export function learnDiff(original: unknown, result: LearnResult): string {
  return unifiedDiff(
    yamlText(original as Readonly<Record<string, unknown>>),
    yamlText(result.declaration),
    'declaration',
    'declaration (learned)',
  );
}

/** The draft catalog as YAML, under a header saying that every row needs a source. */
export function draftCatalogYaml(draft: CatalogDefinition): string {
  return [
    '# DRAFT CATALOG written by portplan learn. EVERY ROW NEEDS A SOURCE.',
    '# These rows open ports only because traffic was seen on them: no vendor document states them.',
    '# Find the vendor document for each row, cite it (documents, citation), or delete the row.',
    yamlText(draft as unknown as Record<string, unknown>),
  ].join('\n');
}
