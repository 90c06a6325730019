import type { Declaration, GroupDeclaration, PeerDeclaration, ServerProtectOptions, SumOptions } from './options';
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
