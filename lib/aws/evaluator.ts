import { ArgumentError, PortplanError, parseCidr, type Cidr } from '../model';
import { type PacketSet, PacketSpace, has, noPackets } from '../packets';
import { type AwsRule, type AwsRuleContext, awsRulePackets, awsSitePackets } from './site-packets';

/**
 * An evaluator of AWS security groups, written from the AWS documentation, with no SDK: given
 * groups with their rules and hosts with their groups and addresses, is a connection allowed?
 *
 * The model is neutral: groups and rules in the shape of EC2's `DescribeSecurityGroupRules`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html), filled from
 * a synthesized template in the tests or from the EC2 API by a later `verify` command.
 * @packageDocumentation
 */

/** One security group rule, as EC2's `SecurityGroupRule` has it (one remote per rule). */
export interface SecurityGroupRuleModel {
  /**
   * `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a protocol number as text. EC2 reports numbers for
   * other protocols and `-1` for all traffic
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
   */
  readonly ipProtocol: string;
  /** First port (TCP/UDP), or the ICMP type; absent or -1 for all. */
  readonly fromPort?: number;
  /** Last port (TCP/UDP), or the ICMP code; absent or -1 for all. */
  readonly toPort?: number;
  /** An IPv4 range the rule admits (ingress: source; egress: destination). */
  readonly cidrIpv4?: string;
  /** An IPv6 range the rule admits. */
  readonly cidrIpv6?: string;
  /** A security group whose members the rule admits. */
  readonly referencedGroupId?: string;
  /** Free text. */
  readonly description?: string;
}

/** A security group: its id and its inbound and outbound rules. */
export interface SecurityGroupModel {
  /** The group id (`sg-...`, or any stable key a parser gives it). */
  readonly groupId: string;
  /** Inbound rules. */
  readonly ingress: readonly AwsRule[];
  /** Outbound rules. */
  readonly egress: readonly AwsRule[];
}

/** A host with one network interface: its security groups and private addresses. */
export interface HostModel {
  /** A name to ask about it by. */
  readonly name: string;
  /** The ids of the security groups on its interface. */
  readonly securityGroupIds: readonly string[];
  /** Its IPv4 and IPv6 addresses, without prefix length. */
  readonly addresses: readonly string[];
}

/** Security groups and hosts. */
export interface AwsNetworkModel {
  /** Every security group the hosts or rules name. */
  readonly groups: readonly SecurityGroupModel[];
  /** The hosts. */
  readonly hosts: readonly HostModel[];
  /**
   * The CIDRs of each managed prefix list a rule names (`prefixListId`), by id; a rule naming a
   * list not given admits nothing.
   */
  readonly prefixLists?: Readonly<Record<string, readonly string[]>>;
}

/** A host of the model as one end of a connection. */
export interface HostEnd {
  /** The host's name. */
  readonly host: string;
}

/** An address outside the model as one end of a connection: no security group filters it. */
export interface AddressEnd {
  /** An IPv4 or IPv6 address. */
  readonly address: string;
}

/** One end of a connection: a host of the model, or an address outside it. */
export type ConnectionEnd = HostEnd | AddressEnd;

/** The outcome of one question, with each side's answer. */
export interface Verdict {
  /** Whether the connection is allowed: every side that filters allows it. */
  readonly allowed: boolean;
  /** Whether the initiator's groups let it out; undefined when the initiator is not a host. */
  readonly egress?: boolean;
  /** Whether the listener's groups let it in; undefined when the listener is not a host. */
  readonly ingress?: boolean;
}

/** A model the evaluator cannot read: an unknown group or host, an address or range it cannot parse. */
export class ModelError extends PortplanError {
  /** Always `AWS_MODEL`. */
  readonly code = 'AWS_MODEL';
}

function address(text: string, path: string): Cidr {
  const c = parseCidr(`${text}/${text.includes(':') ? 128 : 32}`);
  if (!c) throw new ModelError(path, text, `${path}: not an IPv4 or IPv6 address (got ${JSON.stringify(text)})`);
  return c;
}

/** The model's hosts with their groups and addresses checked: every group a host carries known. */
function checkedHosts(model: AwsNetworkModel): Map<string, HostModel> {
  const groups = new Set(model.groups.map((g) => g.groupId));
  const hosts = new Map<string, HostModel>();
  for (const host of model.hosts) {
    for (const id of host.securityGroupIds) {
      if (!groups.has(id)) {
        const path = `hosts.${host.name}.securityGroupIds`;
        throw new ModelError(path, id, `hosts.${host.name}: no security group ${id} in the model`);
      }
    }
    host.addresses.forEach((a, i) => address(a, `hosts.${host.name}.addresses[${i}]`));
    hosts.set(host.name, host);
  }
  return hosts;
}

/**
 * A network compiled once into packet sets, to be asked about many packets with
 * {@link allowedIn}: what the groups of every host let out and let in.
 */
