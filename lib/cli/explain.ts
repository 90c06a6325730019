import { describePacket } from '../packets';
import { explainPair, type PairAnswer, type PairIcmp, type PairQuery } from '../verify/explain-pair';
import type { IcmpProtocol, Protocol } from '../model/catalog';
import { ArgumentError } from '../model/errors';
import { explain, type Explanation, type ExplainQuery, type RowReason } from '../model/explain';
import { flowPortsText, type Resolution } from '../model/resolve';

/** Every form `--port` takes, for the error that refuses a value. */
const PORT_FORMS =
  'must be <port>/<tcp|udp> with a port from 1 to 65535 (e.g. 3628/tcp, or 3628 alone), a range ' +
  '(udp/1000-1009), or ICMP messages: icmp (every message), icmp:<type> (every code), icmp:<type>/<code> ' +
  '(type and code 0-255, e.g. icmp:3/4), or the same with icmpv6';

/**
 * Parses `--port` as `<port>/<protocol>` (`3628/tcp`, `137/udp`), or a bare port (no protocol: see
 * {@link explainPort}).
 * @throws ArgumentError naming `--port`, the value and the forms allowed
 */
export function parsePort(text: string): Pick<ExplainQuery, 'port'> & { readonly protocol?: Protocol } {
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(text);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new ArgumentError('--port', text, PORT_FORMS);
  return m[2] ? { port, protocol: m[2].toLowerCase() as Protocol } : { port };
}

/**
 * Parses a `--port` of ICMP or ICMPv6 messages: `icmp` (every message), `icmp:8` (a type, every
 * code), `icmp:3/4` (a type and code), and the same with `icmpv6`; undefined for any other protocol.
 * Types and codes are 0-255 (https://www.iana.org/assignments/icmp-parameters,
 * https://www.iana.org/assignments/icmpv6-parameters).
 * @throws ArgumentError naming `--port` for messages not in these forms, or a type or code over 255
 */
export function parseIcmpPort(text: string): PairIcmp | undefined {
  const m = /^(icmpv6|icmp)(?::(.*))?$/i.exec(text);
  if (!m) return undefined;
  const protocol = m[1].toLowerCase() as IcmpProtocol;
  if (m[2] === undefined) return { protocol, icmp: {} };
  const t = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(m[2]);
  const [type, code] = t ? [Number(t[1]), t[2] === undefined ? undefined : Number(t[2])] : [NaN, undefined];
  if (!t || type > 255 || (code ?? 0) > 255) {
    throw new ArgumentError(
      '--port',
      text,
      `must be ${protocol} (every message), ${protocol}:<type> (every code) or ` +
        `${protocol}:<type>/<code>, with type and code 0-255, e.g. ${protocol}:3/4`,
    );
  }
  return { protocol, icmp: code === undefined ? { type } : { type, code } };
}

/** A `--port` that names a range, or a protocol first: `udp/1000-1009`, `1000-1009/tcp`, `1000-1009`. */
export interface PortRangeQuery {
  /** The protocol; absent for both tcp and udp. */
  readonly protocol?: Protocol;
  /** The first port. */
  readonly from: number;
  /** The last port. */
  readonly to: number;
}

/**
 * Parses a `--port` that {@link parsePort} does not take: a range, with or without a protocol
 * before or after it (`udp/1000-1009`, `1000-1009/tcp`, `tcp/3628`); undefined for the forms
 * parsePort takes (`3628/tcp`, `3628`).
 * @throws ArgumentError naming `--port` for a range out of order or out of 0-65535
 */
export function parsePortRange(text: string): PortRangeQuery | undefined {
  const m = /^(?:(tcp|udp)\/)?(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp))?$/i.exec(text);
  if (!m || (m[1] && m[4]) || (!m[1] && m[3] === undefined)) return undefined;
  const [from, to] = [Number(m[2]), Number(m[3] ?? m[2])];
  if (from > to || to > 65535)
    throw new ArgumentError('--port', text, 'a range <from>-<to> within 0-65535, from first, e.g. udp/1000-1009');
  const protocol = (m[1] ?? m[4])?.toLowerCase() as Protocol | undefined;
  return { ...(protocol ? { protocol } : {}), from, to };
}

/**
 * What the plan opens between two parties (no `--port`: every port, both directions), or for a
 * protocol and port range (both protocols when none is given), as one answer per question asked.
 * @throws ArgumentError for an unknown party or a bad range
 */
export function explainRange(r: Resolution, from: string, to: string, range?: PortRangeQuery): PairAnswer[] {
  if (!range) return [explainPair(r, { from, to })];
  const protocols: readonly Protocol[] = range.protocol ? [range.protocol] : PROTOCOLS;
  return protocols.map((protocol) => {
    const query: PairQuery = { from, to, port: { protocol, from: range.from, to: range.to } };
    return explainPair(r, query);
  });
}

