import {
  ArgumentError,
  explain,
  portRangeText,
  type Protocol,
  type Resolution,
  type Explanation,
  type ExplainQuery,
  type RowReason,
} from '../model';

/**
 * Parses `--port` as `<port>/<protocol>` (`3628/tcp`, `137/udp`), or a bare port (no protocol: see
 * {@link explainPort}).
 * @throws ArgumentError naming `--port`, the value and the form allowed
 */
export function parsePort(text: string): Pick<ExplainQuery, 'port'> & { readonly protocol?: Protocol } {
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(text);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new ArgumentError('--port', text, 'must be <port>/<tcp|udp> with a port from 1 to 65535, e.g. 3628/tcp');
  return m[2] ? { port, protocol: m[2].toLowerCase() as Protocol } : { port };
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
    lines.push(`  flow ${f.from.name} -> ${f.to.name} ${f.protocol} ${portRangeText(f)} (${f.rows.join(', ')})`);
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
