// Generated traffic of a deployed plan, written as each cloud writes it, read back and classified:
// every record comes back as it was written, classified as what it was generated as, and the
// evidence counts exactly what was generated.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  Inventory,
  collectEvidence,
  parseHostsFile,
  planClassifier,
  readFlowLogs,
  type EvidenceReport,
  type FlowRecord,
  type Tally,
} from '../../lib/evidence';
import { PRESETS, resolve, type Resolution } from '../../lib/model';
import { validDeclaration } from '../support/declarations';
import {
  addressPlan,
  azureLog,
  hostsFile,
  simulateTraffic,
  writeAwsLog,
  type SimRecord,
  type TrafficOptions,
} from '../support/flowlogs';
import { readAll, tempDir } from './helpers';

const dir = tempDir('roundtrip');
const r = resolve({
  ...PRESETS.serverprotect,
  peers: [
    { name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.10/32' },
    { name: 'updates', kind: 'update-source', cidr: '203.0.113.0/28' },
    { name: 'mail', kind: 'mail', cidr: '2001:db8:9::25/128' },
  ],
  serverProtect: { controlManagerAgent: 'tmi' },
});
const plan = addressPlan(r, 2, true);
const inventory = new Inventory(parseHostsFile(hostsFile(plan), 'hosts'));
const OPTIONS: TrafficOptions = { seed: 7, perFlow: 4, drift: 2, noise: 30, scanners: 30 };

const tuple = (x: SimRecord | FlowRecord) => [x.srcAddr, x.srcPort, x.dstAddr, x.dstPort, x.protocol, x.action];
const expectedClass = (s: SimRecord) =>
  s.kind === 'planned' || s.kind === 'drift'
    ? { flows: [s.flow], replies: [] }
    : s.kind === 'reply'
      ? { flows: [], replies: [s.flow] }
      : { flows: [], replies: [] };

function tally(sims: readonly SimRecord[], times: 'aws' | 'azure'): Tally {
  const t: { -readonly [K in keyof Tally]: Tally[K] } = { records: sims.length, packets: 0, bytes: 0 };
  for (const s of sims) {
    // Azure logs a denied flow without counts.
    const counted = times === 'aws' || s.action === 'accept';
    t.packets += counted ? s.packets : 0;
    t.bytes += counted ? s.bytes : 0;
    const first = s.start * 1000;
    const last = (times === 'aws' ? s.end : s.start) * 1000;
    if (t.first === undefined || first < t.first) t.first = first;
    if (t.last === undefined || last > t.last) t.last = last;
  }
  return t;
}

// The evidence the generated records must give, from their truth alone.
function expectEvidence(
  res: Resolution,
  sims: readonly SimRecord[],
  times: 'aws' | 'azure',
  report: EvidenceReport,
): void {
  res.flows.forEach((_, i) => {
    const of = (kind: SimRecord['kind']) => sims.filter((s) => s.kind === kind && s.flow === i);
    const e = report.flows[i];
    expect({ accepted: e.accepted, rejected: e.rejected, replies: e.replies }).toEqual({
      accepted: tally(of('planned'), times),
      rejected: tally(of('drift'), times),
      replies: { accepted: tally(of('reply'), times), rejected: tally([], times) },
    });
    expect(e.status).toBe(of('drift').length ? 'rejected' : of('planned').length ? 'accepted' : 'unseen');
  });
  const sum = (list: EvidenceReport['acceptedUnplanned'], k: 'records' | 'packets' | 'bytes') =>
    list.reduce((n, u) => n + u.tally[k], 0);
  for (const [list, kind] of [
    [report.acceptedUnplanned, 'noise'],
    [report.rejectedUnplanned, 'scanner'],
  ] as const) {
    const want = tally(
      sims.filter((s) => s.kind === kind),
      times,
    );
    expect([sum(list, 'records'), sum(list, 'packets'), sum(list, 'bytes')]).toEqual([
      want.records,
      want.packets,
      want.bytes,
    ]);
  }
  expect(report.totals).toEqual({
    records: sims.length,
    planned: sims.filter((s) => s.kind === 'planned' || s.kind === 'drift').length,
    replies: sims.filter((s) => s.kind === 'reply').length,
    unplanned: sims.filter((s) => s.kind === 'noise' || s.kind === 'scanner').length,
  });
}

async function roundTrip(file: string, sims: readonly SimRecord[], times: 'aws' | 'azure', res = r, inv = inventory) {
  const { records, summary } = await readAll(file);
  expect(summary.issueCount).toBe(0);
  expect(records.map(tuple)).toEqual(sims.map(tuple));
  const classify = planClassifier(res, inv);
  expect(
    records.map((x) => {
      const c = classify(x);
      return { flows: c.flows, replies: c.replies };
    }),
  ).toEqual(sims.map(expectedClass));
  expectEvidence(res, sims, times, await collectEvidence(readFlowLogs(file), res, inv));
}

describe('generated traffic, read back', () => {
  const awsSims = [...simulateTraffic(r, plan, { ...OPTIONS, replies: true })];
  const azureSims = [...simulateTraffic(r, plan, OPTIONS)];

  test('the generator makes every kind, and the same seed makes the same traffic', () => {
    const kinds = new Set(awsSims.map((s) => s.kind));
    expect([...kinds].sort()).toEqual(['drift', 'noise', 'planned', 'reply', 'scanner']);
    expect(awsSims.some((s) => s.srcAddr.includes(':'))).toBe(true);
    expect([...simulateTraffic(r, plan, { ...OPTIONS, replies: true })]).toEqual(awsSims);
    expect([...simulateTraffic(r, plan, { ...OPTIONS, replies: true, seed: 8 })]).not.toEqual(awsSims);
  });

  test('AWS, gzip with the S3 header line', async () => {
    const file = join(dir, 'aws.log.gz');
    await writeAwsLog(file, awsSims, { gzip: true });
    await roundTrip(file, awsSims, 'aws');
  });

  test('AWS, a custom format without a header, given as --log-format', async () => {
    const fields =
      'flow-direction dstport srcaddr action interface-id srcport protocol bytes dstaddr start end packets log-status tcp-flags'.split(
        ' ',
      );
    const file = join(dir, 'custom.log');
    await writeAwsLog(file, awsSims, { fields, header: false });
    const format = fields.map((f) => `\${${f}}`).join(' ');
    const { records } = await readAll(file, { awsFormat: format });
    expect(records.map(tuple)).toEqual(awsSims.map(tuple));
    expect(records.every((x) => x.direction === 'inbound')).toBe(true);
  });

  test('Azure VNet flow logs', async () => {
    const file = join(dir, 'vnet.json');
    writeFileSync(file, JSON.stringify(azureLog(azureSims, 'vnet', 40)));
    await roundTrip(file, groupedByAction(azureSims, 40), 'azure');
  });

  test('Azure NSG flow logs (version 2)', async () => {
    const file = join(dir, 'nsg.json');
    writeFileSync(file, JSON.stringify(azureLog(azureSims, 'nsg', 40), null, 1));
    await roundTrip(file, groupedByAction(azureSims, 40), 'azure');
  });

  test('an independent reader (DuckDB) of the AWS file counts the same records, packets and bytes', async () => {
    const file = join(dir, 'duck.log.gz');
    await writeAwsLog(file, awsSims, { gzip: true });
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const rows = (
      await con.runAndReadAll(
        `SELECT action, srcaddr, dstaddr, CAST(dstport AS INTEGER) AS port, count(*) AS n, sum(CAST(packets AS BIGINT)) AS p,
         sum(CAST(bytes AS BIGINT)) AS b FROM read_csv('${file}', delim = ' ', header = true, all_varchar = true)
         GROUP BY ALL ORDER BY ALL`,
      )
    ).getRowObjects();
    con.closeSync();
    const { records } = await readAll(file);
    const ours = new Map<string, [number, number, number]>();
    for (const x of records) {
      const k = JSON.stringify([x.action === 'accept' ? 'ACCEPT' : 'REJECT', x.srcAddr, x.dstAddr, x.dstPort]);
      const v = ours.get(k) ?? [0, 0, 0];
      ours.set(k, [v[0] + 1, v[1] + (x.packets ?? 0), v[2] + (x.bytes ?? 0)]);
    }
    const theirs = new Map(
      rows.map((row) => [
        JSON.stringify([row.action, row.srcaddr, row.dstaddr, row.port]),
        [Number(row.n), Number(row.p), Number(row.b)],
      ]),
    );
    expect(rows.length).toBeGreaterThan(50);
    expect(ours).toEqual(theirs);
  });

  test('any declaration: every record read back and classified as generated', async () => {
    await fc.assert(
      fc.asyncProperty(validDeclaration, fc.nat(), async (declaration, seed) => {
        const res = resolve(declaration);
        const p = addressPlan(res, 1, true);
        const inv = new Inventory(parseHostsFile(hostsFile(p), 'hosts'));
        const sims = [...simulateTraffic(res, p, { seed, perFlow: 2, drift: 1, noise: 5, scanners: 5, replies: true })];
        const file = join(dir, `any-${seed}.log`);
        await writeAwsLog(file, sims);
        await roundTrip(file, sims, 'aws', res, inv);
      }),
      { numRuns: 15 },
    );
  });
});

// The order azureLog() writes tuples in: per Azure record of `per` tuples, accepted, then rejected.
function groupedByAction(sims: readonly SimRecord[], per: number): SimRecord[] {
  const out: SimRecord[] = [];
  for (let i = 0; i < sims.length; i += per) {
    const part = sims.slice(i, i + per);
    out.push(...part.filter((s) => s.action === 'accept'), ...part.filter((s) => s.action === 'reject'));
  }
  return out;
}
