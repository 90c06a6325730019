// The components' arguments in the shapes Pulumi's component analyzer (`@pulumi/pulumi`
// provider/experimental/analyzer) turns into a package schema, so that the components can be used
// from every Pulumi language as a source-based package
// (https://www.pulumi.com/docs/iac/guides/building-extending/packages/source-based-plugin/):
// interfaces, mutable arrays (it refuses `readonly T[]`), string maps, and named `as const` objects
// instead of inline literal unions (it refuses unnamed unions). Each object is declared before its
// type: the analyzer reads the enum members from the first declaration of the name. The types equal
// the spec's (test/pulumi/package.test.ts compares the enum values), so every value here is also a
// valid spec value.
import type * as pulumi from '@pulumi/pulumi';
import type { CatalogDeclaration, CatalogSource, Declaration as SpecDeclaration } from '../model';
import type { PriorityBand } from '../azure';

/** The role a group of hosts plays: one value per role of the spec's `ROLE_IDS`. */
export const RoleId = {
  /** ServerProtect management console. */
  ServerProtectConsole: 'serverprotect:console',
  /** ServerProtect information server. */
  ServerProtectInformationServer: 'serverprotect:information-server',
  /** ServerProtect normal server. */
  ServerProtectNormalServer: 'serverprotect:normal-server',
  /** HP SUM workstation. */
  SumWorkstation: 'sum:workstation',
  /** HP SUM target (Windows). */
  SumTargetWindows: 'sum:target:windows',
  /** HP SUM target (Linux). */
  SumTargetLinux: 'sum:target:linux',
  /** HP SUM target (Integrity), profile 5.x. */
  SumTargetIntegrity: 'sum:target:integrity',
  /** HP SUM target (VMware ESXi), profile 7.x+. */
  SumTargetVmware: 'sum:target:vmware',
  /** HP SUM target (iLO), profile 7.x+. */
  SumTargetIlo: 'sum:target:ilo',
  /** HP SUM target (Onboard Administrator), profile 7.x+. */
  SumTargetOnboardAdministrator: 'sum:target:onboard-administrator',
  /** HP SUM target (Virtual Connect), profile 7.x+. */
  SumTargetVirtualConnect: 'sum:target:virtual-connect',
  /** HP SUM target (FC or SAS switch), profile 7.x+. */
  SumTargetSwitch: 'sum:target:switch',
  /** HP SUM target (Superdome X), profile 7.x+. */
  SumTargetSuperdomeX: 'sum:target:superdome-x',
  /** HP SUM target (Superdome Flex), profile 7.x+. */
  SumTargetSuperdomeFlex: 'sum:target:superdome-flex',
} as const;
/** A role id such as `serverprotect:console` or `sum:target:linux` (the spec's `RoleId`). */
export type RoleId = (typeof RoleId)[keyof typeof RoleId];

/** What an external peer is; decides which rows reach it (the spec's `PEER_KINDS`). */
export const PeerKind = {
  /** A Trend Micro Control Manager server. */
  ControlManager: 'control-manager',
  /** An update source (ActiveUpdate or its proxy). */
  UpdateSource: 'update-source',
  /** A mail server. */
  Mail: 'mail',
  /** An SNMP manager. */
  Snmp: 'snmp',
  /** The administrators' network that opens the HP SUM 7.x+ web UI. */
  Administrators: 'administrators',
} as const;
/** The kind of an external peer (the spec's `PeerKind`). */
export type PeerKind = (typeof PeerKind)[keyof typeof PeerKind];

/** Which HP SUM release's port table applies (the spec's `SUM_PROFILES`). */
export const SumProfile = {
  /** The HP SUM 5.x user guide's table (rows SUM1-SUM7). */
  Sum5x: '5.x',
  /** HP SUM 7.3.0 and later (rows SUM7-1 to SUM7-8). */
  Sum7xPlus: '7.x+',
} as const;
/** An HP SUM profile (the spec's `SumProfile`). */
export type SumProfile = (typeof SumProfile)[keyof typeof SumProfile];

