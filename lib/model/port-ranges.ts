// Sets of ports as sorted, disjoint ranges: what a catalog's fixed port list opens, however its
// entries overlap or touch; and ICMP messages as the model writes them. A leaf module (types only),
// so the declaration schema, the catalog compiler (which the built-in catalogs load through) and the
// tables can use it without importing resolution.
import type { FlowProtocol, IcmpMessage, IcmpProtocol } from './catalog';
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

/** Whether a flow's protocol is ICMP (messages by type and code) rather than ports. */
export const isIcmp = (p: FlowProtocol): p is IcmpProtocol => p === 'icmp' || p === 'icmpv6';

/** The ICMP message types as a range: 0-255 for every message, the type alone otherwise. @internal */
export const icmpTypeRange = (m: IcmpMessage): PortRange =>
  m.type === undefined ? { fromPort: 0, toPort: 255 } : { fromPort: m.type, toPort: m.type };

/** ICMP messages as tables print them: `icmp all`, `icmp 8` (every code), `icmpv6 1/4`. */
export function icmpText(protocol: IcmpProtocol, m: IcmpMessage): string {
  return `${protocol} ${icmpMessageText(m)}`;
}

/** ICMP messages after the protocol: `all`, a type (`8`, every code) or a type and code (`3/4`). */
export function icmpMessageText(m: IcmpMessage): string {
  return m.type === undefined ? 'all' : m.code === undefined ? `${m.type}` : `${m.type}/${m.code}`;
}
