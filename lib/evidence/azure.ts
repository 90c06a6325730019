import { canonicalAddress } from './address';
import { excerpt, type FlowLogIssue, type IssueReason } from './issues';
import type { JsonEvents } from './json-stream';
import type { FlowRecord, FlowSource, FlowState, Mutable } from './record';

/**
 * Azure Network Watcher flow logs, read a value at a time from the JSON (see json-stream.ts):
 *
 * - VNet flow logs (version 4): `records[].flowRecords.flows[].flowGroups[].flowTuples[]`, each
 *   tuple `time,src ip,dst ip,src port,dst port,protocol number,I|O,B|C|E|D,encryption,packets
 *   sent,bytes sent,packets received,bytes received`. "Virtual network flow logs",
 *   https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview (Log format).
 * - NSG flow logs (versions 1 and 2): `records[].properties.flows[].flows[].flowTuples[]`, each
 *   tuple `time,src ip,dst ip,src port,dst port,T|U,I|O,A|D` and, in version 2,
 *   `,B|C|E,packets sent,bytes sent,packets received,bytes received`. "Flow logging for network
 *   security groups", https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview
 *   (Log format).
 *
 * A tuple is one flow as initiated (its source opened it), with the counts of both directions.
 * @packageDocumentation
 */

type Role =
  | 'root'
  | 'records'
  | 'record'
  | 'vnetFlowRecords'
  | 'vnetFlows'
  | 'vnetFlow'
  | 'vnetGroups'
  | 'vnetGroup'
  | 'nsgProps'
  | 'nsgRules'
  | 'nsgRule'
  | 'nsgMacs'
  | 'nsgMac'
  | 'vnetTuples'
  | 'nsgTuples'
  | 'other';

// The documented containers: [role of the child, its JSON kind], by the parent's role and the
// child's key ('[]' for an array's elements).
const SCHEMA: Partial<Record<Role, Readonly<Record<string, readonly [Role, 'object' | 'array']>>>> = {
  root: { records: ['records', 'array'] },
  records: { '[]': ['record', 'object'] },
  record: { flowRecords: ['vnetFlowRecords', 'object'], properties: ['nsgProps', 'object'] },
  vnetFlowRecords: { flows: ['vnetFlows', 'array'] },
  vnetFlows: { '[]': ['vnetFlow', 'object'] },
  vnetFlow: { flowGroups: ['vnetGroups', 'array'] },
  vnetGroups: { '[]': ['vnetGroup', 'object'] },
  vnetGroup: { flowTuples: ['vnetTuples', 'array'] },
  nsgProps: { flows: ['nsgRules', 'array'] },
  nsgRules: { '[]': ['nsgRule', 'object'] },
  nsgRule: { flows: ['nsgMacs', 'array'] },
  nsgMacs: { '[]': ['nsgMac', 'object'] },
  nsgMac: { flowTuples: ['nsgTuples', 'array'] },
};

// The documented strings the reader keeps: the frame's context field each one fills.
const TEXT_FIELDS: Partial<Record<Role, Readonly<Record<string, 'mac' | 'rule'>>>> = {
  record: { macAddress: 'mac' },
  vnetGroup: { rule: 'rule' },
  nsgRule: { rule: 'rule' },
  nsgMac: { mac: 'mac' },
};

interface Context {
  mac?: string;
  rule?: string;
  /** A record: whether it has the body of a flow log record (flowRecords or properties). */
  body?: boolean;
}

interface Frame {
  readonly role: Role;
  readonly kind: 'object' | 'array';
  readonly path: string;
  readonly line: number;
  readonly context: Context;
  key?: string;
  index: number;
}

interface Pending {
  readonly text: string;
  readonly line: number;
  readonly path: string;
  readonly format: 'azure-vnet' | 'azure-nsg';
  readonly mac: Context;
  readonly rule: Context;
}

/** Where the Azure reader sends what it reads. */
export interface AzureSink {
  /** A record read. */
  record(r: FlowRecord): void;
  /** A fault found. */
  issue(i: FlowLogIssue): void;
}