export interface CompiledAwsNetwork {
  /** The model's hosts, by name. */
  readonly hosts: ReadonlyMap<string, HostModel>;
  /** The packets the initiators' groups let out (every packet from an address outside the model). */
  readonly egress: PacketSet;
  /** The packets the listeners' groups let in (every packet to an address outside the model). */
  readonly ingress: PacketSet;
}

/** Every rule of every group, compiled: each admits its packets for the hosts that carry its group. */
function compiledRules(model: AwsNetworkModel, ctx: AwsRuleContext, dir: 'ingress' | 'egress'): PacketSet[] {
  return model.groups.flatMap((g) =>
    g[dir].map((r, i) => {
      const path = `${g.groupId}.${dir}[${i}]`;
      try {
        return awsRulePackets(ctx, g.groupId, dir, r, path) ?? noPackets(ctx.space);
      } catch (e) {
        // The model's own error type, naming the rule.
        if (e instanceof ArgumentError) throw new ModelError(e.path, e.value, `${path}: ${e.message}`);
        throw e;
      }
    }),
  );
}

/**
 * Compiles a network's security groups into packet sets once (lib/aws/site-packets): each host of
 * the model its own class, carrying its groups. Ask it with {@link allowedIn}.
 * @throws ModelError for a host carrying a group the model lacks, an address or range it cannot
 *   parse, or a rule EC2 would not give
 */
export function compileAwsNetwork(model: AwsNetworkModel): CompiledAwsNetwork {
  const hosts = checkedHosts(model);
  const carriers = new Map<string, string[]>();
  for (const h of hosts.values()) {
    for (const id of new Set(h.securityGroupIds)) carriers.set(id, [...(carriers.get(id) ?? []), h.name]);
  }
  const space = new PacketSpace([...hosts.keys()]);
  const ctx: AwsRuleContext = { space, carriers, prefixLists: new Map(Object.entries(model.prefixLists ?? {})) };
  const site = awsSitePackets(space, [...hosts.keys()], {
    ingress: compiledRules(model, ctx, 'ingress'),
    egress: compiledRules(model, ctx, 'egress'),
  });
  return { hosts, egress: site.egress, ingress: site.ingress };
}

/**
 * Answers whether `from` may open a connection to `to` on `protocol`/`port`, by the documented
 * rules of security groups, as the packet sets of lib/aws/site-packets compile them
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html,
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): the question is
 * whether one packet is in the site's sets.
 * - rules only allow: traffic no rule allows is dropped;
 * - the rules of every group on an interface are aggregated (their union applies);
 * - the listener's groups must allow it inbound AND the initiator's groups outbound; an end that
 *   is not a host of the model (an outside address) filters nothing;
 * - groups are stateful: replies pass without a rule, so only the opening direction is asked
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html);
 * - a rule naming a group matches by membership; a CIDR rule matches an address of its family.
 * Both ends use addresses of one family: the connection is allowed when it is for IPv4 or IPv6.
 * @param network the network compiled once ({@link compileAwsNetwork})
 * @throws ModelError for an unknown host or an address it cannot parse
 */
export function allowedIn(
  network: CompiledAwsNetwork,
  from: ConnectionEnd,
  to: ConnectionEnd,
  protocol: 'tcp' | 'udp',
  port: number,
): Verdict {
  const addresses = (e: ConnectionEnd, side: string): string[] => {
    if ('address' in e) {
      address(e.address, `${side}.address`);
      return [e.address];
    }
    const host = network.hosts.get(e.host);
    if (!host)
      throw new ModelError(
        `${side}.host`,
        e.host,
        `${side}.host: no host of that name (got ${JSON.stringify(e.host)})`,
      );
    return [...host.addresses];
  };
  const [fromAddresses, toAddresses] = [addresses(from, 'from'), addresses(to, 'to')];
  const end = (e: ConnectionEnd, a: string) => ('address' in e ? { address: a } : { address: a, hostClass: e.host });
  let [egress, ingress, both] = [false, false, false];
  for (const family of [4, 6] as const) {
    const of = (list: string[]) => list.filter((a) => address(a, 'address').family === family);
    for (const a of of(fromAddresses)) {
      for (const b of of(toAddresses)) {
        const packet = { protocol: protocol === 'tcp' ? 6 : 17, port, source: end(from, a), destination: end(to, b) };
        const out = has(network.egress, packet);
        const inn = has(network.ingress, packet);
        [egress, ingress, both] = [egress || out, ingress || inn, both || (out && inn)];
      }
    }
  }
  return { allowed: both, ...('host' in from ? { egress } : {}), ...('host' in to ? { ingress } : {}) };
}

/**
 * One question of a network, compiled for it alone: {@link allowedIn} of {@link compileAwsNetwork}.
 * To ask many questions of one network, compile it once.
 * @throws ModelError for an unknown host or group, or an address or range it cannot parse
 */
export function allowed(
  model: AwsNetworkModel,
  from: ConnectionEnd,
  to: ConnectionEnd,
  protocol: 'tcp' | 'udp',
  port: number,
): Verdict {
  return allowedIn(compileAwsNetwork(model), from, to, protocol, port);
}
