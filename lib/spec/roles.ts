/** The two products whose port tables the library encodes. */
export const PRODUCTS = {
  serverprotect: {
    name: 'Trend Micro ServerProtect for Windows 5.8',
    document: '000_c65ec61fa47a9b70.txt',
  },
  sum: {
    name: 'HP Smart Update Manager 5.x',
    document: '004_ed1e357c3fbdda0e.txt',
  },
} as const;

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
  'sum:target:integrity': { product: 'sum', label: 'HP SUM target (Integrity)' },
} as const satisfies Record<string, { product: ProductId; label: string }>;

/** A role id such as `serverprotect:console` or `sum:target:linux`. */
export type RoleId = keyof typeof ROLES;

/** All role ids, in catalog order. */
export const ROLE_IDS = Object.keys(ROLES) as RoleId[];

/** The HP SUM target roles. */
export const SUM_TARGET_ROLES = ['sum:target:windows', 'sum:target:linux', 'sum:target:integrity'] as const satisfies readonly RoleId[];

/**
 * Hosts outside the two products that the user names by address: a Trend Micro Control Manager,
 * an update source (ActiveUpdate or its proxy), a mail server, an SNMP manager.
 */
export const PEER_KINDS = ['control-manager', 'update-source', 'mail', 'snmp'] as const;

/** The kind of an external peer. */
export type PeerKind = (typeof PEER_KINDS)[number];
