// Sets of ports as sorted, disjoint ranges: what a catalog's fixed port list opens, however its
// entries overlap or touch. A leaf module (types only), so the declaration schema and the tables
// can use it without importing resolution.
import type { PortRange } from './resolve';

/**
 * Port ranges as their union, ascending: ranges that overlap or touch become one (`8000-8005` and
 * `8006` are 8000-8006), as resolution merges them into one rule.
 * @internal
 */
export function rangeUnion(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.fromPort - b.fromPort || a.toPort - b.toPort);
  const out: { fromPort: number; toPort: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.fromPort <= last.toPort + 1) last.toPort = Math.max(last.toPort, r.toPort);
    else out.push({ fromPort: r.fromPort, toPort: r.toPort });
  }
  return out;
}

/** Port ranges as text, their union ascending: `137-139, 445`. @internal */
export function portRangeListText(ranges: readonly PortRange[]): string {
  return rangeUnion(ranges)
    .map((r) => (r.fromPort === r.toPort ? `${r.fromPort}` : `${r.fromPort}-${r.toPort}`))
    .join(', ');
}
