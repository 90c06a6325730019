import { portRangeText, type Resolution, type ResolvedFlow } from '../model';
import { switchesOf, switchText, type RowSwitch } from './advice';
import type { EvidenceReport, FlowEvidence, FlowSample, Tally, UnplannedTraffic } from './evidence';
import type { FlowLogIssue } from './issues';
import { membershipText } from './openings';

import type { ReadSummary } from './reader';

/**
 * The evidence as a person reads it (text, Markdown for a security review) and as a program
 * reads it (JSON with stable field names). Every figure comes from the report and the reading's
 * summary; nothing is computed again here.
 * @packageDocumentation
 */

/** Version of the evidence JSON; raised only when a field changes meaning or goes. */
export const EVIDENCE_JSON_VERSION = 1;

/** What the evidence says, in one word: as planned, or not. */
export interface EvidenceVerdict {
  /** Planned flows with rejected records: the deployed rules block what the plan needs. */
  readonly drift: number;
  /** Distinct kinds of accepted traffic no planned flow covers. */
  readonly unplanned: number;
  /** Malformed lines, tuples and files. */
  readonly faults: number;
  /** Whether all three are none. */
  readonly asPlanned: boolean;
}

/** Drift, unplanned accepted traffic and faults, counted. */
export function verdict(report: EvidenceReport, summary: ReadSummary): EvidenceVerdict {
  const drift = report.flows.filter((f) => f.status === 'rejected').length;
  const unplanned = report.acceptedUnplanned.length + (report.overflow.accepted.records ? 1 : 0);
  const faults = summary.issueCount;
  return { drift, unplanned, faults, asPlanned: drift === 0 && unplanned === 0 && faults === 0 };
}

const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };
/** A protocol number by name where it has a common one (`tcp`), else its number. */
export const protocolName = (n: number): string => PROTOCOLS[n] ?? `protocol ${n}`;
const time = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString());
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A flow as one line: `console -> information-server tcp 5005 (SP4)`. */
export function flowText(f: ResolvedFlow): string {
  return `${f.from.name} -> ${f.to.name} ${f.protocol} ${portRangeText(f)} (${f.rows.join(', ')})`;
}

/** Where a record or fault was read: `file line 3` or `file line 3 records[0]...`. */
export function sourceText(s: { readonly file: string; readonly line: number; readonly path?: string }): string {
  return `${s.file}${s.line ? ` line ${s.line}` : ''}${s.path ? ` ${s.path}` : ''}`;
}

/** A sample's tuple: `10.0.1.5:50100 -> 10.0.2.5:3000/udp`. */
export function tupleText(s: FlowSample): string {
  const port = s.protocol === 6 || s.protocol === 17;
  const end = (a: string, p: number) => (port ? `${a.includes(':') ? `[${a}]` : a}:${p}` : a);
  return `${end(s.srcAddr, s.srcPort)} -> ${end(s.dstAddr, s.dstPort)}/${protocolName(s.protocol)}`;
}

const tallyText = (t: Tally): string =>
  `${plural(t.records, 'record')}, ${plural(t.packets, 'packet')}, ${plural(t.bytes, 'byte')}, first ${time(t.first)}, last ${time(t.last)}`;

/** What the logs say of one planned flow, in words. */
export function flowLine(f: FlowEvidence, switches: readonly RowSwitch[]): string {
  if (f.status === 'unseen') return `never seen: ${switchText(switches)}`;
  if (f.status === 'accepted') return `seen and accepted: ${tallyText(f.accepted)}`;
  const samples = f.rejectedSamples.map((s) => `${tupleText(s)} at ${sourceText(s.source)}`);
  return (
    `seen and REJECTED (drift: the deployed rules block what the plan needs): ${tallyText(f.rejected)}` +
    `${f.accepted.records ? `; accepted ${tallyText(f.accepted)}` : ''}; e.g. ${samples.join('; ')}`
  );
}

/** What a kind of rejected traffic no flow plans would need: the catalog rows and what the declaration lacks. */
export function wouldOpenText(u: UnplannedTraffic): string {
  if (u.wouldOpen === undefined)
    return u.dst.groups.length ? 'no catalog row opens this protocol' : 'no declared group listens there';
  if (!u.wouldOpen.length) return 'no catalog row would open it: nothing to add';
  return u.wouldOpen
    .map((m) =>
      m.rows
        .map((w) => `matches ${w.id} (${w.purpose}) from ${m.from}; the declaration lacks ${w.needs.join(' and ')}`)
        .join('; '),
    )
    .join('; ');
}

