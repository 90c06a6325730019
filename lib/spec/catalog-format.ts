// The catalog file format: what a product's port table looks like as data (JSON or YAML), for the
// two built-in products (lib/spec/catalogs/*.json) and for users' own. One schema gives the run-time
// check of a file's shape, the published JSON Schema (schema/catalog.schema.json) and, through
// schema-types.ts, the proof that the documented interfaces below say the same thing. What the
// shape cannot say (ids that must exist, namespaces, ranges across fields) is checked in
// catalog-set.ts.
import {
  choice,
  either,
  flag,
  list,
  literal,
  object,
  optional,
  record,
  tagged,
  text,
  wholeNumber,
  anyObject,
  type ObjectInput,
} from './schema';

/** Host operating systems whose firewall portplan writes rules for. */
export const HOST_OS = ['windows', 'linux'] as const;

/** A host operating system. */
export type HostOs = (typeof HOST_OS)[number];

/** A value an option may take, and a condition may test. */
export type OptionValue = string | number | boolean;

/**
 * A condition over a product's options: every named option has the given value, or one of the
 * listed values. `{}` (or no condition) always holds; an option without a default that the
 * declaration leaves unset matches nothing.
 * @example { profile: '5.x', netbiosNameService: true }
 */
export type CatalogCondition = Readonly<Record<string, OptionValue | readonly OptionValue[]>>;

/** The product a catalog describes. */
export interface CatalogProduct {
  /**
   * The product id: lower-case letters, digits and dashes. Every role id of the catalog starts
   * with it and a colon (`shop:web`).
   */
  readonly id: string;
  /** The product's name and release, as tables and reports print it. */
  readonly name: string;
  /**
   * The declaration field that holds the product's options (`serverProtect`, `sum`): a letter,
   * then letters and digits; not `groups`, `peers`, `egress`, nor another product's.
   * @default - the product id in camelCase (`my-shop` makes `myShop`)
   */
  readonly optionsField?: string;
}

/** A document the catalog's rows cite: the vendor's port table, or the team's own design note. */
export interface CatalogDocument {
  /** The id rows cite it by. */
  readonly id: string;
  /** The document's title. */
  readonly title: string;
  /** The product release the document covers. @default - not stated */
  readonly version?: string;
  /** Where to read it. At least one of `url` and `reference` is required. @default - none */
  readonly url?: string;
  /** An identifier of the copy that was read (an article number, a file name). @default - none */
  readonly reference?: string;
  /** When it was read, as an ISO date (`2026-11-30`). @default - not stated */
  readonly retrieved?: string;
}

/** A condition a declaration must meet to have a group of the role, and what to tell the user otherwise. */
export interface RoleRequirement {
  /** The condition over the product's options. */
  readonly when: CatalogCondition;
  /** What the user is told when a group of the role is declared and the condition does not hold. */
  readonly message: string;
}

/** A role a group of hosts can play. */
export interface CatalogRole {
  /** The role id: the product id, a colon, then lower-case words (`shop:web`, `sum:target:linux`). */
  readonly id: string;
  /**
   * A short label for security group descriptions, diagrams and tables; only the characters AWS
   * allows in a group description.
   */
  readonly label: string;
  /** The host operating systems whose firewall portplan writes for the role, each once; empty for appliances. */
  readonly hostOs: readonly HostOs[];
  /** Conditions under which the role may be declared. @default - always */
  readonly requires?: readonly RoleRequirement[];
}

/** A kind of external host the user names by address (a Control Manager, a mail server). */
export interface CatalogPeerKind {
  /**
   * The kind's id, unique across every catalog in use (`control-manager`, `shop-payment-gateway`).
   * Only this catalog's flows reach peers of the kind.
   */
  readonly id: string;
  /** What such a peer is. */
  readonly label: string;
  /** What a declaration needs for a flow to reach such a peer, for the "unused peer" warning. @default - the roles of its rows */
  readonly reachedWith?: string;
}

