// The components' arguments in the shapes Pulumi's component analyzer (`@pulumi/pulumi`
// provider/experimental/analyzer) turns into a package schema, so that the components can be used
// from every Pulumi language as a source-based package
// (https://www.pulumi.com/docs/iac/guides/building-extending/packages/source-based-plugin/):
// interfaces, mutable arrays (it refuses `readonly T[]`), string maps, and named `as const` objects
// instead of inline literal unions (it refuses unnamed unions). Each object is declared before its
// type: the analyzer reads the enum members from the first declaration of the name. The types equal
// the spec's (test/pulumi/package.test.ts compares the enum values), so every value here is also a
// valid spec value. What the built-in catalogs decide (the role, peer kind and option enums, the
// options, the declaration and the product components' arguments) is generated from them into
// schema-types.generated.ts; this file keeps the arguments no catalog decides.
import type * as pulumi from '@pulumi/pulumi';
import type { CatalogDeclaration, CatalogSource, Declaration as SpecDeclaration } from '../model';
import type { PriorityBand } from '../azure';
import type { Declaration, PeerKind, RoleId } from './schema-types.generated';

/** Whether the initiators' outbound traffic is restricted to the flows. */
export const Egress = {
  /** Keep the cloud's egress. */
  Default: 'default',
  /** Add an outbound allow on the initiator's side for every flow. */
  Restricted: 'restricted',
} as const;
/** Whether the initiators' outbound traffic is restricted to the flows. */
export type Egress = (typeof Egress)[keyof typeof Egress];

/** A group of hosts that play one role (the spec's `GroupDeclaration`). */
export interface GroupDeclaration {
  /**
   * Unique name: lower-case letters, digits and dashes, starting with a letter and ending with a letter or
   * digit, at most 40 characters.
   */
  name: string;
  /** The role the group's hosts play. */
  role: RoleId;
}

/** An AWS managed prefix list (the spec's `PeerPrefixList`), by id or, for a list AWS manages, by name. */
export interface PeerPrefixListArgs {
  /** The prefix list's id. @default - none: named by `name` */
  id?: string;
  /** An AWS-managed prefix list's name. @default - none: named by `id` */
  name?: string;
  /** The list's maximum entries. @default - an AWS-managed list's documented weight */
  maxEntries?: number;
  // No `family`: it only decides which AWS rule quota the list counts against, and Pulumi's
  // schema has no union types for its two values; a declaration that sets it passes it through.
}

/** A host outside the products that the user names by address (the spec's `PeerDeclaration`). */
export interface PeerDeclaration {
  /** Unique name among groups and peers, same form as a group name. */
  name: string;
  /** What the peer is; decides which rows reach it. */
  kind: PeerKind;
  /**
   * The peer's address range, IPv4 or IPv6 CIDR such as `10.0.9.10/32`. A peer gives a `cidr` or a
   * `serviceTag` (its NSG rules name the tag), or both; a `prefixList` serves AWS only.
   * @default - none: the peer needs a serviceTag
   */
  cidr?: string;
  /**
   * An Azure service tag as the peer (`Storage.WestEurope`, `AzureUpdateDelivery`): the NSG rules
   * name it instead of the CIDR (https://learn.microsoft.com/azure/virtual-network/service-tags-overview).
   * @default - none: the rules name the cidr
   */
  serviceTag?: string;
  /**
   * An AWS managed prefix list, for a declaration shared with AWS; Azure refuses a peer that has only
   * a prefix list. @default - none
   */
  prefixList?: PeerPrefixListArgs;
  /** The peer's service ports, for kinds whose ports vary. @default - the row's documented ports */
  ports?: number[];
  /** Allow a CIDR of prefix length 0, or the service tags Internet and VirtualNetwork. @default false */
  allowAnyAddress?: boolean;
}

/** The direction of an additional rule. */
export const RuleDirection = {
  /** Traffic arriving at the destination. */
  Inbound: 'Inbound',
  /** Traffic leaving the source. */
  Outbound: 'Outbound',
} as const;
/** The direction of an additional rule. */
export type RuleDirection = (typeof RuleDirection)[keyof typeof RuleDirection];

/** What an additional rule does with matching traffic. */
export const RuleAccess = {
  /** Let it through. */
  Allow: 'Allow',
  /** Drop it. */
  Deny: 'Deny',
} as const;
/** What an additional rule does with matching traffic. */
export type RuleAccess = (typeof RuleAccess)[keyof typeof RuleAccess];

/** The protocol of an additional rule. */
export const RuleProtocol = {
  /** TCP. */
  Tcp: 'Tcp',
  /** UDP. */
  Udp: 'Udp',
  /** ICMP. */
  Icmp: 'Icmp',
  /** Every protocol. */
  Any: '*',
} as const;
/** The protocol of an additional rule. */
export type RuleProtocol = (typeof RuleProtocol)[keyof typeof RuleProtocol];

/** One side of an additional rule: exactly one of a role group (its ASG) or an address prefix. */
export interface RuleEndpointArgs {
  /** A group of the declaration: the rule names its ASG. */
  group?: string;
  /** A masked CIDR, a service tag (`VirtualNetwork`, `AzureLoadBalancer`, `Internet`) or `*`. */
  prefix?: string;
}

/** A rule of the user's own in the component's NSG (the Azure planner's `AdditionalRule`). */
export interface AdditionalRuleArgs {
  /** A name Azure accepts, unique in the NSG (not one of portplan's names). */
  name: string;
  /** @default 'Inbound' */
  direction?: RuleDirection;
  /** `Allow` or `Deny`. */
  access: RuleAccess;
  /** `Tcp`, `Udp`, `Icmp` or `*`. */
  protocol: RuleProtocol;
  /** Where the traffic comes from. */
  source: RuleEndpointArgs;
  /** Where the traffic goes. */
  destination: RuleEndpointArgs;
  /** Destination ports and ranges (`"3389"`, `"49152-65535"`), or `["*"]` for every port. */
  ports: string[];
  /** At most 140 characters. @default the rule's name */
  description?: string;
  /** Allow an `Allow` rule from or to anywhere (`*`, `Internet`, a /0). @default false */
  allowAnyAddress?: boolean;
}

