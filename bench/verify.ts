// `verify` and `explain` at scale, for `npm run bench` (or alone: `npx ts-node --transpile-only
// bench/verify.ts`, which writes bench/results/verify.json and verify.md; with BENCH_VERIFY_ONLY=azure,
// or aws or explain, only that part runs and its rows are printed, no file written). Whole fresh processes
// of the sources transpiled once; the clouds' answers built in the process (bench/verify-child.ts):
// - verify aws of a plan of n groups in a VPC of 50,000 rules, against the floor of reading the
//   plan's deployed rules into packet sets one by one (no set operation), n = 100, 300, 1,001;
// - verify azure of a 10-group plan's NSG with k more wide-range rules (1024-65535, deny or
//   allow), against the floor of compiling each rule alone, k = 250, 500, 1,000, 2,000;
// - explain of every port of a pair of groups, the whole command line process, against the same
//   process printing its version (the command line's start-up) and an empty `node` process
//   (alone, printed and not written: `npx ts-node --transpile-only bench/verify.ts explain`).
// Growth is fitted as an exponent of the check's CPU time over the sizes; ratios are against the
// floor measured in the same run, the two alternating.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparePair, precompile, removePrecompiled, type Pair } from './processes';

const ROOT = join(__dirname, '..');
const RUNS = Math.max(1, Number(process.env.BENCH_VERIFY_RUNS ?? 3));
const PARTS = ['aws', 'azure', 'explain'] as const;
/** The one part to run, from BENCH_VERIFY_ONLY; every part when unset. */
const ONLY = process.env.BENCH_VERIFY_ONLY || undefined;
if (ONLY !== undefined && !(PARTS as readonly string[]).includes(ONLY)) {
  throw new Error(`BENCH_VERIFY_ONLY=${ONLY}: expected one of ${PARTS.join(', ')}, or unset for all`);
}
/** Plan sizes of verify aws, in groups; the VPC holds this many rules in all. */
export const AWS_SIZES = [100, 300, 1001];
export const VPC_RULES = 50_000;
/** Wide-range rules added to the NSG of verify azure. */
export const AZURE_SIZES = [250, 500, 1000, 2000];
const AZURE_GROUPS = 10;
const log = (text: string) => process.stderr.write(`${text}\n`);

interface Run {
  workMs: number;
  cpuMs: number;
  maxRssMb: number;
  rules: number;
  flows?: number;
  drift?: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 0) => Number(x.toFixed(digits));

/** Least-squares slope of log(y) on log(x): cost grows as n^slope. */
function exponent(points: readonly [number, number][]): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return num / den;
}

