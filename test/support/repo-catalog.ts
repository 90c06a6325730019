import { defineCatalog, type CatalogDefinition, type GroupDeclaration } from '../../lib/model';

// A repository server that runs on Windows or Linux, for groups that set the product's options for
// themselves: each OS has its own access row, and the web port may be pinned per server.

/** The repository catalog's definition. */
export const REPO_DEFINITION: CatalogDefinition = {
  product: { id: 'repo', name: 'Example repository 1.0' },
  documents: [{ id: 'design', title: 'Repository design note', reference: 'repo-design-1' }],
  roles: [
    { id: 'repo:server', label: 'Repository server', hostOs: ['windows', 'linux'], hostOsOption: 'os' },
    { id: 'repo:client', label: 'Repository client', hostOs: ['windows', 'linux'] },
  ],
  options: [
    { name: 'os', type: 'choice', values: ['windows', 'linux'], default: 'windows', description: 'The server OS.' },
    { name: 'webPort', type: 'pinnedPort', base: 8080, fallback: [8081, 8089], description: 'The web port.' },
  ],
  rows: [
    {
      id: 'REPO-W',
      purpose: 'clients to a Windows repository, SMB',
      condition: 'Windows servers',
      when: { os: 'windows' },
      citation: { document: 'design' },
      flows: [
        {
          listener: { roles: ['repo:server'] },
          initiator: { roles: ['repo:client'] },
          protocol: 'tcp',
          ports: { kind: 'fixed', ports: [445] },
        },
      ],
    },
    {
      id: 'REPO-L',
      purpose: 'clients to a Linux repository, SSH',
      condition: 'Linux servers',
      when: { os: 'linux' },
      citation: { document: 'design' },
      flows: [
        {
          listener: { roles: ['repo:server'] },
          initiator: { roles: ['repo:client'] },
          protocol: 'tcp',
          ports: { kind: 'fixed', ports: [22] },
        },
      ],
    },
    {
      id: 'REPO-WEB',
      purpose: 'clients to the repository web site',
      condition: 'always',
      citation: { document: 'design' },
      flows: [
        {
          listener: { roles: ['repo:server'] },
          initiator: { roles: ['repo:client'] },
          protocol: 'tcp',
          ports: { kind: 'fallback', pin: 'webPort' },
        },
      ],
    },
  ],
};

/** The repository catalog, loaded. */
export const REPO = defineCatalog(REPO_DEFINITION);

/** One site: a Windows server (the block's default), a Linux one that pins its web port, clients. */
export const MIXED_GROUPS: GroupDeclaration[] = [
  { name: 'repo-win', role: 'repo:server' },
  { name: 'repo-lin', role: 'repo:server', options: { os: 'linux', webPort: 8085 } },
  { name: 'clients', role: 'repo:client' },
];
