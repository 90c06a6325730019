/**
 * The one record type every flow log reader yields, whatever the cloud and format: one packet
 * 5-tuple with what the cloud did to it, its counts and times where the log gives them, and
 * where in which file it was read.
 */

/** Where a record, or a fault, was read. */
export interface FlowSource {
  /** The file, as found (a path given, or a file under a directory given). */
  readonly file: string;
  /** The line, from 1 (of the decompressed text for a gzip file); 0 when the file as a whole is meant. */
  readonly line: number;
  /** For JSON: the path of the value inside the document (`records[0].flowRecords.flows[1]...`). */
  readonly path?: string;
}

/** What the cloud did with the traffic. */
export type FlowAction = 'accept' | 'reject';

/** The direction of the traffic relative to the interface that logged it. */
export type FlowDirection = 'inbound' | 'outbound';

/**
 * An Azure flow state: `begin` (a flow created), `continue` (an ongoing flow, with statistics),
 * `end` (a flow terminated, with statistics) or `deny` (VNet flow logs: a denied flow).
 */
export type FlowState = 'begin' | 'continue' | 'end' | 'deny';

/** One flow as a flow log records it. */
export interface FlowRecord {
  /** The cloud whose log it is. */
  readonly cloud: 'aws' | 'azure';
  /** The log's format: `aws` (VPC Flow Logs text), `azure-vnet` (VNet flow logs) or `azure-nsg` (NSG flow logs). */
  readonly format: 'aws' | 'azure-vnet' | 'azure-nsg';
  /** The first packet's time in milliseconds since 1970 (UTC), where the log gives it. */
  readonly start?: number;
  /** The last packet's time in milliseconds since 1970 (UTC), where the log gives it. */
  readonly end?: number;
  /** The source address, canonical text (IPv4 dotted quad, IPv6 in RFC 5952 form). */
  readonly srcAddr: string;
  /** The destination address, canonical text. */
  readonly dstAddr: string;
  /** The source port; 0 for a protocol without ports, as the clouds write it. */
  readonly srcPort: number;
  /** The destination port; 0 for a protocol without ports. */
  readonly dstPort: number;
  /** The IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6). */
  readonly protocol: number;
  /** Accepted or rejected. */
  readonly action: FlowAction;
  /** Inbound or outbound at the logging interface, where the log says. */
  readonly direction?: FlowDirection;
  /** The Azure flow state, where the log says. */
  readonly state?: FlowState;
  /** The interface that logged it: an AWS interface id (`eni-...`) or an Azure NIC's MAC address. */
  readonly interface?: string;
  /** The rule that decided (Azure: the NSG or admin rule's name). */
  readonly rule?: string;
  /** Packets, where the log counts them (Azure: both directions of the flow together). */
  readonly packets?: number;
  /** Bytes, where the log counts them (Azure: both directions of the flow together). */
  readonly bytes?: number;
  /** The OR of the TCP flags seen (AWS `tcp-flags`), where the log has them. */
  readonly tcpFlags?: number;
  /** Where it was read. */
  readonly source: FlowSource;
}

/** A record type with its fields writable, for readers that build a record field by field. @internal */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
