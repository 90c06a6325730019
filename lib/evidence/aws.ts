import { ArgumentError } from '../model';
import { canonicalAddress } from './address';
import { excerpt, type IssueReason } from './issues';
import type { FlowDirection, FlowRecord, FlowSource, Mutable } from './record';

/**
 * AWS VPC Flow Logs records in the text format: space-separated fields, `-` for a value that does
 * not apply, the default (version 2) fields or a custom list of them, as S3 delivery writes them
 * (a first line naming the fields, then one record a line).
 *
 * Fields, values and the default format: "Flow log records",
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html (Available fields).
 * S3 delivery (gzip files, one header line): "Publish flow logs to Amazon S3",
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html.
 * @packageDocumentation
 */

/** The default format: the version 2 fields, in the documented order. */
export const AWS_DEFAULT_FORMAT =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/**
 * The documented fields (versions 2 to 5, and the version 7 ECS fields). A first line made of
 * field names, one of them among these, is a header; a custom format may name others too (the
 * service adds fields), which are read and ignored.
 */
export const AWS_FIELDS: readonly string[] = [
  ...AWS_DEFAULT_FORMAT.split(' '),
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
];
const KNOWN = new Set(AWS_FIELDS);

/** The fields a record needs to say which packets the cloud accepted or rejected. */
export const AWS_REQUIRED_FIELDS = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action'] as const;

const FIELD_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

type Used =
  | (typeof AWS_REQUIRED_FIELDS)[number]
  | 'pkt-srcaddr'
  | 'pkt-dstaddr'
  | 'packets'
  | 'bytes'
  | 'start'
  | 'end'
  | 'log-status'
  | 'interface-id'
  | 'tcp-flags'
  | 'flow-direction';
const USED: readonly Used[] = [
  ...AWS_REQUIRED_FIELDS,
  'pkt-srcaddr',
  'pkt-dstaddr',
  'packets',
  'bytes',
  'start',
  'end',
  'log-status',
  'interface-id',
  'tcp-flags',
  'flow-direction',
];

/** A record format: the field names in order, and where the fields the reader uses are. */
export interface AwsFormat {
  /** The field names, in record order (`_` read as `-`). */
  readonly fields: readonly string[];
  /** The position of each field the reader uses; -1 where the format lacks it. */
  readonly at: Readonly<Record<Used, number>>;
}

/**
 * Reads a format: a `--log-format` string as AWS takes it (`${version} ${srcaddr} ...`), or the
 * field names alone, as a delivered file's header line writes them.
 * @param text the format
 * @param path what to name in an error (`--log-format`, or a file's header)
 * @throws ArgumentError when a field is not a field name, is named twice, or a field the
 *   evidence needs is missing
 */
export function parseAwsFormat(text: string, path = '--log-format'): AwsFormat {
  const tokens = text.trim().split(/\s+/);
  const fields = tokens.map((t) => {
    const name = /^\$\{([^}]*)\}$/.exec(t)?.[1] ?? t;
    if (!FIELD_NAME.test(name))
      throw new ArgumentError(path, t, 'each field must be ${name} or name, with a field name such as srcaddr');
    return name.replace(/_/g, '-');
  });
  const twice = fields.find((f, i) => fields.indexOf(f) !== i);
  if (twice !== undefined) throw new ArgumentError(path, text, `each field at most once; ${twice} is named twice`);
  const missing = AWS_REQUIRED_FIELDS.filter((f) => !fields.includes(f));
  if (missing.length)
    throw new ArgumentError(
      path,
      text,
      `a format with ${AWS_REQUIRED_FIELDS.join(', ')}: the evidence needs them; missing ${missing.join(', ')}`,
    );
  const at = Object.fromEntries(USED.map((f) => [f, fields.indexOf(f)])) as Record<Used, number>;
  return { fields, at };
}

/** Whether a first line is a header: field names only, one of them a documented field. */
export function isAwsHeader(tokens: readonly string[]): boolean {
  return tokens.every((t) => FIELD_NAME.test(t)) && tokens.some((t) => KNOWN.has(t.replace(/_/g, '-')));
}

/** The tokens of a line: fields split at spaces (a run of spaces, or a tab, is one separator). */
export function awsTokens(line: string): string[] {
  const tokens = line.split(' ');
  return tokens.includes('') || line.includes('\t') ? line.trim().split(/[ \t]+/) : tokens;
}

