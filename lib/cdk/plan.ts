import { Annotations, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ROLES, resolve, type Declaration, type Endpoint, type Resolution, type ResolvedFlow, type RoleId } from '../spec';
import { checkRuleCounts, stackLimits } from './limits';

/** A security group portplan did not create, used for one role group. */
export interface ExistingSecurityGroup {
  /** The group, for example from `ec2.SecurityGroup.fromSecurityGroupId()`, possibly in another stack. */
  readonly securityGroup: ec2.ISecurityGroup;
  /**
   * Whether portplan may add rules to it. When false, the rules it would need are not created:
   * they are listed in `skippedFlows` and in a synth warning, for the group's owner to add.
   * @default true
   */
  readonly mutable?: boolean;
}

/** Properties of {@link PortPlan}. */
export interface PortPlanProps {
  /** The VPC the security groups are created in. */
  readonly vpc: ec2.IVpc;
  /** Role groups, peers and options, as the spec's `resolve()` takes them. */
  readonly declaration: Declaration;
  /**
   * Existing security groups to use instead of new ones, by group name.
   * @default - portplan creates one security group per role group
   */
  readonly existingSecurityGroups?: Readonly<Record<string, ExistingSecurityGroup>>;
  /**
   * Most inbound (and most outbound) rules portplan may put on one group. AWS's default quota is 60;
   * raise it where the account's quota is raised.
   * @default 60
   */
  readonly maxRulesPerGroup?: number;
}

/** The security group of one role group: connectable like any `ec2.IConnectable`. */
export class RoleGroup implements ec2.IConnectable {
  /** The connections of the group's security group, for `allowFrom`/`allowTo` of your own. */
  readonly connections: ec2.Connections;
  constructor(
    /** The group name from the declaration. */
    readonly name: string,
    /** The role id, e.g. `serverprotect:information-server`. */
    readonly role: RoleId,
    /** The group's security group: add it to instances with `instance.addSecurityGroup()`. */
    readonly securityGroup: ec2.ISecurityGroup,
  ) {
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
  }
}

const PROTOCOL = { tcp: ec2.Protocol.TCP, udp: ec2.Protocol.UDP } as const;

function port(f: ResolvedFlow): ec2.Port {
  return new ec2.Port({
    protocol: PROTOCOL[f.protocol],
    fromPort: f.fromPort,
    toPort: f.toPort,
    stringRepresentation: `${f.protocol.toUpperCase()} ${f.fromPort}-${f.toPort}`,
  });
}

function cidrPeer(cidr: string): ec2.IPeer {
  return cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
}

/** The AWS description of a group: depends on the role and name only, so options never replace it. */
export function groupDescription(name: string, role: RoleId): string {
  return `portplan ${ROLES[role].label} (${name})`;
}

/** Resolves the declaration and checks the props against it and the rule limit. */
function check(props: PortPlanProps): Resolution {
  const resolution = resolve(props.declaration);
  const groups = resolution.declaration.groups.map((g) => g.name);
  for (const name of Object.keys(props.existingSecurityGroups ?? {})) {
    if (!groups.includes(name)) throw new Error(`existingSecurityGroups.${name}: no group of that name in the declaration; groups are ${groups.join(', ')}`);
  }
  checkRuleCounts(resolution, props.maxRulesPerGroup ?? 60);
  return resolution;
}

/**
 * Security groups for the role groups of a declaration, with exactly the rules `resolve()` gives.
 *
 * Rules between two security groups (and every rule on an existing group) are separate
 * `AWS::EC2::SecurityGroupIngress`/`Egress` resources in this construct's scope, so groups that
 * allow each other form no circular dependency, and groups in other stacks are only referenced
 * from this stack. Rules from an address range onto a group portplan created are inline.
 */
export class PortPlan extends Construct {
  /** The resolved flows and warnings this construct was built from. */
  readonly resolution: Resolution;
  /** Flows not created because their group is an immutable existing group. */
  readonly skippedFlows: readonly ResolvedFlow[];
  private readonly byName = new Map<string, RoleGroup>();

