import { ArgumentError } from './errors';
import { PRODUCTS, SUM_LATER_SOURCE, type PeerKind, type ProductId, type RoleId } from './roles';
import type { Options } from './options';

/** Transport protocol of a flow. */
export type Protocol = 'tcp' | 'udp';

/** Row ids of the two port tables, as numbered in the project's reading of the vendor documents. */
export const ROW_IDS = [
  'SP1',
  'SP2',
  'SP3',
  'SP4',
  'SP5',
  'SP6',
  'SP7',
  'SP8',
  'SP9',
  'SP10',
  'SP11',
  'SP12',
  'SUM1',
  'SUM2',
  'SUM3',
  'SUM4',
  'SUM5',
  'SUM6',
  'SUM7',
  'SUM7-1',
  'SUM7-2',
  'SUM7-3',
  'SUM7-4',
  'SUM7-5',
  'SUM7-6',
  'SUM7-7',
  'SUM7-8',
] as const;

/** A row id such as `SP4`, `SUM6` (HP SUM 5.x) or `SUM7-3` (HP SUM 7.x+). */
export type RowId = (typeof ROW_IDS)[number];

/** Options that pin a listener with a fallback range to the one port it really uses. */
export type PinOption = 'consoleEventPort' | 'discoveryPort' | 'managementPort' | 'webServerPort';

/** Options that set how many consecutive ports a listener may take. */
export type CountOption = 'concurrentTargets' | 'soapPortCount';

/** How a row's port numbers are found. */
export type PortSpec = FixedPorts | FallbackPorts | CountedPorts | PeerPorts;

/** Always exactly these ports. */
export interface FixedPorts {
  /** Discriminator. */
  readonly kind: 'fixed';
  /** The ports. */
  readonly ports: readonly number[];
}

/** The base port, or a free one of the fallback range; the user may pin the one in use. */
export interface FallbackPorts {
  /** Discriminator. */
  readonly kind: 'fallback';
  /** The port used when it is free. */
  readonly base: number;
  /** First and last port tried when the base port is taken. */
  readonly fallback: readonly [number, number];
  /** The option that pins the port in use. */
  readonly pin: PinOption;
}

/** `base` and the next ports, as many as the count option says. */
export interface CountedPorts {
  /** Discriminator. */
  readonly kind: 'counted';
  /** The first port. */
  readonly base: number;
  /** The option that says how many ports. */
  readonly count: CountOption;
}

/** Ports of an external peer's service; the peer's own `ports` replace these defaults. */
export interface PeerPorts {
  /** Discriminator. */
  readonly kind: 'peer';
  /** The documented ports, used when the peer names none. */
  readonly defaults: readonly number[];
}

/** One side of a flow: groups of some roles, or an external peer of one kind. */
export type EndpointSpec =
  | {
      /** Every declared group of these roles. */
      readonly roles: readonly RoleId[];
    }
  | {
      /** Every declared peer of this kind. */
      readonly peer: PeerKind;
    };

/** One connection a row requires: the initiator opens it to the listener's port. */
export interface FlowTemplate {
  /** The side that accepts the connection (needs the inbound rule). */
  readonly listener: EndpointSpec;
  /** The side that opens the connection. */
  readonly initiator: EndpointSpec;
  /** Transport protocol. */
  readonly protocol: Protocol;
  /** How the listening ports are found. */
  readonly ports: PortSpec;
  /** Set where the vendor uses broadcast, which no VPC or VNet carries. */
  readonly broadcast?: 'discovery' | 'netbios';
}

/** Where a row comes from. */
export interface Citation {
  /** The vendor document, by title (see `PRODUCTS` for the copy read), or another source's title. */
  readonly document: string;
  /** The row id in the project's reading of that document. */
  readonly row: RowId;
  /** Set where the row is not from the document itself. */
  readonly note?: string;
}

/** One row of a vendor port table. */
export interface CatalogRow {
  /** The row id in the project's reading of the documents. */
  readonly id: RowId;
  /** The product the row belongs to. */
  readonly product: ProductId;
  /** Short ASCII purpose, used in rule descriptions. */
  readonly purpose: string;
  /** When the row applies, in words. */
  readonly condition: string;
  /** When the row applies, as a predicate over the normalized options. */
  readonly applies: (options: Options) => boolean;
  /** The connections the row requires. */
  readonly flows: readonly FlowTemplate[];
  /** Where the row comes from. */
  readonly citation: Citation;
}

