import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { SUM_TARGET_ROLES, serverProtectDeclaration, smartUpdateManagerDeclaration } from '../model';
import { PortPlan, type ExistingSecurityGroup, type RoleGroup } from './plan';
import type { ServerProtectProps, SmartUpdateManagerProps } from './products.generated';

/** Properties shared by the product constructs. */
export interface ProductProps {
  /** The VPC the security groups are created in. */
  readonly vpc: ec2.IVpc;
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
  /**
   * Most security groups on one network interface, checked over the whole app at synth.
   * @default 5
   */
  readonly maxSecurityGroupsPerInterface?: number;
}

// The product constructs' props (ServerProtectProps, SmartUpdateManagerProps) are generated from the
// built-in catalogs into products.generated.ts.
export type { ServerProtectProps, SmartUpdateManagerProps } from './products.generated';

/** Trend Micro ServerProtect for Windows 5.8: console, information server and normal server groups. */
export class ServerProtect extends PortPlan {
  constructor(scope: Construct, id: string, props: ServerProtectProps) {
    super(scope, id, { ...props, declaration: serverProtectDeclaration(props) });
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

/** HP Smart Update Manager (profile 5.x or 7.x+): workstation groups and target groups of each kind. */
export class SmartUpdateManager extends PortPlan {
  constructor(scope: Construct, id: string, props: SmartUpdateManagerProps) {
    super(scope, id, { ...props, declaration: smartUpdateManagerDeclaration(props) });
  }

  /** The first workstation group. */
  get workstation(): RoleGroup {
    return this.firstOf('sum:workstation');
  }

  /** Every target group, of every kind. */
  get targets(): readonly RoleGroup[] {
    return this.groups.filter((g) => (SUM_TARGET_ROLES as readonly string[]).includes(g.role));
  }
}
