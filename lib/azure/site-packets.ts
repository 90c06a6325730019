import { parseCidr } from '../model/cidr';
import { ArgumentError } from '../model/errors';
import {
  type PacketBox,
  type PacketSet,
  type PacketSpace,
  type PacketSpec,
  allPackets,
  boxesMeet,
  difference,
  hull,
  intersection,
  isEmpty,
  noPackets,
  packets,
  union,
  unionAll,
} from '../packets';
import { AZURE_HOST_IP, AZURE_IMDS_IP, DEFAULT_RULES } from './evaluator';
import type { ArmSecurityRule } from './rules';

/**
 * Azure network security groups compiled into exact packet sets (lib/packets), from "How network
 * security groups filter network traffic"
 * (https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works) and the
 * NSG overview (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview):
 * - in each direction the rules are processed by priority, lowest number first, and the first rule
 *   that matches a packet decides it: a rule decides exactly the packets it matches that no rule
 *   before it matched. Every NSG ends with Azure's default rules ({@link DEFAULT_RULES});
 * - inbound traffic meets the subnet's NSG, then the NIC's; outbound the NIC's, then the subnet's.
 *   Every NSG on the path must allow a packet, so the path admits the intersection of what each
 *   one allows;
 * - service tags: `VirtualNetwork` is the VNet's address space (with peered and connected spaces)
 *   and the host's virtual IP 168.63.129.16, `Internet` every address outside it,
 *   `AzureLoadBalancer` 168.63.129.16 (https://learn.microsoft.com/azure/virtual-network/service-tags-overview);
 *   any other tag admits the ranges given for it, and nothing when none are given;
 * - a rule naming application security groups matches the NICs that are members of them
 *   (https://learn.microsoft.com/azure/virtual-network/application-security-groups);
 * - traffic from a host to the platform's addresses 168.63.129.16 and 169.254.169.254 is not subject
 *   to NSGs (NSG overview, "Azure platform considerations").
 * Port ranges are intervals: a rule of `1024-65535` is one interval, never 64,512 ports. The
 * packets carry no source port: a rule that names source ports matches when they include 49152,
 * the first port of the ephemeral range the clients use (IANA dynamic ports).
 * @packageDocumentation
 */

/** What NSG rules compile against. */
export interface AzureRuleContext {
  /** The space of the sets. */
  readonly space: PacketSpace;
  /** The VNet's address space, with peered and connected spaces: what `VirtualNetwork` means. */
  readonly virtualNetwork: readonly string[];
  /** The host classes whose NICs are members of each ASG, by ASG key. */
  readonly members: ReadonlyMap<string, readonly string[]>;
  /** The ranges of service tags beyond the three above, by tag, where given. */
  readonly serviceTags?: ReadonlyMap<string, readonly string[]>;
  /** The packets' source port, which rules naming source ports are matched against; 49152 by default. */
  readonly sourcePort?: number;
}

/** What one rule of an NSG decides in one direction. */
export interface RuleDecision {
  /** The rule. */
  readonly rule: ArmSecurityRule;
  /** Whether it is one of Azure's default rules. */
  readonly builtin: boolean;
  /** The packets it decides: those it matches that no rule before it matched. */
  readonly decided: PacketSet;
}

/** One direction of an NSG as packet sets. */
export interface NsgPackets {
  /** The packets of the scope the NSG allows. */
  readonly allowed: PacketSet;
  /** Each rule with the packets it decides, in the order the NSG processes them. */
  readonly decisions: readonly RuleDecision[];
}

const EPHEMERAL_PORT = 49152;
// A function, not a constant: lib/azure/evaluator imports this module, and this module its constants.
const platform = (): string[] => [`${AZURE_HOST_IP}/32`, `${AZURE_IMDS_IP}/32`];

type Side = 'source' | 'destination';

