/**
 * An Azure network security group evaluator: which rule decides a packet, applying the documented
 * NSG semantics to rules in ARM shape ({@link ArmSecurityRule}). Pure, no cloud SDK.
 *
 * Semantics, from "Network security groups" and "How network security groups filter network
 * traffic" (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview,
 * https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works):
 * - rules are processed in priority order, lowest number first; the first rule that matches decides;
 * - every NSG carries the default rules below, after all user rules;
 * - traffic leaving a NIC meets the NSG of its subnet in the Outbound direction, traffic arriving
 *   meets the NSG of the destination's subnet Inbound; both must allow it. NSGs are stateful: the
 *   reply of an allowed connection needs no rule;
 * - service tags: `VirtualNetwork` is the VNet's address space, peered and connected spaces and the
 *   host's virtual IP 168.63.129.16; `AzureLoadBalancer` is 168.63.129.16; `Internet` is the address
 *   space outside the virtual network (https://learn.microsoft.com/azure/virtual-network/service-tags-overview);
 * - ASGs: a rule naming an ASG matches the NICs that are members of it
 *   (https://learn.microsoft.com/azure/virtual-network/application-security-groups);
 * - the platform's DNS, DHCP, IMDS and health services at 168.63.129.16 and 169.254.169.254 are not
 *   subject to NSGs when a host reaches them (NSG overview, "Azure platform considerations"), so
 *   outbound traffic to them is never filtered here. Load Balancer health probes come in from
 *   168.63.129.16 and are filtered (hence the default rule AllowAzureLoadBalancerInBound).
 */
import { cidrContains, parseCidr, type Cidr } from '../model/cidr';
import type { ArmSecurityRule } from './rules';

/** The host's virtual IP: Azure DNS, DHCP, Load Balancer health probes, VM agent. */
export const AZURE_HOST_IP = '168.63.129.16';
/** The Instance Metadata Service. */
export const AZURE_IMDS_IP = '169.254.169.254';

// "Default security rules" (NSG overview): created in every NSG, not removable, lowest precedence.
const any = { sourcePortRange: '*', destinationPortRange: '*', protocol: '*' } as const;
/** Azure's default rules of every NSG, by direction (NSG overview, "Default security rules"). */
export const DEFAULT_RULES: Readonly<Record<'Inbound' | 'Outbound', readonly ArmSecurityRule[]>> = {
  Inbound: [
    {
      ...any,
      name: 'AllowVnetInBound',
      priority: 65000,
      direction: 'Inbound',
      access: 'Allow',
      sourceAddressPrefix: 'VirtualNetwork',
      destinationAddressPrefix: 'VirtualNetwork',
    },
    {
      ...any,
      name: 'AllowAzureLoadBalancerInBound',
      priority: 65001,
      direction: 'Inbound',
      access: 'Allow',
      sourceAddressPrefix: 'AzureLoadBalancer',
      destinationAddressPrefix: '*',
    },
    {
      ...any,
      name: 'DenyAllInBound',
      priority: 65500,
      direction: 'Inbound',
      access: 'Deny',
      sourceAddressPrefix: '*',
      destinationAddressPrefix: '*',
    },
  ],
  Outbound: [
    {
      ...any,
      name: 'AllowVnetOutBound',
      priority: 65000,
      direction: 'Outbound',
      access: 'Allow',
      sourceAddressPrefix: 'VirtualNetwork',
      destinationAddressPrefix: 'VirtualNetwork',
    },
    {
      ...any,
      name: 'AllowInternetOutBound',
      priority: 65001,
      direction: 'Outbound',
      access: 'Allow',
      sourceAddressPrefix: '*',
      destinationAddressPrefix: 'Internet',
    },
    {
      ...any,
      name: 'DenyAllOutBound',
      priority: 65500,
      direction: 'Outbound',
      access: 'Deny',
      sourceAddressPrefix: '*',
      destinationAddressPrefix: '*',
    },
  ],
};

/** The network the NSGs live in. */
export interface AzureNetwork {
  /** The VNet's address space, with peered and connected spaces: what `VirtualNetwork` means. */
  readonly addressSpace: readonly string[];
}

/** One end of a packet: a NIC (with its ASGs and its subnet's NSG rules) or an address outside. */
export interface AzureEndpoint {
  /** The IP address (IPv4 or IPv6, no prefix). */
  readonly address: string;
  /** The ids of the ASGs the NIC is a member of. @default [] */
  readonly applicationSecurityGroups?: readonly string[];
  /** The user rules of the NSG on the NIC's subnet; undefined: no NSG filters this end. */
  readonly nsg?: readonly ArmSecurityRule[];
}

/** What is sent: protocol and ports. */
export interface AzurePacket {
  /** `Tcp`, `Udp` or `Icmp`. */
  readonly protocol: 'Tcp' | 'Udp' | 'Icmp';
  /** The destination port (ignored for ICMP). */
  readonly port: number;
  /** The source port. @default 49152 (an ephemeral port) */
  readonly sourcePort?: number;
}

/** The rule that decided one direction. */
export interface NsgDecision {
  /** The rule's verdict. */
  readonly access: 'Allow' | 'Deny';
  /** The deciding rule's name, or `(not filtered)` for platform traffic. */
  readonly rule: string;
  /** The deciding rule's priority (0 for platform traffic). */
  readonly priority: number;
}

