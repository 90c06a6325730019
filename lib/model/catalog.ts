import { ArgumentError } from './errors';
import type { CatalogCondition } from './catalog-format';
import type { PeerKind, ProductId, RoleId } from './roles';
import type { NormalizedDeclaration } from './options';
import { BUILTIN_ROW_IDS, type BuiltinRowId } from './builtin.generated';
import { BUILTIN } from './builtin';
import type { PortRange } from './resolve';

/** Transport protocol of a flow to ports. */
export type Protocol = 'tcp' | 'udp';

/** ICMP for IPv4 (`icmp`) or IPv6 (`icmpv6`). */
export type IcmpProtocol = 'icmp' | 'icmpv6';

/** The protocol of a flow: a transport to ports, or ICMP messages. */
export type FlowProtocol = Protocol | IcmpProtocol;

/**
 * ICMP messages by type and code: no type is every message, a type without a code every code of
 * the type.
 */
export interface IcmpMessage {
  /** The message type, 0-255. */
  readonly type?: number;
  /** The code, 0-255, of the type. */
  readonly code?: number;
}

/** Row ids of the built-in products' port tables, as numbered in the project's reading of the vendor documents. */
export const ROW_IDS = BUILTIN_ROW_IDS;

/**
 * A row id: a built-in one such as `SP4`, `SUM6` (HP SUM 5.x) or `SUM7-3` (HP SUM 7.x+), or a row of
 * a user's catalog.
 */
export type RowId = BuiltinRowId | (string & {});

/** How a row's port numbers are found. */
export type PortSpec = FixedPorts | FallbackPorts | CountedPorts | PeerPorts;

/** Always exactly these ports. */
export interface FixedPorts {
  /** Discriminator. */
  readonly kind: 'fixed';
  /**
   * The ports, as the catalog lists them: a single port is a range of one (`fromPort` equal to
   * `toPort`). Entries may overlap or touch; the row opens their union.
   */
  readonly ports: readonly PortRange[];
}

/** The base port, or a free one of the fallback range; the user may pin the one in use. */
export interface FallbackPorts {
  /** Discriminator. */
  readonly kind: 'fallback';
  /** The port used when it is free. */
  readonly base: number;
  /** First and last port tried when the base port is taken. */
  readonly fallback: readonly [number, number];
  /** The `pinnedPort` option that pins the port in use. */
  readonly pin: string;
  /** The declaration field of the product's options, where the option is read. */
  readonly optionsField: string;
}

/** `base` and the next ports, as many as the count option says. */
export interface CountedPorts {
  /** Discriminator. */
  readonly kind: 'counted';
  /** The first port. */
  readonly base: number;
  /** The `count` option that says how many ports. */
  readonly count: string;
  /** The declaration field of the product's options, where the option is read. */
  readonly optionsField: string;
}

/** Ports of an external peer's service; the peer's own `ports` replace these defaults. */
export interface PeerPorts {
  /** Discriminator. */
  readonly kind: 'peer';
  /** The documented ports, used when the peer names none. */
  readonly defaults: readonly number[];
}

/** One side of a flow: groups of some roles, or an external peer of one kind. */
export type EndpointSpec =
  | {
      /** Every declared group of these roles. */
      readonly roles: readonly RoleId[];
    }
  | {
      /** Every declared peer of this kind. */
      readonly peer: PeerKind;
    };

/** One connection a row requires: the initiator opens it to the listener's port. */
export interface FlowTemplate {
  /** The side that accepts the connection (needs the inbound rule). */
  readonly listener: EndpointSpec;
  /** The side that opens the connection. */
  readonly initiator: EndpointSpec;
  /** Transport protocol, or ICMP. */
  readonly protocol: FlowProtocol;
  /**
   * How the listening ports are found. For ICMP, fixed: the message types (0-255 for every
   * message, the one type otherwise), with `icmp` saying which.
   */
  readonly ports: PortSpec;
  /** For ICMP: the messages, `{}` for every one. */
  readonly icmp?: IcmpMessage;
  /**
   * Set where the vendor uses broadcast, which no VPC or VNet carries: `netbios`, or the id of one
   * of the catalog's broadcasts (`discovery`).
   */
  readonly broadcast?: string;
}

/** Where a row comes from. */
export interface Citation {
  /** The document, by title (the catalog's `documents` say which copy was read). */
  readonly document: string;
  /** The section, table or page of the document, when the catalog names one. */
  readonly section?: string;
  /** The row id in the project's reading of that document. */
  readonly row: RowId;
  /** Set where the row is not from the document itself. */
  readonly note?: string;
}

/** One row of a vendor port table. */
export interface CatalogRow {
  /** The row id. */
  readonly id: RowId;
  /** The product the row belongs to. */
  readonly product: ProductId;
  /** The declaration field of the product's options. */
  readonly optionsField: string;
  /** Short ASCII purpose, used in rule descriptions. */
  readonly purpose: string;
  /** When the row applies, in words. */
  readonly condition: string;
  /** When the row applies, as data: option names to values (`{}`: always). */
  readonly when: CatalogCondition;
  /** When the row applies, as a predicate over the normalized declaration. */
  readonly applies: (declaration: NormalizedDeclaration) => boolean;
  /** The connections the row requires. */
  readonly flows: readonly FlowTemplate[];
  /** Where the row comes from: the first of {@link CatalogRow.citations}. */
  readonly citation: Citation;
  /** Every citation of the row, in catalog order (one or more). */
  readonly citations: readonly Citation[];
}

/** Every row of the built-in products' tables, loaded from their catalogs. Port numbers live there and nowhere else. */
export const CATALOG: readonly CatalogRow[] = BUILTIN.rows;

/**
 * The built-in catalog row with this id.
 * @throws ArgumentError when no built-in row has it
 */
export function catalogRow(id: RowId): CatalogRow {
  const row = BUILTIN.row(id);
  if (!row) throw new ArgumentError('id', id, `a row id of the catalog: ${ROW_IDS.join(', ')}`);
  return row;
}

/**
 * A citation as one line: the document, its section if any, the row, its note if any
 * (`Guide, table 3, row SUM1 (ports from the 7.x note)`). Reports and explanations print it so.
 */
export function citationText(c: Citation): string {
  return `${c.document}${c.section ? `, ${c.section}` : ''}, row ${c.row}${c.note ? ` (${c.note})` : ''}`;
}