  constructor(scope: Construct, id: string, props: PortPlanProps) {
    super(scope, id);
    // Everything is checked before the first resource is created; a failed check leaves no trace in the tree.
    try {
      this.resolution = check(props);
    } catch (e) {
      scope.node.tryRemoveChild(id);
      throw e;
    }
    const d = this.resolution.declaration;
    const existing = props.existingSecurityGroups ?? {};
    const restricted = d.egress === 'restricted';

    for (const g of d.groups) {
      const sg = existing[g.name]?.securityGroup ?? new ec2.SecurityGroup(this, g.name, {
        vpc: props.vpc,
        description: groupDescription(g.name, g.role),
        allowAllOutbound: !restricted,
      });
      if (!existing[g.name]) Tags.of(sg).add('portplan:role', g.role);
      this.byName.set(g.name, new RoleGroup(g.name, g.role, sg));
    }

    const cidr = (e: Endpoint): string => d.peers.find((p) => p.name === e.name)?.cidr ?? '';
    const owned = (e: Endpoint) => e.kind === 'group' && !existing[e.name];
    const mutable = (e: Endpoint) => e.kind === 'group' && existing[e.name]?.mutable !== false;
    const skipped: ResolvedFlow[] = [];
    // A rule lives on `own` (the listener inbound, the initiator outbound) and names `other`.
    const place = (direction: 'in' | 'out', f: ResolvedFlow, own: Endpoint, other: Endpoint) => {
      const sg = this.group(own.name).securityGroup;
      if (!mutable(own)) return skipped.push(f);
      if (other.kind === 'peer' && owned(own)) {
        const add = direction === 'in' ? sg.addIngressRule.bind(sg) : sg.addEgressRule.bind(sg);
        return add(cidrPeer(cidr(other)), port(f), f.description);
      }
      const rule = { groupId: sg.securityGroupId, ipProtocol: f.protocol, fromPort: f.fromPort, toPort: f.toPort, description: f.description };
      const otherGroup = other.kind === 'group' ? this.group(other.name).securityGroup.securityGroupId : undefined;
      const id = `${direction}-${own.name}-${direction === 'in' ? 'from' : 'to'}-${other.name}-${f.protocol}-${f.fromPort}-${f.toPort}`;
      if (direction === 'in') {
        new ec2.CfnSecurityGroupIngress(this, id, { ...rule, ...(otherGroup ? { sourceSecurityGroupId: otherGroup } : sourceCidr(cidr(other))) });
      } else {
        new ec2.CfnSecurityGroupEgress(this, id, { ...rule, ...(otherGroup ? { destinationSecurityGroupId: otherGroup } : destinationCidr(cidr(other))) });
      }
    };
    for (const f of this.resolution.flows) {
      if (f.to.kind === 'group') place('in', f, f.to, f.from);
      if (restricted && f.from.kind === 'group') place('out', f, f.from, f.to);
    }
    this.skippedFlows = [...new Set(skipped)];

    for (const w of this.resolution.warnings) Annotations.of(this).addWarningV2(`portplan:${w.code}`, `${w.rows.length ? `${w.rows.join(', ')}: ` : ''}${w.message}`);
    if (this.skippedFlows.length) {
      Annotations.of(this).addWarningV2(
        'portplan:immutable-group',
        `rules not added to immutable existing groups, for their owner to add: ${this.skippedFlows.map((f) => `${f.from.name} > ${f.to.name} ${f.protocol} ${f.fromPort}-${f.toPort} (${f.rows.join(' ')})`).join('; ')}`,
      );
    }
    this.node.addValidation({ validate: () => stackLimits(Stack.of(this)) });
  }

  /** The role group of this name. */
  group(name: string): RoleGroup {
    const g = this.byName.get(name);
    if (!g) throw new Error(`no group named ${JSON.stringify(name)}; groups are ${[...this.byName.keys()].join(', ')}`);
    return g;
  }

  /** Every role group, in declaration order. */
  get groups(): readonly RoleGroup[] {
    return [...this.byName.values()];
  }

  /** The role groups of one role, in declaration order. */
  groupsOf(role: RoleId): readonly RoleGroup[] {
    return this.groups.filter((g) => g.role === role);
  }

  /** The first role group of one role; throws where the declaration has none. */
  protected firstOf(role: RoleId): RoleGroup {
    const [g] = this.groupsOf(role);
    if (!g) throw new Error(`${this.node.path} declares no ${role} group`);
    return g;
  }

  /** Number of CloudFormation resources this construct adds (security groups and separate rules). */
  get resourceCount(): number {
    return this.node.findAll().filter(CfnResource.isCfnResource).length;
  }
}

function sourceCidr(cidr: string) {
  return cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIp: cidr };
}

function destinationCidr(cidr: string) {
  return cidr.includes(':') ? { destinationCidrIpv6: cidr } : { destinationCidrIp: cidr };
}