/**
 * Turns tokenizer events into records. Tuples wait until their record (`records[i]`) ends, so
 * every key of the record is known whatever its order; a record with more than `maxPending`
 * tuples is passed on in parts, with the keys known so far.
 */
export class AzureFlowEvents implements JsonEvents {
  private readonly stack: Frame[] = [];
  private pending: Pending[] = [];
  private sawRecords = false;

  constructor(
    private readonly file: string,
    private readonly sink: AzureSink,
    private readonly maxPending = 10_000,
  ) {}

  open(kind: 'object' | 'array', line: number): void {
    const parent = this.stack[this.stack.length - 1];
    const slot = parent ? this.slot(parent) : '';
    const expected = parent ? SCHEMA[parent.role]?.[parent.kind === 'array' ? '[]' : (parent.key ?? '')] : undefined;
    let role: Role = 'other';
    if (!parent) {
      if (kind === 'object') role = 'root';
      else this.fault('json-type', line, '', 'the document must be an object with a records array', undefined);
    } else if (expected) {
      if (expected[1] === kind) role = expected[0];
      else this.fault('json-type', line, slot, `${slotName(slot)} must be ${article(expected[1])}`, undefined);
    } else if (TEXT_FIELDS[parent.role]?.[parent.key ?? ''] !== undefined || parent.role.endsWith('Tuples')) {
      this.fault('json-type', line, slot, `${slotName(slot)} must be a string`, undefined);
    }
    if (parent?.role === 'root' && parent.key === 'records') this.sawRecords = true;
    if (parent?.role === 'record' && (parent.key === 'flowRecords' || parent.key === 'properties'))
      parent.context.body = true;
    const context =
      role === 'record' || role === 'vnetGroup' || role === 'nsgRule' || role === 'nsgMac'
        ? {}
        : (parent?.context ?? {});
    this.stack.push({ role, kind, path: slot, line, context, index: 0 });
  }

  close(line: number): void {
    const frame = this.stack.pop() as Frame;
    if (frame.role === 'record') {
      this.flush();
      if (!frame.context.body)
        this.fault(
          'json-type',
          frame.line,
          frame.path,
          `${frame.path} has neither flowRecords (VNet flow log) nor properties (NSG flow log)`,
          undefined,
        );
    }
    if (frame.role === 'root' && !this.sawRecords)
      this.fault('json-type', line, '', 'the document has no records array: not an Azure flow log', undefined);
    const parent = this.stack[this.stack.length - 1];
    if (parent?.kind === 'array') parent.index++;
  }

  key(name: string): void {
    (this.stack[this.stack.length - 1] as Frame).key = name;
  }

  longString(length: number, isKey: boolean, line: number): void {
    const frame = this.stack[this.stack.length - 1];
    const path = frame ? this.slot(frame) : '';
    this.fault('too-long', line, path, `a string of ${length} characters, longer than the bound`, undefined);
    if (isKey && frame) frame.key = '\u0000';
    else if (frame?.kind === 'array') frame.index++;
  }

  scalar(value: string | number | boolean | null, line: number): void {
    const frame = this.stack[this.stack.length - 1];
    if (!frame) {
      this.fault('json-type', line, '', 'the document must be an object with a records array', value);
      return;
    }
    const slot = this.slot(frame);
    if (frame.kind === 'array') frame.index++;
    const expected = SCHEMA[frame.role]?.[frame.kind === 'array' ? '[]' : (frame.key ?? '')];
    if (frame.role === 'root' && frame.key === 'records') this.sawRecords = true;
    if (expected) {
      if (frame.role === 'record') frame.context.body = true;
      this.fault('json-type', line, slot, `${slotName(slot)} must be ${article(expected[1])}`, value);
      return;
    }
    const field = TEXT_FIELDS[frame.role]?.[frame.key ?? ''];
    if (field) {
      if (typeof value === 'string') frame.context[field] = value;
      else this.fault('json-type', line, slot, `${slotName(slot)} must be a string`, value);
      return;
    }
    if (frame.role === 'vnetTuples' || frame.role === 'nsgTuples') this.tuple(frame, value, slot, line);
  }

