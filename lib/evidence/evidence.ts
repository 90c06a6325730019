import { explain, type Protocol, type Resolution, type ResolvedFlow, type WouldOpen } from '../model';
import { planClassifier, type Classifier, type Membership } from './classify';
import { openingRows, rowOpenings, sourcesOf, type RowOpening } from './openings';
import type { Inventory } from './inventory';
import type { FlowAction, FlowRecord, FlowSource } from './record';
import { FlowLogReader } from './reader';

/**
 * What flow logs say about a plan. Security groups and NSGs keep no hit counters; the logs do.
 * Each record is classified ({@link Classifier}) and counted: per planned flow, accepted and
 * rejected; traffic no planned flow covers, by action, protocol, port and the groups or peers of
 * both ends. Memory is bounded by the number of flows and of distinct unplanned keys (capped),
 * with a capped list of sample tuples each, whatever the number of records.
 * @packageDocumentation
 */

/** Counts of records, and their packets, bytes and times where the logs give them. */
export interface Tally {
  /**
   * Records counted. A record is what the log writes: AWS logs each direction of a connection per
   * interface and aggregation interval; Azure logs a connection's begin, updates and end apart.
   */
  readonly records: number;
  /** Packets, summed over the records that count them. */
  readonly packets: number;
  /** Bytes, summed over the records that count them. */
  readonly bytes: number;
  /** The earliest time seen, in milliseconds since 1970 (UTC). */
  readonly first?: number;
  /** The latest time seen, in milliseconds since 1970 (UTC). */
  readonly last?: number;
}

/** Records accepted and records rejected. */
export interface ActionTallies {
  /** The accepted records. */
  readonly accepted: Tally;
  /** The rejected records. */
  readonly rejected: Tally;
}

/** How the records counted divide. */
export interface EvidenceTotals {
  /** Every record. */
  readonly records: number;
  /** Records of one or more planned flows. */
  readonly planned: number;
  /** Records answering a planned flow (and of none). */
  readonly replies: number;
  /** Records of no planned flow, answering none. */
  readonly unplanned: number;
}

/** A record kept as an example: its 5-tuple, action, time and where it was read. */
export interface FlowSample {
  /** Source address. */
  readonly srcAddr: string;
  /** Source port. */
  readonly srcPort: number;
  /** Destination address. */
  readonly dstAddr: string;
  /** Destination port. */
  readonly dstPort: number;
  /** IANA protocol number. */
  readonly protocol: number;
  /** Accepted or rejected. */
  readonly action: FlowAction;
  /** The record's first time, where the log gives it. */
  readonly time?: number;
  /** Where it was read. */
  readonly source: FlowSource;
}

/**
 * A planned flow in the logs: `accepted` (seen, every record accepted), `rejected` (some record
 * rejected: the deployed rules block what the plan needs) or `unseen` (no record: unused, or not
 * logged).
 */
export type FlowStatus = 'accepted' | 'rejected' | 'unseen';

/** What the logs say about one planned flow. */
export interface FlowEvidence {
  /** The flow's index in `resolution.flows`. */
  readonly index: number;
  /** The flow. */
  readonly flow: ResolvedFlow;
  /** See {@link FlowStatus}. */
  readonly status: FlowStatus;
  /** Records of the flow the cloud accepted. */
  readonly accepted: Tally;
  /** Records of the flow the cloud rejected. */
  readonly rejected: Tally;
  /** Records answering the flow (listener to initiator), as AWS logs them: accepted and rejected. */
  readonly replies: ActionTallies;
  /** The first rejected records, as examples. */
  readonly rejectedSamples: readonly FlowSample[];
}

/** A catalog row that would open rejected traffic, between which ends, and what the declaration lacks. */
export interface CatalogMatch {
  /** The source as asked: a group or peer name, or the sample's address as a CIDR. */
  readonly from: string;
  /** The destination group. */
  readonly to: string;
  /** The rows whose flow has these ends' roles and could open the port, each with what it needs. */
  readonly rows: readonly WouldOpen[];
}