/** What every kind of option has. */
interface OptionCommon {
  /** The option's name in the declaration's options block; not a name every JavaScript object has (`toString`). */
  readonly name: string;
  /** What the option means, for documentation and `portplan catalog show`. */
  readonly description: string;
  /** The option may be set only when this condition holds (`{ profile: '5.x' }`). @default - always */
  readonly when?: CatalogCondition;
  /** Why it may not be set otherwise, appended to the error. @default - none */
  readonly reason?: string;
}

/** `true` or `false`. */
export interface FlagOptionDefinition extends OptionCommon {
  /** Discriminator. */
  readonly type: 'flag';
  /** The value when the declaration sets none. */
  readonly default: boolean;
}

/** One of a list of words. */
export interface ChoiceOptionDefinition extends OptionCommon {
  /** Discriminator. */
  readonly type: 'choice';
  /** The allowed values, each once. */
  readonly values: readonly string[];
  /** The value when the declaration sets none. @default - unset: conditions on the option do not hold */
  readonly default?: string;
  /**
   * Setting the option needs a peer of this kind, and such a peer needs the option set: one of the
   * catalog's own `peerKinds`, on an option without a `default` (unset means no such peer).
   * @default - no peer
   */
  readonly requiresPeer?: string;
}

/** A listener's port that is `base` when free, else one of a fallback range; the user may pin it. */
export interface PinnedPortOptionDefinition extends OptionCommon {
  /** Discriminator. */
  readonly type: 'pinnedPort';
  /** The port used when it is free. */
  readonly base: number;
  /** First and last port tried when the base port is taken; the first is not above the last. */
  readonly fallback: readonly [number, number];
}

/** How many consecutive ports a listener may take. */
export interface CountOptionDefinition extends OptionCommon {
  /** Discriminator. */
  readonly type: 'count';
  /** The smallest count. */
  readonly min: number;
  /** The largest count. */
  readonly max: number;
  /** The count when the declaration sets none. */
  readonly default: number;
}

/** An option of a product, set in the declaration's options block of the product. */
export type CatalogOptionDefinition =
  FlagOptionDefinition | ChoiceOptionDefinition | PinnedPortOptionDefinition | CountOptionDefinition;

/** A broadcast a flow relies on, which no VPC or VNet carries: resolving such a flow warns. */
export interface CatalogBroadcast {
  /**
   * The id flows name (`discovery`), unique across every catalog in use and not `netbios` (built in);
   * the warning's code is `broadcast-<id>`.
   */
  readonly id: string;
  /** What the user is told: what does not work in the cloud, and what to do instead. */
  readonly message: string;
}

/** One side of a flow in a catalog: groups of some roles, or peers of one kind. */
export type CatalogEndpoint =
  | {
      /** Every declared group of these roles. */
      readonly roles: readonly string[];
    }
  | {
      /** Every declared peer of this kind: one of the catalog's own `peerKinds`. */
      readonly peer: string;
    };

/** How a flow's ports are found. */
export type CatalogPorts =
  | {
      /** Always exactly these ports. */
      readonly kind: 'fixed';
      /** The ports. */
      readonly ports: readonly number[];
    }
  | {
      /** The pinned-port option's base port and fallback range, or the port the user pinned. */
      readonly kind: 'fallback';
      /** The `pinnedPort` option. */
      readonly pin: string;
    }
  | {
      /** `base` and the next ports, as many as a `count` option says. */
      readonly kind: 'counted';
      /** The first port. */
      readonly base: number;
      /** The `count` option. */
      readonly count: string;
    }
  | {
      /** The peer's own `ports`, or these when the peer names none. */
      readonly kind: 'peer';
      /** The documented ports. */
      readonly defaults: readonly number[];
    };

/**
 * One connection a row requires: the initiator opens it to the listener's ports. At least one side
 * is groups of roles (a firewall rule needs a group to carry it).
 */
export interface CatalogFlow {
  /** The side that accepts the connection (gets the inbound rule). */
  readonly listener: CatalogEndpoint;
  /** The side that opens the connection. */
  readonly initiator: CatalogEndpoint;
  /** Transport protocol. */
  readonly protocol: 'tcp' | 'udp';
  /** The listening ports; `kind: peer` only when one side is a peer. */
  readonly ports: CatalogPorts;
  /** The broadcast the flow relies on: `netbios`, or one of the catalog's `broadcasts`. @default - none */
  readonly broadcast?: string;
}

