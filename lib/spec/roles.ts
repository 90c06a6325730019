/** The two products whose port tables the library encodes. */
export const PRODUCTS = {
  serverprotect: {
    name: 'Trend Micro ServerProtect for Windows 5.8',
    document: '000_c65ec61fa47a9b70.txt',
  },
  sum: {
    name: 'HP Smart Update Manager',
    document: '004_ed1e357c3fbdda0e.txt',
  },
} as const;

/**
 * The source of the HP SUM 7.x+ profile, which the seed (5.x) predates: the network port tables of
 * the HP SUM online help (7.3.0 and later).
 */
export const SUM_LATER_SOURCE = 'HPE Smart Update Manager 7.x+ online help, "Making HP SUM network ports available"';

/** HP SUM releases whose port tables differ: `5.x` (the seed's) or `7.x+` (7.3.0 and later). */
export const SUM_PROFILES = ['5.x', '7.x+'] as const;

/** An HP SUM profile. */
export type SumProfile = (typeof SUM_PROFILES)[number];

/** Product id: `serverprotect` or `sum`. */
export type ProductId = keyof typeof PRODUCTS;

/** Every role a group of hosts can play, with its product and a short ASCII label. */
export const ROLES = {
  'serverprotect:console': { product: 'serverprotect', label: 'ServerProtect management console' },
  'serverprotect:information-server': { product: 'serverprotect', label: 'ServerProtect information server' },
  'serverprotect:normal-server': { product: 'serverprotect', label: 'ServerProtect normal server' },
  'sum:workstation': { product: 'sum', label: 'HP SUM workstation' },
  'sum:target:windows': { product: 'sum', label: 'HP SUM target (Windows)' },
  'sum:target:linux': { product: 'sum', label: 'HP SUM target (Linux)' },
  'sum:target:integrity': { product: 'sum', label: 'HP SUM target (Integrity)', profiles: ['5.x'] },
  'sum:target:vmware': { product: 'sum', label: 'HP SUM target (VMware ESXi)', profiles: ['7.x+'] },
  'sum:target:ilo': { product: 'sum', label: 'HP SUM target (iLO)', profiles: ['7.x+'] },
  'sum:target:onboard-administrator': { product: 'sum', label: 'HP SUM target (Onboard Administrator)', profiles: ['7.x+'] },
  'sum:target:virtual-connect': { product: 'sum', label: 'HP SUM target (Virtual Connect)', profiles: ['7.x+'] },
  'sum:target:switch': { product: 'sum', label: 'HP SUM target (FC or SAS switch)', profiles: ['7.x+'] },
  'sum:target:superdome-x': { product: 'sum', label: 'HP SUM target (Superdome X)', profiles: ['7.x+'] },
  'sum:target:superdome-flex': { product: 'sum', label: 'HP SUM target (Superdome Flex)', profiles: ['7.x+'] },
} as const satisfies Record<string, { product: ProductId; label: string; profiles?: readonly SumProfile[] }>;

/** A role id such as `serverprotect:console` or `sum:target:linux`. */
export type RoleId = keyof typeof ROLES;

/** All role ids, in catalog order. */
export const ROLE_IDS = Object.keys(ROLES) as RoleId[];

/** The HP SUM target roles. */
export const SUM_TARGET_ROLES = ROLE_IDS.filter((r) => r.startsWith('sum:target:'));

/** The HP SUM profiles a role exists in (every profile where the role names none). */
export function roleProfiles(role: RoleId): readonly SumProfile[] {
  const entry = ROLES[role];
  return 'profiles' in entry ? entry.profiles : SUM_PROFILES;
}

/**
 * Hosts outside the two products that the user names by address: a Trend Micro Control Manager,
 * an update source (ActiveUpdate or its proxy), a mail server, an SNMP manager, and the administrators'
 * network that opens the HP SUM 7.x+ web UI.
 */
export const PEER_KINDS = ['control-manager', 'update-source', 'mail', 'snmp', 'administrators'] as const;

/** The kind of an external peer. */
export type PeerKind = (typeof PEER_KINDS)[number];
