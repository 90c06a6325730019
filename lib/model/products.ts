import type { CatalogDeclaration, Declaration, GroupDeclaration } from './options';
import { BUILTIN_ROLE_GROUPS, type ServerProtectGroups, type SmartUpdateManagerGroups } from './builtin.generated';
import { ArgumentError } from './errors';
import { ROLES, ROLE_IDS, type ProductId, type RoleGroupsProp } from './roles';

// The product group interfaces are generated from the built-in catalogs (each role's `api` fields).
export type { ServerProtectGroups, SmartUpdateManagerGroups };

// The groups of one product, in role catalog order, from the props ROLES names for each role; a
// role the props leave out gets its catalog's default groups (one group of each ServerProtect role
// and one SUM workstation; SUM targets only where named).
function productGroups(product: ProductId, props: ServerProtectGroups | SmartUpdateManagerGroups): GroupDeclaration[] {
  const named = props as Partial<Record<RoleGroupsProp, readonly string[]>>;
  return ROLE_IDS.filter((role) => ROLES[role].product === product).flatMap((role) =>
    (named[ROLES[role].prop] ?? BUILTIN_ROLE_GROUPS[role].defaults).map((name) => ({ name, role })),
  );
}

/** The declaration of a ServerProtect deployment. */
export function serverProtectDeclaration(p: ServerProtectGroups): Declaration {
  return { groups: productGroups('serverprotect', p), peers: p.peers, serverProtect: p.options, egress: p.egress };
}

/** The declaration of an HP SUM deployment. */
export function smartUpdateManagerDeclaration(p: SmartUpdateManagerGroups): Declaration {
  return { groups: productGroups('sum', p), peers: p.peers, sum: p.options, egress: p.egress };
}

/**
 * One declaration from several product declarations (`serverProtectDeclaration(...)`,
 * `smartUpdateManagerDeclaration(...)`, or a declaration of a user's catalog's roles), for hosts
 * with roles from several products: one adapter component then orders every product's allow rules
 * before every deny. Groups and peers are concatenated (their names must stay unique); each
 * product's options block (`serverProtect`, `sum`, a catalog product's options field) comes from
 * the part that sets it; `egress` is `restricted` when any part restricts it.
 * @throws ArgumentError when two parts set the same options block
 */
export function mergeDeclarations(...parts: readonly (Declaration | CatalogDeclaration)[]): CatalogDeclaration {
  const blocks: Record<string, unknown> = {};
  const setBy = new Map<string, number>();
  parts.forEach((p, i) => {
    for (const [key, value] of Object.entries(p)) {
      if (key === 'groups' || key === 'peers' || key === 'egress' || value === undefined) continue;
      const first = setBy.get(key);
      if (first !== undefined) {
        throw new ArgumentError(
          `parts[${i}].${key}`,
          value,
          `${key} options in one part only (part ${first} sets them)`,
        );
      }
      setBy.set(key, i);
      blocks[key] = value;
    }
  });
  const egress = parts.some((p) => p.egress === 'restricted')
    ? 'restricted'
    : parts.some((p) => p.egress === 'default')
      ? 'default'
      : undefined;
  return {
    groups: parts.flatMap((p) => p.groups),
    peers: parts.flatMap((p) => p.peers ?? []),
    ...blocks,
    ...(egress ? { egress } : {}),
  };
}
