// A user's catalog with fixed port ranges: the dynamic RPC range, a documented range beside single
// ports that overlap and touch it, and a peer reached on a range. For the template validators and
// the Azure rule checks.
import type { CatalogDeclaration, CatalogDefinition } from '../../lib/model';

/** The catalog: product `rng`, roles `rng:server` (Windows), `rng:client` (Linux), peer kind `rng-backup`. */
export const RANGES_CATALOG: CatalogDefinition = {
  product: { id: 'rng', name: 'Ranges product 1.0' },
  documents: [{ id: 'ports', title: 'Ranges product port table', reference: 'RNG-1' }],
  roles: [
    { id: 'rng:server', label: 'ranges server', hostOs: ['windows'] },
    { id: 'rng:client', label: 'ranges client', hostOs: ['linux'] },
  ],
  peerKinds: [{ id: 'rng-backup', label: 'a backup target' }],
  rows: [
    {
      id: 'RNG1',
      purpose: 'RPC endpoint mapper and dynamic RPC',
      condition: 'always',
      citation: { document: 'ports' },
      flows: [
        {
          listener: { roles: ['rng:server'] },
          initiator: { roles: ['rng:client'] },
          protocol: 'tcp',
          ports: { kind: 'fixed', ports: [135, '49152-65535'] },
        },
      ],
    },
    {
      id: 'RNG2',
      purpose: 'media streams',
      condition: 'always',
      citation: { document: 'ports' },
      flows: [
        {
          listener: { roles: ['rng:client'] },
          initiator: { roles: ['rng:server'] },
          protocol: 'udp',
          // Overlapping and touching entries: opened as one range, 2500-3301.
          ports: { kind: 'fixed', ports: ['2500-3300', 2600, '3000-3100', 3301] },
        },
      ],
    },
    {
      id: 'RNG3',
      purpose: 'backups to the backup target',
      condition: 'always',
      citation: { document: 'ports' },
      flows: [
        {
          listener: { peer: 'rng-backup' },
          initiator: { roles: ['rng:server'] },
          protocol: 'tcp',
          ports: { kind: 'fixed', ports: ['10000-10100', 10200] },
        },
      ],
    },
  ],
};

/** A declaration over it: a group of each role and an IPv4 and an IPv6 backup target, egress restricted. */
export const RANGES_DECLARATION: CatalogDeclaration = {
  groups: [
    { name: 'servers', role: 'rng:server' },
    { name: 'clients', role: 'rng:client' },
  ],
  peers: [
    { name: 'backup', kind: 'rng-backup', cidr: '10.0.8.0/24' },
    { name: 'backup6', kind: 'rng-backup', cidr: '2001:db8:9::/64' },
  ],
  egress: 'restricted',
};