const CONSOLE = { roles: ['serverprotect:console'] } as const;
const INFO = { roles: ['serverprotect:information-server'] } as const;
const NORMAL = { roles: ['serverprotect:normal-server'] } as const;
const WORKSTATION = { roles: ['sum:workstation'] } as const;
const ANY_TARGET = { roles: ['sum:target:windows', 'sum:target:linux', 'sum:target:integrity'] } as const;
const SSH_TARGET = { roles: ['sum:target:linux', 'sum:target:integrity'] } as const;
const WINDOWS_TARGET = { roles: ['sum:target:windows'] } as const;
const LINUX_TARGET = { roles: ['sum:target:linux'] } as const;
const VMWARE_TARGET = { roles: ['sum:target:vmware'] } as const;
const MANAGEMENT_TARGET = {
  roles: [
    'sum:target:ilo',
    'sum:target:onboard-administrator',
    'sum:target:virtual-connect',
    'sum:target:switch',
    'sum:target:superdome-x',
    'sum:target:superdome-flex',
  ],
} as const;
const WEB_CALLBACK_TARGET = {
  roles: ['sum:target:vmware', 'sum:target:ilo', 'sum:target:virtual-connect', 'sum:target:switch'],
} as const;

const always = (): boolean => true;
const sum5 = (o: Options): boolean => o.sum.profile === '5.x';
const sum7 = (o: Options): boolean => o.sum.profile === '7.x+';
const sp = (row: RowId, note?: string): Citation => ({
  document: PRODUCTS.serverprotect.document,
  row,
  ...(note ? { note } : {}),
});
const sum = (row: RowId): Citation => ({ document: PRODUCTS.sum.document, row });
const later = (row: RowId, decision?: string): Citation => ({
  document: SUM_LATER_SOURCE,
  row,
  note: `not in the HP SUM 5.x user guide${decision ? `; decision: ${decision}` : ''}`,
});

// SMB / NetBIOS set used by SP8 and SP9: TCP 139 and 445, UDP 137 and 138.
const smb = (listener: EndpointSpec, initiator: EndpointSpec): FlowTemplate[] => [
  { listener, initiator, protocol: 'tcp', ports: { kind: 'fixed', ports: [139, 445] } },
  { listener, initiator, protocol: 'udp', ports: { kind: 'fixed', ports: [137, 138] }, broadcast: 'netbios' },
];

const DISCOVERY: PortSpec = { kind: 'fallback', base: 3000, fallback: [3001, 3009], pin: 'discoveryPort' };
const MANAGEMENT: PortSpec = { kind: 'fallback', base: 5005, fallback: [5006, 5014], pin: 'managementPort' };
const SSL_MESSAGES: PortSpec = { kind: 'counted', base: 60000, count: 'concurrentTargets' };

