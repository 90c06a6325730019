import { Annotations, CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, type IConstruct, type MetadataOptions, type Node } from 'constructs';
import {
  ArgumentError,
  GROUP_TAG,
  NAME_TARGETS,
  ROLE_TAG,
  catalogSet,
  composeName,
  resolve,
  user,
  type CatalogDeclaration,
  type CatalogSet,
  type CatalogSource,
  warningText,
  type Declaration,
  type Resolution,
  type ResolvedFlow,
  type RoleId,
} from '../model';
import { appLimits } from './limits';
import { roleMembershipErrors } from './membership';
import {
  MAX_GROUPS_PER_INTERFACE,
  MAX_GROUPS_PER_INTERFACE_RAISED,
  MAX_RULES_PER_GROUP,
  checkQuotaProduct,
  checkWholeNumber,
  planAws,
  type GroupTreatment,
  type PlannedRule,
  type RulePlan,
  type RuleRemote,
} from '../aws';

/** A security group portplan did not create, used for one role group. */
export interface ExistingSecurityGroup {
  /** The group, for example from `ec2.SecurityGroup.fromSecurityGroupId()`, possibly in another stack. */
  readonly securityGroup: ec2.ISecurityGroup;
  /**
   * Whether portplan may add rules to it. When false, the rules it would need are not created:
   * they are listed in `skippedFlows` and in a synth warning, for the group's owner to add. A group
   * imported with CDK's own `SecurityGroup.fromSecurityGroupId(..., { mutable: false })` is
   * immutable whatever this says.
   * @default true
   */
  readonly mutable?: boolean;
}

/** Properties of {@link PortPlan}. */
export interface PortPlanProps {
  /** The VPC the security groups are created in. */
  readonly vpc: ec2.IVpc;
  /**
   * Role groups, peers and options, as the spec's `resolve()` takes them. The options of a product
   * from `catalogs` go under that product's options field (`{ groups, shop: { workers: 4 } }`).
   */
  readonly declaration: Declaration | CatalogDeclaration;
  /**
   * Catalogs of your own, beside the built-in products: `readCatalogFile()`, `loadCatalog()` or
   * `defineCatalog()` results, or catalog definitions. Their roles, peer kinds and options may be
   * used in `declaration`; group and rule descriptions come from them. A catalog with a built-in
   * product's id replaces that product. A bad catalog throws `CatalogError` before any construct
   * is created.
   * @default - the built-in products only
   */
  readonly catalogs?: readonly CatalogSource[];
  /**
   * Existing security groups to use instead of new ones, by group name.
   * @default - portplan creates one security group per role group
   */
  readonly existingSecurityGroups?: Readonly<Record<string, ExistingSecurityGroup>>;
  /**
   * Most inbound (and most outbound) rules portplan may put on one group. AWS's default quota is 60;
   * raise it where the account's quota is raised.
   * The quota applies to IPv4 and IPv6 rules separately; a rule naming a group counts in both.
   * @default 60
   */
  readonly maxRulesPerGroup?: number;
  /**
   * Most security groups on one network interface: every instance, network interface and launch
   * template of the app is checked at synth. AWS's default quota is 5; an account can raise it to 16.
   * @default 5
   */
  readonly maxSecurityGroupsPerInterface?: number;
}

/** Something that takes security groups: an instance, a launch template, an Auto Scaling group. */
export interface SecurityGroupTaker {
  /** Adds a security group (as `ec2.Instance`, `ec2.LaunchTemplate` and `AutoScalingGroup` do). */
  addSecurityGroup(securityGroup: ec2.ISecurityGroup): void;
}