const list = (rule: ArmSecurityRule, plural: keyof ArmSecurityRule, single: keyof ArmSecurityRule): string[] => {
  const many = rule[plural];
  if (Array.isArray(many) && many.length) return many.map(String);
  return typeof rule[single] === 'string' ? [rule[single] as string] : [];
};

/** The port ranges of one side of a rule as inclusive pairs, or `*`. */
function portRanges(rule: ArmSecurityRule, side: Side, path: string): [number, number][] | '*' {
  const texts = list(rule, `${side}PortRanges`, `${side}PortRange`);
  if (texts.includes('*')) return '*';
  return texts.map((t) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(t.trim());
    const [lo, hi] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
    if (!(lo <= hi && hi <= 65535)) throw new ArgumentError(`${path}.${side}PortRange`, t, 'a port, a range or *');
    return [lo, hi];
  });
}

/**
 * Sets already compiled for one NSG compile, by an injective key (JSON of the parts): rules of one
 * NSG repeat their service tags, `*` and their protocol and ports, so each is built once.
 */
type Compiled = Map<string, PacketSet>;

const cached = (memo: Compiled | undefined, key: unknown[], make: () => PacketSet): PacketSet => {
  if (!memo) return make();
  const k = JSON.stringify(key);
  let set = memo.get(k);
  if (!set) memo.set(k, (set = make()));
  return set;
};

/** The packets whose `side` endpoint one address prefix or service tag names. */
function prefixPackets(ctx: AzureRuleContext, prefix: string, side: Side, path: string, memo?: Compiled): PacketSet {
  const at = (addresses: readonly string[]) => packets(ctx.space, { [side]: { addresses } }, path);
  const vnet = () => cached(memo, [side, 'VirtualNetwork'], () => at([...ctx.virtualNetwork, `${AZURE_HOST_IP}/32`]));
  if (prefix === '*') return allPackets(ctx.space);
  if (prefix === 'VirtualNetwork') return vnet();
  if (prefix === 'AzureLoadBalancer') return at([`${AZURE_HOST_IP}/32`]);
  if (prefix === 'Internet') return cached(memo, [side, 'Internet'], () => difference(allPackets(ctx.space), vnet()));
  const cidr = parseCidr(prefix.includes('/') ? prefix : `${prefix}/${prefix.includes(':') ? 128 : 32}`);
  if (cidr) return at([cidr.text]);
  const tag = ctx.serviceTags?.get(prefix);
  return tag ? cached(memo, [side, 'tag', prefix], () => at(tag)) : packets(ctx.space, { [side]: { classes: [] } });
}

/** The packets whose `side` endpoint matches the rule's ASGs or prefixes. */
function sidePackets(
  ctx: AzureRuleContext,
  rule: ArmSecurityRule,
  side: Side,
  path: string,
  memo?: Compiled,
): PacketSet {
  const asgs = rule[`${side}ApplicationSecurityGroups`];
  if (Array.isArray(asgs) && asgs.length) {
    const classes = [...new Set(asgs.flatMap((a: { id?: unknown }) => ctx.members.get(String(a.id)) ?? []))];
    return packets(ctx.space, { [side]: { classes } });
  }
  const prefixes = list(rule, `${side}AddressPrefixes`, `${side}AddressPrefix`);
  if (prefixes.length === 1) return prefixPackets(ctx, prefixes[0], side, path, memo);
  return unionAll(
    ctx.space,
    prefixes.map((p) => prefixPackets(ctx, p, side, path, memo)),
  );
}

const PROTOCOLS: Readonly<Record<string, readonly PacketSpec['protocol'][]>> = {
  '*': ['all'],
  tcp: ['tcp'],
  udp: ['udp'],
  icmp: ['icmp', 'icmpv6'],
  esp: [50],
  ah: [51],
};

