// One packet-set measurement in a fresh Node process, printed as one JSON line. Run by
// bench/packets.ts (precompiled, so no compiler in the process):
//   packets-child.js engine <order> <ingress|egress> <groups>   the engine: both sets, both differences
//   packets-child.js naive <ingress|egress> <groups>            the same with all-pairs box lists
//   packets-child.js floor <ingress|egress> <groups>            reading the rules into boxes only
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_ORDER,
  EGRESS_ORDER,
  INGRESS_ORDER,
  PacketSpace,
  boxes,
  difference,
  equals,
  packetCount,
  packets,
  treeSize,
  unionAll,
  witness,
  type Dimension,
  type PacketSpec,
} from '../lib/packets';
import * as naive from './packets-naive';
import { site, type Direction } from './packets-site';

/** The orders measured, by name. */
const ORDERS: Record<string, readonly Dimension[]> = {
  default: DEFAULT_ORDER,
  ingress: INGRESS_ORDER,
  egress: EGRESS_ORDER,
  // Protocol and service first, each endpoint's class before its address.
  'protocol-first': ['protocol', 'service', 'sourceClass', 'sourceAddress', 'destinationClass', 'destinationAddress'],
};

interface Result {
  /** Wall milliseconds of the work, modules loaded. */
  workMs: number;
  /** CPU milliseconds of the work (every thread of the process, the collector's included). */
  cpuMs: number;
  /** Peak resident memory, MB. */
  maxRssMb: number;
  /** Rules in the two lists. */
  rules: number;
  /** Packets planned but not deployed, and deployed but not planned: the two runs must agree. */
  missing: string;
  extra: string;
  /** Segments of the deployed set's tree (engine), or boxes of its list (naive). */
  size: number;
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function measure(work: () => Omit<Result, 'workMs' | 'cpuMs' | 'maxRssMb'>): Result {
  const [t0, c0] = [performance.now(), cpu()];
  const r = work();
  return { ...r, workMs: performance.now() - t0, cpuMs: cpu() - c0, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function engine(order: string, direction: Direction, n: number): Result {
  const s = site(n, direction);
  const space = new PacketSpace(s.classes, { order: ORDERS[order] });
  return measure(() => {
    const build = (rules: readonly PacketSpec[]) =>
      unionAll(
        space,
        rules.map((r, i) => packets(space, r, `rules[${i}]`)),
      );
    const [deployed, planned] = [build(s.deployed), build(s.planned)];
    const missing = difference(planned, deployed);
    const extra = difference(deployed, planned);
    if (equals(planned, deployed)) throw new Error('the site did not drift');
    for (const d of [missing, extra]) witness(d);
    return {
      rules: s.deployed.length + s.planned.length,
      missing: String(packetCount(missing)),
      extra: String(packetCount(extra)),
      size: treeSize(deployed),
    };
  });
}

/** The rules as boxes, in DIMENSIONS order, read with the engine's own builder (the same input cost). */
function ruleBoxes(space: PacketSpace, rules: readonly PacketSpec[]): naive.Box[] {
  const dims = space.order;
  return rules.flatMap((r) => boxes(packets(space, r)).map((b) => dims.map((d) => [b[d].from, b[d].to + 1n] as const)));
}

function baseline(direction: Direction, n: number): Result {
  const s = site(n, direction);
  const space = new PacketSpace(s.classes);
  return measure(() => {
    const [deployed, planned] = [
      naive.unionAll(ruleBoxes(space, s.deployed)),
      naive.unionAll(ruleBoxes(space, s.planned)),
    ];
    return {
      rules: s.deployed.length + s.planned.length,
      missing: String(naive.volume(naive.difference(planned, deployed))),
      extra: String(naive.volume(naive.difference(deployed, planned))),
      size: deployed.length,
    };
  });
}

function floor(direction: Direction, n: number): Result {
  const s = site(n, direction);
  const space = new PacketSpace(s.classes);
  return measure(() => {
    const parts = [...s.deployed, ...s.planned].map((r, i) => packets(space, r, `rules[${i}]`));
    return { rules: parts.length, missing: '', extra: '', size: parts.length };
  });
}

const [mode, ...args] = process.argv.slice(2);
const n = Number(args[args.length - 1]);
const result =
  mode === 'engine'
    ? engine(args[0], args[1] as Direction, n)
    : mode === 'naive'
      ? baseline(args[0] as Direction, n)
      : mode === 'floor'
        ? floor(args[0] as Direction, n)
        : undefined;
if (!result) throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