/** What a rendering may add to the evidence. */
export interface RenderOptions {
  /**
   * The site's rules that let a kind of accepted traffic through, where the site's rules are known
   * (`awsRuleFinder()`); AWS flow logs do not name them.
   */
  readonly letThrough?: (u: UnplannedTraffic) => readonly string[];
}

/** Where accepted traffic no flow covers was let through, as far as the log or the site says. */
export function letThroughText(u: UnplannedTraffic, options: RenderOptions = {}): string {
  if (u.rules.length) return `let through by ${u.rules.join(', ')} (as the log names it)`;
  const site = options.letThrough?.(u) ?? [];
  if (site.length) return `let through by ${site.join('; ')} (as the site's security groups say)`;
  return options.letThrough
    ? 'no rule of the security groups read lets it through: a group or rule the listings do not have'
    : 'the log names no rule (AWS flow logs do not: give --aws-enis and --aws-sgs to find it in the security groups)';
}

/** The ends of unplanned traffic: `console -> outside (192.0.2.80)`. */
export function endsText(u: UnplannedTraffic): string {
  const end = (m: UnplannedTraffic['src'], addresses: readonly string[]) =>
    `${membershipText(m)}${addresses.length ? ` (${addresses.join(', ')}${u.addresses.more ? ', ...' : ''})` : ''}`;
  return `${end(u.src, u.addresses.src)} -> ${end(u.dst, u.addresses.dst)}`;
}

/** A fault as one line: where, why, the text. */
export const issueText = (i: FlowLogIssue): string =>
  `${sourceText(i.source)}: ${i.reason}: ${i.message}${i.text !== undefined ? ` [${i.text}]` : ''}`;

/** The whole evidence as text. */
export function evidenceText(
  report: EvidenceReport,
  summary: ReadSummary,
  r: Resolution,
  options: RenderOptions = {},
): string {
  const v = verdict(report, summary);
  const t = report.totals;
  const lines = [
    `${plural(t.records, 'record')} from ${plural(summary.files, 'file')}: ${t.planned} in planned flows, ` +
      `${t.replies} replies to them, ${t.unplanned} unplanned.`,
    v.asPlanned
      ? 'As planned: no planned flow rejected, no unplanned traffic accepted, no malformed input.'
      : `NOT as planned: ${plural(v.drift, 'planned flow')} rejected, ${plural(v.unplanned, 'kind')} of unplanned traffic accepted, ${plural(v.faults, 'fault')} in the logs.`,
    '',
    'Planned flows:',
    ...report.flows.map((f) => `  ${flowText(f.flow)}: ${flowLine(f, switchesOf(r, f.flow))}`),
    '',
    `Rejected traffic no flow plans (${report.rejectedUnplanned.length}):`,
    ...report.rejectedUnplanned.map(
      (u) =>
        `  denied ${tupleText(u.samples[0])} (${endsText(u)}), ${plural(u.tally.records, 'record')}: ${wouldOpenText(u)}`,
    ),
    '',
    `Accepted traffic no planned flow covers (${report.acceptedUnplanned.length}):`,
    ...report.acceptedUnplanned.map(
      (u) =>
        `  accepted ${tupleText(u.samples[0])} (${endsText(u)}), ${tallyText(u.tally)}: ${letThroughText(u, options)}`,
    ),
    ...overflowLines(report),
    ...faultLines(summary),
  ];
  return `${lines.join('\n')}\n`;
}

function overflowLines(report: EvidenceReport): string[] {
  const { accepted, rejected } = report.overflow;
  if (!accepted.records && !rejected.records) return [];
  return [
    '',
    `Beyond the cap on distinct kinds, counted only: ${plural(accepted.records, 'accepted record')}, ${plural(rejected.records, 'rejected record')}.`,
  ];
}

function faultLines(summary: ReadSummary): string[] {
  const out = [
    '',
    `Faults in the logs (${summary.issueCount}):${Object.entries(summary.issues)
      .map(([k, n]) => ` ${k} ${n}`)
      .join(',')}`,
    ...summary.samples.map((i) => `  ${issueText(i)}`),
  ];
  if (summary.issueCount > summary.samples.length)
    out.push(`  (${summary.issueCount - summary.samples.length} more not shown)`);
  if (summary.skipData)
    out.push(
      `  ${plural(summary.skipData, 'SKIPDATA record')}: traffic the service did not capture; the evidence is incomplete`,
    );
  if (summary.noData) out.push(`  ${plural(summary.noData, 'NODATA record')} (no traffic in the interval)`);
  return out;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
];