/** The protocols and destination ports a rule matches, any ends. */
function trafficPackets(
  ctx: AzureRuleContext,
  protocols: readonly PacketSpec['protocol'][],
  ports: [number, number][] | '*',
): PacketSet {
  const portSpec = ports === '*' ? {} : { ports: ports.map(([from, to]) => ({ from, to })) };
  return unionAll(
    ctx.space,
    protocols.flatMap((p) =>
      // Ports only where the protocol has them: Tcp and Udp (and both under `*`).
      p === 'tcp' || p === 'udp'
        ? [packets(ctx.space, { protocol: p, ...portSpec })]
        : p === 'all' && ports !== '*'
          ? (['tcp', 'udp'] as const).map((q) => packets(ctx.space, { protocol: q, ...portSpec }))
          : [packets(ctx.space, { protocol: p })],
    ),
  );
}

/**
 * The packets a rule matches, whatever comes before it.
 * @param memo sets shared by the rules of one compile (service tags, traffic); none by default
 */
export function rulePackets(ctx: AzureRuleContext, rule: ArmSecurityRule, path: string, memo?: Compiled): PacketSet {
  const protocolText = String(rule.protocol).toLowerCase();
  const protocols = PROTOCOLS[protocolText];
  if (!protocols) throw new ArgumentError(`${path}.protocol`, rule.protocol, 'Tcp, Udp, Icmp, Esp, Ah or *');
  const sourcePorts = portRanges(rule, 'source', path);
  const port = ctx.sourcePort ?? EPHEMERAL_PORT;
  if (sourcePorts !== '*' && !sourcePorts.some(([a, b]) => a <= port && port <= b)) {
    return noPackets(ctx.space);
  }
  const ports = portRanges(rule, 'destination', path);
  const traffic = cached(memo, ['traffic', protocolText, ports], () => trafficPackets(ctx, protocols, ports));
  return intersection(
    intersection(traffic, sidePackets(ctx, rule, 'source', path, memo)),
    sidePackets(ctx, rule, 'destination', path, memo),
  );
}

/** A direction's rules, user rules and Azure's defaults, in processing order (lowest priority number first). */
function processingOrder(
  rules: readonly ArmSecurityRule[],
  direction: 'Inbound' | 'Outbound',
): { rule: ArmSecurityRule; builtin: boolean }[] {
  const user = rules.filter((r) => r.direction === direction).map((rule) => ({ rule, builtin: false }));
  const builtin = DEFAULT_RULES[direction].map((rule) => ({ rule, builtin: true }));
  return [...user, ...builtin].sort((a, b) => Number(a.rule.priority) - Number(b.rule.priority));
}

/**
 * What rules `[0, i)` match together, for any `i`, from unions of aligned blocks of the priority
 * order (rules `[s * 2^k, (s + 1) * 2^k)`), each built once from its two halves: `i` is the sum of
 * at most log2(n) blocks. A rule then subtracts those few blocks (each difference costs about the
 * size of the rule's own set) where subtracting the running set of everything before it would copy
 * that growing set once per rule.
 */
function priorMatches(space: PacketSpace, matches: readonly PacketSet[]): (i: number) => Prior[] {
  const levels: Prior[][] = [matches.map((set) => ({ set, hull: hull(set) }))];
  const block = (k: number, s: number): Prior => {
    for (let l = levels.length; l <= k; l++) levels.push([]);
    const known = levels[k][s];
    if (known) return known;
    const set = unionAll(space, [block(k - 1, 2 * s).set, block(k - 1, 2 * s + 1).set]);
    return (levels[k][s] = { set, hull: hull(set) });
  };
  return (i) => {
    const out: Prior[] = [];
    let start = 0;
    for (let k = 31 - Math.clz32(Math.max(i, 1)); k >= 0; k--) {
      if (!(i & (1 << k))) continue;
      out.push(block(k, start >> k));
      start += 1 << k;
    }
    return out;
  };
}

/** What rules before one match, and the least box around it (undefined when they match nothing). */
interface Prior {
  readonly set: PacketSet;
  readonly hull: PacketBox | undefined;
}