/** Traffic no planned flow covers, counted by action, protocol, destination port and ends. */
export interface UnplannedTraffic {
  /** Accepted or rejected. */
  readonly action: FlowAction;
  /** IANA protocol number. */
  readonly protocol: number;
  /** Destination port. */
  readonly port: number;
  /** The source's groups and peers (both empty: an address outside the inventory and the peers). */
  readonly src: Membership;
  /** The destination's groups and peers. */
  readonly dst: Membership;
  /** The records. */
  readonly tally: Tally;
  /** The first records, as examples. */
  readonly samples: readonly FlowSample[];
  /**
   * The rules that decided, where the log names them (Azure: the NSG rule), each once, sorted; at
   * most `maxSamples` of them.
   */
  readonly rules: readonly string[];
  /**
   * The distinct addresses of each end that is in no group and no peer (`outside`), sorted; at
   * most `maxAddresses` of each. Empty for an end with groups or peers.
   */
  readonly addresses: OutsideAddresses;
  /**
   * Rejected TCP or UDP traffic to a declared group: the catalog rows that would open it, for each
   * source and destination group; empty when no row would.
   */
  readonly wouldOpen?: readonly CatalogMatch[];
}

/** The addresses of the ends of unplanned traffic that are in no group and no peer. */
export interface OutsideAddresses {
  /** Source addresses, sorted (empty when the source has groups or peers). */
  readonly src: readonly string[];
  /** Destination addresses, sorted (empty when the destination has groups or peers). */
  readonly dst: readonly string[];
  /** Whether more addresses were seen than kept. */
  readonly more: boolean;
}

/** The evidence: every planned flow, then the traffic no flow covers. */
export interface EvidenceReport {
  /** Every planned flow, in `resolution.flows` order. */
  readonly flows: readonly FlowEvidence[];
  /** Rejected traffic no planned flow covers (not replies to a planned flow). */
  readonly rejectedUnplanned: readonly UnplannedTraffic[];
  /** Accepted traffic no planned flow covers (not replies to a planned flow). */
  readonly acceptedUnplanned: readonly UnplannedTraffic[];
  /** Unplanned traffic beyond the cap on distinct keys: counted, not itemized. */
  readonly overflow: ActionTallies;
  /** Records counted: in all, of planned flows, replies to planned flows, unplanned. */
  readonly totals: EvidenceTotals;
}

/** Bounds and the classifier of an evidence collection. */
export interface EvidenceOptions {
  /** Samples kept per planned flow and per unplanned key. @default 5 */
  readonly maxSamples?: number;
  /** Distinct unplanned keys itemized; the rest is counted in `overflow`. @default 10000 */
  readonly maxUnplanned?: number;
  /** Distinct addresses kept per end outside the groups and peers, per unplanned key. @default 64 */
  readonly maxAddresses?: number;
  /** How records are matched to flows. @default planClassifier(resolution, inventory) */
  readonly classifier?: Classifier;
}

type MutableTally = { -readonly [K in keyof Tally]: Tally[K] };
const tally = (): MutableTally => ({ records: 0, packets: 0, bytes: 0 });

function count(t: MutableTally, r: FlowRecord): void {
  t.records++;
  t.packets += r.packets ?? 0;
  t.bytes += r.bytes ?? 0;
  const first = r.start ?? r.end;
  const last = r.end ?? r.start;
  if (first !== undefined && (t.first === undefined || first < t.first)) t.first = first;
  if (last !== undefined && (t.last === undefined || last > t.last)) t.last = last;
}

function sample(r: FlowRecord): FlowSample {
  const { srcAddr, srcPort, dstAddr, dstPort, protocol, action, source } = r;
  const time = r.start ?? r.end;
  return { srcAddr, srcPort, dstAddr, dstPort, protocol, action, ...(time !== undefined ? { time } : {}), source };
}

interface FlowState {
  readonly accepted: MutableTally;
  readonly rejected: MutableTally;
  readonly replies: { readonly accepted: MutableTally; readonly rejected: MutableTally };
  readonly samples: FlowSample[];
}