/** The planned flows as a Markdown table: status, counts, and what to do about each. */
function plannedTable(report: EvidenceReport, r: Resolution): string[] {
  const status = { accepted: 'seen, accepted', rejected: '**REJECTED (drift)**', unseen: 'never seen' };
  return table(
    ['from', 'to', 'protocol', 'ports', 'rows', 'status', 'records', 'first seen', 'last seen', 'notes'],
    report.flows.map((f) => {
      const seen = f.status === 'rejected' ? f.rejected : f.accepted;
      const notes =
        f.status === 'unseen'
          ? switchText(switchesOf(r, f.flow))
          : f.status === 'rejected'
            ? `e.g. ${f.rejectedSamples.map((s) => `${tupleText(s)} (${sourceText(s.source)})`).join('; ')}`
            : '';
      return [
        f.flow.from.name,
        f.flow.to.name,
        f.flow.protocol,
        portRangeText(f.flow),
        f.flow.rows.join(' '),
        status[f.status],
        String(seen.records),
        time(seen.first),
        time(seen.last),
        notes,
      ];
    }),
  );
}

/** The whole evidence as Markdown, one section per question a security review asks. */
export function evidenceMarkdown(
  report: EvidenceReport,
  summary: ReadSummary,
  r: Resolution,
  options: RenderOptions = {},
): string {
  const v = verdict(report, summary);
  const t = report.totals;
  const lines = [
    '# portplan evidence report',
    '',
    `${plural(t.records, 'record')} from ${plural(summary.files, 'file')}: ${t.planned} in planned flows, ` +
      `${t.replies} replies to them, ${t.unplanned} unplanned. ` +
      (v.asPlanned
        ? 'As planned.'
        : `**Not as planned**: ${v.drift} drift, ${v.unplanned} unplanned accepted, ${v.faults} faults.`),
    '',
    '## Planned flows',
    '',
    ...plannedTable(report, r),
    '',
    '## Rejected traffic no flow plans',
    '',
    ...unplannedTable(report.rejectedUnplanned, 'catalog rows that would open it', wouldOpenText),
    '',
    '## Accepted traffic no planned flow covers',
    '',
    ...unplannedTable(report.acceptedUnplanned, 'let through by', (u) => letThroughText(u, options)),
    ...overflowLines(report),
    '',
    '## Faults in the logs',
    '',
    ...table(
      ['where', 'reason', 'message', 'text'],
      summary.samples.map((i) => [sourceText(i.source), i.reason, i.message, i.text ?? '']),
    ),
    ...faultLines(summary).slice(2 + summary.samples.length),
    '',
  ];
  return lines.join('\n');
}

function unplannedTable(
  list: readonly UnplannedTraffic[],
  last: string,
  text: (u: UnplannedTraffic) => string,
): string[] {
  return table(
    ['example', 'ends', 'records', 'first seen', 'last seen', last],
    list.map((u) => [
      tupleText(u.samples[0]),
      endsText(u),
      String(u.tally.records),
      time(u.tally.first),
      time(u.tally.last),
      text(u),
    ]),
  );
}

/** The evidence as JSON with stable field names ({@link EVIDENCE_JSON_VERSION}). */
export function evidenceJson(
  report: EvidenceReport,
  summary: ReadSummary,
  r: Resolution,
  options: RenderOptions = {},
): string {
  const flows = report.flows.map((f) => ({
    index: f.index,
    from: { kind: f.flow.from.kind, name: f.flow.from.name },
    to: { kind: f.flow.to.kind, name: f.flow.to.name },
    protocol: f.flow.protocol,
    fromPort: f.flow.fromPort,
    toPort: f.flow.toPort,
    rows: f.flow.rows,
    status: f.status,
    accepted: f.accepted,
    rejected: f.rejected,
    replies: f.replies,
    rejectedSamples: f.rejectedSamples,
    ...(f.status === 'unseen' ? { switchOff: switchesOf(r, f.flow) } : {}),
  }));
  const unplanned = (u: UnplannedTraffic) => ({
    ...u,
    srcText: membershipText(u.src),
    dstText: membershipText(u.dst),
    ...(u.wouldOpen
      ? {
          wouldOpen: u.wouldOpen.map((m) => ({
            from: m.from,
            to: m.to,
            rows: m.rows.map((w) => ({ id: w.id, purpose: w.purpose, needs: w.needs })),
          })),
        }
      : {}),
  });
  const out = {
    version: EVIDENCE_JSON_VERSION,
    verdict: verdict(report, summary),
    read: summary,
    totals: report.totals,
    flows,
    rejectedUnplanned: report.rejectedUnplanned.map(unplanned),
    acceptedUnplanned: report.acceptedUnplanned.map((u) => ({
      ...unplanned(u),
      ...(options.letThrough ? { siteRules: options.letThrough(u) } : {}),
    })),
    overflow: report.overflow,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