/** Every row of both tables. Port numbers live here and nowhere else. */
export const CATALOG: readonly CatalogRow[] = [
  {
    id: 'SP1',
    product: 'serverprotect',
    purpose: 'event messages to the console',
    condition: 'always',
    applies: always,
    citation: sp('SP1'),
    flows: [
      {
        listener: CONSOLE,
        initiator: INFO,
        protocol: 'tcp',
        ports: { kind: 'fallback', base: 1000, fallback: [1001, 1009], pin: 'consoleEventPort' },
      },
    ],
  },
  {
    id: 'SP2',
    product: 'serverprotect',
    purpose: 'console discovery of information servers',
    condition: 'always',
    applies: always,
    citation: sp('SP2'),
    flows: [
      { listener: INFO, initiator: CONSOLE, protocol: 'udp', ports: DISCOVERY, broadcast: 'discovery' },
      { listener: INFO, initiator: CONSOLE, protocol: 'tcp', ports: DISCOVERY },
    ],
  },
  {
    id: 'SP3',
    product: 'serverprotect',
    purpose: 'installer search for information servers',
    condition: 'local install of a normal server',
    applies: (o) => o.serverProtect.localInstall,
    citation: sp('SP3'),
    flows: [{ listener: INFO, initiator: NORMAL, protocol: 'udp', ports: DISCOVERY, broadcast: 'discovery' }],
  },
  {
    id: 'SP4',
    product: 'serverprotect',
    purpose: 'console to information server',
    condition: 'always',
    applies: always,
    citation: sp('SP4'),
    flows: [{ listener: INFO, initiator: CONSOLE, protocol: 'tcp', ports: MANAGEMENT }],
  },
  {
    id: 'SP5',
    product: 'serverprotect',
    purpose: 'installer check of its information server',
    condition: 'local install of a normal server',
    applies: (o) => o.serverProtect.localInstall,
    citation: sp('SP5'),
    flows: [{ listener: INFO, initiator: NORMAL, protocol: 'tcp', ports: MANAGEMENT }],
  },
  {
    id: 'SP6',
    product: 'serverprotect',
    purpose: 'RPC over TCP/IP from normal server',
    condition: 'communication tcpip',
    applies: (o) => o.serverProtect.communication === 'tcpip',
    citation: sp('SP6'),
    flows: [{ listener: INFO, initiator: NORMAL, protocol: 'tcp', ports: { kind: 'fixed', ports: [3628] } }],
  },
  {
    id: 'SP7',
    product: 'serverprotect',
    purpose: 'RPC over TCP/IP from information server',
    condition: 'communication tcpip',
    applies: (o) => o.serverProtect.communication === 'tcpip',
    citation: sp('SP7'),
    flows: [{ listener: NORMAL, initiator: INFO, protocol: 'tcp', ports: { kind: 'fixed', ports: [5168, 5169] } }],
  },
  {
    id: 'SP8',
    product: 'serverprotect',
    purpose: 'RPC over named pipes, patches, file transfer',
    condition: 'always (both communication modes)',
    applies: always,
    citation: sp('SP8'),
    flows: [...smb(INFO, NORMAL), ...smb(NORMAL, INFO)],
  },
  {
    id: 'SP9',
    product: 'serverprotect',
    purpose: 'remote install from a normal server',
    condition: 'remote install of normal servers',
    applies: (o) => o.serverProtect.remoteInstall,
    citation: sp('SP9'),
    flows: smb(NORMAL, NORMAL),
  },
  {
    id: 'SP10',
    product: 'serverprotect',
    purpose: 'Control Manager TMI agent',
    condition: 'Control Manager with the TMI agent (Patch 4 or earlier)',
    applies: (o) => o.serverProtect.controlManagerAgent === 'tmi',
    citation: sp('SP10'),
    flows: [
      {
        listener: INFO,
        initiator: { peer: 'control-manager' },
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [10319] },
      },
      {
        listener: { peer: 'control-manager' },
        initiator: INFO,
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [10319] },
      },
    ],
  },
  {
    id: 'SP11',
    product: 'serverprotect',
    purpose: 'Control Manager MCP agent',
    condition: 'Control Manager with the MCP agent (Patch 5 build 1423 and later)',
    applies: (o) => o.serverProtect.controlManagerAgent === 'mcp',
    citation: sp(
      'SP11',
      "Trend Micro Control Manager port article, not the ServerProtect article: the Control Manager web site's ports",
    ),
    flows: [
      {
        listener: { peer: 'control-manager' },
        initiator: INFO,
        protocol: 'tcp',
        ports: { kind: 'peer', defaults: [80, 443] },
      },
    ],
  },
  {
    id: 'SP12',
    product: 'serverprotect',
    purpose: 'update source, mail and SNMP from information server',
    condition: 'the user names an update source, mail server or SNMP manager',
    applies: always,
    citation: sp('SP12', 'the ServerProtect article leaves these out because they vary; opt-in egress only'),
    flows: [
      {
        listener: { peer: 'update-source' },
        initiator: INFO,
        protocol: 'tcp',
        ports: { kind: 'peer', defaults: [80, 443] },
      },
      { listener: { peer: 'mail' }, initiator: INFO, protocol: 'tcp', ports: { kind: 'peer', defaults: [25] } },
      { listener: { peer: 'snmp' }, initiator: INFO, protocol: 'udp', ports: { kind: 'peer', defaults: [162] } },
    ],
  },
  {
    id: 'SUM1',
    product: 'sum',
    purpose: 'SSH session, SOAP server deploy, firmware transfer',
    condition: 'profile 5.x, Linux and Integrity targets',
    applies: sum5,
    citation: sum('SUM1'),
    flows: [{ listener: SSH_TARGET, initiator: WORKSTATION, protocol: 'tcp', ports: { kind: 'fixed', ports: [22] } }],
  },
  {
    id: 'SUM2',
    product: 'sum',
    purpose: 'ADMIN$ share on the target',
    condition: 'profile 5.x, Windows targets',
    applies: sum5,
    citation: sum('SUM2'),
    flows: [
      {
        listener: WINDOWS_TARGET,
        initiator: WORKSTATION,
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [139, 445] },
      },
      {
        listener: WINDOWS_TARGET,
        initiator: WORKSTATION,
        protocol: 'udp',
        ports: { kind: 'fixed', ports: [138] },
        broadcast: 'netbios',
      },
    ],
  },
  {
    id: 'SUM3',
    product: 'sum',
    purpose: 'NetBIOS name service',
    condition: 'profile 5.x, Windows targets that use NetBIOS name service',
    applies: (o) => sum5(o) && o.sum.netbiosNameService,
    citation: sum('SUM3'),
    flows: [
      {
        listener: WINDOWS_TARGET,
        initiator: WORKSTATION,
        protocol: 'udp',
        ports: { kind: 'fixed', ports: [137] },
        broadcast: 'netbios',
      },
    ],
  },
  {
    id: 'SUM4',
    product: 'sum',
    purpose: 'SSL messages between workstation and target',
    condition: 'profile 5.x; both directions, the document names no listener',
    applies: sum5,
    citation: sum('SUM4'),
    flows: [
      { listener: ANY_TARGET, initiator: WORKSTATION, protocol: 'tcp', ports: SSL_MESSAGES },
      { listener: WORKSTATION, initiator: ANY_TARGET, protocol: 'tcp', ports: SSL_MESSAGES },
    ],
  },
  {
    id: 'SUM5',
    product: 'sum',
    purpose: 'replies from targets to the workstation',
    condition: 'profile 5.x',
    applies: sum5,
    citation: sum('SUM5'),
    flows: [
      {
        listener: WORKSTATION,
        initiator: ANY_TARGET,
        protocol: 'tcp',
        ports: { kind: 'counted', base: 61000, count: 'concurrentTargets' },
      },
    ],
  },
  {
    id: 'SUM6',
    product: 'sum',
    purpose: 'SOAP server on the target',
    condition: 'profile 5.x',
    applies: sum5,
    citation: sum('SUM6'),
    flows: [
      {
        listener: ANY_TARGET,
        initiator: WORKSTATION,
        protocol: 'tcp',
        ports: { kind: 'counted', base: 62286, count: 'soapPortCount' },
      },
    ],
  },
  {
    id: 'SUM7',
    product: 'sum',
    purpose: 'workstation web server for logs and firmware',
    condition: 'profile 5.x',
    applies: sum5,
    citation: sum('SUM7'),
    flows: [
      {
        listener: WORKSTATION,
        initiator: ANY_TARGET,
        protocol: 'tcp',
        ports: { kind: 'fallback', base: 80, fallback: [63000, 63005], pin: 'webServerPort' },
      },
    ],
  },
  // HP SUM 7.x+ (profile '7.x+'): the later table. Its "from target" column is the 7.3.0-and-later one.
  {
    id: 'SUM7-1',
    product: 'sum',
    purpose: 'remote ADMIN$ share and RPC on the target',
    condition: 'profile 7.x+, Windows targets',
    applies: sum7,
    citation: later(
      'SUM7-1',
      'TCP 135, 139, 445 and UDP 137, 138, as the 5.x reading (SUM2) takes the NetBIOS set; 137 is listed unconditionally',
    ),
    flows: [
      {
        listener: WINDOWS_TARGET,
        initiator: WORKSTATION,
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [135, 139, 445] },
      },
      {
        listener: WINDOWS_TARGET,
        initiator: WORKSTATION,
        protocol: 'udp',
        ports: { kind: 'fixed', ports: [137, 138] },
        broadcast: 'netbios',
      },
    ],
  },
  {
    id: 'SUM7-2',
    product: 'sum',
    purpose: 'SSH inventory and deployment',
    condition: 'profile 7.x+, Linux targets',
    applies: sum7,
    citation: later('SUM7-2'),
    flows: [{ listener: LINUX_TARGET, initiator: WORKSTATION, protocol: 'tcp', ports: { kind: 'fixed', ports: [22] } }],
  },
  {
    id: 'SUM7-3',
    product: 'sum',
    purpose: 'VMware ESXi HTTPS and WBEM discovery',
    condition: 'profile 7.x+, VMware ESXi targets',
    applies: sum7,
    citation: later('SUM7-3'),
    flows: [
      {
        listener: VMWARE_TARGET,
        initiator: WORKSTATION,
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [443, 5989] },
      },
    ],
  },
  {
    id: 'SUM7-4',
    product: 'sum',
    purpose: 'management processor SSH, HTTP and HTTPS',
    condition: 'profile 7.x+, iLO, Onboard Administrator, Virtual Connect, switch and Superdome targets',
    applies: sum7,
    citation: later(
      'SUM7-4',
      'port 80 (in parentheses in the table) is opened; Superdome X is listed with iLO; Superdome Flex, on which the table is silent, is reached through its management controller the same way',
    ),
    flows: [
      {
        listener: MANAGEMENT_TARGET,
        initiator: WORKSTATION,
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [22, 80, 443] },
      },
    ],
  },
  {
    id: 'SUM7-5',
    product: 'sum',
    purpose: 'target fetches firmware and posts status',
    condition: 'profile 7.x+, VMware, iLO, Virtual Connect and switch targets (Onboard Administrator: none)',
    applies: sum7,
    citation: later('SUM7-5', 'the workstation listens, as SUM7 of the 5.x user guide reads'),
    flows: [
      {
        listener: WORKSTATION,
        initiator: WEB_CALLBACK_TARGET,
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [63001] },
      },
    ],
  },
  {
    id: 'SUM7-6',
    product: 'sum',
    purpose: 'Superdome X fetches firmware and posts status',
    condition: 'profile 7.x+, Superdome X targets',
    applies: sum7,
    citation: later('SUM7-6'),
    flows: [
      {
        listener: WORKSTATION,
        initiator: { roles: ['sum:target:superdome-x'] },
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [63001, 63002] },
      },
    ],
  },
  {
    id: 'SUM7-7',
    product: 'sum',
    purpose: 'Superdome Flex fetches firmware and posts status',
    condition: 'profile 7.x+, Superdome Flex targets',
    applies: sum7,
    citation: later('SUM7-7'),
    flows: [
      {
        listener: WORKSTATION,
        initiator: { roles: ['sum:target:superdome-flex'] },
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [63002] },
      },
    ],
  },
  {
    id: 'SUM7-8',
    product: 'sum',
    purpose: 'workstation web UI, HTTP and HTTPS',
    condition: "profile 7.x+, when the user names the administrators' network",
    applies: sum7,
    citation: later('SUM7-8', 'opened only from a peer of kind administrators, never from the whole network'),
    flows: [
      {
        listener: WORKSTATION,
        initiator: { peer: 'administrators' },
        protocol: 'tcp',
        ports: { kind: 'fixed', ports: [63001, 63002] },
      },
    ],
  },
];

/** The catalog row with this id. */
export function catalogRow(id: RowId): CatalogRow {
  const row = CATALOG.find((r) => r.id === id);
  if (!row) throw new ArgumentError('id', id, `a row id of the catalog: ${ROW_IDS.join(', ')}`);
  return row;
}

/** The ports a pin option may take: the base port or one of its fallback range. */
export function pinChoices(pin: PinOption): Pick<FallbackPorts, 'base' | 'fallback'> {
  for (const row of CATALOG) {
    for (const flow of row.flows) {
      if (flow.ports.kind === 'fallback' && flow.ports.pin === pin) {
        return { base: flow.ports.base, fallback: flow.ports.fallback };
      }
    }
  }
  throw new Error(`no catalog row uses pin option ${pin}`);
}