/** How ServerProtect normal servers talk to information servers. */
export const ServerProtectCommunication = {
  /** TCP/IP: opens the TCP/IP-only ports (SP6, SP7) as well as SMB (SP8). */
  Tcpip: 'tcpip',
  /** Named pipes: SMB (SP8) only. */
  NamedPipes: 'namedPipes',
} as const;
/** How ServerProtect normal servers talk to information servers. */
export type ServerProtectCommunication = (typeof ServerProtectCommunication)[keyof typeof ServerProtectCommunication];

/** The Control Manager agent on the ServerProtect information servers. */
export const ControlManagerAgent = {
  /** TMI: Patch 4 or earlier (SP10). */
  Tmi: 'tmi',
  /** MCP: Patch 5 build 1423 and later (SP11). */
  Mcp: 'mcp',
} as const;
/** The Control Manager agent on the ServerProtect information servers. */
export type ControlManagerAgent = (typeof ControlManagerAgent)[keyof typeof ControlManagerAgent];

/** The operating system of the HP SUM workstations. */
export const WorkstationOs = {
  /** Windows: reaches every target kind. */
  Windows: 'windows',
  /** Linux: reaches only SSH targets (Linux, Integrity). */
  Linux: 'linux',
} as const;
/** The operating system of the HP SUM workstations. */
export type WorkstationOs = (typeof WorkstationOs)[keyof typeof WorkstationOs];

/** Whether the initiators' outbound traffic is restricted to the flows. */
export const Egress = {
  /** Keep the cloud's egress. */
  Default: 'default',
  /** Add an outbound allow on the initiator's side for every flow. */
  Restricted: 'restricted',
} as const;
/** Whether the initiators' outbound traffic is restricted to the flows. */
export type Egress = (typeof Egress)[keyof typeof Egress];

/** A group of hosts that play one role (the spec's `GroupDeclaration`). */
export interface GroupDeclaration {
  /**
   * Unique name: lower-case letters, digits and dashes, starting with a letter and ending with a letter or
   * digit, at most 40 characters.
   */
  name: string;
  /** The role the group's hosts play. */
  role: RoleId;
}

/** A host outside the products that the user names by address (the spec's `PeerDeclaration`). */
export interface PeerDeclaration {
  /** Unique name among groups and peers, same form as a group name. */
  name: string;
  /** What the peer is; decides which rows reach it. */
  kind: PeerKind;
  /** The peer's address range, IPv4 or IPv6 CIDR such as `10.0.9.10/32`. */
  cidr: string;
  /** The peer's service ports, for kinds whose ports vary. @default - the row's documented ports */
  ports?: number[];
  /** Allow a CIDR of prefix length 0 (the whole address space). @default false */
  allowAnyAddress?: boolean;
}

/** ServerProtect options (the spec's `ServerProtectOptions`); each default keeps the documented ports. */
export interface ServerProtectOptions {
  /** How normal servers talk to information servers. @default 'tcpip' */
  communication?: ServerProtectCommunication;
  /** Normal servers are still installed locally (SP3, SP5). @default true */
  localInstall?: boolean;
  /** Normal servers are still installed remotely from an existing normal server (SP9). @default true */
  remoteInstall?: boolean;
  /** The console's event port, if known: 1000 or one of its fallback range (SP1). @default - the whole range */
  consoleEventPort?: number;
  /**
   * The information server's discovery port, if known: 3000 or one of its fallback range (SP2, SP3). @default
   * - the whole range
   */
  discoveryPort?: number;
  /**
   * The information server's management port, if known: 5005 or one of its fallback range (SP4, SP5).
   * @default - the whole range
   */
  managementPort?: number;
  /** The Control Manager agent; needs a peer of kind `control-manager`. @default - no Control Manager */
  controlManagerAgent?: ControlManagerAgent;
}