/** The security group of one role group: connectable like any `ec2.IConnectable`. */
export class RoleGroup implements ec2.IConnectable {
  /** The connections of the group's own security group, for `allowFrom`/`allowTo` of your own. */
  readonly connections: ec2.Connections;
  /**
   * Every security group a host of the group carries: the group's own, then, when its role has two
   * or more groups, the role's security group (flows every group of the role has alike are written
   * once, there). Add them all to the group's hosts, or use {@link RoleGroup.addTo}.
   */
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  constructor(
    /** The group name from the declaration. */
    readonly name: string,
    /** The role id, e.g. `serverprotect:information-server`. */
    readonly role: RoleId,
    /** The group's own security group. A host also needs the others of {@link RoleGroup.securityGroups}. */
    readonly securityGroup: ec2.ISecurityGroup,
    /** The security group of the group's role, when the role has two or more groups. @default - none */
    readonly roleSecurityGroup?: ec2.ISecurityGroup,
  ) {
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    this.securityGroups = roleSecurityGroup ? [securityGroup, roleSecurityGroup] : [securityGroup];
  }

  /** Adds every security group a host of the group carries to an instance, launch template or Auto Scaling group. */
  addTo(host: SecurityGroupTaker): void {
    for (const sg of this.securityGroups) host.addSecurityGroup(sg);
  }
}

// ICMPv6 is IpProtocol 58; EC2 reads an ICMP rule's FromPort and ToPort as type and code, -1 for all
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
const PROTOCOL = {
  tcp: ec2.Protocol.TCP,
  udp: ec2.Protocol.UDP,
  icmp: ec2.Protocol.ICMP,
  icmpv6: ec2.Protocol.ICMPV6,
} as const;

function port(r: PlannedRule): ec2.Port {
  return new ec2.Port({
    protocol: PROTOCOL[r.protocol],
    fromPort: r.fromPort,
    toPort: r.toPort,
    stringRepresentation: `${r.protocol.toUpperCase()} ${r.fromPort}-${r.toPort}`,
  });
}

/**
 * The AWS description of a group: depends on the role and name only, so options never replace it.
 * @param name the group's name
 * @param role the group's role
 * @param catalog the catalogs that have the role (a resolution's `catalog`)
 * @default catalog - the built-in products
 */
export function groupDescription(name: string, role: RoleId, catalog: CatalogSet = catalogSet()): string {
  return `portplan ${catalog.role(role)?.label ?? role} (${name})`;
}

/**
 * Whether aws-cdk-lib refuses rules on this group: `SecurityGroup.fromSecurityGroupId(..., {
 * mutable: false })` returns an import whose `addIngressRule` and `addEgressRule` do nothing. CDK
 * exposes no flag for it, and the class that does it is private, so portplan asks the group
 * itself: it runs the group's own `addIngressRule` (a rule from 192.0.2.1/32, TEST-NET-1 of
 * RFC 5737, which no site's rule names) on a stand-in whose construct node is a scratch
 * construct in an app of its own, and sees whether a rule appears there. The stand-in inherits
 * everything else from the group, and whatever the method writes on `this` lands on the
 * stand-in, so the app is never touched. A group created in the app (an `ec2.SecurityGroup`)
 * always takes rules; a group that is not a CDK security group is never CDK-immutable.
 */
export function isCdkImmutable(sg: ec2.ISecurityGroup): boolean {
  if (!ec2.SecurityGroup.isSecurityGroup(sg) || sg instanceof ec2.SecurityGroup) return false;
  // Two probes, so that a rule of the user's with the probe's own id (which CDK would skip as a
  // duplicate) cannot make a mutable group look immutable.
  return !['192.0.2.1/32', '192.0.2.2/32'].some((cidr) => addsIngressRule(sg, cidr));
}

function addsIngressRule(sg: ec2.ISecurityGroup, cidr: string): boolean {
  // A stack under a bare root construct: an App would make an output directory on disk.
  const scratch = new Construct(new Stack(new Construct(undefined as unknown as Construct, ''), 'Probe'), 'Group');
  const standIn = Object.create(sg, { node: { value: scratch.node } }) as ec2.ISecurityGroup;
  sg.addIngressRule.call(standIn, ec2.Peer.ipv4(cidr), ec2.Port.tcp(65535));
  return scratch.node.children.length > 0;
}

/** Everything a PortPlan needs, computed and checked before the first construct exists. */
interface Prepared {
  readonly resolution: Resolution;
  readonly plan: RulePlan;
  readonly maxGroupsPerInterface: number;
}