  /** Passes on what is left: tuples of a record the document ended inside. */
  finish(): void {
    this.flush();
  }

  private tuple(frame: Frame, value: unknown, path: string, line: number): void {
    if (typeof value !== 'string') {
      this.fault('json-type', line, path, 'a flow tuple must be a string', value);
      return;
    }
    const vnet = frame.role === 'vnetTuples';
    // Which frames hold the MAC and the rule: the record and the flow group (VNet); the MAC's
    // object and the rule's (NSG).
    const ruleFrame = this.stack[this.stack.length - (vnet ? 2 : 4)];
    const macFrame = vnet ? this.stack[2] : this.stack[this.stack.length - 2];
    this.pending.push({
      text: value,
      line,
      path,
      format: vnet ? 'azure-vnet' : 'azure-nsg',
      mac: macFrame.context,
      rule: ruleFrame.context,
    });
    if (this.pending.length >= this.maxPending) this.flush();
  }

  private flush(): void {
    for (const p of this.pending) {
      const source: FlowSource = { file: this.file, line: p.line, path: p.path };
      const r = p.format === 'azure-vnet' ? parseVnetTuple(p.text, source) : parseNsgTuple(p.text, source);
      if ('reason' in r) {
        this.sink.issue({ reason: r.reason, message: r.message, source, text: excerpt(p.text) });
        continue;
      }
      if (p.mac.mac !== undefined) r.interface = p.mac.mac;
      if (p.rule.rule !== undefined) r.rule = p.rule.rule;
      this.sink.record(r);
    }
    this.pending = [];
  }

  private slot(frame: Frame): string {
    if (frame.kind === 'array') return `${frame.path}[${frame.index}]`;
    const key = frame.key ?? '';
    const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
    return frame.path && !name.startsWith('[') ? `${frame.path}.${name}` : `${frame.path}${name}`;
  }

  private fault(reason: IssueReason, line: number, path: string, message: string, value: unknown): void {
    const text = value === undefined ? undefined : excerpt(JSON.stringify(value) ?? String(value));
    this.sink.issue({
      reason,
      message,
      source: { file: this.file, line, path: path || '(document)' },
      ...(text ? { text } : {}),
    });
  }
}

const slotName = (slot: string): string => slot || 'the document';
const article = (kind: 'object' | 'array'): string => (kind === 'object' ? 'an object' : 'an array');

/** A fault in one tuple. */
interface TupleFault {
  readonly reason: IssueReason;
  readonly message: string;
}

class Bad extends Error {
  constructor(
    readonly reason: IssueReason,
    message: string,
  ) {
    super(message);
  }
}

// A whole number from 0 to max written in decimal digits, or -1.
function whole(text: string, max: number): number {
  return /^\d{1,16}$/.test(text) && Number(text) <= max ? Number(text) : -1;
}

function addr(text: string, name: string): string {
  const a = canonicalAddress(text);
  if (a === undefined) throw new Bad('bad-address', `${name} ${excerpt(text)}: must be an IPv4 or IPv6 address`);
  return a;
}

function port(text: string, name: string): number {
  const n = whole(text, 65535);
  if (n < 0) throw new Bad('bad-port', `${name} ${excerpt(text)}: must be a whole number from 0 to 65535`);
  return n;
}

// The documented time stamp is "UNIX epoch format": the NSG samples give seconds, the VNet sample
// milliseconds (1663146003599). A value of 10^11 or more is read as milliseconds: in seconds it
// would be after the year 5000.
function time(text: string): number {
  const n = whole(text, Number.MAX_SAFE_INTEGER);
  if (n < 0) throw new Bad('bad-number', `time stamp ${excerpt(text)}: must be a whole number (UNIX epoch)`);
  return n >= 1e11 ? n : n * 1000;
}

