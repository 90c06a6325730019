import type { Declaration, GroupDeclaration, PeerDeclaration, ServerProtectOptions, SumOptions } from './options';
import { ArgumentError } from './errors';
import type { RoleId } from './roles';

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
  /** @default - reading.md section D defaults */
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
  /** @default - reading.md section D defaults, profile 5.x */
  readonly options?: SumOptions;
  /** @default 'default' */
  readonly egress?: 'default' | 'restricted';
}

const groups = (role: RoleId, names: readonly string[] | undefined, fallback: readonly string[]): GroupDeclaration[] =>
  (names ?? fallback).map((name) => ({ name, role }));

/** The declaration of a ServerProtect deployment. */
export function serverProtectDeclaration(p: ServerProtectGroups): Declaration {
  return {
    groups: [
      ...groups('serverprotect:console', p.consoleGroups, ['console']),
      ...groups('serverprotect:information-server', p.informationServerGroups, ['information-server']),
      ...groups('serverprotect:normal-server', p.normalServerGroups, ['normal-servers']),
    ],
    peers: p.peers,
    serverProtect: p.options,
    egress: p.egress,
  };
}

// Target group props of SmartUpdateManagerGroups, in role catalog order.
const TARGET_GROUPS = {
  windowsTargetGroups: 'sum:target:windows',
  linuxTargetGroups: 'sum:target:linux',
  integrityTargetGroups: 'sum:target:integrity',
  vmwareTargetGroups: 'sum:target:vmware',
  iloTargetGroups: 'sum:target:ilo',
  onboardAdministratorTargetGroups: 'sum:target:onboard-administrator',
  virtualConnectTargetGroups: 'sum:target:virtual-connect',
  switchTargetGroups: 'sum:target:switch',
  superdomeXTargetGroups: 'sum:target:superdome-x',
  superdomeFlexTargetGroups: 'sum:target:superdome-flex',
} as const satisfies Record<string, RoleId>;

/** The declaration of an HP SUM deployment. */
export function smartUpdateManagerDeclaration(p: SmartUpdateManagerGroups): Declaration {
  return {
    groups: [
      ...groups('sum:workstation', p.workstationGroups, ['workstation']),
      ...(Object.entries(TARGET_GROUPS) as [keyof typeof TARGET_GROUPS, RoleId][]).flatMap(([prop, role]) => groups(role, p[prop], [])),
    ],
    peers: p.peers,
    sum: p.options,
    egress: p.egress,
  };
}

/**
 * One declaration from several product declarations (`serverProtectDeclaration(...)`,
 * `smartUpdateManagerDeclaration(...)`), for hosts with roles from both products: one adapter
 * component then orders every product's allow rules before every deny. Groups and peers are
 * concatenated (their names must stay unique); each product's options come from the part that sets
 * them; `egress` is `restricted` when any part restricts it.
 * @throws ArgumentError when two parts set the same options block (`serverProtect` or `sum`)
 */
export function mergeDeclarations(...parts: readonly Declaration[]): Declaration {
  const one = <K extends 'serverProtect' | 'sum'>(key: K): Declaration[K] => {
    const set = parts.map((p, i) => [i, p[key]] as const).filter(([, v]) => v !== undefined);
    if (set.length > 1) throw new ArgumentError(`parts[${set[1][0]}].${key}`, set[1][1], `${key} options in one part only (part ${set[0][0]} sets them)`);
    return set[0]?.[1];
  };
  const serverProtect = one('serverProtect');
  const sum = one('sum');
  const egress = parts.some((p) => p.egress === 'restricted') ? 'restricted' : parts.some((p) => p.egress === 'default') ? 'default' : undefined;
  return {
    groups: parts.flatMap((p) => p.groups),
    peers: parts.flatMap((p) => p.peers ?? []),
    ...(serverProtect ? { serverProtect } : {}),
    ...(sum ? { sum } : {}),
    ...(egress ? { egress } : {}),
  };
}