/** How the plan treats each existing group: checked against the declaration's group names. */
function existingTreatment(
  resolution: Resolution,
  existingSecurityGroups: Readonly<Record<string, ExistingSecurityGroup>>,
): Record<string, GroupTreatment> {
  const names = resolution.declaration.groups.map((g) => g.name);
  const treatment: Record<string, GroupTreatment> = {};
  for (const [name, e] of Object.entries(existingSecurityGroups)) {
    if (!names.includes(name)) {
      throw new ArgumentError(
        `existingSecurityGroups.${name}`,
        name,
        `no group of that name in the declaration; groups are ${names.join(', ')}`,
      );
    }
    const sg: unknown = typeof e === 'object' && e !== null ? e.securityGroup : undefined;
    if (typeof sg !== 'object' || sg === null || !('securityGroupId' in sg)) {
      throw new ArgumentError(
        `existingSecurityGroups.${name}`,
        e,
        'must be { securityGroup, mutable? } with an ec2.ISecurityGroup',
      );
    }
    treatment[name] = {
      existing: true,
      mutable: e.mutable !== false && !isCdkImmutable(e.securityGroup),
      allowsAllOutbound: e.securityGroup.allowAllOutbound,
    };
  }
  return treatment;
}

function prepare(props: PortPlanProps): Prepared {
  checkWholeNumber(
    'maxRulesPerGroup',
    props.maxRulesPerGroup,
    1,
    Number.MAX_SAFE_INTEGER,
    'the AWS default quota is 60',
  );
  checkWholeNumber(
    'maxSecurityGroupsPerInterface',
    props.maxSecurityGroupsPerInterface,
    1,
    MAX_GROUPS_PER_INTERFACE_RAISED,
    'AWS allows 5 by default, raised to 16 at most',
  );
  checkQuotaProduct(props.maxRulesPerGroup, props.maxSecurityGroupsPerInterface);
  // The catalog set is built (and checked) once per construct; everything after reads the resolution's.
  const resolution = resolve(props.declaration, { catalogs: catalogSet(props.catalogs) });
  const plan = planAws(resolution, {
    existingGroups: existingTreatment(resolution, props.existingSecurityGroups ?? {}),
    maxRulesPerGroup: props.maxRulesPerGroup ?? MAX_RULES_PER_GROUP,
  });
  return { resolution, plan, maxGroupsPerInterface: props.maxSecurityGroupsPerInterface ?? MAX_GROUPS_PER_INTERFACE };
}

/**
 * `Annotations.of(scope)` whose messages carry a stack trace that starts at the caller of
 * `constructor` (the topmost call of it on the stack), not inside portplan: a warning points at the
 * user's `new ServerProtect(...)`. CDK records a trace with each message (unless the app disables
 * traces: context `aws:cdk:disable-stack-trace`, or CDK_DISABLE_STACK_TRACE) from the function that
 * called `node.addMetadata`, which is inside portplan; constructs' `traceFromFunction` option starts
 * it below a function instead. Everything else, acknowledgements included, is Annotations' own.
 */
