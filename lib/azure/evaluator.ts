/**
 * An Azure network security group evaluator: which rule decides a packet, applying the documented
 * NSG semantics to rules in ARM shape ({@link ArmSecurityRule}): one packet asked of the packet
 * sets lib/azure/site-packets compiles (the same compilation `verify azure` uses). Pure, no cloud SDK.
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
import { parseCidr, type Cidr } from '../model/cidr';
import { ArgumentError } from '../model/errors';
import { type Packet, PacketSpace, allPackets, has, noPackets, packetSet } from '../packets';
import { type AzureRuleContext, type RuleDecision, nsgPackets } from './site-packets';
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

/** The host class of an endpoint in a compiled NSG: its ASGs, sorted, as JSON (one injective name). */
const membership = (asgs: readonly string[] = []): string => JSON.stringify([...new Set(asgs)].sort());

/**
 * One NSG compiled once into first-match packet sets (lib/azure/site-packets), for NICs of the
 * ASG memberships given: each membership is a host class of its space. Ask it with {@link decideIn}.
 */
export interface CompiledNsg {
  /** The rule context of the compile: the space, its classes the memberships. */
  readonly context: AzureRuleContext;
  /** Each direction's rules, user rules and Azure's defaults, with the packets each decides. */
  readonly decisions: Readonly<Record<'Inbound' | 'Outbound', readonly RuleDecision[]>>;
}

/** Options of {@link compileNsg}. */
export interface CompileNsgOptions {
  /** The source port of the packets asked about, which rules naming source ports match. @default 49152 */
  readonly sourcePort?: number;
  /**
   * Compile for this one question only (one direction, one packet): each rule then costs only its
   * match of that packet. Other questions get no decision.
   */
  readonly only?: NsgQuestion;
}

/** One question of an NSG: a packet between two ends, in one direction. */
export interface NsgQuestion {
  /** The direction asked about. */
  readonly direction: 'Inbound' | 'Outbound';
  /** The sending end. */
  readonly from: AzureEndpoint;
  /** The receiving end. */
  readonly to: AzureEndpoint;
  /** What is sent. */
  readonly packet: AzurePacket;
}

/**
 * The question as one packet of a compiled space: each end of the class of its ASG membership.
 * @throws ArgumentError for an end whose membership the space lacks
 */
function question(
  q: { readonly from: AzureEndpoint; readonly to: AzureEndpoint; readonly packet: AzurePacket },
  context: AzureRuleContext,
): Packet {
  const classOf = (e: AzureEndpoint, path: string): string => {
    const c = membership(e.applicationSecurityGroups);
    if (!context.space.classNumber.has(c)) {
      const known = context.space.classes.join(', ');
      throw new ArgumentError(path, e.applicationSecurityGroups, `ASGs of a membership compiled: ${known}`);
    }
    return c;
  };
  const v6 = q.to.address.includes(':');
  const service =
    q.packet.protocol === 'Icmp'
      ? // Any ICMP message: an NSG rule matches ICMP whole (echo request stands for all).
        { protocol: v6 ? 58 : 1, icmpType: v6 ? 128 : 8, icmpCode: 0 }
      : { protocol: q.packet.protocol === 'Tcp' ? 6 : 17, port: q.packet.port };
  return {
    ...service,
    source: { address: q.from.address, hostClass: classOf(q.from, 'from.applicationSecurityGroups') },
    destination: { address: q.to.address, hostClass: classOf(q.to, 'to.applicationSecurityGroups') },
  };
}

/**
 * Compiles an NSG's rules once, both directions, for endpoints with any of the ASG memberships
 * given (an endpoint with no ASG has the empty membership, always included).
 */
export function compileNsg(
  rules: readonly ArmSecurityRule[],
  network: AzureNetwork,
  memberships: readonly (readonly string[])[],
  options: CompileNsgOptions = {},
): CompiledNsg {
  const classes = [...new Set([membership(), ...memberships.map((m) => membership(m))])];
  const members = new Map<string, string[]>();
  for (const c of classes) {
    for (const id of JSON.parse(c) as string[]) members.set(id, [...(members.get(id) ?? []), c]);
  }
  const context: AzureRuleContext = {
    space: new PacketSpace(classes),
    virtualNetwork: network.addressSpace.filter((c) => parseCidr(c) !== undefined),
    members,
    sourcePort: options.sourcePort ?? 49152,
  };
  const q = options.only;
  const scope = (d: 'Inbound' | 'Outbound') =>
    !q
      ? allPackets(context.space)
      : q.direction === d
        ? packetSet(context.space, question(q, context))
        : noPackets(context.space);
  const decisions = {
    Inbound: nsgPackets(context, rules, 'Inbound', scope('Inbound')).decisions,
    Outbound: nsgPackets(context, rules, 'Outbound', scope('Outbound')).decisions,
  };
  return { context, decisions };
}

/**
 * The first rule of a compiled NSG, user rules then Azure's defaults by priority, that matches
 * the packet in one direction (first match:
 * https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works).
 * ICMP has no ports: a rule for ICMP (or `*`) matches it whatever its ports.
 * @throws ArgumentError for an endpoint of a membership the NSG was not compiled for, or a source
 *   port other than the compile's
 */
export function decideIn(
  nsg: CompiledNsg,
  direction: 'Inbound' | 'Outbound',
  from: AzureEndpoint,
  to: AzureEndpoint,
  packet: AzurePacket,
): NsgDecision {
  if (!hostCidr(from.address) || !hostCidr(to.address)) return { access: 'Deny', rule: '(no rule)', priority: 65536 };
  const port = packet.sourcePort ?? 49152;
  if (port !== nsg.context.sourcePort) {
    throw new ArgumentError(
      'packet.sourcePort',
      port,
      `the source port the NSG was compiled for (${nsg.context.sourcePort})`,
    );
  }
  const pkt = question({ from, to, packet }, nsg.context);
  const d = nsg.decisions[direction].find((x) => has(x.decided, pkt));
  // Unreachable with the default rules (DenyAll matches everything); kept for a closed answer.
  if (!d) return { access: 'Deny', rule: '(no rule)', priority: 65536 };
  return {
    access: d.rule.access === 'Allow' ? 'Allow' : 'Deny',
    rule: String(d.rule.name),
    priority: Number(d.rule.priority),
  };
}

/**
 * The first rule, user rules then Azure's defaults by priority, that matches the packet in one
 * direction of one NSG: {@link decideIn} of the NSG compiled for the two ends. To ask many
 * packets of one NSG, compile it once ({@link compileNsg}).
 */
export function evaluateNsg(
  rules: readonly ArmSecurityRule[],
  direction: 'Inbound' | 'Outbound',
  from: AzureEndpoint,
  to: AzureEndpoint,
  packet: AzurePacket,
  network: AzureNetwork,
): NsgDecision {
  if (!hostCidr(from.address) || !hostCidr(to.address)) return { access: 'Deny', rule: '(no rule)', priority: 65536 };
  const nsg = compileNsg(rules, network, [from.applicationSecurityGroups ?? [], to.applicationSecurityGroups ?? []], {
    sourcePort: packet.sourcePort,
    only: { direction, from, to, packet },
  });
  return decideIn(nsg, direction, from, to, packet);
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
