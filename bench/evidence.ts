// Evidence at scale, for `npm run bench` (or alone: `npx ts-node --transpile-only bench/evidence.ts
// [sizes...]`): gzip flow logs of a ServerProtect plan's simulated traffic, AWS text and Azure VNet
// JSON, each size read by `portplan evidence` (the CLI's own entry point, in a fresh process) and by
// the floor of any reader (gunzip and count the lines, or the bytes, in a fresh process of the same
// runner), interleaved. Whole processes, spawn to exit; the peak resident memory of each; growth as
// exponents fitted over the sizes; ratios against the floor of the same run.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGunzip, createGzip } from 'node:zlib';
import { runAsync } from '../lib/cli/main';
import { PRESETS, resolve } from '../lib/model';
import {
  addressPlan,
  hostsFile,
  simulateTraffic,
  vnetTuple,
  writeAwsLog,
  type SimRecord,
} from '../test/support/flowlogs';

const ROOT = join(__dirname, '..');
// Children run through the project's TypeScript runner, which loads cached JavaScript and not the
// compiler: the process measured loads what the built CLI loads, plus a transpile cache lookup.
const RUNNER = join(ROOT, 'scripts/ts-run.js');
const RUNS = Math.max(1, Number(process.env.BENCH_EVIDENCE_RUNS ?? 3));
/** The sizes measured, in records (AWS lines, Azure tuples). */
export const EVIDENCE_SIZES = [100_000, 300_000, 1_000_000];

const plan = () => {
  const r = resolve(PRESETS.serverprotect);
  return { r, addresses: addressPlan(r, 20, true) };
};

// About `total` records: planned traffic (two flows drifted), 1,000 each of noise and scanners, so
// that what grows is the number of records, not of distinct kinds.
function traffic(total: number, replies: boolean): Iterable<SimRecord> {
  const { r, addresses } = plan();
  return simulateTraffic(r, addresses, {
    seed: 1,
    total: total - 2000,
    drift: 2,
    noise: 1000,
    scanners: 1000,
    replies,
  });
}