function callerAnnotations(scope: Construct, constructor: new (...args: never[]) => unknown): Annotations {
  const node = new Proxy(scope.node, {
    get(target: Node, key: string | symbol): unknown {
      if (key === 'addMetadata')
        return (type: string, data: unknown, options: MetadataOptions = {}) =>
          target.addMetadata(type, data, { ...options, traceFromFunction: constructor });
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return Annotations.of({ node } as IConstruct);
}

/**
 * Security groups for the role groups of a declaration, with exactly the rules `resolve()` gives.
 *
 * Rules between two security groups (and every rule on an existing group) are separate
 * `AWS::EC2::SecurityGroupIngress`/`Egress` resources in this construct's scope, so groups that
 * allow each other form no circular dependency, and groups in other stacks are only referenced
 * from this stack. Rules from an address range onto a group portplan created are inline. See
 * {@link planAws} for the plan it renders.
 */
export class PortPlan extends Construct {
  /** The resolved flows and warnings this construct was built from. */
  readonly resolution: Resolution;
  /** The rules this construct writes, as plain objects. */
  readonly rulePlan: RulePlan;
  /** Flows not created because their group is an immutable existing group. */
  readonly skippedFlows: readonly ResolvedFlow[];
  private readonly byName = new Map<string, RoleGroup>();
  // Every security group rules can name: the declared groups' and the role-wide ones, by plan name.
  private readonly securityGroups = new Map<string, ec2.ISecurityGroup>();

  constructor(scope: Construct, id: string, props: PortPlanProps) {
    // Every check runs before the first construct is created: a failed one leaves the tree untouched.
    const prepared = prepare(props);
    super(scope, id);
    this.resolution = prepared.resolution;
    this.rulePlan = prepared.plan;
    this.skippedFlows = prepared.plan.skippedFlows;
    this.createGroups(prepared.plan, props);
    for (const r of prepared.plan.rules) this.render(r);
    // Warnings are traced from the user's code that created this construct (or the subclass).
    this.warn(callerAnnotations(this, new.target), prepared.plan);
    const memberships = this.groups.flatMap((g) =>
      g.roleSecurityGroup ? [{ group: g.name, own: g.securityGroup, role: g.roleSecurityGroup }] : [],
    );
    this.node.addValidation({
      validate: () => [
        ...appLimits(Stack.of(this), prepared.maxGroupsPerInterface),
        ...roleMembershipErrors(Stack.of(this), memberships),
      ],
    });
  }

  /** The role-wide security groups, then each declared group's own (created or existing). */
  private createGroups(plan: RulePlan, props: PortPlanProps): void {
    const restricted = this.resolution.declaration.egress === 'restricted';
    const existing = props.existingSecurityGroups ?? {};
    const roleSgs = new Map<RoleId, ec2.ISecurityGroup>();
    for (const g of plan.roleGroups) {
      const id = composeName(NAME_TARGETS.cdkId, ['role', user(g.role)]);
      const sg = this.newSecurityGroup(
        id,
        props.vpc,
        groupDescription('every group', g.role, this.resolution.catalog),
        restricted,
      );
      Tags.of(sg).add(ROLE_TAG, g.role);
      Tags.of(sg).add(GROUP_TAG, g.name);
      roleSgs.set(g.role, sg);
      this.securityGroups.set(g.name, sg);
    }
    for (const g of plan.groups) {
      const sg =
        existing[g.name]?.securityGroup ??
        this.newSecurityGroup(g.name, props.vpc, groupDescription(g.name, g.role, this.resolution.catalog), restricted);
      if (g.created) {
        Tags.of(sg).add(ROLE_TAG, g.role);
        Tags.of(sg).add(GROUP_TAG, g.name);
      }
      this.securityGroups.set(g.name, sg);
      this.byName.set(g.name, new RoleGroup(g.name, g.role, sg, roleSgs.get(g.role)));
    }
  }

  /** The resolution's warnings, the skipped flows and the existing groups that keep their own egress. */
  private warn(warnings: Annotations, plan: RulePlan): void {
    for (const w of this.resolution.warnings) warnings.addWarningV2(`portplan:${w.code}`, warningText(w));
    if (this.skippedFlows.length) {
      warnings.addWarningV2(
        'portplan:immutable-group',
        'rules not added to immutable existing groups, for their owner to add: ' +
          this.skippedFlows
            .map((f) => `${f.from.name} > ${f.to.name} ${f.protocol} ${f.fromPort}-${f.toPort} (${f.rows.join(' ')})`)
            .join('; '),
      );
    }
    for (const g of plan.groups.filter((x) => x.keepsOwnEgress)) {
      warnings.addWarningV2(
        'portplan:existing-group-egress',
        `existing security group ${g.name} keeps its own egress rules (it is taken to allow all outbound traffic): ` +
          'portplan adds the restricted egress rules but removes no rule it did not create; ' +
          'remove the allow-all rule from the group, or import it with allowAllOutbound: false once it has none',
      );
    }
  }

  /** Renders one planned rule the way aws-cdk-lib renders its own: peer and port write the JSON. */
  private render(r: PlannedRule): void {
    const sg = this.securityGroupOf(r.group);
    const peer = this.peerOf(r.remote);
    if (r.placement === 'inline') {
      if (r.direction === 'inbound') sg.addIngressRule(peer, port(r), r.description);
      else sg.addEgressRule(peer, port(r), r.description);
    } else if (r.direction === 'inbound') {
      new ec2.CfnSecurityGroupIngress(this, r.id, {
        groupId: sg.securityGroupId,
        ...peer.toIngressRuleConfig(),
        ...port(r).toRuleJson(),
        description: r.description,
      });
    } else {
      new ec2.CfnSecurityGroupEgress(this, r.id, {
        groupId: sg.securityGroupId,
        ...peer.toEgressRuleConfig(),
        ...port(r).toRuleJson(),
        description: r.description,
      });
    }
  }

  /** A security group portplan created, for the plan's name of it (the role id of a role-wide one). */
  /** The other side of a rule as aws-cdk-lib's peer: a group, a CIDR, or a prefix list. */
  private peerOf(remote: RuleRemote): ec2.IPeer {
    if (remote.kind === 'group') return this.securityGroupOf(remote.name);
    if (remote.kind === 'cidr') return remote.family === 6 ? ec2.Peer.ipv6(remote.cidr) : ec2.Peer.ipv4(remote.cidr);
    const { id, name } = remote.prefixList;
    if (id !== undefined) return ec2.Peer.prefixList(id);
    return ec2.Peer.prefixList(this.prefixListNamed(name!).prefixListId);
  }

  /**
   * An AWS-managed prefix list by name, looked up once per name in the stack's account and region
   * (a context lookup, as `Vpc.fromLookup`: the stack needs an explicit `env`).
   */
  private prefixListNamed(name: string): ec2.IPrefixList {
    const id = composeName(NAME_TARGETS.cdkId, ['prefix-list', user(name)]);
    const found = this.node.tryFindChild(id) as ec2.IPrefixList | undefined;
    return found ?? ec2.PrefixList.fromLookup(this, id, { prefixListName: name, ownerId: 'AWS' });
  }

  private newSecurityGroup(id: string, vpc: ec2.IVpc, description: string, restricted: boolean): ec2.SecurityGroup {
    return new ec2.SecurityGroup(this, id, {
      vpc,
      description,
      // Default egress means outbound open for both families: a created group reaches IPv6
      // peers (update source, Control Manager) as it reaches IPv4 ones. AWS's own default is
      // allow-all IPv4, and IPv6 too where the VPC has IPv6
      // (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html).
      allowAllOutbound: !restricted,
      allowAllIpv6Outbound: !restricted,
      // The plan decides inline or separate; a context default must not move rules.
      disableInlineRules: false,
    });
  }

  private securityGroupOf(name: string): ec2.ISecurityGroup {
    const sg = this.securityGroups.get(name);
    if (!sg) throw new Error(`portplan internal error: no security group planned for ${name}`);
    return sg;
  }

  /**
   * The security group of a role with two or more groups, which every host of its groups carries.
   * @throws ArgumentError when the declaration has fewer than two groups of the role
   */
  roleSecurityGroup(role: RoleId): ec2.ISecurityGroup {
    const g = this.groupsOf(role)[0]?.roleSecurityGroup;
    if (!g) throw new ArgumentError('role', role, `a role with two or more groups in ${this.node.path}`);
    return g;
  }

  /** The role group of this name. */
  group(name: string): RoleGroup {
    const g = this.byName.get(name);
    if (!g) {
      throw new ArgumentError('name', name, `no group of that name; groups are ${[...this.byName.keys()].join(', ')}`);
    }
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
    if (!g) throw new ArgumentError('role', role, `${this.node.path} declares no group of that role`);
    return g;
  }

  /** Number of CloudFormation resources this construct adds (security groups and separate rules). */
  get resourceCount(): number {
    return this.node.findAll().filter(CfnResource.isCfnResource).length;
  }
}
