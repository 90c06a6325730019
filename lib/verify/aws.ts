import { PortplanError, parseCidr, cidrContains, type Cidr } from '../spec';

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
  readonly ingress: readonly SecurityGroupRuleModel[];
  /** Outbound rules. */
  readonly egress: readonly SecurityGroupRuleModel[];
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

const PROTOCOL_NUMBER: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

function protocolMatches(rule: string, asked: 'tcp' | 'udp'): boolean {
  // "-1" (all traffic) matches every protocol; names and numbers are the same protocol.
  const r = rule.toLowerCase();
  return r === '-1' || r === 'all' || (PROTOCOL_NUMBER[r] ?? r) === PROTOCOL_NUMBER[asked];
}

function portMatches(rule: SecurityGroupRuleModel, asked: 'tcp' | 'udp', port: number): boolean {
  // For TCP and UDP a rule names a port range; -1 and protocols other than TCP/UDP/ICMP allow
  // every port (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html).
  const p = rule.ipProtocol.toLowerCase();
  if (!(PROTOCOL_NUMBER[p] === PROTOCOL_NUMBER[asked] || p === PROTOCOL_NUMBER[asked])) return true;
  if (rule.fromPort === undefined || rule.toPort === undefined || rule.fromPort === -1) return true;
  return rule.fromPort <= port && port <= rule.toPort;
}

function address(text: string, path: string): Cidr {
  const c = parseCidr(`${text}/${text.includes(':') ? 128 : 32}`);
  if (!c) throw new ModelError(path, text, `${path}: not an IPv4 or IPv6 address (got ${JSON.stringify(text)})`);
  return c;
}

function range(text: string, path: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new ModelError(path, text, `${path}: not an IPv4 or IPv6 CIDR (got ${JSON.stringify(text)})`);
  return c;
}

/** The peer of a rule as the evaluator sees it: addresses and the groups they belong to. */
interface Party {
  readonly addresses: readonly Cidr[];
  readonly groupIds: readonly string[];
}

/** Whether a rule admits the party on this protocol and port (the rule's remote is the party). */
function ruleAdmits(rule: SecurityGroupRuleModel, party: Party, family: 4 | 6, protocol: 'tcp' | 'udp', port: number, path: string): boolean {
  if (!protocolMatches(rule.ipProtocol, protocol) || !portMatches(rule, protocol, port)) return false;
  const remotes = [rule.cidrIpv4, rule.cidrIpv6, rule.referencedGroupId].filter((x) => x !== undefined);
  if (remotes.length !== 1) throw new ModelError(path, rule, `${path}: a rule names exactly one CIDR or group (got ${remotes.length})`);
  // A rule naming a group admits the addresses of every interface that group is on
  // (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing).
  if (rule.referencedGroupId !== undefined) return party.groupIds.includes(rule.referencedGroupId);
  const cidr = range((rule.cidrIpv4 ?? rule.cidrIpv6)!, path);
  return cidr.family === family && party.addresses.some((a) => a.family === family && cidrContains(cidr, a));
}

/**
 * Answers whether `from` may open a connection to `to` on `protocol`/`port`, by the documented
 * rules of security groups (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html,
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html):
 * - rules only allow: traffic no rule allows is dropped;
 * - the rules of every group on an interface are aggregated (their union applies);
 * - the listener's groups must allow it inbound AND the initiator's groups outbound; an end that
 *   is not a host of the model (an outside address) filters nothing;
 * - groups are stateful: replies pass without a rule, so only the opening direction is asked
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html);
 * - a rule naming a group matches by membership; a CIDR rule matches an address of its family.
 * Both ends use addresses of one family: the connection is allowed when it is for IPv4 or IPv6.
 * @throws ModelError for an unknown host or group, or an address or range it cannot parse
 */
export function allowed(model: AwsNetworkModel, from: ConnectionEnd, to: ConnectionEnd, protocol: 'tcp' | 'udp', port: number): Verdict {
  const groups = new Map(model.groups.map((g) => [g.groupId, g]));
  const end = (e: ConnectionEnd, side: string): { party: Party; rules?: (dir: 'ingress' | 'egress') => [SecurityGroupRuleModel, string][] } => {
    if ('address' in e) return { party: { addresses: [address(e.address, `${side}.address`)], groupIds: [] } };
    const host = model.hosts.find((h) => h.name === e.host);
    if (!host) throw new ModelError(`${side}.host`, e.host, `${side}.host: no host of that name (got ${JSON.stringify(e.host)})`);
    const own = host.securityGroupIds.map((id) => {
      const g = groups.get(id);
      if (!g) throw new ModelError(`hosts.${host.name}.securityGroupIds`, id, `hosts.${host.name}: no security group ${id} in the model`);
      return g;
    });
    return {
      party: { addresses: host.addresses.map((a, i) => address(a, `hosts.${host.name}.addresses[${i}]`)), groupIds: host.securityGroupIds },
      rules: (dir) => own.flatMap((g) => g[dir].map((r, i): [SecurityGroupRuleModel, string] => [r, `${g.groupId}.${dir}[${i}]`])),
    };
  };
  const a = end(from, 'from');
  const b = end(to, 'to');
  let egress = false;
  let ingress = false;
  let both = false;
  for (const family of [4, 6] as const) {
    if (!a.party.addresses.some((x) => x.family === family) || !b.party.addresses.some((x) => x.family === family)) continue;
    const out = a.rules ? a.rules('egress').some(([r, p]) => ruleAdmits(r, b.party, family, protocol, port, p)) : true;
    const inn = b.rules ? b.rules('ingress').some(([r, p]) => ruleAdmits(r, a.party, family, protocol, port, p)) : true;
    egress ||= out;
    ingress ||= inn;
    both ||= out && inn;
  }
  return { allowed: both, ...(a.rules ? { egress } : {}), ...(b.rules ? { ingress } : {}) };
}