/** Writes an Azure VNet flow log of simulated records, 1,000 tuples to an Azure record, gzip, streaming. */
async function writeAzureLog(file: string, records: Iterable<SimRecord>): Promise<void> {
  const gzip = createGzip();
  const out = createWriteStream(file);
  gzip.pipe(out);
  const write = async (text: string) => {
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  let batch: string[] = [];
  let first = true;
  const flush = async () => {
    if (!batch.length) return;
    const record = {
      time: '2026-11-30T10:00:00Z',
      flowLogVersion: 4,
      macAddress: '00224871C205',
      category: 'FlowLogFlowEvent',
      flowRecords: { flows: [{ aclID: 'acl-1', flowGroups: [{ rule: 'portplan-allow', flowTuples: batch }] }] },
    };
    await write(`${first ? '' : ','}${JSON.stringify(record)}`);
    first = false;
    batch = [];
  };
  await write('{"records":[');
  for (const s of records) {
    batch.push(vnetTuple(s));
    if (batch.length === 1000) await flush();
  }
  await flush();
  gzip.end(']}');
  await once(out, 'finish');
}

// One measurement in this process: the mode's result, and the peak resident memory.
async function child(mode: string, file: string, hosts: string): Promise<void> {
  let result: unknown;
  if (mode === 'portplan') {
    let out = '';
    const code = await runAsync(
      ['evidence', '--preset', 'serverprotect', '--hosts', hosts, '--format', 'json', file],
      (t) => (out += t),
      () => undefined,
    );
    const totals = (JSON.parse(out) as { totals: { records: number } }).totals;
    result = { code, records: totals.records };
  } else {
    let lines = 0;
    let bytes = 0;
    for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    }
    result = { lines, bytes };
  }
  process.stdout.write(`${JSON.stringify({ result, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

interface Measure {
  readonly ms: number;
  readonly rssMb: number;
  readonly result: unknown;
}

function spawnChild(mode: string, file: string, hosts: string): Measure {
  const started = performance.now();
  const p = spawnSync(process.execPath, [RUNNER, __filename, 'child', mode, file, hosts], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const ms = performance.now() - started;
  const line = p.stdout.trim().split('\n').pop() ?? '';
  if (p.status !== 0 || !line.startsWith('{'))
    throw new Error(`evidence bench ${mode} ${file} failed (${p.status}): ${p.stderr.slice(-2000)}`);
  const out = JSON.parse(line) as { result: unknown; maxRssMb: number };
  return { ms, rssMb: out.maxRssMb, result: out.result };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 0) => Number(x.toFixed(digits));

/** Least-squares slope of log(y) on log(x): cost grows as n^slope. */
export function exponent(points: readonly [number, number][]): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  return xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
}

/** One size of one cloud's logs: medians of portplan and the floor, whole processes. */
export interface EvidenceRow {
  readonly cloud: 'aws' | 'azure';
  readonly records: number;
  readonly gzipMb: number;
  readonly portplanMs: number;
  readonly portplanRssMb: number;
  readonly floorMs: number;
  readonly floorRssMb: number;
  readonly ratio: number;
  readonly recordsPerSecond: number;
}

function measureSize(cloud: 'aws' | 'azure', file: string, hosts: string, records: number): EvidenceRow {
  const runs: Record<'portplan' | 'floor', Measure[]> = { portplan: [], floor: [] };
  for (let i = 0; i < RUNS; i++)
    for (const mode of i % 2 ? (['floor', 'portplan'] as const) : (['portplan', 'floor'] as const))
      runs[mode].push(spawnChild(mode, file, hosts));
  const counted = (runs.portplan[0].result as { records: number }).records;
  if (counted !== records) throw new Error(`${cloud} ${records}: portplan counted ${counted} records`);
  const p = median(runs.portplan.map((x) => x.ms));
  const f = median(runs.floor.map((x) => x.ms));
  return {
    cloud,
    records,
    gzipMb: round(statSync(file).size / 1e6, 1),
    portplanMs: round(p),
    portplanRssMb: round(Math.max(...runs.portplan.map((x) => x.rssMb))),
    floorMs: round(f),
    floorRssMb: round(Math.max(...runs.floor.map((x) => x.rssMb))),
    ratio: round(p / f, 2),
    recordsPerSecond: round(records / (p / 1000)),
  };
}

/** The evidence benchmark: rows per cloud and size, and the growth of time and memory. */
export function benchEvidence(sizes: readonly number[] = EVIDENCE_SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'portplan-bench-evidence-'));
  const rows: EvidenceRow[] = [];
  try {
    const hosts = join(dir, 'hosts.txt');
    writeFileSync(hosts, hostsFile(plan().addresses));
    for (const cloud of ['aws', 'azure'] as const)
      for (const n of sizes) {
        const file = join(dir, `${cloud}-${n}.gz`);
        process.stderr.write(`evidence: writing ${n} ${cloud} records\n`);
        const spawned = spawnSync(process.execPath, [RUNNER, __filename, 'write', cloud, String(n), file], {
          cwd: ROOT,
          encoding: 'utf8',
        });
        if (spawned.status !== 0) throw new Error(spawned.stderr);
        const written = Number(spawned.stdout.trim());
        process.stderr.write(`evidence: ${cloud} ${written} records, ${RUNS} runs each, alternating\n`);
        rows.push(measureSize(cloud, file, hosts, written));
        rmSync(file);
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const growth = (cloud: string, k: 'portplanMs' | 'portplanRssMb' | 'floorMs') =>
    round(exponent(rows.filter((r) => r.cloud === cloud).map((r) => [r.records, r[k]])), 2);
  // The cost of each record beyond the smallest size: start-up and the plan cancel out.
  const marginal = (cloud: string) => {
    const list = rows.filter((r) => r.cloud === cloud).sort((a, b) => a.records - b.records);
    const [a, b] = [list[0], list[list.length - 1]];
    return {
      portplanUsPerRecord: round(((b.portplanMs - a.portplanMs) * 1000) / (b.records - a.records), 2),
      floorUsPerRecord: round(((b.floorMs - a.floorMs) * 1000) / (b.records - a.records), 2),
    };
  };
  return {
    runs: RUNS,
    load: loadavg().map((x) => round(x, 1)),
    rows,
    marginal: { aws: marginal('aws'), azure: marginal('azure') },
    exponent: {
      aws: {
        time: growth('aws', 'portplanMs'),
        memory: growth('aws', 'portplanRssMb'),
        floorTime: growth('aws', 'floorMs'),
      },
      azure: {
        time: growth('azure', 'portplanMs'),
        memory: growth('azure', 'portplanRssMb'),
        floorTime: growth('azure', 'floorMs'),
      },
    },
  };
}

/** The evidence benchmark as a Markdown section of the summary. */
export function evidenceSummary(e: ReturnType<typeof benchEvidence>): string[] {
  // The target is for a million records: the row nearest to it.
  const million = (cloud: string) =>
    [...e.rows]
      .filter((r) => r.cloud === cloud)
      .sort((a, b) => Math.abs(a.records - 1e6) - Math.abs(b.records - 1e6))[0];
  const target = (r: EvidenceRow) =>
    `${r.records.toLocaleString('en')} ${r.cloud} records: ${r.portplanMs} ms, ${r.portplanRssMb} MB (target 10,000 ms, 300 MB: ${r.portplanMs <= 10_000 && r.portplanRssMb <= 300 ? 'met' : 'NOT met'})`;
  return [
    '## Evidence from flow logs: whole processes against the floor of any reader',
    '',
    `\`portplan evidence\` (the CLI's entry point, JSON output) over gzip logs of a ServerProtect plan's simulated traffic, against gunzip and count the lines in a process of the same runner; medians of ${e.runs} runs each, alternating. Azure: VNet flow log JSON, 1,000 tuples to a record.`,
    '',
    '| cloud | records | gzip MB | portplan ms | portplan peak MB | floor ms | floor peak MB | ratio | records/s |',
    '|---|---|---|---|---|---|---|---|---|',
    ...e.rows.map(
      (r) =>
        `| ${r.cloud} | ${r.records} | ${r.gzipMb} | ${r.portplanMs} | ${r.portplanRssMb} | ${r.floorMs} | ${r.floorRssMb} | ${r.ratio} | ${r.recordsPerSecond} |`,
    ),
    '',
    `Fitted growth over the sizes: AWS time n^${e.exponent.aws.time} (floor n^${e.exponent.aws.floorTime}), peak memory n^${e.exponent.aws.memory}; ` +
      `Azure time n^${e.exponent.azure.time} (floor n^${e.exponent.azure.floorTime}), peak memory n^${e.exponent.azure.memory}.`,
    '',
    `Cost of each record beyond the smallest size (start-up cancels out): AWS ${e.marginal.aws.portplanUsPerRecord} µs (floor ${e.marginal.aws.floorUsPerRecord} µs), ` +
      `Azure ${e.marginal.azure.portplanUsPerRecord} µs (floor ${e.marginal.azure.floorUsPerRecord} µs).`,
    '',
    `${target(million('aws'))}; ${target(million('azure'))}. Load average of the machine during the run: ${e.load.join(', ')} (1, 5, 15 minutes, at the end; 2 cores).`,
    '',
  ];
}

// Writes a log of about n records (AWS: with a reply to each accepted planned record, as AWS logs
// both directions) and prints how many it wrote.
async function write(cloud: string, n: number, file: string): Promise<void> {
  let count = 0;
  const counted = function* (xs: Iterable<SimRecord>) {
    for (const x of xs) {
      count++;
      yield x;
    }
  };
  if (cloud === 'aws') await writeAwsLog(file, counted(traffic(Math.round(n / 1.9), true)), { gzip: true });
  else await writeAzureLog(file, counted(traffic(n, false)));
  process.stdout.write(`${count}\n`);
}

if (require.main === module || resolvePath(process.argv[1] ?? '') === __filename) {
  const [, , command, ...rest] = process.argv;
  const done = (p: Promise<void> | void) =>
    Promise.resolve(p).catch((e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    });
  if (command === 'child') void done(child(rest[0], rest[1], rest[2]));
  else if (command === 'write') void done(write(rest[0], Number(rest[1]), rest[2]));
  else {
    const e = benchEvidence(command ? [command, ...rest].map(Number) : EVIDENCE_SIZES);
    process.stdout.write(`${JSON.stringify(e, null, 2)}\n${evidenceSummary(e).join('\n')}\n`);
  }
}