/** HP Smart Update Manager options (the spec's `SumOptions`); each default is the documented 5.x table. */
export interface SumOptions {
  /** Which release's port table applies; the options marked "5.x only" are refused under `7.x+`. @default '5.x' */
  profile?: SumProfile;
  /** The operating system of the SUM workstations. @default 'windows' */
  workstationOs?: WorkstationOs;
  /** 5.x only. How many targets one SUM session updates at once (SUM4, SUM5). @default 8 */
  concurrentTargets?: number;
  /** 5.x only. Windows targets use NetBIOS name service (SUM3). @default false */
  netbiosNameService?: boolean;
  /** 5.x only. The port of the workstation's web server, if known (SUM7). @default - port 80 and its fallback range */
  webServerPort?: number;
  /** 5.x only. How many ports from the SOAP server's base port to open on targets (SUM6). @default 1 */
  soapPortCount?: number;
}

/** Role groups, peers and options, as the spec's `resolve()` takes them (the spec's `Declaration`). */
export interface Declaration {
  /** The role groups; at least one. */
  groups: GroupDeclaration[];
  /** External peers. @default [] */
  peers?: PeerDeclaration[];
  /** @default - every ServerProtect option at its own default */
  serverProtect?: ServerProtectOptions;
  /** @default - every HP SUM option at its own default (profile 5.x) */
  sum?: SumOptions;
  /** @default 'default' */
  egress?: Egress;
}

/** The direction of an additional rule. */
export const RuleDirection = {
  /** Traffic arriving at the destination. */
  Inbound: 'Inbound',
  /** Traffic leaving the source. */
  Outbound: 'Outbound',
} as const;
/** The direction of an additional rule. */
export type RuleDirection = (typeof RuleDirection)[keyof typeof RuleDirection];

/** What an additional rule does with matching traffic. */
export const RuleAccess = {
  /** Let it through. */
  Allow: 'Allow',
  /** Drop it. */
  Deny: 'Deny',
} as const;
/** What an additional rule does with matching traffic. */
export type RuleAccess = (typeof RuleAccess)[keyof typeof RuleAccess];

/** The protocol of an additional rule. */
export const RuleProtocol = {
  /** TCP. */
  Tcp: 'Tcp',
  /** UDP. */
  Udp: 'Udp',
  /** ICMP. */
  Icmp: 'Icmp',
  /** Every protocol. */
  Any: '*',
} as const;
/** The protocol of an additional rule. */
export type RuleProtocol = (typeof RuleProtocol)[keyof typeof RuleProtocol];

/** One side of an additional rule: exactly one of a role group (its ASG) or an address prefix. */
export interface RuleEndpointArgs {
  /** A group of the declaration: the rule names its ASG. */
  group?: string;
  /** A masked CIDR, a service tag (`VirtualNetwork`, `AzureLoadBalancer`, `Internet`) or `*`. */
  prefix?: string;
}

/** A rule of the user's own in the component's NSG (the Azure planner's `AdditionalRule`). */
export interface AdditionalRuleArgs {
  /** A name Azure accepts, unique in the NSG (not one of portplan's names). */
  name: string;
  /** @default 'Inbound' */
  direction?: RuleDirection;
  /** `Allow` or `Deny`. */
  access: RuleAccess;
  /** `Tcp`, `Udp`, `Icmp` or `*`. */
  protocol: RuleProtocol;
  /** Where the traffic comes from. */
  source: RuleEndpointArgs;
  /** Where the traffic goes. */
  destination: RuleEndpointArgs;
  /** Destination ports and ranges (`"3389"`, `"49152-65535"`), or `["*"]` for every port. */
  ports: string[];
  /** At most 140 characters. @default the rule's name */
  description?: string;
  /** Allow an `Allow` rule from or to anywhere (`*`, `Internet`, a /0). @default false */
  allowAnyAddress?: boolean;
}

