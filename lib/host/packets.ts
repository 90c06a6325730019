import { type EndpointSpec, type PacketSet, type PacketSpace, packets, unionAll } from '../packets';
import type { HostRule, HostRules } from './rules';

/**
 * A host firewall's rules (`planHost` in ./rules) as exact packet sets (lib/packets), the data every
 * host script (nftables, firewalld, PowerShell) renders. A host firewall sees only its own host's
 * traffic, and the other side only by address:
 * - an inbound rule admits packets to the host (a host of one of the role's groups) from every
 *   host at the remote's addresses, whatever groups that host carries; an outbound rule the
 *   packets from the host to them;
 * - a remote group with no address given is every address (the `--any-address` case);
 * - a rule is one protocol and one port range (or ICMP messages), and admits the packets that open connections:
 *   replies are the host firewall's connection tracking to pass (Windows Defender Firewall and
 *   firewalld are stateful; the nftables chains are jumped to from the administrator's base
 *   chains, which accept established traffic).
 * @packageDocumentation
 */

/** What one role's host firewall admits, by direction. */
export interface HostPackets {
  /** The packets its inbound rules admit: to a host of the role, from the rules' remotes. */
  readonly inbound: PacketSet;
  /** The packets its outbound rules admit: from a host of the role (restricted egress only). */
  readonly outbound: PacketSet;
}

/** The packets one host rule admits, the host being any host of `groups`. */
export function hostRulePackets(space: PacketSpace, groups: readonly string[], rule: HostRule): PacketSet {
  const self: EndpointSpec = { classes: groups };
  // By address only: the host cannot tell which groups the remote host carries.
  const remote: EndpointSpec = rule.addresses.length ? { addresses: rule.addresses } : {};
  const ends =
    rule.direction === 'inbound' ? { source: remote, destination: self } : { source: self, destination: remote };
  // An ICMP rule admits its messages (every one, a type's codes, or a type and code), not ports.
  const traffic = rule.icmp
    ? { protocol: rule.protocol, icmp: rule.icmp }
    : { protocol: rule.protocol, ports: { from: rule.fromPort, to: rule.toPort } };
  return packets(space, { ...traffic, ...ends });
}

/**
 * The packets a role's host firewall admits, in a space that has a class for each of the role's
 * groups: the union of its rules in each direction.
 */
export function hostPackets(space: PacketSpace, host: HostRules): HostPackets {
  const of = (direction: HostRule['direction']) =>
    unionAll(
      space,
      host.rules.filter((r) => r.direction === direction).map((r) => hostRulePackets(space, host.groups, r)),
    );
  return { inbound: of('inbound'), outbound: of('outbound') };
}
