// `npx ts-node --transpile-only bench/packets.ts`: measures the packet-set engine (lib/packets) on
// synthetic sites of n groups with 50 rules each (bench/packets-site.ts), in whole child processes,
// against two baselines measured in the same run:
// - naive: the same exact sets as all-pairs lists of disjoint boxes (bench/packets-naive.ts);
// - floor: reading the rules into boxes, with no set operation at all.
// Writes bench/results/packets.json and bench/results/packets.md. Ratios and fitted growth
// exponents are the result: absolute times depend on the machine and its load.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { precompile, removePrecompiled } from './processes';

const ROOT = join(__dirname, '..');
const SIZES = (process.env.BENCH_PACKET_SIZES ?? '10,30,100,300,1000').split(',').map(Number);
/** The naive baseline stops growing once a run takes longer than this. */
const NAIVE_CAP_MS = Number(process.env.BENCH_NAIVE_CAP_MS ?? 60000);
const ORDER_SIZE = Number(process.env.BENCH_ORDER_SIZE ?? 300);
/** Fits of the engine and the floor start here: below it, start-up and compilation dominate. */
const FIT_FROM = Number(process.env.BENCH_FIT_FROM ?? 100);
const log = (text: string) => process.stderr.write(`${text}\n`);

interface Run {
  workMs: number;
  cpuMs: number;
  maxRssMb: number;
  rules: number;
  missing: string;
  extra: string;
  size: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Least-squares slope of log(y) on log(x): cost grows as n^slope. */
function exponent(points: [number, number][]): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return num / den;
}

