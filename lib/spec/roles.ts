import type { ServerProtectGroups, SmartUpdateManagerGroups } from './products';

/** A field of the product props that lists group names of one role. */
export type RoleGroupsProp = Extract<keyof ServerProtectGroups | keyof SmartUpdateManagerGroups, `${string}Groups`>;

/** Product id: `serverprotect` or `sum`. */
export type ProductId = 'serverprotect' | 'sum';

/** A product whose port table the library encodes. */
export interface Product {
  /** The product's name and release. */
  readonly name: string;
  /** The vendor document its rows cite, by title. */
  readonly document: string;
  /** The identifier of the copy of that document the rows were read from. */
  readonly reference: string;
}

/** The two products whose port tables the library encodes. */
export const PRODUCTS: Readonly<Record<ProductId, Product>> = {
  serverprotect: {
    name: 'Trend Micro ServerProtect for Windows 5.8',
    document:
      'Trend Micro ServerProtect for Windows 5.8 support article: ports of the management console, information server and normal server (Japanese)',
    reference: '000_c65ec61fa47a9b70',
  },
  sum: {
    name: 'HP Smart Update Manager',
    document: 'HP Smart Update Manager 5.x user guide: "Enabling ports in HP Smart Update Manager" (Japanese edition)',
    reference: '004_ed1e357c3fbdda0e',
  },
};

/**
 * The source of the HP SUM 7.x+ profile, which the 5.x document predates: the network port tables of
 * the HP SUM online help (7.3.0 and later).
 */
export const SUM_LATER_SOURCE = 'HPE Smart Update Manager 7.x+ online help, "Making HP SUM network ports available"';

/** HP SUM releases whose port tables differ: `5.x` (the 5.x user guide's) or `7.x+` (7.3.0 and later). */
export const SUM_PROFILES = ['5.x', '7.x+'] as const;

/** An HP SUM profile. */
export type SumProfile = (typeof SUM_PROFILES)[number];

/** Every role id, in catalog order. */
export const ROLE_IDS = [
  'serverprotect:console',
  'serverprotect:information-server',
  'serverprotect:normal-server',
  'sum:workstation',
  'sum:target:windows',
  'sum:target:linux',
  'sum:target:integrity',
  'sum:target:vmware',
  'sum:target:ilo',
  'sum:target:onboard-administrator',
  'sum:target:virtual-connect',
  'sum:target:switch',
  'sum:target:superdome-x',
  'sum:target:superdome-flex',
] as const;

/** A role id such as `serverprotect:console` or `sum:target:linux`. */
export type RoleId = (typeof ROLE_IDS)[number];

/** Host operating systems whose firewall portplan writes rules for. */
export const HOST_OS = ['windows', 'linux'] as const;

/** A host operating system. */
export type HostOs = (typeof HOST_OS)[number];

/** What a role is. */
export interface Role {
  /** The product the role belongs to. */
  readonly product: ProductId;
  /** A short ASCII label, used in security group descriptions and diagrams. */
  readonly label: string;
  /** The HP SUM profiles whose table has the role. @default - every profile */
  readonly profiles?: readonly SumProfile[];
  /**
   * The operating systems whose host firewall portplan writes for the role's hosts; empty for
   * appliances (management processors, switches, ESXi), whose firewalls are not PowerShell,
   * nftables or firewalld. An Integrity target is reached over SSH and only its Linux case is
   * written (HP-UX filters with IPFilter).
   */
  readonly hostOs: readonly HostOs[];
  /** The product props' field that lists the role's group names (`consoleGroups`, `linuxTargetGroups`). */
  readonly prop: RoleGroupsProp;
}

/** Every role a group of hosts can play. */
export const ROLES: Readonly<Record<RoleId, Role>> = {
  'serverprotect:console': {
    product: 'serverprotect',
    label: 'ServerProtect management console',
    hostOs: ['windows'],
    prop: 'consoleGroups',
  },
  'serverprotect:information-server': {
    product: 'serverprotect',
    label: 'ServerProtect information server',
    hostOs: ['windows'],
    prop: 'informationServerGroups',
  },
  'serverprotect:normal-server': {
    product: 'serverprotect',
    label: 'ServerProtect normal server',
    hostOs: ['windows'],
    prop: 'normalServerGroups',
  },
  'sum:workstation': {
    product: 'sum',
    label: 'HP SUM workstation',
    hostOs: ['windows', 'linux'],
    prop: 'workstationGroups',
  },
  'sum:target:windows': {
    product: 'sum',
    label: 'HP SUM target (Windows)',
    hostOs: ['windows'],
    prop: 'windowsTargetGroups',
  },
  'sum:target:linux': { product: 'sum', label: 'HP SUM target (Linux)', hostOs: ['linux'], prop: 'linuxTargetGroups' },
  'sum:target:integrity': {
    product: 'sum',
    label: 'HP SUM target (Integrity)',
    profiles: ['5.x'],
    hostOs: ['linux'],
    prop: 'integrityTargetGroups',
  },
  'sum:target:vmware': {
    product: 'sum',
    label: 'HP SUM target (VMware ESXi)',
    profiles: ['7.x+'],
    hostOs: [],
    prop: 'vmwareTargetGroups',
  },
  'sum:target:ilo': {
    product: 'sum',
    label: 'HP SUM target (iLO)',
    profiles: ['7.x+'],
    hostOs: [],
    prop: 'iloTargetGroups',
  },
  'sum:target:onboard-administrator': {
    product: 'sum',
    label: 'HP SUM target (Onboard Administrator)',
    profiles: ['7.x+'],
    hostOs: [],
    prop: 'onboardAdministratorTargetGroups',
  },
  'sum:target:virtual-connect': {
    product: 'sum',
    label: 'HP SUM target (Virtual Connect)',
    profiles: ['7.x+'],
    hostOs: [],
    prop: 'virtualConnectTargetGroups',
  },
  'sum:target:switch': {
    product: 'sum',
    label: 'HP SUM target (FC or SAS switch)',
    profiles: ['7.x+'],
    hostOs: [],
    prop: 'switchTargetGroups',
  },
  'sum:target:superdome-x': {
    product: 'sum',
    label: 'HP SUM target (Superdome X)',
    profiles: ['7.x+'],
    hostOs: [],
    prop: 'superdomeXTargetGroups',
  },
  'sum:target:superdome-flex': {
    product: 'sum',
    label: 'HP SUM target (Superdome Flex)',
    profiles: ['7.x+'],
    hostOs: [],
    prop: 'superdomeFlexTargetGroups',
  },
};

/** The HP SUM target roles. */
export const SUM_TARGET_ROLES: readonly RoleId[] = ROLE_IDS.filter((r) => r.startsWith('sum:target:'));

/** The HP SUM profiles a role exists in. */
export function roleProfiles(role: RoleId): readonly SumProfile[] {
  return ROLES[role].profiles ?? SUM_PROFILES;
}

/**
 * Hosts outside the two products that the user names by address: a Trend Micro Control Manager,
 * an update source (ActiveUpdate or its proxy), a mail server, an SNMP manager, and the administrators'
 * network that opens the HP SUM 7.x+ web UI.
 */
export const PEER_KINDS = ['control-manager', 'update-source', 'mail', 'snmp', 'administrators'] as const;

/** The kind of an external peer. */
export type PeerKind = (typeof PEER_KINDS)[number];
