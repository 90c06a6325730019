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
  /** Names of the Integrity target groups. @default [] */
  readonly integrityTargetGroups?: readonly string[];
  /** @default - reading.md section D defaults */
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

/** The declaration of an HP SUM deployment. */
export function smartUpdateManagerDeclaration(p: SmartUpdateManagerGroups): Declaration {
  return {
    groups: [
      ...groups('sum:workstation', p.workstationGroups, ['workstation']),
      ...groups('sum:target:windows', p.windowsTargetGroups, []),
      ...groups('sum:target:linux', p.linuxTargetGroups, []),
      ...groups('sum:target:integrity', p.integrityTargetGroups, []),
    ],
    sum: p.options,
    egress: p.egress,
  };
}