/** Where a row comes from. */
export interface CatalogCitation {
  /** The id of one of the catalog's `documents`. */
  readonly document: string;
  /** What the row takes from elsewhere, or decides where the document is silent. @default - none */
  readonly note?: string;
}

/** One row of a port table. */
export interface CatalogRowDefinition {
  /** The row id, unique across every catalog in use: upper-case letters, digits and dashes (`SP4`, `SHOP2`). */
  readonly id: string;
  /** What the row is for, in the characters AWS allows in a rule description. */
  readonly purpose: string;
  /** When the row applies, in words. */
  readonly condition: string;
  /** When the row applies, over the product's options. @default - always */
  readonly when?: CatalogCondition;
  /** Where the row comes from; every row has one. */
  readonly citation: CatalogCitation;
  /** The connections the row requires. */
  readonly flows: readonly CatalogFlow[];
}

/** A named example declaration, for `--preset` and as a starting point to copy. */
export interface CatalogPreset {
  /** The preset's name, unique across every catalog in use. */
  readonly name: string;
  /** What the preset deploys. */
  readonly description: string;
  /** The declaration, checked against every catalog in use. */
  readonly declaration: Readonly<Record<string, unknown>>;
}

/** A product's port table as data: what a catalog file (JSON or YAML) holds. */
export interface CatalogDefinition {
  /** The JSON Schema of the file, for editors. @default - none */
  readonly $schema?: string;
  /** The product. */
  readonly product: CatalogProduct;
  /** The documents the rows cite. */
  readonly documents: readonly CatalogDocument[];
  /** The roles groups of hosts can play. */
  readonly roles: readonly CatalogRole[];
  /** The kinds of external peers the rows reach. @default [] */
  readonly peerKinds?: readonly CatalogPeerKind[];
  /** The product's options, in the order the declaration schema lists them. @default [] */
  readonly options?: readonly CatalogOptionDefinition[];
  /** Broadcasts the flows rely on. @default [] */
  readonly broadcasts?: readonly CatalogBroadcast[];
  /** The rows of the port table. */
  readonly rows: readonly CatalogRowDefinition[];
  /** Example declarations. @default [] */
  readonly presets?: readonly CatalogPreset[];
}

// Where text ends up decides what it may hold. Purposes go into AWS rule descriptions and labels
// into group descriptions, which allow only "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html); other text goes into
// Markdown tables, where a `|` or a line break would split a cell.
const AWS_TEXT = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,80}$/;
const AWS_TEXT_MESSAGE =
  'must be 1-80 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (what AWS allows in a description)';
const CELL = /^[^|\r\n]{1,400}$/;
const CELL_MESSAGE = 'must be 1-400 characters on one line, without |';
const cell = text(CELL, CELL_MESSAGE);

/** Id patterns, shared with the checks across fields. @internal */
export const ID = {
  product: /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/,
  role: /^[a-z][a-z0-9-]*(?::[a-z0-9][a-z0-9-]*)+$/,
  row: /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/,
  name: /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
  option: /^[a-z][a-zA-Z0-9]{0,39}$/,
} as const;

const id = (pattern: RegExp, what: string) => text(pattern, what);
const productId = id(ID.product, 'must be 2-24 lower-case letters, digits and dashes, starting with a letter');
const roleId = id(
  ID.role,
  'must be the product id, a colon and lower-case words (letters, digits, dashes) separated by colons, such as shop:web',
);
const kindId = id(ID.name, 'must be 2-40 lower-case letters, digits and dashes, starting with a letter');
const optionName = id(ID.option, 'must be a letter, then letters and digits (camelCase), at most 40 characters');
const port = wholeNumber(1, 65535);
const ports = list(port, { min: 1, max: 32 });
const VALUE_MESSAGE = 'must be text (one line, 1-80 characters), a whole number from 0 to 65535, or true or false';
const value = either([text(/^[^\r\n]{1,80}$/, ''), wholeNumber(0, 65535), flag()], VALUE_MESSAGE);
const condition = record(
  ID.option,
  'must be an option name of the product',
  either([value, list(value, { min: 1 })], `${VALUE_MESSAGE}, or a list of such values`),
);

