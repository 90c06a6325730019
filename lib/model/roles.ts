import { BUILTIN, BUILTIN_CATALOGS } from './builtin';
import {
  BUILTIN_PEER_KINDS,
  BUILTIN_ROLE_GROUPS,
  BUILTIN_ROLE_IDS,
  type BuiltinPeerKind,
  type BuiltinRoleId,
  type NormalizedSumOptions,
} from './builtin.generated';
import type { CatalogCondition, HostOs } from './catalog-format';

export { HOST_OS, type HostOs } from './catalog-format';

/** A field of the product props that lists group names of one role. */
export type RoleGroupsProp = (typeof BUILTIN_ROLE_GROUPS)[BuiltinRoleId]['field'];

/** Product id: a built-in one (`serverprotect`, `sum`) or the product of a user's catalog. */
export type ProductId = 'serverprotect' | 'sum' | (string & {});

/** A product whose port table the library encodes. */
export interface Product {
  /** The product's name and release. */
  readonly name: string;
  /** The vendor document its rows cite, by title. */
  readonly document: string;
  /** The identifier of the copy of that document the rows were read from. */
  readonly reference: string;
}

const [SERVERPROTECT_CATALOG, SUM_CATALOG] = BUILTIN_CATALOGS;

function product(c: (typeof BUILTIN_CATALOGS)[number]): Product {
  const [doc] = c.product.documents;
  return { name: c.product.name, document: doc.title, reference: doc.reference ?? doc.url ?? '' };
}

/** The two built-in products, from their catalogs: name and the vendor document of their rows. */
export const PRODUCTS: Readonly<Record<'serverprotect' | 'sum', Product>> = {
  serverprotect: product(SERVERPROTECT_CATALOG),
  sum: product(SUM_CATALOG),
};

/**
 * The source of the HP SUM 7.x+ profile, which the 5.x document predates: the network port tables of
 * the HP SUM online help (7.3.0 and later).
 */
export const SUM_LATER_SOURCE: string = SUM_CATALOG.product.documents[1].title;

/** An HP SUM profile: `5.x` (the 5.x user guide's table) or `7.x+` (7.3.0 and later). */
export type SumProfile = NormalizedSumOptions['profile'];

/** HP SUM releases whose port tables differ, from the catalog's `profile` option. */
export const SUM_PROFILES: readonly SumProfile[] = SUM_CATALOG.options.flatMap((o) =>
  o.name === 'profile' && o.type === 'choice' ? (o.values as SumProfile[]) : [],
);

/** Every built-in role id, in catalog order. */
export const ROLE_IDS = BUILTIN_ROLE_IDS;

/** A role id: a built-in one such as `serverprotect:console` or `sum:target:linux`, or a role of a user's catalog. */
export type RoleId = BuiltinRoleId | (string & {});

/** What a built-in role is. */
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

// The profiles a role's requirements allow: the values of its `profile` conditions.
function profilesOf(requires: readonly { readonly when: CatalogCondition }[]): readonly SumProfile[] | undefined {
  const named = requires.flatMap((q) => {
    const v = q.when.profile;
    return v === undefined ? [] : ((Array.isArray(v) ? v : [v]) as SumProfile[]);
  });
  return named.length ? named : undefined;
}

/** Every built-in role, from the catalogs. */
export const ROLES: Readonly<Record<BuiltinRoleId, Role>> = Object.fromEntries(
  BUILTIN_ROLE_IDS.map((id) => {
    const r = BUILTIN.role(id);
    if (!r) throw new Error(`built-in role ${id} missing from the catalogs`);
    const profiles = profilesOf(r.requires);
    return [
      id,
      {
        product: r.product,
        label: r.label,
        ...(profiles ? { profiles } : {}),
        hostOs: r.hostOs,
        prop: BUILTIN_ROLE_GROUPS[id].field,
      },
    ];
  }),
) as Record<BuiltinRoleId, Role>;

/** The HP SUM target roles. */
export const SUM_TARGET_ROLES: readonly BuiltinRoleId[] = ROLE_IDS.filter((r) => r.startsWith('sum:target:'));

/** The HP SUM profiles a built-in role exists in. */
export function roleProfiles(role: BuiltinRoleId): readonly SumProfile[] {
  return ROLES[role].profiles ?? SUM_PROFILES;
}

/**
 * The built-in kinds of hosts outside the products that the user names by address: a Trend Micro
 * Control Manager, an update source (ActiveUpdate or its proxy), a mail server, an SNMP manager,
 * and the administrators' network that opens the HP SUM 7.x+ web UI.
 */
export const PEER_KINDS = BUILTIN_PEER_KINDS;

/** The kind of an external peer: a built-in one, or one of a user's catalog. */
export type PeerKind = BuiltinPeerKind | (string & {});