interface UnplannedState {
  readonly action: FlowAction;
  readonly protocol: number;
  readonly port: number;
  readonly src: Membership;
  readonly dst: Membership;
  readonly tally: MutableTally;
  readonly samples: FlowSample[];
  readonly rules: Set<string>;
  readonly srcOutside: Set<string>;
  readonly dstOutside: Set<string>;
  more: boolean;
}

/**
 * Counts records against a plan, one at a time; {@link report} gives the evidence so far.
 */
export class EvidenceCollector {
  private readonly classify: Classifier;
  private readonly maxSamples: number;
  private readonly maxUnplanned: number;
  private readonly maxAddresses: number;
  private readonly flows: FlowState[];
  private readonly unplanned = new Map<string, UnplannedState>();
  private readonly overflow = { accept: tally(), reject: tally() };
  private readonly totals = { records: 0, planned: 0, replies: 0, unplanned: 0 };

  /**
   * @param resolution the plan
   * @param inventory which addresses are in which group
   * @param options bounds and the classifier
   * @throws InventoryError when the inventory names a group the declaration does not have
   */
  constructor(
    private readonly resolution: Resolution,
    inventory: Inventory,
    options: EvidenceOptions = {},
  ) {
    this.classify = options.classifier ?? planClassifier(resolution, inventory);
    this.maxSamples = options.maxSamples ?? 5;
    this.maxUnplanned = options.maxUnplanned ?? 10_000;
    this.maxAddresses = options.maxAddresses ?? 64;
    this.flows = resolution.flows.map(() => ({
      accepted: tally(),
      rejected: tally(),
      replies: { accepted: tally(), rejected: tally() },
      samples: [],
    }));
  }

  /** Counts one record. */
  add(r: FlowRecord): void {
    this.totals.records++;
    const c = this.classify(r);
    const rejected = r.action === 'reject';
    if (c.flows.length) {
      this.totals.planned++;
      for (const i of c.flows) {
        const f = this.flows[i];
        count(rejected ? f.rejected : f.accepted, r);
        if (rejected && f.samples.length < this.maxSamples) f.samples.push(sample(r));
      }
    } else if (c.replies.length) {
      this.totals.replies++;
      for (const i of c.replies) count(rejected ? this.flows[i].replies.rejected : this.flows[i].replies.accepted, r);
    } else {
      this.totals.unplanned++;
      this.addUnplanned(r, c.src, c.dst);
    }
  }

  private addUnplanned(r: FlowRecord, src: Membership, dst: Membership): void {
    // One injective key: the JSON of the identifying fields.
    const key = JSON.stringify([r.action, r.protocol, r.dstPort, src.groups, src.peers, dst.groups, dst.peers]);
    let u = this.unplanned.get(key);
    if (!u) {
      if (this.unplanned.size >= this.maxUnplanned) {
        count(this.overflow[r.action], r);
        return;
      }
      u = {
        action: r.action,
        protocol: r.protocol,
        port: r.dstPort,
        src,
        dst,
        tally: tally(),
        samples: [],
        rules: new Set(),
        srcOutside: new Set(),
        dstOutside: new Set(),
        more: false,
      };
      this.unplanned.set(key, u);
    }
    count(u.tally, r);
    if (u.samples.length < this.maxSamples) u.samples.push(sample(r));
    if (r.rule !== undefined && u.rules.size < this.maxSamples) u.rules.add(r.rule);
    if (isOutside(src)) this.keep(u, u.srcOutside, r.srcAddr);
    if (isOutside(dst)) this.keep(u, u.dstOutside, r.dstAddr);
  }

  private keep(u: UnplannedState, set: Set<string>, address: string): void {
    if (set.has(address)) return;
    if (set.size < this.maxAddresses) set.add(address);
    else u.more = true;
  }

  // The catalog's openings, listed once a report needs them.
  private openingList?: RowOpening[];
  private openings(): RowOpening[] {
    this.openingList ??= rowOpenings(this.resolution);
    return this.openingList;
  }