/** A fault in one record: why, and the message. */
export interface RecordFault {
  /** Why. */
  readonly reason: IssueReason;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** The result of reading one line: a record, a `NODATA` or `SKIPDATA` status line, or a fault. */
export type AwsLineResult = FlowRecord | 'nodata' | 'skipdata' | RecordFault;

// A whole number from 0 to max, or -1: decimal digits only (no sign, no exponent, no spaces).
function whole(text: string, max: number): number {
  if (text.length === 0 || text.length > 16) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  const n = Number(text);
  return n <= max ? n : -1;
}

const fault = (reason: IssueReason, message: string): RecordFault => ({ reason, message });
const MISSING = '-';

class Fault extends Error {
  constructor(readonly fault: RecordFault) {
    super(fault.message);
  }
}

/** Reads one record's tokens with a format. */
export function parseAwsRecord(tokens: readonly string[], format: AwsFormat, source: FlowSource): AwsLineResult {
  const { at, fields } = format;
  if (tokens.length !== fields.length)
    return fault('field-count', `${tokens.length} fields; the format has ${fields.length}: ${fields.join(' ')}`);
  const status = at['log-status'] >= 0 ? tokens[at['log-status']] : 'OK';
  if (status === 'NODATA') return 'nodata';
  if (status === 'SKIPDATA') return 'skipdata';
  if (status !== 'OK') return fault('bad-value', `log-status ${excerpt(status)}: must be OK, NODATA or SKIPDATA`);
  // Without a log-status field, a NODATA record is known by every traffic field being `-`.
  if (at['log-status'] < 0 && AWS_REQUIRED_FIELDS.every((f) => tokens[at[f]] === MISSING)) return 'nodata';
  try {
    return record(tokens, at, source);
  } catch (e) {
    if (e instanceof Fault) return e.fault;
    throw e;
  }
}

function need(tokens: readonly string[], i: number, name: string): string {
  const v = tokens[i];
  if (v === MISSING) throw new Fault(fault('missing-value', `${name} is -: a record with log-status OK needs it`));
  return v;
}

function address(tokens: readonly string[], i: number, name: string): string {
  const text = need(tokens, i, name);
  const a = canonicalAddress(text);
  if (a === undefined)
    throw new Fault(fault('bad-address', `${name} ${excerpt(text)}: must be an IPv4 or IPv6 address`));
  return a;
}

function port(tokens: readonly string[], i: number, name: string): number {
  const text = need(tokens, i, name);
  const n = whole(text, 65535);
  if (n < 0) throw new Fault(fault('bad-port', `${name} ${excerpt(text)}: must be a whole number from 0 to 65535`));
  return n;
}

function count(tokens: readonly string[], i: number, name: string): number | undefined {
  if (i < 0 || tokens[i] === MISSING) return undefined;
  const n = whole(tokens[i], Number.MAX_SAFE_INTEGER);
  if (n < 0) throw new Fault(fault('bad-number', `${name} ${excerpt(tokens[i])}: must be a whole number or -`));
  return n;
}

function direction(tokens: readonly string[], i: number): FlowDirection | undefined {
  const v = i < 0 ? MISSING : tokens[i];
  if (v === MISSING) return undefined;
  if (v === 'ingress') return 'inbound';
  if (v === 'egress') return 'outbound';
  throw new Fault(fault('bad-value', `flow-direction ${excerpt(v)}: must be ingress, egress or -`));
}

function record(tokens: readonly string[], at: AwsFormat['at'], source: FlowSource): FlowRecord {
  // The packet's own addresses where the format has them: srcaddr and dstaddr show an interface's
  // primary address for traffic to a secondary address, or through a NAT gateway's interface.
  const pktSrc = at['pkt-srcaddr'] >= 0 && tokens[at['pkt-srcaddr']] !== MISSING;
  const pktDst = at['pkt-dstaddr'] >= 0 && tokens[at['pkt-dstaddr']] !== MISSING;
  const srcAddr = pktSrc ? address(tokens, at['pkt-srcaddr'], 'pkt-srcaddr') : address(tokens, at.srcaddr, 'srcaddr');
  const dstAddr = pktDst ? address(tokens, at['pkt-dstaddr'], 'pkt-dstaddr') : address(tokens, at.dstaddr, 'dstaddr');
  const srcPort = port(tokens, at.srcport, 'srcport');
  const dstPort = port(tokens, at.dstport, 'dstport');
  const protoText = need(tokens, at.protocol, 'protocol');
  const protocol = whole(protoText, 255);
  if (protocol < 0)
    throw new Fault(fault('bad-protocol', `protocol ${excerpt(protoText)}: must be an IANA protocol number, 0 to 255`));
  const actionText = need(tokens, at.action, 'action');
  if (actionText !== 'ACCEPT' && actionText !== 'REJECT')
    throw new Fault(fault('bad-value', `action ${excerpt(actionText)}: must be ACCEPT or REJECT`));
  const r: Mutable<FlowRecord> = {
    cloud: 'aws',
    format: 'aws',
    srcAddr,
    dstAddr,
    srcPort,
    dstPort,
    protocol,
    action: actionText === 'ACCEPT' ? 'accept' : 'reject',
    source,
  };
  const start = count(tokens, at.start, 'start');
  const end = count(tokens, at.end, 'end');
  if (start !== undefined) r.start = start * 1000;
  if (end !== undefined) r.end = end * 1000;
  const dir = direction(tokens, at['flow-direction']);
  if (dir) r.direction = dir;
  if (at['interface-id'] >= 0 && tokens[at['interface-id']] !== MISSING) r.interface = tokens[at['interface-id']];
  const packets = count(tokens, at.packets, 'packets');
  if (packets !== undefined) r.packets = packets;
  const bytes = count(tokens, at.bytes, 'bytes');
  if (bytes !== undefined) r.bytes = bytes;
  const flags = count(tokens, at['tcp-flags'], 'tcp-flags');
  if (flags !== undefined) r.tcpFlags = flags;
  return r;
}