/** A rule's match less what the rules before it match: only the blocks whose hulls meet it are subtracted. */
function firstMatch(match: PacketSet, prior: readonly Prior[]): PacketSet {
  const own = hull(match);
  let decided = match;
  for (const before of own ? prior : []) {
    if (!before.hull || !boxesMeet(own!, before.hull)) continue;
    decided = difference(decided, before.set);
    if (isEmpty(decided)) break;
  }
  return decided;
}

/**
 * The packets of the scope that one NSG decides in one direction: each rule in priority order,
 * its default rules last, decides the packets of the scope it matches that no rule before it
 * matched (first match: https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works).
 * Compiled by priority index: each rule's match, less the unions of the few aligned blocks of
 * rules before it (see priorMatches in this module).
 * @param scope the packets the NSG filters in this direction (those to, or from, its NICs)
 */
export function nsgPackets(
  ctx: AzureRuleContext,
  rules: readonly ArmSecurityRule[],
  direction: 'Inbound' | 'Outbound',
  scope: PacketSet,
): NsgPackets {
  const ordered = processingOrder(rules, direction);
  const memo: Compiled = new Map();
  const matches = ordered.map(({ rule }) =>
    intersection(scope, rulePackets(ctx, rule, `securityRules.${String(rule.name)}`, memo)),
  );
  const prior = priorMatches(ctx.space, matches);
  const decisions = ordered.map(({ rule, builtin }, i): RuleDecision => ({
    rule,
    builtin,
    decided: isEmpty(matches[i]) ? matches[i] : firstMatch(matches[i], prior(i)),
  }));
  const allows = decisions.filter((d) => d.rule.access === 'Allow').map((d) => d.decided);
  return { allowed: unionAll(ctx.space, allows), decisions };
}

/** The packets from hosts of the classes to the platform's addresses, which no NSG filters. */
export function platformPackets(space: PacketSpace, classes: readonly string[]): PacketSet {
  return packets(space, { source: { classes }, destination: { addresses: platform() } });
}

/** Both directions of the NSGs on the path of the classes' NICs. */
export interface AzureSitePackets {
  /** Each NSG's inbound decisions, in the order given. */
  readonly inbound: readonly NsgPackets[];
  /** Each NSG's outbound decisions. */
  readonly outbound: readonly NsgPackets[];
  /** The packets that get in: those every NSG allows inbound, and those to hosts of no class given. */
  readonly ingress: PacketSet;
  /** The packets that get out: those every NSG allows outbound, to the platform, or from other hosts. */
  readonly egress: PacketSet;
}

/**
 * What NSGs that all apply to the NICs of the given classes (the NIC's own and its subnet's) let
 * through; hosts of other classes, and external hosts, are not filtered.
 */
export function azureSitePackets(
  ctx: AzureRuleContext,
  classes: readonly string[],
  nsgs: readonly (readonly ArmSecurityRule[])[],
): AzureSitePackets {
  const space = ctx.space;
  const given = new Set(classes);
  const rest = space.classes.filter((c) => !given.has(c));
  const inScope = packets(space, { destination: { classes } });
  const outScope = difference(packets(space, { source: { classes } }), platformPackets(space, classes));
  const inbound = nsgs.map((rules) => nsgPackets(ctx, rules, 'Inbound', inScope));
  const outbound = nsgs.map((rules) => nsgPackets(ctx, rules, 'Outbound', outScope));
  const all = (parts: readonly NsgPackets[], scope: PacketSet) =>
    parts.reduce((acc, p) => intersection(acc, p.allowed), scope);
  return {
    inbound,
    outbound,
    ingress: union(all(inbound, inScope), packets(space, { destination: { classes: rest, external: true } })),
    egress: unionAll(space, [
      all(outbound, outScope),
      platformPackets(space, classes),
      packets(space, { source: { classes: rest, external: true } }),
    ]),
  };
}
