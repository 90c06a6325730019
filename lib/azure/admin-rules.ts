import { ArgumentError } from '../model/errors';
import { type PacketSet, difference, intersection, isEmpty, noPackets, packets, union } from '../packets';
import type { ArmSecurityRule } from './rules';
import { platformPackets, rulePackets, type AzureRuleContext, type AzureSitePackets } from './site-packets';

/**
 * Azure Virtual Network Manager's security admin rules over a site's NSGs, from "Security admin
 * rules in Azure Virtual Network Manager"
 * (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins):
 * - admin rules apply to every resource of the VNets in their network groups, and are evaluated
 *   before any NSG rule, lowest priority number first; the first admin rule that matches decides:
 * - `Deny` drops the packet (no NSG is consulted), `AlwaysAllow` delivers it (no NSG is consulted),
 *   `Allow` hands it on to the NSGs, which decide as if no admin rule had matched; a packet no admin
 *   rule matches goes to the NSGs too.
 * So a direction admits `AlwaysAllow`'s packets, and of the rest what the NSGs admit, less `Deny`'s.
 * The fields are those of the REST API's security admin rule (Admin Rules - Create Or Update,
 * https://learn.microsoft.com/rest/api/networkmanager/admin-rules/create-or-update) as the Azure CLI
 * prints the effective rules of a VNet (`az network manager list-effective-security-admin-rule`):
 * an absent source, destination or port list matches everything. Traffic to the platform's
 * addresses stays unfiltered, as with NSGs.
 * @packageDocumentation
 */

/** A source or destination of an admin rule: an address prefix or a service tag. */
export interface AdminRuleAddress {
  /** The prefix (`10.0.0.0/24`, `10.0.0.4`) or the tag (`Internet`). */
  readonly addressPrefix: string;
  /** What `addressPrefix` is. */
  readonly addressPrefixType: 'IPPrefix' | 'ServiceTag';
}

/** A security admin rule of Azure Virtual Network Manager, as the effective rules of a VNet list it. */
export interface AdminRule {
  /** The rule's name, for messages. */
  readonly name: string;
  /** 1 to 4096: the lower, the earlier it is evaluated. */
  readonly priority: number;
  /** The direction it filters. */
  readonly direction: 'Inbound' | 'Outbound';
  /** What it does with the packets it decides. */
  readonly access: 'Allow' | 'AlwaysAllow' | 'Deny';
  /** The protocol it matches. */
  readonly protocol: 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | 'Any';
  /** The sources it matches; everything when absent or empty. */
  readonly sources?: readonly AdminRuleAddress[];
  /** The destinations it matches; everything when absent or empty. */
  readonly destinations?: readonly AdminRuleAddress[];
  /** The source ports (`80`, `1024-65535`, `*`); every port when absent or empty. */
  readonly sourcePortRanges?: readonly string[];
  /** The destination ports; every port when absent or empty. */
  readonly destinationPortRanges?: readonly string[];
}

/** What one admin rule decides: the packets it matches that no admin rule before it matched. */
export interface AdminRuleDecision {
  /** The rule. */
  readonly rule: AdminRule;
  /** The packets it decides. */
  readonly decided: PacketSet;
}

/** One direction of the admin rules as packet sets. */
export interface AdminPackets {
  /** Each rule that decides a packet, in evaluation order. */
  readonly decisions: readonly AdminRuleDecision[];
  /** The packets an `AlwaysAllow` rule decides: delivered whatever the NSGs say. */
  readonly alwaysAllowed: PacketSet;
  /** The packets a `Deny` rule decides: dropped whatever the NSGs say. */
  readonly denied: PacketSet;
}

const ACCESS = ['Allow', 'AlwaysAllow', 'Deny'] as const;
const PROTOCOL: Readonly<Record<AdminRule['protocol'], string>> = {
  Tcp: 'Tcp',
  Udp: 'Udp',
  Icmp: 'Icmp',
  Esp: 'Esp',
  Ah: 'Ah',
  Any: '*',
};

/**
 * The rule in an NSG rule's shape, so that it matches packets exactly as an NSG rule of the same
 * fields does (rulePackets): the two share protocols, prefixes, service tags and port ranges. Its
 * name is `admin rule <name>`, so that reports tell it from the NSGs' rules.
 * @throws ArgumentError naming the field for a protocol, access or priority Azure does not take
 * @internal
 */