function child(pre: string, args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [join(pre, 'bench/verify-child.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    throw new Error(`verify-child ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  }
  return JSON.parse(line) as Run;
}

/** The check and its floor, alternating (check first, then floor first), medians of each. */
function row(pre: string, args: readonly string[]) {
  const runs = { check: [] as Run[], floor: [] as Run[] };
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? (['check', 'floor'] as const) : (['floor', 'check'] as const);
    for (const mode of order) runs[mode].push(child(pre, [...args, mode]));
  }
  const m = (list: Run[], k: 'workMs' | 'cpuMs') => round(median(list.map((x) => x[k])));
  const check = { workMs: m(runs.check, 'workMs'), cpuMs: m(runs.check, 'cpuMs') };
  const floor = { workMs: m(runs.floor, 'workMs'), cpuMs: m(runs.floor, 'cpuMs') };
  const first = runs.check[0];
  return {
    rules: first.rules,
    flows: first.flows ?? 0,
    drift: first.drift ?? false,
    check,
    floor,
    maxRssMb: round(Math.max(...runs.check.map((x) => x.maxRssMb))),
    ratio: round(check.cpuMs / Math.max(1, floor.cpuMs), 2),
  };
}

/** Fitted growth of the check's CPU time. */
const fit = (rows: readonly { size: number; check: { cpuMs: number } }[]) =>
  round(exponent(rows.map((x) => [x.size, x.check.cpuMs])), 2);

function benchAws(pre: string) {
  const rows = AWS_SIZES.map((n) => {
    log(`verify aws: ${n} groups in a VPC of ${VPC_RULES} rules, ${RUNS} runs each, check and floor alternating`);
    return { size: n, ...row(pre, ['aws', String(n), String(VPC_RULES)]) };
  });
  return { rows, exponent: fit(rows) };
}

function benchAzure(pre: string, access: 'deny' | 'allow') {
  const rows = AZURE_SIZES.map((k) => {
    log(`verify azure: ${AZURE_GROUPS} groups, ${k} wide ${access} rules, ${RUNS} runs each, alternating`);
    return { size: k, ...row(pre, ['azure', String(AZURE_GROUPS), String(k), access]) };
  });
  return { rows, exponent: fit(rows) };
}

/** `explain` of every port of a pair, whole processes, against the same command line's `--version` and empty node. */
function benchExplain(pre: string): { explain: Pair; empty: Pair } {
  const cli = (...args: string[]) => ({ argv: [process.execPath, join(pre, 'bench/proc/cli.js'), ...args] });
  const explain = cli('explain', '--preset', 'serverprotect', '--from', 'console', '--to', 'information-server');
  const runs = RUNS * 3;
  log(`explain: every port of console and information-server, ${runs} runs each, alternating with --version`);
  return {
    explain: comparePair(explain, cli('--version'), runs),
    empty: comparePair(explain, { argv: [process.execPath, '-e', '0'] }, runs),
  };
}

/** Every measurement of this file, on one precompiled tree. */
export function benchVerify() {
  log('verify: transpiling lib, examples and bench into a temporary tree');
  const pre = precompile();
  try {
    return {
      runs: RUNS,
      aws: benchAws(pre),
      azureDeny: benchAzure(pre, 'deny'),
      azureAllow: benchAzure(pre, 'allow'),
      explain: benchExplain(pre),
    };
  } finally {
    removePrecompiled(pre);
  }
}

/** The summary's section for {@link benchVerify}. */
export function verifySummary(v: ReturnType<typeof benchVerify>): string[] {
  const table = (label: string, rows: ReturnType<typeof benchAws>['rows']) => [
    `| ${label} | rules read | flows | drift | check ms | check CPU ms | floor CPU ms | check / floor (CPU) | peak MB |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (x) =>
        `| ${x.size} | ${x.rules} | ${x.flows} | ${x.drift ? 'yes' : 'no'} | ${x.check.workMs} | ${x.check.cpuMs} | ${x.floor.cpuMs} | ${x.ratio} | ${x.maxRssMb} |`,
    ),
  ];
  return [
    '## Verify and explain at scale',
    '',
    `Fresh processes of the precompiled sources, medians of ${v.runs}; the cloud's answers are built in the process (bench/verify-child.ts). ` +
      'Check: the whole check after the input is built, wall and CPU time. Floor: reading the same rules into packet sets one by one, no set operation. The two alternate.',
    '',
    `### verify aws: one HP SUM workstation and n - 1 Linux target groups, in a VPC of ${VPC_RULES} rules`,
    '',
    ...table('groups', v.aws.rows),
    '',
    `Fitted growth of the check's CPU time: n^${v.aws.exponent}.`,
    '',
    `### verify azure: a ${AZURE_GROUPS}-group plan's NSG with k more rules of 1024-65535, each from its own /24`,
    '',
    ...table('deny rules', v.azureDeny.rows),
    '',
    ...table('allow rules', v.azureAllow.rows),
    '',
    `Fitted growth of the check's CPU time: deny k^${v.azureDeny.exponent}, allow k^${v.azureAllow.exponent} (allow rules are each reported, with their surplus described).`,
    '',
    ...explainSummary(v.explain),
  ];
}

/** The summary's lines for {@link benchExplain}. */
function explainSummary(e: ReturnType<typeof benchExplain>): string[] {
  return [
    '### explain of every port of a pair, whole process',
    '',
    `\`portplan explain --preset serverprotect --from console --to information-server\` (${e.explain.runs} runs): ` +
      `${e.explain.portplanMs} ms; the same command line printing its version: ${e.explain.baselineMs} ms ` +
      `(ratio ${e.explain.ratio}); an empty \`node\` process: ${e.empty.baselineMs} ms (ratio ${e.empty.ratio}).`,
    '',
  ];
}

/** One part alone, for working on it: its rows printed as JSON, the result files left as they are. */
function benchPart(part: (typeof PARTS)[number]) {
  const pre = precompile();
  try {
    if (part === 'aws') return { runs: RUNS, aws: benchAws(pre) };
    if (part === 'explain') return { runs: RUNS, explain: benchExplain(pre) };
    return { runs: RUNS, azureDeny: benchAzure(pre, 'deny'), azureAllow: benchAzure(pre, 'allow') };
  } finally {
    removePrecompiled(pre);
  }
}

if (require.main === module && ONLY !== undefined) {
  process.stdout.write(`${JSON.stringify(benchPart(ONLY as (typeof PARTS)[number]), null, 2)}\n`);
} else if (require.main === module) {
  const v = benchVerify();
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'verify.json'), `${JSON.stringify(v, null, 2)}\n`);
  writeFileSync(join(dir, 'verify.md'), `${verifySummary(v).join('\n')}\n`);
  log('done: bench/results/verify.json, bench/results/verify.md');
}
