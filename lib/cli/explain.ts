import {
  ArgumentError,
  portRangeText,
  type Explanation,
  type ExplainQuery,
  type Protocol,
  type RowReason,
} from '../spec';

/**
 * Parses `--port` as `<port>/<protocol>` (`3628/tcp`, `137/udp`), or a bare port for TCP.
 * @throws ArgumentError naming `--port`, the value and the form allowed
 */
export function parsePort(text: string): Pick<ExplainQuery, 'port' | 'protocol'> {
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(text);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new ArgumentError('--port', text, 'must be <port>/<tcp|udp> with a port from 1 to 65535, e.g. 3628/tcp');
  return { port, protocol: (m[2]?.toLowerCase() ?? 'tcp') as Protocol };
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
