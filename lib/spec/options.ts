import type { PeerKind, RoleId } from './roles';
import type {
  NormalizedServerProtectOptions,
  NormalizedSumOptions,
  ServerProtectOptions,
  SumOptions,
} from './builtin.generated';

export type { NormalizedServerProtectOptions, NormalizedSumOptions, ServerProtectOptions, SumOptions };

/** A group of hosts that play one role. A host with several roles joins several groups. */
export interface GroupDeclaration {
  /** Unique name: lower-case letters, digits and dashes, starting with a letter and ending with a letter or digit, at most 40 characters. */
  readonly name: string;
  /** The role the group's hosts play: a role id of a built-in product or of a catalog in use. */
  readonly role: RoleId;
}

/** A host outside the products that the user names by address. */
export interface PeerDeclaration {
  /** Unique name among groups and peers, same form as a group name. */
  readonly name: string;
  /** What the peer is, a peer kind of a built-in product or of a catalog in use; decides which rows reach it. */
  readonly kind: PeerKind;
  /** The peer's address range, IPv4 or IPv6 CIDR such as `10.0.9.10/32`. */
  readonly cidr: string;
  /**
   * The peer's service ports, for kinds whose ports vary (Control Manager web site with `mcp`,
   * update source or proxy, mail, SNMP).
   * @default - the row's documented ports
   */
  readonly ports?: readonly number[];
  /**
   * Allow a CIDR of prefix length 0 (the whole address space). Least privilege forbids it unless set.
   * @default false
   */
  readonly allowAnyAddress?: boolean;
}

/** What a user declares: the role groups, the external peers and the options. */
export interface Declaration {
  /** The role groups; at least one. */
  readonly groups: readonly GroupDeclaration[];
  /** @default [] */
  readonly peers?: readonly PeerDeclaration[];
  /** @default - every ServerProtect option at its own default */
  readonly serverProtect?: ServerProtectOptions;
  /** @default - every HP SUM option at its own default (profile 5.x) */
  readonly sum?: SumOptions;
  /**
   * `default` keeps the cloud's egress (AWS allows all outbound); `restricted` adds the matching
   * egress rule on the initiator's group for every flow.
   * @default 'default'
   */
  readonly egress?: 'default' | 'restricted';
}

/** The built-in products' options with every default filled in. */
export interface Options {
  /** ServerProtect options; pinned ports and the agent stay optional. */
  readonly serverProtect: NormalizedServerProtectOptions;
  /** HP SUM options; the pinned web server port stays optional. */
  readonly sum: NormalizedSumOptions;
  /** `default` or `restricted` egress. */
  readonly egress: 'default' | 'restricted';
}

/**
 * A declaration that also sets the options of products from the user's catalogs, each under its
 * product's options field (`{ groups, shop: { payments: true } }`).
 */
export interface CatalogDeclaration extends Declaration {
  /** The options block of a product of a catalog in use, by the product's `optionsField`. */
  readonly [optionsField: string]: unknown;
}

/** A validated peer: `allowAnyAddress` is filled in. */
export interface NormalizedPeer extends PeerDeclaration {
  /** Whether a /0 CIDR was allowed explicitly. */
  readonly allowAnyAddress: boolean;
}

/** A validated declaration with every default filled in. */
export interface NormalizedDeclaration extends Options {
  /** The role groups, as declared. */
  readonly groups: readonly GroupDeclaration[];
  /** The external peers, with `allowAnyAddress` filled in. */
  readonly peers: readonly NormalizedPeer[];
}