/** An NSG the user already owns, that portplan adds standalone rules to. */
export interface ExistingNetworkSecurityGroup {
  /** The NSG's name (in `resourceGroupName`). */
  readonly name: pulumi.Input<string>;
  /** The priorities portplan's rules may take; the user's own rules stay outside it. */
  readonly priorityBand: PriorityBand;
}

/** Arguments shared by the Azure components. */
export interface AzureCommonArgs {
  /** The resource group of the NSG and the application security groups. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** @default - the resource group's location */
  readonly location?: pulumi.Input<string>;
  /** Tags for every resource the component creates. ASGs also get `portplan:role` and `portplan:group`. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Add the rules to this NSG as standalone `SecurityRule`s, created one after another.
   * @default - the component creates an NSG with the rules inline
   */
  readonly existingNetworkSecurityGroup?: ExistingNetworkSecurityGroup;
  /**
   * Priorities for the rules of an NSG the component creates.
   * @default { from: 100, to: 4096 }
   */
  readonly priorityBand?: PriorityBand;
  /**
   * Deny other VirtualNetwork traffic to each role's ASG, below the allow rules (Azure's default
   * `AllowVnetInBound` admits the whole VNet otherwise).
   * @default true for an NSG the component creates, false for an existing NSG
   */
  readonly denyOtherVnetTraffic?: boolean;
  /**
   * With `egress: 'restricted'`, deny all other outbound traffic from each role's ASG below the
   * outbound allows (Azure's default `AllowVnetOutBound` and `AllowInternetOutBound` let everything
   * out otherwise). Add what else the hosts need (Windows Update, backup) as `additionalRules`.
   * @default the value of `denyOtherVnetTraffic`
   */
  readonly denyOtherOutboundTraffic?: boolean;
  /**
   * With the VirtualNetwork deny rules, allow Azure Load Balancer health probes (service tag
   * `AzureLoadBalancer`, 168.63.129.16, which `VirtualNetwork` includes) to each role's ASG above
   * the denies. Turn off only when no load balancer fronts these hosts.
   * @default true
   */
  readonly allowAzureLoadBalancer?: boolean;
  /**
   * Rules of your own in the component's NSG (RDP or SSH from a bastion, backup, the application's
   * own traffic): placed below portplan's allows and above its denies, at stable priorities,
   * validated like portplan's rules. Standalone `SecurityRule`s beside an NSG with inline rules
   * are removed on the next update; use this instead.
   * @default []
   */
  readonly additionalRules?: AdditionalRuleArgs[];
  /**
   * Priorities of the previous deployment, by rule name: the component's `priorities` output
   * (`pulumi stack output`), kept in config or a file. Surviving rules keep them, so no existing
   * rule is renumbered even where two names hash to one slot.
   * @default - priorities from the rule names alone
   */
  readonly previousPriorities?: Readonly<Record<string, number>>;
}

/** Arguments of {@link PortPlan}. */
export interface PortPlanArgs extends AzureCommonArgs {
  /** Role groups, peers and options, as the spec's `resolve()` takes them. */
  readonly declaration: Declaration;
}

/**
 * User catalogs for {@link PortPlan}, TypeScript only: `new PortPlan(name, { ...args, catalogs:
 * [readCatalogFile('shop.yaml')] })`.
 *
 * Why TypeScript only. The component plans every rule in the program's own process before it
 * registers anything, so a catalog is a TypeScript value (a `readCatalogFile()`, `loadCatalog()`
 * or `defineCatalog()` result, or a definition) handed straight to the spec; it never travels as a
 * Pulumi input. Kept off {@link PortPlanArgs}, it stays out of the package schema, which Pulumi's
 * component analyzer derives from `PortPlanArgs` and which would have to spell out the whole
 * catalog format in the shapes it accepts (no unions, no `readonly` arrays); other languages keep
 * the built-in products. The TypeScript constructor (`portplan/pulumi`'s `PortPlan`) takes
 * `PortPlanArgs & CatalogArgs`. A bad catalog throws `CatalogError` before anything is registered.
 */
