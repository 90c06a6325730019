import type {
  CatalogDeclaration,
  Declaration,
  GroupDeclaration,
  PeerDeclaration,
  ServerProtectOptions,
  SumOptions,
} from './options';
import { ArgumentError } from './errors';
import { ROLES, ROLE_IDS, type ProductId, type RoleGroupsProp, type RoleId } from './roles';

/** The ServerProtect part of a declaration, as the product constructs take it. */
export interface ServerProtectGroups {
  /** Names of the management console groups. @default ['console'] */
  readonly consoleGroups?: readonly string[];
  /** Names of the information server groups. @default ['information-server'] */
  readonly informationServerGroups?: readonly string[];
  /** Names of the normal server groups. @default ['normal-servers'] */
  readonly normalServerGroups?: readonly string[];
  /** Control Manager, update source, mail and SNMP peers. @default [] */
  readonly peers?: readonly PeerDeclaration[];
  /** @default - every ServerProtect option at its own default */
  readonly options?: ServerProtectOptions;
  /** @default 'default' */
  readonly egress?: 'default' | 'restricted';
}

/** The HP SUM part of a declaration, as the product constructs take it. */
export interface SmartUpdateManagerGroups {
  /** Names of the SUM workstation groups. @default ['workstation'] */
  readonly workstationGroups?: readonly string[];
  /** Names of the Windows target groups. @default [] */
  readonly windowsTargetGroups?: readonly string[];
  /** Names of the Linux target groups. @default [] */
  readonly linuxTargetGroups?: readonly string[];
  /** Names of the Integrity target groups (profile 5.x). @default [] */
  readonly integrityTargetGroups?: readonly string[];
  /** Names of the VMware ESXi target groups (profile 7.x+). @default [] */
  readonly vmwareTargetGroups?: readonly string[];
  /** Names of the iLO target groups (profile 7.x+). @default [] */
  readonly iloTargetGroups?: readonly string[];
  /** Names of the Onboard Administrator target groups (profile 7.x+). @default [] */
  readonly onboardAdministratorTargetGroups?: readonly string[];
  /** Names of the Virtual Connect target groups (profile 7.x+). @default [] */
  readonly virtualConnectTargetGroups?: readonly string[];
  /** Names of the FC or SAS switch target groups (profile 7.x+). @default [] */
  readonly switchTargetGroups?: readonly string[];
  /** Names of the Superdome X target groups (profile 7.x+). @default [] */
  readonly superdomeXTargetGroups?: readonly string[];
  /** Names of the Superdome Flex target groups (profile 7.x+). @default [] */
  readonly superdomeFlexTargetGroups?: readonly string[];
  /** The administrators' network that opens the workstation's web UI (profile 7.x+, kind `administrators`). @default [] */
  readonly peers?: readonly PeerDeclaration[];
  /** @default - every HP SUM option at its own default (profile 5.x) */
  readonly options?: SumOptions;
  /** @default 'default' */
  readonly egress?: 'default' | 'restricted';
}

// The group names a product construct uses for a role its props leave out: one group of each
// ServerProtect role and one SUM workstation; SUM targets only where named.
const DEFAULT_GROUPS: Partial<Record<RoleId, readonly string[]>> = {
  'serverprotect:console': ['console'],
  'serverprotect:information-server': ['information-server'],
  'serverprotect:normal-server': ['normal-servers'],
  'sum:workstation': ['workstation'],
};

// The groups of one product, in role catalog order, from the props ROLES names for each role.
function productGroups(product: ProductId, props: ServerProtectGroups | SmartUpdateManagerGroups): GroupDeclaration[] {
  const named = props as Partial<Record<RoleGroupsProp, readonly string[]>>;
  return ROLE_IDS.filter((role) => ROLES[role].product === product).flatMap((role) =>
    (named[ROLES[role].prop] ?? DEFAULT_GROUPS[role] ?? []).map((name) => ({ name, role })),
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