const common = {
  name: optionName,
  description: cell,
  when: optional(condition),
  reason: optional(cell),
};
const optionSchema = tagged('type', {
  flag: object({ ...common, type: literal('flag'), default: flag() }),
  choice: object({
    ...common,
    type: literal('choice'),
    values: list(text(/^[a-zA-Z0-9][a-zA-Z0-9.+_-]{0,39}$/, 'must be a word of letters, digits and .+_-'), {
      min: 1,
      unique: true,
    }),
    default: optional(text(/^.{1,40}$/, 'must be one of the values')),
    requiresPeer: optional(kindId),
  }),
  pinnedPort: object({ ...common, type: literal('pinnedPort'), base: port, fallback: list(port, { min: 2, max: 2 }) }),
  count: object({
    ...common,
    type: literal('count'),
    min: wholeNumber(1, 65535),
    max: wholeNumber(1, 65535),
    default: wholeNumber(1, 65535),
  }),
});

const endpoint = either(
  [object({ roles: list(roleId, { min: 1 }) }), object({ peer: kindId })],
  'must be { roles: [role ids] } or { peer: peer kind }',
);

const portsSchema = tagged('kind', {
  fixed: object({ kind: literal('fixed'), ports }),
  fallback: object({ kind: literal('fallback'), pin: optionName }),
  counted: object({ kind: literal('counted'), base: port, count: optionName }),
  peer: object({ kind: literal('peer'), defaults: ports }),
});

const flowSchema = object({
  listener: endpoint,
  initiator: endpoint,
  protocol: choice(['tcp', 'udp']),
  ports: portsSchema,
  broadcast: optional(kindId),
});

const rowSchema = object({
  id: id(ID.row, 'must be upper-case letters and digits, in parts joined by dashes, such as SP4 or SUM7-1'),
  purpose: text(AWS_TEXT, AWS_TEXT_MESSAGE),
  condition: cell,
  when: optional(condition),
  citation: object({ document: kindId, note: optional(cell) }),
  flows: list(flowSchema, { min: 1 }),
});

/** The schema of a catalog file. @internal */
export const catalogSchema = object({
  $schema: optional(text(/^.{1,400}$/, 'must be the path or URL of the catalog JSON Schema')),
  product: object({
    id: productId,
    name: cell,
    optionsField: optional(optionName),
  }),
  documents: list(
    object({
      id: kindId,
      title: cell,
      version: optional(cell),
      url: optional(text(/^https?:\/\/\S{1,2000}$/, 'must be an http or https URL')),
      reference: optional(cell),
      retrieved: optional(text(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date such as 2026-11-30')),
    }),
    { min: 1 },
  ),
  roles: list(
    object({
      id: roleId,
      label: text(AWS_TEXT, AWS_TEXT_MESSAGE),
      hostOs: list(choice(HOST_OS), { unique: true }),
      requires: optional(list(object({ when: condition, message: cell }), { min: 1 })),
    }),
    { min: 1 },
  ),
  peerKinds: optional(list(object({ id: kindId, label: cell, reachedWith: optional(cell) }))),
  options: optional(list(optionSchema)),
  broadcasts: optional(list(object({ id: kindId, message: cell }))),
  rows: list(rowSchema, { min: 1 }),
  presets: optional(
    list(
      object({
        name: kindId,
        description: cell,
        declaration: anyObject('must be a declaration (an object with groups)'),
      }),
    ),
  ),
});

/** What the catalog schema accepts. @internal */
export type CatalogInput = ObjectInput<typeof catalogSchema.shape>;

/** The JSON Schema of a catalog file (JSON or YAML), for editors and other tools. */
export function catalogJsonSchema(): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...catalogSchema.json() };
}
