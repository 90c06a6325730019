import type { FlowProtocol, Protocol } from '../../lib/model';

/** A flow's protocol where the test means ports: TCP or UDP; an ICMP flow fails the test. */
export function portProtocol(p: FlowProtocol): Protocol {
  if (p !== 'tcp' && p !== 'udp') throw new Error(`a flow to ports was expected, not ${p}`);
  return p;
}