/** The outcome for one packet between two endpoints. */
export interface FlowVerdict {
  /** Whether both NSGs on the path let it through. */
  readonly allowed: boolean;
  /** The decision at the source's NSG (Outbound); undefined when no NSG filters the source. */
  readonly outbound?: NsgDecision;
  /** The decision at the destination's NSG (Inbound); undefined when no NSG filters it. */
  readonly inbound?: NsgDecision;
}

const hostCidr = (address: string): Cidr | undefined => parseCidr(`${address}/${address.includes(':') ? 128 : 32}`);
const HOST = hostCidr(AZURE_HOST_IP)!;
const IMDS = hostCidr(AZURE_IMDS_IP)!;
const same = (a: Cidr, b: Cidr) => a.family === b.family && a.network === b.network;

function inVirtualNetwork(ip: Cidr, network: AzureNetwork): boolean {
  return (
    same(ip, HOST) ||
    network.addressSpace.some((p) => {
      const c = parseCidr(p);
      return c !== undefined && cidrContains(c, ip);
    })
  );
}

function prefixMatches(prefix: string, ip: Cidr, network: AzureNetwork): boolean {
  if (prefix === '*') return true;
  if (prefix === 'VirtualNetwork') return inVirtualNetwork(ip, network);
  if (prefix === 'AzureLoadBalancer') return same(ip, HOST);
  if (prefix === 'Internet') return !inVirtualNetwork(ip, network);
  const c = parseCidr(prefix.includes('/') ? prefix : `${prefix}/${prefix.includes(':') ? 128 : 32}`);
  // Other service tags are not modelled: they match nothing here.
  return c !== undefined && cidrContains(c, ip);
}

function sideMatches(
  rule: ArmSecurityRule,
  side: 'source' | 'destination',
  end: AzureEndpoint,
  network: AzureNetwork,
): boolean {
  const ip = hostCidr(end.address);
  if (!ip) return false;
  const asgs = rule[`${side}ApplicationSecurityGroups`];
  if (Array.isArray(asgs) && asgs.length > 0) {
    const member = new Set(end.applicationSecurityGroups ?? []);
    return asgs.some((a: { id?: unknown }) => member.has(String(a.id)));
  }
  const plural = rule[`${side}AddressPrefixes`];
  if (Array.isArray(plural) && plural.length > 0) return plural.some((p) => prefixMatches(String(p), ip, network));
  const single = rule[`${side}AddressPrefix`];
  return typeof single === 'string' && prefixMatches(single, ip, network);
}

function portMatches(rule: ArmSecurityRule, side: 'source' | 'destination', port: number): boolean {
  const plural = rule[`${side}PortRanges`];
  const single = rule[`${side}PortRange`];
  const ranges =
    Array.isArray(plural) && plural.length > 0 ? plural.map(String) : typeof single === 'string' ? [single] : [];
  return ranges.some((r) => {
    if (r === '*') return true;
    const [lo, hi = lo] = r.split('-').map(Number);
    return port >= lo && port <= hi;
  });
}

function protocolMatches(rule: ArmSecurityRule, protocol: string): boolean {
  return rule.protocol === '*' || String(rule.protocol).toLowerCase() === protocol.toLowerCase();
}

/**
 * The first rule, user rules then Azure's defaults by priority, that matches the packet in one
 * direction of one NSG. ICMP has no ports: a rule for ICMP (or `*`) matches it whatever its ports.
 */
export function evaluateNsg(
  rules: readonly ArmSecurityRule[],
  direction: 'Inbound' | 'Outbound',
  from: AzureEndpoint,
  to: AzureEndpoint,
  packet: AzurePacket,
  network: AzureNetwork,
): NsgDecision {
  const ordered = [...rules.filter((r) => r.direction === direction), ...DEFAULT_RULES[direction]].sort(
    (a, b) => Number(a.priority) - Number(b.priority),
  );
  const icmp = packet.protocol === 'Icmp';
  for (const r of ordered) {
    if (!protocolMatches(r, packet.protocol)) continue;
    if (!icmp && !portMatches(r, 'destination', packet.port)) continue;
    if (!icmp && !portMatches(r, 'source', packet.sourcePort ?? 49152)) continue;
    if (!sideMatches(r, 'source', from, network) || !sideMatches(r, 'destination', to, network)) continue;
    return { access: r.access === 'Allow' ? 'Allow' : 'Deny', rule: String(r.name), priority: Number(r.priority) };
  }
  // Unreachable with the default rules (DenyAll matches everything); kept for a closed answer.
  return { access: 'Deny', rule: '(no rule)', priority: 65536 };
}

/**
 * A packet from `from` to `to`: Outbound at the source's NSG, then Inbound at the destination's
 * (the same NSG when both NICs share a subnet). Outbound traffic to the platform addresses
 * 168.63.129.16 and 169.254.169.254 is not filtered.
 */
export function evaluateFlow(
  network: AzureNetwork,
  from: AzureEndpoint,
  to: AzureEndpoint,
  packet: AzurePacket,
): FlowVerdict {
  const toIp = hostCidr(to.address);
  const platform = toIp !== undefined && (same(toIp, HOST) || same(toIp, IMDS));
  const outbound = from.nsg
    ? platform
      ? { access: 'Allow' as const, rule: '(not filtered)', priority: 0 }
      : evaluateNsg(from.nsg, 'Outbound', from, to, packet, network)
    : undefined;
  const inbound = to.nsg ? evaluateNsg(to.nsg, 'Inbound', from, to, packet, network) : undefined;
  return {
    allowed: (outbound?.access ?? 'Allow') === 'Allow' && (inbound?.access ?? 'Allow') === 'Allow',
    outbound,
    inbound,
  };
}