function counts(fields: readonly string[], from: number): { packets?: number; bytes?: number } {
  const values = fields.slice(from, from + 4).map((t, i) => {
    if (t === '') return undefined;
    const n = whole(t, Number.MAX_SAFE_INTEGER);
    if (n < 0) throw new Bad('bad-number', `${COUNT_NAMES[i]} ${excerpt(t)}: must be a whole number or empty`);
    return n;
  });
  const sum = (a?: number, b?: number) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
  const packets = sum(values[0], values[2]);
  const bytes = sum(values[1], values[3]);
  return { ...(packets !== undefined ? { packets } : {}), ...(bytes !== undefined ? { bytes } : {}) };
}
const COUNT_NAMES = ['packets sent', 'bytes sent', 'packets received', 'bytes received'];

function direction(text: string): 'inbound' | 'outbound' {
  if (text === 'I') return 'inbound';
  if (text === 'O') return 'outbound';
  throw new Bad('bad-value', `direction ${excerpt(text)}: must be I or O`);
}

const STATES: Readonly<Record<string, FlowState>> = { B: 'begin', C: 'continue', E: 'end', D: 'deny' };

function common(f: readonly string[], source: FlowSource, format: FlowRecord['format']): Mutable<FlowRecord> {
  const at = time(f[0]);
  return {
    cloud: 'azure',
    format,
    start: at,
    end: at,
    srcAddr: addr(f[1], 'source IP'),
    dstAddr: addr(f[2], 'destination IP'),
    srcPort: port(f[3], 'source port'),
    dstPort: port(f[4], 'destination port'),
    protocol: 0,
    action: 'accept',
    direction: direction(f[6]),
    source,
  };
}

/** Reads one VNet flow log tuple (version 4, 13 fields). */
export function parseVnetTuple(text: string, source: FlowSource): Mutable<FlowRecord> | TupleFault {
  const f = text.split(',');
  if (f.length !== 13) return { reason: 'field-count', message: `${f.length} fields; a VNet flow log tuple has 13` };
  try {
    const r = common(f, source, 'azure-vnet');
    const protocol = whole(f[5], 255);
    if (protocol < 0)
      throw new Bad('bad-protocol', `protocol ${excerpt(f[5])}: must be an IANA protocol number, 0 to 255`);
    const state = STATES[f[7]];
    if (!state) throw new Bad('bad-value', `flow state ${excerpt(f[7])}: must be B, C, E or D`);
    Object.assign(r, { protocol, state, action: state === 'deny' ? 'reject' : 'accept' }, counts(f, 9));
    return r;
  } catch (e) {
    if (e instanceof Bad) return { reason: e.reason, message: e.message };
    throw e;
  }
}

/** Reads one NSG flow log tuple (version 1, 8 fields; version 2, 13 fields). */
export function parseNsgTuple(text: string, source: FlowSource): Mutable<FlowRecord> | TupleFault {
  const f = text.split(',');
  if (f.length !== 8 && f.length !== 13)
    return {
      reason: 'field-count',
      message: `${f.length} fields; an NSG flow log tuple has 8 (version 1) or 13 (version 2)`,
    };
  try {
    const r = common(f, source, 'azure-nsg');
    if (f[5] !== 'T' && f[5] !== 'U') throw new Bad('bad-protocol', `protocol ${excerpt(f[5])}: must be T or U`);
    if (f[7] !== 'A' && f[7] !== 'D') throw new Bad('bad-value', `decision ${excerpt(f[7])}: must be A or D`);
    Object.assign(r, { protocol: f[5] === 'T' ? 6 : 17, action: f[7] === 'A' ? 'accept' : 'reject' });
    if (f.length === 13) {
      const state = STATES[f[8]];
      if (!state || state === 'deny') throw new Bad('bad-value', `flow state ${excerpt(f[8])}: must be B, C or E`);
      Object.assign(r, { state }, counts(f, 9));
    }
    return r;
  } catch (e) {
    if (e instanceof Bad) return { reason: e.reason, message: e.message };
    throw e;
  }
}