export interface CatalogArgs {
  /**
   * Catalogs of your own, beside the built-in products; their roles and peer kinds may be used in
   * the declaration (through {@link declarationArgs}), their rows describe the rules. A catalog
   * with a built-in product's id replaces that product.
   * @default - the built-in products only
   */
  readonly catalogs?: readonly CatalogSource[];
}

/** Arguments of {@link ServerProtect}: the spec's `ServerProtectGroups` and the common Azure arguments. */
export interface ServerProtectArgs extends AzureCommonArgs {
  /** Names of the management console groups. @default ['console'] */
  readonly consoleGroups?: string[];
  /** Names of the information server groups. @default ['information-server'] */
  readonly informationServerGroups?: string[];
  /** Names of the normal server groups. @default ['normal-servers'] */
  readonly normalServerGroups?: string[];
  /** Control Manager, update source, mail and SNMP peers. @default [] */
  readonly peers?: PeerDeclaration[];
  /** @default - every ServerProtect option at its own default */
  readonly options?: ServerProtectOptions;
  /** @default 'default' */
  readonly egress?: Egress;
}

/** Arguments of {@link SmartUpdateManager}: the spec's `SmartUpdateManagerGroups` and the common Azure arguments. */
export interface SmartUpdateManagerArgs extends AzureCommonArgs {
  /** Names of the SUM workstation groups. @default ['workstation'] */
  readonly workstationGroups?: string[];
  /** Names of the Windows target groups. @default [] */
  readonly windowsTargetGroups?: string[];
  /** Names of the Linux target groups. @default [] */
  readonly linuxTargetGroups?: string[];
  /** Names of the Integrity target groups (profile 5.x). @default [] */
  readonly integrityTargetGroups?: string[];
  /** Names of the VMware ESXi target groups (profile 7.x+). @default [] */
  readonly vmwareTargetGroups?: string[];
  /** Names of the iLO target groups (profile 7.x+). @default [] */
  readonly iloTargetGroups?: string[];
  /** Names of the Onboard Administrator target groups (profile 7.x+). @default [] */
  readonly onboardAdministratorTargetGroups?: string[];
  /** Names of the Virtual Connect target groups (profile 7.x+). @default [] */
  readonly virtualConnectTargetGroups?: string[];
  /** Names of the FC or SAS switch target groups (profile 7.x+). @default [] */
  readonly switchTargetGroups?: string[];
  /** Names of the Superdome X target groups (profile 7.x+). @default [] */
  readonly superdomeXTargetGroups?: string[];
  /** Names of the Superdome Flex target groups (profile 7.x+). @default [] */
  readonly superdomeFlexTargetGroups?: string[];
  /**
   * The administrators' network that opens the workstation's web UI (profile 7.x+, kind `administrators`).
   * @default []
   */
  readonly peers?: PeerDeclaration[];
  /** @default - every HP SUM option at its own default (profile 5.x) */
  readonly options?: SumOptions;
  /** @default 'default' */
  readonly egress?: Egress;
}

/**
 * A spec `Declaration` (presets, `resolve()` input; its arrays are `readonly`) as
 * {@link PortPlanArgs.declaration} takes it: the same value with mutable copies of its arrays. Roles
 * and peer kinds of your catalogs, and their products' options blocks (`shop: { workers: 4 }`),
 * pass through unchanged for {@link CatalogArgs.catalogs}.
 */
export function declarationArgs(declaration: SpecDeclaration | CatalogDeclaration): Declaration {
  const { groups, peers, ...rest } = declaration;
  return {
    ...rest,
    // Roles of a user's catalog pass through: the component checks every role against its catalogs.
    groups: groups.map((g) => ({ ...g, role: g.role as RoleId })),
    ...(peers
      ? {
          peers: peers.map(({ ports, ...p }) => ({
            ...p,
            kind: p.kind as PeerKind,
            ...(ports ? { ports: [...ports] } : {}),
          })),
        }
      : {}),
  };
}
