// The NSG compile as the documents state it, written apart from lib/azure/site-packets.ts and with
// nothing but packet specs and set operations: each rule's match built field by field (protocol and
// ports, each side's prefixes, service tags or ASGs, intersected), and first match as a running
// set of everything the rules before matched ("a rule decides the packets it matches that no rule
// before it matched", https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works).
// Slow on purpose: the tests compare the library's compile with it on random NSGs.
import { parseCidr } from '../../lib/model/cidr';
import { AZURE_HOST_IP, DEFAULT_RULES } from '../../lib/azure/evaluator';
import type { AzureRuleContext } from '../../lib/azure/site-packets';
import type { ArmSecurityRule } from '../../lib/azure';
import {
  allPackets,
  difference,
  intersection,
  noPackets,
  packets,
  union,
  type PacketSet,
  type PacketSpec,
} from '../../lib/packets';

type Side = 'source' | 'destination';

const texts = (rule: ArmSecurityRule, plural: keyof ArmSecurityRule, single: keyof ArmSecurityRule): string[] => {
  const many = rule[plural];
  if (Array.isArray(many) && many.length) return many.map(String);
  return typeof rule[single] === 'string' ? [rule[single] as string] : [];
};

const ranges = (list: readonly string[]): [number, number][] | '*' =>
  list.includes('*')
    ? '*'
    : list.map((t) => {
        const [a, b = a] = t.split('-').map(Number);
        return [a, b];
      });

const unionOf = (ctx: AzureRuleContext, sets: readonly PacketSet[]): PacketSet =>
  sets.reduce((acc, s) => union(acc, s), noPackets(ctx.space));

function prefix(ctx: AzureRuleContext, p: string, side: Side): PacketSet {
  const at = (addresses: readonly string[]) => packets(ctx.space, { [side]: { addresses } });
  const vnet = at([...ctx.virtualNetwork, `${AZURE_HOST_IP}/32`]);
  if (p === '*') return allPackets(ctx.space);
  if (p === 'VirtualNetwork') return vnet;
  if (p === 'AzureLoadBalancer') return at([`${AZURE_HOST_IP}/32`]);
  if (p === 'Internet') return difference(allPackets(ctx.space), vnet);
  const cidr = parseCidr(p.includes('/') ? p : `${p}/${p.includes(':') ? 128 : 32}`);
  if (cidr) return at([cidr.text]);
  const tag = ctx.serviceTags?.get(p);
  return tag ? at(tag) : noPackets(ctx.space);
}

function sideSet(ctx: AzureRuleContext, rule: ArmSecurityRule, side: Side): PacketSet {
  const asgs = rule[`${side}ApplicationSecurityGroups`];
  if (Array.isArray(asgs) && asgs.length) {
    const classes = asgs.flatMap((a: { id?: unknown }) => ctx.members.get(String(a.id)) ?? []);
    return packets(ctx.space, { [side]: { classes: [...new Set(classes)] } });
  }
  return unionOf(
    ctx,
    texts(rule, `${side}AddressPrefixes`, `${side}AddressPrefix`).map((p) => prefix(ctx, p, side)),
  );
}

function traffic(ctx: AzureRuleContext, protocol: string, ports: [number, number][] | '*'): PacketSet {
  const specs: PacketSpec[] = [];
  const portSpec = ports === '*' ? {} : { ports: ports.map(([from, to]) => ({ from, to })) };
  if (protocol === 'tcp' || protocol === 'udp') specs.push({ protocol, ...portSpec });
  if (protocol === '*')
    specs.push(
      ...(ports === '*'
        ? [{}]
        : [
            { protocol: 'tcp' as const, ...portSpec },
            { protocol: 'udp' as const, ...portSpec },
          ]),
    );
  if (protocol === 'icmp') specs.push({ protocol: 'icmp' }, { protocol: 'icmpv6' });
  if (protocol === 'esp') specs.push({ protocol: 50 });
  if (protocol === 'ah') specs.push({ protocol: 51 });
  return unionOf(
    ctx,
    specs.map((s) => packets(ctx.space, s)),
  );
}

/** The packets one rule matches, whatever comes before it. */
export function referenceMatch(ctx: AzureRuleContext, rule: ArmSecurityRule): PacketSet {
  const source = ranges(texts(rule, 'sourcePortRanges', 'sourcePortRange'));
  const port = ctx.sourcePort ?? 49152;
  if (source !== '*' && !source.some(([a, b]) => a <= port && port <= b)) return noPackets(ctx.space);
  const t = traffic(
    ctx,
    String(rule.protocol).toLowerCase(),
    ranges(texts(rule, 'destinationPortRanges', 'destinationPortRange')),
  );
  return intersection(intersection(t, sideSet(ctx, rule, 'source')), sideSet(ctx, rule, 'destination'));
}

/** Each rule of one direction (user rules, then Azure's defaults, by priority) with what it decides, and what the NSG allows. */
export function referenceNsg(
  ctx: AzureRuleContext,
  rules: readonly ArmSecurityRule[],
  direction: 'Inbound' | 'Outbound',
  scope: PacketSet,
): { allowed: PacketSet; decided: { rule: ArmSecurityRule; set: PacketSet }[] } {
  const ordered = [...rules.filter((r) => r.direction === direction), ...DEFAULT_RULES[direction]].sort(
    (a, b) => Number(a.priority) - Number(b.priority),
  );
  let matched = noPackets(ctx.space);
  let allowed = noPackets(ctx.space);
  const decided = ordered.map((rule) => {
    const match = intersection(scope, referenceMatch(ctx, rule));
    const set = difference(match, matched);
    matched = union(matched, match);
    if (rule.access === 'Allow') allowed = union(allowed, set);
    return { rule, set };
  });
  return { allowed, decided };
}
