import type { PeerKind, RoleId, SumProfile } from './roles';

/** ServerProtect options. Each default keeps the product's documented behaviour: ports for every install mode. */
export interface ServerProtectOptions {
  /**
   * How normal servers talk to information servers. `tcpip` opens the TCP/IP-only ports (SP6, SP7);
   * `namedPipes` leaves them closed and relies on SMB (SP8), which both modes need.
   * @default 'tcpip'
   */
  readonly communication?: 'tcpip' | 'namedPipes';
  /**
   * Normal servers are still installed locally, so their installer reaches the information server (SP3, SP5).
   * Turn off once every normal server is installed.
   * @default true
   */
  readonly localInstall?: boolean;
  /**
   * Normal servers are still installed remotely from an existing normal server (SP9).
   * @default true
   */
  readonly remoteInstall?: boolean;
  /**
   * The console's event port, if known: 1000 or one of its fallback range (SP1).
   * @default - the whole range is opened
   */
  readonly consoleEventPort?: number;
  /**
   * The information server's discovery port, if known: 3000 or one of its fallback range (SP2, SP3).
   * @default - the whole range is opened
   */
  readonly discoveryPort?: number;
  /**
   * The information server's management port, if known: 5005 or one of its fallback range (SP4, SP5).
   * @default - the whole range is opened
   */
  readonly managementPort?: number;
  /**
   * The Control Manager agent on the information servers: `tmi` (Patch 4 or earlier, SP10) or `mcp`
   * (Patch 5 build 1423 and later, SP11). Needs a peer of kind `control-manager`.
   * @default - no Control Manager
   */
  readonly controlManagerAgent?: 'tmi' | 'mcp';
}

/** HP Smart Update Manager options. Each default is the documented port table of HP SUM 5.x. */
export interface SumOptions {
  /**
   * Which release's port table applies: `5.x` (the 5.x user guide: rows SUM1-SUM7) or `7.x+` (HP SUM 7.3.0 and
   * later: rows SUM7-1 to SUM7-8, with VMware, management processor and Superdome targets). The
   * options below marked "5.x only" are rejected under `7.x+`, whose ports are fixed.
   * @default '5.x'
   */
  readonly profile?: SumProfile;
  /**
   * The operating system of the SUM workstations. A Linux workstation reaches only SSH targets
   * (Linux, Integrity).
   * @default 'windows'
   */
  readonly workstationOs?: 'windows' | 'linux';
  /**
   * 5.x only. How many targets one SUM session updates at once: the width of the SUM4 and SUM5 ranges.
   * @default 8 (the documented 60000-60007 and 61000-61007)
   */
  readonly concurrentTargets?: number;
  /**
   * 5.x only. Windows targets use NetBIOS name service (SUM3).
   * @default false
   */
  readonly netbiosNameService?: boolean;
  /**
   * 5.x only. The port of the workstation's web server, if known: 80 or one of its fallback range (SUM7).
   * @default - port 80 and the whole fallback range are opened
   */
  readonly webServerPort?: number;
  /**
   * 5.x only. How many ports from the SOAP server's base port to open on targets (SUM6).
   * @default 1
   */
  readonly soapPortCount?: number;
}

/** A group of hosts that play one role. A host with several roles joins several groups. */
export interface GroupDeclaration {
  /** Unique name: lower-case letters, digits and dashes, starting with a letter and ending with a letter or digit, at most 40 characters. */
  readonly name: string;
  /** The role the group's hosts play. */
  readonly role: RoleId;
}

/** A host outside the products that the user names by address. */
export interface PeerDeclaration {
  /** Unique name among groups and peers, same form as a group name. */
  readonly name: string;
  /** What the peer is; decides which rows reach it. */
  readonly kind: PeerKind;
  /** The peer's address range, IPv4 or IPv6 CIDR such as `10.0.9.10/32`. */
  readonly cidr: string;
  /**
   * The peer's service ports, for kinds whose ports vary (Control Manager web site with `mcp`,
   * update source or proxy, mail, SNMP).
   * @default - the row's documented ports
   */
  readonly ports?: readonly number[];
  /**
   * Allow a CIDR of prefix length 0 (the whole address space). Least privilege forbids it unless set.
   * @default false
   */
  readonly allowAnyAddress?: boolean;
}

/** What a user declares: the role groups, the external peers and the options. */
export interface Declaration {
  /** The role groups; at least one. */
  readonly groups: readonly GroupDeclaration[];
  /** @default [] */
  readonly peers?: readonly PeerDeclaration[];
  /** @default - every ServerProtect option at its own default */
  readonly serverProtect?: ServerProtectOptions;
  /** @default - every HP SUM option at its own default (profile 5.x) */
  readonly sum?: SumOptions;
  /**
   * `default` keeps the cloud's egress (AWS allows all outbound); `restricted` adds the matching
   * egress rule on the initiator's group for every flow.
   * @default 'default'
   */
  readonly egress?: 'default' | 'restricted';
}

/** The options with every default filled in. */
export interface Options {
  /** ServerProtect options; pinned ports and the agent stay optional. */
  readonly serverProtect: Required<
    Omit<ServerProtectOptions, 'consoleEventPort' | 'discoveryPort' | 'managementPort' | 'controlManagerAgent'>
  > &
    Pick<ServerProtectOptions, 'consoleEventPort' | 'discoveryPort' | 'managementPort' | 'controlManagerAgent'>;
  /** HP SUM options; the pinned web server port stays optional. */
  readonly sum: Required<Omit<SumOptions, 'webServerPort'>> & Pick<SumOptions, 'webServerPort'>;
  /** `default` or `restricted` egress. */
  readonly egress: 'default' | 'restricted';
}

/** A validated peer: `allowAnyAddress` is filled in. */
export interface NormalizedPeer extends PeerDeclaration {
  /** Whether a /0 CIDR was allowed explicitly. */
  readonly allowAnyAddress: boolean;
}

/** A validated declaration with every default filled in. */
export interface NormalizedDeclaration extends Options {
  /** The role groups, as declared. */
  readonly groups: readonly GroupDeclaration[];
  /** The external peers, with `allowAnyAddress` filled in. */
  readonly peers: readonly NormalizedPeer[];
}
