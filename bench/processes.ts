// Whole-process start-up benchmarks for `npm run bench`: each measurement is a fresh `node` process
// (module loading included), timed from spawn to exit, portplan and its hand-written baseline run
// alternately (A B B A ...) so that a slow moment of a shared machine hits both. The TypeScript
// sources are transpiled once into a temporary tree first, so both sides run plain JavaScript as a
// user's compiled app and the published package do.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');

/** Medians of one interleaved comparison. */
export interface Pair {
  /** How many runs each side had (after one warm-up run each). */
  readonly runs: number;
  /** Median wall time of the portplan process, ms. */
  readonly portplanMs: number;
  /** Median wall time of the baseline process, ms. */
  readonly baselineMs: number;
  /** portplanMs - baselineMs. */
  readonly differenceMs: number;
  /** portplanMs / baselineMs. */
  readonly ratio: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 0) => Number(x.toFixed(digits));

/** A command to time: argv and extra environment. */
export interface Command {
  /** The program and its arguments. */
  readonly argv: readonly string[];
  /** Added to the environment (a value of `undefined` removes the variable). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function time(c: Command): number {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(c.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const started = performance.now();
  const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${c.argv.join(' ')} failed (${r.status}):\n${(r.stderr ?? '').slice(-2000)}`);
  return ms;
}

/** Times `portplan` against `baseline`, alternating, `runs` times each after one warm-up each. */
export function comparePair(portplan: Command, baseline: Command, runs: number): Pair {
  time(portplan);
  time(baseline);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A B, then B A: neither side always goes first.
    if (i % 2 === 0) {
      a.push(time(portplan));
      b.push(time(baseline));
    } else {
      b.push(time(baseline));
      a.push(time(portplan));
    }
  }
  const pm = median(a);
  const bm = median(b);
  return { runs, portplanMs: round(pm), baselineMs: round(bm), differenceMs: round(pm - bm), ratio: round(pm / bm, 3) };
}

function filesOf(dir: string, wanted: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesOf(path, wanted);
    return wanted(name) ? [path] : [];
  });
}

const tsFiles = (dir: string): string[] => filesOf(dir, (n) => n.endsWith('.ts') && !n.endsWith('.d.ts'));
// Data the programs read at run time: the built-in catalogs (required as JSON) and the example's
// catalog file.
const dataFiles = (dir: string): string[] => filesOf(dir, (n) => /\.(json|ya?ml)$/.test(n));

/**
 * Transpiles lib/, examples/ and bench/ into a new temporary directory with the same layout (and a
 * link to node_modules), with the compiler options of tsconfig.json that change emitted code.
 * @returns the directory; {@link removePrecompiled} deletes it
 */
export function precompile(): string {
  const out = mkdtempSync(join(tmpdir(), 'portplan-bench-'));
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  for (const file of ['lib', 'examples', 'bench'].flatMap((d) => tsFiles(join(ROOT, d)))) {
    const js = ts.transpileModule(readFileSync(file, 'utf8'), { fileName: file, compilerOptions }).outputText;
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  for (const file of ['lib', 'examples'].flatMap((d) => dataFiles(join(ROOT, d)))) {
    const target = join(out, relative(ROOT, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  return out;
}

/** Deletes a directory made by {@link precompile}. */
export function removePrecompiled(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Median milliseconds a fresh process takes to `require()` the modules, one after the other (the requires alone). */
export function requireMs(modules: readonly string[], runs: number): number {
  const code =
    `const t = process.hrtime.bigint(); for (const m of ${JSON.stringify(modules)}) require(m);` +
    'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  const times = Array.from({ length: runs }, () => {
    const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`require(${modules.join(', ')}) failed:\n${r.stderr}`);
    return Number(r.stdout);
  });
  return round(median(times), 1);
}
