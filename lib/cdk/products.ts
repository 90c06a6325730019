import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { GroupDeclaration, PeerDeclaration, RoleId, ServerProtectOptions, SumOptions } from '../spec';
import { PortPlan, type ExistingSecurityGroup, type RoleGroup } from './plan';

/** Properties shared by the product constructs. */
export interface ProductProps {
  /** The VPC the security groups are created in. */
  readonly vpc: ec2.IVpc;
  /**
   * `restricted` turns off all-outbound and adds the egress rule of every flow to the initiator's group.
   * @default 'default'
   */
  readonly egress?: 'default' | 'restricted';
  /**
   * Existing security groups to use instead of new ones, by group name.
   * @default - one new security group per role group
   */
  readonly existingSecurityGroups?: Readonly<Record<string, ExistingSecurityGroup>>;
  /**
   * Most inbound (and outbound) rules on one group.
   * @default 60
   */
  readonly maxRulesPerGroup?: number;
}

/** Properties of {@link ServerProtect}. */
export interface ServerProtectProps extends ProductProps {
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
}

/** Properties of {@link SmartUpdateManager}. */
export interface SmartUpdateManagerProps extends ProductProps {
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
}

const groups = (role: RoleId, names: readonly string[] | undefined, fallback: readonly string[]): GroupDeclaration[] =>
  (names ?? fallback).map((name) => ({ name, role }));

/** Trend Micro ServerProtect for Windows 5.8: console, information server and normal server groups. */
export class ServerProtect extends PortPlan {
  constructor(scope: Construct, id: string, props: ServerProtectProps) {
    super(scope, id, {
      ...props,
      declaration: {
        groups: [
          ...groups('serverprotect:console', props.consoleGroups, ['console']),
          ...groups('serverprotect:information-server', props.informationServerGroups, ['information-server']),
          ...groups('serverprotect:normal-server', props.normalServerGroups, ['normal-servers']),
        ],
        peers: props.peers,
        serverProtect: props.options,
        egress: props.egress,
      },
    });
  }

  /** The first management console group. */
  get console(): RoleGroup {
    return this.firstOf('serverprotect:console');
  }

  /** The first information server group. */
  get informationServer(): RoleGroup {
    return this.firstOf('serverprotect:information-server');
  }

  /** The first normal server group. */
  get normalServers(): RoleGroup {
    return this.firstOf('serverprotect:normal-server');
  }
}

/** HP Smart Update Manager 5.x: workstation groups and Windows, Linux or Integrity target groups. */
export class SmartUpdateManager extends PortPlan {
  constructor(scope: Construct, id: string, props: SmartUpdateManagerProps) {
    super(scope, id, {
      ...props,
      declaration: {
        groups: [
          ...groups('sum:workstation', props.workstationGroups, ['workstation']),
          ...groups('sum:target:windows', props.windowsTargetGroups, []),
          ...groups('sum:target:linux', props.linuxTargetGroups, []),
          ...groups('sum:target:integrity', props.integrityTargetGroups, []),
        ],
        sum: props.options,
        egress: props.egress,
      },
    });
  }

  /** The first workstation group. */
  get workstation(): RoleGroup {
    return this.firstOf('sum:workstation');
  }

  /** Every target group, Windows, Linux and Integrity. */
  get targets(): readonly RoleGroup[] {
    return this.groups.filter((g) => g.role.startsWith('sum:target:'));
  }
}