export function asNsgRule(rule: AdminRule, path: string): ArmSecurityRule {
  const protocol = PROTOCOL[rule.protocol];
  if (protocol === undefined)
    throw new ArgumentError(`${path}.protocol`, rule.protocol, Object.keys(PROTOCOL).join(', '));
  if (!ACCESS.includes(rule.access)) throw new ArgumentError(`${path}.access`, rule.access, ACCESS.join(', '));
  if (!Number.isInteger(rule.priority) || rule.priority < 1 || rule.priority > 4096)
    throw new ArgumentError(`${path}.priority`, rule.priority, 'a whole number from 1 to 4096');
  const prefixes = (list: readonly AdminRuleAddress[] | undefined) =>
    list?.length ? list.map((a) => a.addressPrefix) : ['*'];
  const ports = (list: readonly string[] | undefined) => (list?.length ? [...list] : ['*']);
  return {
    name: `admin rule ${rule.name}`,
    priority: rule.priority,
    direction: rule.direction,
    access: rule.access === 'Deny' ? 'Deny' : 'Allow',
    protocol,
    sourceAddressPrefixes: prefixes(rule.sources),
    destinationAddressPrefixes: prefixes(rule.destinations),
    sourcePortRanges: ports(rule.sourcePortRanges),
    destinationPortRanges: ports(rule.destinationPortRanges),
  };
}

/**
 * The packets of the scope that the admin rules decide in one direction, first match by priority.
 * Two rules of one priority are refused: the order between them is not documented.
 * @param scope the packets the rules filter in this direction
 */
export function adminRulePackets(
  ctx: AzureRuleContext,
  rules: readonly AdminRule[],
  direction: 'Inbound' | 'Outbound',
  scope: PacketSet,
): AdminPackets {
  const ordered = rules
    .map((rule, i) => ({ rule, path: `adminRules[${i}]` }))
    .filter(({ rule }) => rule.direction === direction)
    .sort((a, b) => a.rule.priority - b.rule.priority);
  ordered.forEach(({ rule, path }, i) => {
    if (i > 0 && ordered[i - 1].rule.priority === rule.priority)
      throw new ArgumentError(`${path}.priority`, rule.priority, `a priority no other ${direction} admin rule has`);
  });
  let open = scope;
  let alwaysAllowed = noPackets(ctx.space);
  let denied = noPackets(ctx.space);
  const decisions: AdminRuleDecision[] = [];
  for (const { rule, path } of ordered) {
    if (isEmpty(open)) break;
    const decided = intersection(open, rulePackets(ctx, asNsgRule(rule, path), path));
    open = difference(open, decided);
    decisions.push({ rule, decided });
    if (rule.access === 'AlwaysAllow') alwaysAllowed = union(alwaysAllowed, decided);
    if (rule.access === 'Deny') denied = union(denied, decided);
  }
  return { decisions, alwaysAllowed, denied };
}

/** A site's packets with the admin rules applied first: what {@link withAdminRules} returns. */
export interface AdminSitePackets extends AzureSitePackets {
  /** The admin rules' inbound decisions. */
  readonly adminInbound: AdminPackets;
  /** The admin rules' outbound decisions. */
  readonly adminOutbound: AdminPackets;
}

/**
 * What gets in and out once the admin rules of the VNet that holds the classes' NICs are evaluated
 * before the NSGs: in each direction, `AlwaysAllow`'s packets, and the NSGs' verdict on the rest
 * less `Deny`'s. Hosts of other classes, external hosts and the platform's addresses are left as the
 * NSGs left them.
 * @param site what the NSGs alone let through ({@link azureSitePackets})
 * @param classes the host classes whose NICs the NSGs and the admin rules filter
 */
export function withAdminRules(
  ctx: AzureRuleContext,
  site: AzureSitePackets,
  classes: readonly string[],
  rules: readonly AdminRule[],
): AdminSitePackets {
  const space = ctx.space;
  const inScope = packets(space, { destination: { classes } });
  const outScope = difference(packets(space, { source: { classes } }), platformPackets(space, classes));
  const adminInbound = adminRulePackets(ctx, rules, 'Inbound', inScope);
  const adminOutbound = adminRulePackets(ctx, rules, 'Outbound', outScope);
  return {
    ...site,
    adminInbound,
    adminOutbound,
    ingress: union(adminInbound.alwaysAllowed, difference(site.ingress, adminInbound.denied)),
    egress: union(adminOutbound.alwaysAllowed, difference(site.egress, adminOutbound.denied)),
  };
}
