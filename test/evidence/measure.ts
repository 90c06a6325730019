// Measures reading flow logs at scale, as whole processes and as ratios against baselines run in
// the same session (never as test assertions): `node scripts/ts-run.js test/evidence/measure.ts
// [sizes...]` writes a gzip AWS flow log of each size (a ServerProtect plan's simulated traffic),
// then times, interleaved, (a) portplan reading it and collecting the evidence, (b) the floor of
// any reader: gunzip and count lines in Node, and (c) DuckDB's CSV reader counting by action. It
// prints medians of each whole process (spawn to exit) and of its reading alone, the peak resident
// memory of each process, and the growth of each as an exponent fitted over the sizes (1: linear;
// 0: flat).
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGunzip } from 'node:zlib';
import { Inventory, collectEvidence, parseHostsFile, readFlowLogs } from '../../lib/evidence';
import { PRESETS, resolve } from '../../lib/model';
import { addressPlan, hostsFile, simulateTraffic, writeAwsLog } from '../support/flowlogs';

const plan = () => {
  const r = resolve(PRESETS.serverprotect);
  return { r, addresses: addressPlan(r, 20, true) };
};

async function generate(file: string, total: number): Promise<void> {
  const { r, addresses } = plan();
  // About `total` records: planned traffic (two flows drifted), and 1,000 each of noise and
  // scanners, so that what grows with the size is the number of records, not of distinct keys.
  const sims = simulateTraffic(r, addresses, { seed: 1, total: total - 2000, drift: 2, noise: 1000, scanners: 1000 });
  await writeAwsLog(file, sims, { gzip: true });
}

async function portplan(file: string): Promise<unknown> {
  const { r, addresses } = plan();
  const report = await collectEvidence(
    readFlowLogs(file),
    r,
    new Inventory(parseHostsFile(hostsFile(addresses), 'hosts')),
  );
  return report.totals.records;
}

async function floor(file: string): Promise<unknown> {
  let lines = 0;
  for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

async function duckdb(file: string): Promise<unknown> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const con = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = await con.runAndReadAll(
    `SELECT action, count(*) AS n FROM read_csv('${file}', delim = ' ', header = true, all_varchar = true) GROUP BY action`,
  );
  return rows.getRowObjects().reduce((n, row) => n + Number(row.n), 0);
}

const MODES: Record<string, (file: string) => Promise<unknown>> = { portplan, floor, duckdb };

// One measurement in this process: the mode's result, wall time and peak resident memory.
async function child(mode: string, file: string): Promise<void> {
  const started = performance.now();
  const result = await MODES[mode](file);
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ result, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function exponent(points: [number, number][]): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  return xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
}

async function main(sizes: number[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portplan-measure-'));
  const rows: Record<string, { n: number; ms: number; work: number; rss: number }[]> = {
    portplan: [],
    floor: [],
    duckdb: [],
  };
  try {
    for (const n of sizes) {
      const file = join(dir, `flows-${n}.log.gz`);
      const t = performance.now();
      await generate(file, n);
      process.stderr.write(
        `${n} records: ${(statSync(file).size / 1e6).toFixed(1)} MB gzip, written in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
      );
      const runs: Record<string, { ms: number; work: number; rss: number }[]> = { portplan: [], floor: [], duckdb: [] };
      for (let i = 0; i < 3; i++) {
        for (const mode of i % 2 ? ['duckdb', 'floor', 'portplan'] : ['portplan', 'floor', 'duckdb']) {
          const spawned = performance.now();
          const p = spawnSync(
            process.execPath,
            [join(__dirname, '../../scripts/ts-run.js'), __filename, 'child', mode, file],
            { encoding: 'utf8', maxBuffer: 1 << 20 },
          );
          if (p.status !== 0) throw new Error(`${mode}: ${p.stderr}`);
          const out = JSON.parse(p.stdout) as { ms: number; maxRssMb: number };
          runs[mode].push({ ms: performance.now() - spawned, work: out.ms, rss: out.maxRssMb });
        }
      }
      for (const mode of Object.keys(runs)) {
        const med = (k: 'ms' | 'work' | 'rss') => median(runs[mode].map((x) => x[k]));
        rows[mode].push({ n, ms: med('ms'), work: med('work'), rss: med('rss') });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [mode, list] of Object.entries(rows)) {
    const cells = list
      .map((x) => `${x.n}: ${Math.round(x.ms)} ms process (${Math.round(x.work)} ms reading), ${Math.round(x.rss)} MB`)
      .join('; ');
    const growth =
      list.length > 1
        ? `time ~ n^${exponent(list.map((x) => [x.n, x.ms])).toFixed(2)}, memory ~ n^${exponent(list.map((x) => [x.n, x.rss])).toFixed(2)}`
        : '';
    process.stdout.write(`${mode}: ${cells}; ${growth}\n`);
  }
  for (const [i, x] of rows.portplan.entries())
    process.stdout.write(
      `${x.n}: portplan / floor ${(x.ms / rows.floor[i].ms).toFixed(2)}, portplan / duckdb ${(x.ms / rows.duckdb[i].ms).toFixed(2)}, ${Math.round(x.n / (x.ms / 1000))} records/s\n`,
    );
}

const [, , command, ...rest] = process.argv;
const run =
  command === 'child'
    ? child(rest[0], rest[1])
    : main((command ? [command, ...rest] : ['100000', '300000', '1000000']).map(Number));
run.catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