  /** The evidence so far. */
  report(): EvidenceReport {
    const flows = this.resolution.flows.map((flow, index): FlowEvidence => {
      const s = this.flows[index];
      const status: FlowStatus = s.rejected.records ? 'rejected' : s.accepted.records ? 'accepted' : 'unseen';
      return {
        index,
        flow,
        status,
        accepted: { ...s.accepted },
        rejected: { ...s.rejected },
        replies: { accepted: { ...s.replies.accepted }, rejected: { ...s.replies.rejected } },
        rejectedSamples: [...s.samples],
      };
    });
    const all = [...this.unplanned.values()].sort(unplannedOrder);
    const out = (u: UnplannedState): UnplannedTraffic => ({
      action: u.action,
      protocol: u.protocol,
      port: u.port,
      src: u.src,
      dst: u.dst,
      tally: { ...u.tally },
      samples: [...u.samples],
      rules: [...u.rules].sort(cmp),
      addresses: { src: [...u.srcOutside].sort(cmp), dst: [...u.dstOutside].sort(cmp), more: u.more },
      ...(u.action === 'reject' && (u.protocol === 6 || u.protocol === 17) && u.dst.groups.length
        ? { wouldOpen: catalogMatches(this.resolution, this.openings(), u) }
        : {}),
    });
    return {
      flows,
      rejectedUnplanned: all.filter((u) => u.action === 'reject').map(out),
      acceptedUnplanned: all.filter((u) => u.action === 'accept').map(out),
      overflow: { accepted: { ...this.overflow.accept }, rejected: { ...this.overflow.reject } },
      totals: { ...this.totals },
    };
  }
}

const text = (m: Membership): string => JSON.stringify([m.groups, m.peers]);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// Protocol, port, then the ends: the same records give the same order, whatever the read order.
function unplannedOrder(a: UnplannedState, b: UnplannedState): number {
  return a.protocol - b.protocol || a.port - b.port || cmp(text(a.dst), text(b.dst)) || cmp(text(a.src), text(b.src));
}

/**
 * The catalog rows that would open rejected traffic: for each destination group and each source
 * (its groups and peers, or the sample's address when it has none), the rows with a flow from the
 * source's role (or, for a peer or an address, a peer kind) to the destination's role that could
 * open the port under some setting ({@link openingRows}), each with what {@link explain} says the
 * declaration lacks for it.
 */
function catalogMatches(resolution: Resolution, openings: readonly RowOpening[], u: UnplannedState): CatalogMatch[] {
  const d = resolution.declaration;
  const protocol: Protocol = u.protocol === 6 ? 'tcp' : 'udp';
  const first = u.samples[0]?.srcAddr;
  if (u.port < 1) return [];
  const out: CatalogMatch[] = [];
  for (const to of u.dst.groups) {
    const toRole = d.groups.find((g) => g.name === to)?.role ?? '';
    for (const { name, source } of sourcesOf(resolution, u.src)) {
      const from = name ?? (first === undefined ? undefined : `${first}/${first.includes(':') ? 128 : 32}`);
      if (from === undefined) continue;
      const ids = openingRows(openings, toRole, source, protocol, u.port);
      if (!ids.length) continue;
      const explained = explain(resolution, { from, to, port: u.port, protocol }).wouldOpen;
      const rows = ids.flatMap((id) => explained.find((w) => w.id === id) ?? []);
      if (rows.length) out.push({ from, to, rows });
    }
  }
  return out;
}

const isOutside = (m: Membership): boolean => !m.groups.length && !m.peers.length;

/**
 * Collects the evidence of a stream of records (a {@link FlowLogReader}, or any async iterable).
 * @throws InventoryError when the inventory names a group the declaration does not have
 */
export async function collectEvidence(
  records: AsyncIterable<FlowRecord>,
  resolution: Resolution,
  inventory: Inventory,
  options: EvidenceOptions = {},
): Promise<EvidenceReport> {
  const collector = new EvidenceCollector(resolution, inventory, options);
  // A reader's batches save an await per record.
  if (records instanceof FlowLogReader)
    for await (const batch of records.batches()) for (const r of batch) collector.add(r);
  else for await (const r of records) collector.add(r);
  return collector.report();
}
