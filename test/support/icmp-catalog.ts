// A user's catalog with ICMP and ICMPv6 flows: echo requests (type 8, every code), one type and code
// (destination unreachable, fragmentation needed: 3/4), every ICMPv6 message, and a TCP port beside
// them. For the template validators, the Azure rule checks and the host firewalls.
import type { CatalogDeclaration, CatalogDefinition } from '../../lib/model';

/** The catalog: product `png`, roles `png:monitor` (Linux), `png:node` (Windows and Linux), peer kind `png-probe`. */
export const ICMP_CATALOG: CatalogDefinition = {
  product: { id: 'png', name: 'ICMP product 1.0' },
  documents: [{ id: 'ports', title: 'ICMP product port table', reference: 'PNG-1' }],
  roles: [
    { id: 'png:monitor', label: 'monitor', hostOs: ['linux'] },
    { id: 'png:node', label: 'node', hostOs: ['windows', 'linux'] },
  ],
  peerKinds: [{ id: 'png-probe', label: 'an outside probe' }],
  rows: [
    {
      id: 'PNG1',
      purpose: 'reachability checks by echo request',
      condition: 'always',
      citation: { document: 'ports' },
      flows: [
        {
          listener: { roles: ['png:node'] },
          initiator: { roles: ['png:monitor'] },
          protocol: 'icmp',
          icmp: { type: 8 },
        },
        {
          listener: { roles: ['png:node'] },
          initiator: { roles: ['png:monitor'] },
          protocol: 'tcp',
          ports: { kind: 'fixed', ports: [9100] },
        },
      ],
    },
    {
      id: 'PNG2',
      purpose: 'IPv6 neighbour and path MTU messages',
      condition: 'always',
      citation: { document: 'ports' },
      flows: [{ listener: { roles: ['png:monitor'] }, initiator: { roles: ['png:node'] }, protocol: 'icmpv6' }],
    },
    {
      id: 'PNG3',
      purpose: 'path MTU discovery from the probe',
      condition: 'always',
      citation: { document: 'ports' },
      flows: [
        {
          listener: { roles: ['png:node'] },
          initiator: { peer: 'png-probe' },
          protocol: 'icmp',
          icmp: { type: 3, code: 4 },
        },
      ],
    },
  ],
};

/** A declaration over it: a group of each role and an IPv4 probe, egress restricted. */
export const ICMP_DECLARATION: CatalogDeclaration = {
  groups: [
    { name: 'monitors', role: 'png:monitor' },
    { name: 'nodes', role: 'png:node' },
  ],
  peers: [{ name: 'probe', kind: 'png-probe', cidr: '198.51.100.0/24' }],
  egress: 'restricted',
};