/** One child process; undefined when it ran past `timeoutMs`. */
function child(pre: string, args: string[], timeoutMs: number): Run | undefined {
  const r = spawnSync(process.execPath, [join(pre, 'bench/packets-child.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
  });
  if (r.signal === 'SIGTERM') return undefined;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    throw new Error(`packets-child ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  }
  return JSON.parse(line) as Run;
}

const summary = (runs: Run[]) => ({
  workMs: round(median(runs.map((r) => r.workMs)), 0),
  cpuMs: round(median(runs.map((r) => r.cpuMs)), 0),
  maxRssMb: round(Math.max(...runs.map((r) => r.maxRssMb)), 0),
  size: runs[0].size,
  rules: runs[0].rules,
  missing: runs[0].missing,
  extra: runs[0].extra,
});
type Row = ReturnType<typeof summary>;

interface ScaleRow {
  groups: number;
  engine: Row;
  floor: Row;
  naive?: Row;
  naiveStopped?: string;
}

/** The three kinds at each size, alternating (engine, floor, naive, then the reverse). */
function scale(pre: string): ScaleRow[] {
  const rows: ScaleRow[] = [];
  let naiveOn = true;
  let naiveNote = 'not run';
  for (const n of SIZES) {
    const reps = 3;
    log(`packets: ${n} groups (${n * 50} rules a set), ${reps} run(s) each`);
    const runs = { engine: [] as Run[], floor: [] as Run[], naive: [] as Run[] };
    let stopped: string | undefined;
    for (let i = 0; i < reps; i++) {
      const kinds = i % 2 === 0 ? (['engine', 'floor', 'naive'] as const) : (['naive', 'floor', 'engine'] as const);
      for (const kind of kinds) {
        if (kind === 'naive' && (!naiveOn || stopped)) continue;
        const args = kind === 'engine' ? ['engine', 'default', 'ingress', `${n}`] : [kind, 'ingress', `${n}`];
        const r = child(pre, args, kind === 'naive' ? NAIVE_CAP_MS : 30 * 60000);
        if (r) runs[kind].push(r);
        else stopped = `stopped after ${NAIVE_CAP_MS / 1000} s`;
      }
    }
    const row: ScaleRow = { groups: n, engine: summary(runs.engine), floor: summary(runs.floor) };
    if (runs.naive.length && !stopped) {
      row.naive = summary(runs.naive);
      // Both are exact: they must find the same drift.
      if (row.naive.missing !== row.engine.missing || row.naive.extra !== row.engine.extra) {
        throw new Error(`engine and naive disagree at ${n} groups: ${JSON.stringify([row.engine, row.naive])}`);
      }
      if (row.naive.workMs > NAIVE_CAP_MS / 4) {
        naiveOn = false;
        naiveNote = `not run: ${n} groups took ${round(row.naive.workMs / 1000, 0)} s`;
      }
    } else {
      row.naiveStopped = stopped ?? naiveNote;
      if (naiveOn) naiveNote = `not run: stopped at ${n} groups`;
      naiveOn = false;
    }
    rows.push(row);
  }
  return rows;
}

/** The tree orders on inbound and outbound sites of one size. */
function orders(pre: string) {
  const out: { direction: string; order: string; run: Row }[] = [];
  for (const direction of ['ingress', 'egress']) {
    for (const order of ['default', 'ingress', 'egress', 'protocol-first']) {
      log(`packets: order ${order}, ${direction} site of ${ORDER_SIZE} groups`);
      const r = child(pre, ['engine', order, direction, `${ORDER_SIZE}`], 30 * 60000)!;
      out.push({ direction, order, run: summary([r]) });
    }
  }
  return out;
}

/** Growth exponents: the engine and the floor from FIT_FROM groups up (below, start-up dominates), naive over all it finished. */
function fits(rows: ScaleRow[], time: 'workMs' | 'cpuMs') {
  const fit = (pick: (r: ScaleRow) => Row | undefined, from: number) => {
    const pts = rows
      .filter((r) => r.groups >= from && pick(r))
      .map((r) => [r.groups, pick(r)![time]] as [number, number]);
    return pts.length >= 2 ? round(exponent(pts)) : undefined;
  };
  return {
    engine: fit((r) => r.engine, FIT_FROM),
    floor: fit((r) => r.floor, FIT_FROM),
    naive: fit((r) => r.naive, 0),
  };
}

function markdown(r: ReturnType<typeof collect>): string {
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-');
  return [
    '# Packet sets (lib/packets)',
    '',
    `Written by \`npx ts-node --transpile-only bench/packets.ts\` on ${r.machine.date} (Node ${r.machine.node}, ${r.machine.cpus} CPUs, load average ${r.machine.load}). ` +
      'Each figure is the median of 3 fresh processes, work time after module loading (CPU time counts every thread, the collector included). ' +
      'The work: build the deployed and the planned set of a site (n groups, 50 inbound rules each, a few narrowed, changed or missing), ' +
      'both differences, a witness of each, and equality. The naive baseline computes the same exact sets as all-pairs disjoint box lists; ' +
      'the floor reads the rules into boxes and does no set operation. Engine and naive must report the same missing and extra packet counts.',
    '',
    '| groups | rules (both sets) | engine ms | engine CPU ms | engine MB | floor ms | naive ms | engine / floor | engine / naive | tree segments | naive boxes |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.scale.map(
      (x) =>
        `| ${x.groups} | ${x.engine.rules} | ${x.engine.workMs} | ${x.engine.cpuMs} | ${x.engine.maxRssMb} | ${x.floor.workMs} | ` +
        `${x.naive ? x.naive.workMs : (x.naiveStopped ?? '-')} | ${ratio(x.engine.workMs, x.floor.workMs)} | ` +
        `${x.naive ? ratio(x.engine.workMs, x.naive.workMs) : '-'} | ${x.engine.size} | ${x.naive?.size ?? '-'} |`,
    ),
    '',
    `Fitted growth from ${FIT_FROM} groups up, wall time: engine n^${r.exponent.engine ?? '-'}, floor n^${r.exponent.floor ?? '-'}; ` +
      `CPU time: engine n^${r.cpuExponent.engine ?? '-'}, floor n^${r.cpuExponent.floor ?? '-'}. ` +
      `Naive over the sizes it finished: n^${r.exponent.naive ?? '-'} (CPU n^${r.cpuExponent.naive ?? '-'}). ` +
      `The engine's output (tree segments) grows as n^${r.segmentExponent}.`,
    '',
    `## Tree orders (${ORDER_SIZE} groups)`,
    '',
    'The same site with inbound rules (each names its destination group) and with outbound rules (each names its source group), one process each. Ratios against the default order on the same site.',
    '',
    '| site | order | work ms | / default | tree segments | / default | peak MB |',
    '|---|---|---|---|---|---|---|',
    ...r.orders.map((o) => {
      const base = r.orders.find((x) => x.direction === o.direction && x.order === 'default')!.run;
      return `| ${o.direction} | ${o.order} | ${o.run.workMs} | ${ratio(o.run.workMs, base.workMs)} | ${o.run.size} | ${ratio(o.run.size, base.size)} | ${o.run.maxRssMb} |`;
    }),
    '',
  ].join('\n');
}

function collect() {
  const started = performance.now();
  log('packets: transpiling lib and bench into a temporary tree');
  const pre = precompile();
  try {
    const rows = scale(pre);
    const orderRows = orders(pre);
    return {
      machine: {
        date: new Date().toISOString().slice(0, 10),
        node: process.versions.node,
        cpus: cpus().length,
        load: loadavg()[0].toFixed(1),
      },
      scale: rows,
      exponent: fits(rows, 'workMs'),
      cpuExponent: fits(rows, 'cpuMs'),
      // The output's growth, which the work time is to follow: deterministic, unlike the times.
      segmentExponent: round(exponent(rows.filter((x) => x.groups >= FIT_FROM).map((x) => [x.groups, x.engine.size]))),
      orders: orderRows,
      wallSeconds: round((performance.now() - started) / 1000, 0),
    };
  } finally {
    removePrecompiled(pre);
  }
}

const results = collect();
const dir = join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'packets.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(dir, 'packets.md'), markdown(results));
log(`done in ${results.wallSeconds} s: bench/results/packets.json, bench/results/packets.md`);