/** An NSG the user already owns, that portplan adds standalone rules to. */
export interface ExistingNetworkSecurityGroup {
  /** The NSG's name (in `resourceGroupName`). */
  readonly name: pulumi.Input<string>;
  /** The priorities portplan's rules may take; the user's own rules stay outside it. */
  readonly priorityBand: PriorityBand;
}

/** Arguments shared by the Azure components. */
export interface AzureCommonArgs {
  /** The resource group of the NSG and the application security groups. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** @default - the resource group's location */
  readonly location?: pulumi.Input<string>;
  /** Tags for every resource the component creates. ASGs also get `portplan:role` and `portplan:group`. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Add the rules to this NSG as standalone `SecurityRule`s, created one after another.
   * @default - the component creates an NSG with the rules inline
   */
  readonly existingNetworkSecurityGroup?: ExistingNetworkSecurityGroup;
  /**
   * Priorities for the rules of an NSG the component creates.
   * @default { from: 100, to: 4096 }
   */
  readonly priorityBand?: PriorityBand;
  /**
   * Deny other VirtualNetwork traffic to each role's ASG, below the allow rules (Azure's default
   * `AllowVnetInBound` admits the whole VNet otherwise).
   * @default true for an NSG the component creates, false for an existing NSG
   */
  readonly denyOtherVnetTraffic?: boolean;
  /**
   * With `egress: 'restricted'`, deny all other outbound traffic from each role's ASG below the
   * outbound allows (Azure's default `AllowVnetOutBound` and `AllowInternetOutBound` let everything
   * out otherwise). Add what else the hosts need (Windows Update, backup) as `additionalRules`.
   * @default the value of `denyOtherVnetTraffic`
   */
  readonly denyOtherOutboundTraffic?: boolean;
  /**
   * With the VirtualNetwork deny rules, allow Azure Load Balancer health probes (service tag
   * `AzureLoadBalancer`, 168.63.129.16, which `VirtualNetwork` includes) to each role's ASG above
   * the denies. Turn off only when no load balancer fronts these hosts.
   * @default true
   */
  readonly allowAzureLoadBalancer?: boolean;
  /**
   * Rules of your own in the component's NSG (RDP or SSH from a bastion, backup, the application's
   * own traffic): placed below portplan's allows and above its denies, at stable priorities,
   * validated like portplan's rules. Standalone `SecurityRule`s beside an NSG with inline rules
   * are removed on the next update; use this instead.
   * @default []
   */
  readonly additionalRules?: AdditionalRuleArgs[];
  /**
   * Priorities of the previous deployment, by rule name: the component's `priorities` output
   * (`pulumi stack output`), kept in config or a file. Surviving rules keep them, so no existing
   * rule is renumbered even where two names hash to one slot.
   * @default - priorities from the rule names alone
   */
  readonly previousPriorities?: Readonly<Record<string, number>>;
}

/** Arguments of {@link PortPlan}. */
export interface PortPlanArgs extends AzureCommonArgs {
  /** Role groups, peers and options, as the spec's `resolve()` takes them. */
  readonly declaration: Declaration;
}

/**
 * User catalogs for {@link PortPlan}, TypeScript only: `new PortPlan(name, { ...args, catalogs:
 * [readCatalogFile('shop.yaml')] })`.
 *
 * Why TypeScript only. The component plans every rule in the program's own process before it
 * registers anything, so a catalog is a TypeScript value (a `readCatalogFile()`, `loadCatalog()`
 * or `defineCatalog()` result, or a definition) handed straight to the spec; it never travels as a
 * Pulumi input. Kept off {@link PortPlanArgs}, it stays out of the package schema, which Pulumi's
 * component analyzer derives from `PortPlanArgs` and which would have to spell out the whole
 * catalog format in the shapes it accepts (no unions, no `readonly` arrays); other languages keep
 * the built-in products. The TypeScript constructor (`portplan/pulumi`'s `PortPlan`) takes
 * `PortPlanArgs & CatalogArgs`. A bad catalog throws `CatalogError` before anything is registered.
 */
export interface CatalogArgs {
  /**
   * Catalogs of your own, beside the built-in products; their roles and peer kinds may be used in
   * the declaration (through {@link declarationArgs}), their rows describe the rules. A catalog
   * with a built-in product's id replaces that product.
   * @default - the built-in products only
   */
  readonly catalogs?: readonly CatalogSource[];
}

/**
 * A spec `Declaration` (presets, `resolve()` input; its arrays are `readonly`) as
 * {@link PortPlanArgs.declaration} takes it: the same value with mutable copies of its arrays. Roles
 * and peer kinds of your catalogs, and their products' options blocks (`shop: { workers: 4 }`),
 * pass through unchanged for {@link CatalogArgs.catalogs}.
 */
export function declarationArgs(declaration: SpecDeclaration | CatalogDeclaration): Declaration {
  const { groups, peers, ...rest } = declaration;
  return {
    ...rest,
    // Roles of a user's catalog pass through: the component checks every role against its catalogs.
    groups: groups.map((g) => ({ ...g, role: g.role as RoleId })),
    ...(peers
      ? {
          peers: peers.map(({ ports, ...p }) => ({
            ...p,
            kind: p.kind as PeerKind,
            ...(ports ? { ports: [...ports] } : {}),
          })),
        }
      : {}),
  };
}
