// ICMP flows as the model writes them: no imports beyond types, so that every module (the catalog
// compiler included, which the built-in catalogs load through) can use them.
import type { FlowProtocol, IcmpMessage, IcmpProtocol } from './catalog';
import type { PortRange } from './resolve';

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