/** A pair answer for people: per direction, the flows with their rows, the exact packets, what stays closed. */
export function pairText(a: PairAnswer): string {
  const lines: string[] = [];
  for (const d of a.directions) {
    const n = d.flows.length;
    lines.push(
      `${d.from} -> ${d.to}: ${n ? `the plan opens ${n} flow${n === 1 ? '' : 's'}` : 'the plan opens nothing'}`,
    );
    for (const f of d.flows) {
      lines.push(
        `  flow ${f.flow.from.name} -> ${f.flow.to.name} ${f.flow.protocol} ${flowPortsText(f.flow)} (${f.rows.join(', ')})`,
      );
    }
    if (d.open.length) lines.push('  exactly:', ...d.open.map((l) => `    ${l}`));
    if (d.closedWitness) {
      lines.push(
        `  ${d.open.length ? 'everything else' : 'all of it'} closed: no vendor row requires it ` +
          `(e.g. ${describePacket(d.closedWitness)})`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** What `explain` answers for one `--port`: one explanation per protocol taken, and which were taken. */
export interface PortAnswer {
  /** For a bare port: which protocols were taken, and why; none when the protocol was given. */
  readonly note?: string;
  /** Whether a bare port left both protocols (so `--json` cannot give one answer). */
  readonly ambiguous: boolean;
  /** For a bare port: over which protocols the catalog opens it to the group's role, in words. */
  readonly reason?: string;
  /** One explanation per protocol taken, tcp first. */
  readonly explanations: readonly Explanation[];
}

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp'];

/**
 * Explains a port with its protocol; a bare port is taken as the protocol the catalog opens it
 * over to the listening group's role (a row that opens it, or would under other settings), and
 * explained for both tcp and udp when the catalog opens it over both, or over neither.
 * @throws ArgumentError from explain() for an unknown group or address
 */
export function explainPort(
  r: Resolution,
  query: Pick<ExplainQuery, 'from' | 'to' | 'port'> & { readonly protocol?: Protocol },
): PortAnswer {
  const { protocol, ...rest } = query;
  if (protocol) return { ambiguous: false, explanations: [explain(r, { ...rest, protocol })] };
  const all = PROTOCOLS.map((p) => explain(r, { ...rest, protocol: p }));
  const opened = all.filter((e) => e.allowed || e.wouldOpen.length);
  const role = r.declaration.groups.find((g) => g.name === query.to)?.role ?? query.to;
  const port = query.port;
  if (opened.length === 1) {
    const p = opened[0].query.protocol;
    const reason = `the catalog opens ${port} to ${role} over ${p} only`;
    return { note: `${port} taken as ${port}/${p}: ${reason}`, reason, ambiguous: false, explanations: opened };
  }
  const reason = opened.length
    ? `the catalog opens ${port} to ${role} over both`
    : `no row of the catalog opens ${port} to ${role}`;
  return { note: `${port} explained for tcp and udp: ${reason}`, reason, ambiguous: true, explanations: all };
}

/** An explanation for people: the verdict, then each row with its condition, options and source. */
export function explainText(e: Explanation): string {
  const { from, to, port, protocol } = e.query;
  const lines = [`${from} -> ${to} ${port}/${protocol}: ${e.allowed ? 'allowed' : 'not allowed'} by the plan`];
  for (const f of e.flows)
    lines.push(`  flow ${f.from.name} -> ${f.to.name} ${f.protocol} ${flowPortsText(f)} (${f.rows.join(', ')})`);
  const rows: readonly (RowReason & { needs?: readonly string[] })[] = e.allowed ? e.because : e.wouldOpen;
  if (!e.allowed)
    lines.push(rows.length ? '  would be opened by:' : '  no row of the catalog opens this port to this role');
  for (const r of rows) {
    lines.push(`  ${r.id}: ${r.purpose}`);
    lines.push(`    condition: ${r.condition}`);
    if (r.controlledBy.length) lines.push(`    controlled by: ${r.controlledBy.join(', ')}`);
    if (r.needs?.length) lines.push(`    needs: ${r.needs.join('; ')}`);
    lines.push(
      `    source: ${r.citation.document}, row ${r.citation.row}${r.citation.note ? ` (${r.citation.note})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The output of `explain` without `--port`, or with a port range, a protocol first or ICMP
 * messages (`icmp:3/4`); undefined for a single port in the older forms (`3628/tcp`, `3628`),
 * which {@link explainPort} answers.
 * @throws ArgumentError for an unknown party or a bad range
 */
export function pairOutput(
  r: Resolution,
  o: { readonly from: string; readonly to: string; readonly port?: string; readonly json?: boolean },
): string | undefined {
  const icmp = o.port === undefined ? undefined : parseIcmpPort(o.port);
  const range = o.port === undefined || icmp ? undefined : parsePortRange(o.port);
  if (o.port !== undefined && !range && !icmp) return undefined;
  const answers = icmp
    ? [explainPair(r, { from: o.from, to: o.to, port: icmp })]
    : explainRange(r, o.from, o.to, range);
  if (o.json) return `${JSON.stringify(answers.length === 1 ? answers[0] : answers, null, 2)}\n`;
  return answers.map(pairText).join('');
}
