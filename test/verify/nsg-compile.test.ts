// The NSG compile (lib/azure/site-packets.ts) against the definition written out with set
// operations alone (test/support/azure-nsg-reference.ts), on random NSGs: every rule's match, what
// each rule decides by first match, and what each direction allows, compared as exact sets.
import fc from 'fast-check';
import type { ArmSecurityRule } from '../../lib/azure';
import { azureSitePackets, nsgPackets, rulePackets, type AzureRuleContext } from '../../lib/azure/site-packets';
import {
  DEFAULT_ORDER,
  PacketSpace,
  TEXT_ORDER,
  allPackets,
  describeSet,
  difference,
  equals,
  intersection,
  packets,
  union,
  type PacketSet,
} from '../../lib/packets';
import { referenceMatch, referenceNsg } from '../support/azure-nsg-reference';

const CLASSES = ['web', 'db', 'app'];
const context = (order: typeof TEXT_ORDER): AzureRuleContext => ({
  space: new PacketSpace(CLASSES, { order }),
  virtualNetwork: ['10.0.0.0/16', 'fd00::/48'],
  members: new Map([
    ['asg-web', ['web']],
    ['asg-tier', ['web', 'db']],
    ['asg-empty', []],
  ]),
  serviceTags: new Map([['Storage', ['20.60.0.0/16', '2603:1000::/40']]]),
});
const CONTEXTS = [context(TEXT_ORDER), context(DEFAULT_ORDER)];

const PREFIXES = [
  '*',
  'VirtualNetwork',
  'Internet',
  'AzureLoadBalancer',
  'Storage',
  'Sql',
  '10.0.0.0/16',
  '10.0.1.0/24',
  '10.0.1.7',
  '10.0.1.7/24',
  '172.16.0.0/12',
  '0.0.0.0/0',
  '168.63.129.16',
  'fd00::/64',
  '2001:db8::1',
  '::/0',
];
const PORTS = ['*', '22', '80', '443', '1024-65535', '1000-2000', '0', '65535', '49152', '3389'];
const ASGS = ['asg-web', 'asg-tier', 'asg-empty', 'asg-unknown'];

const arbSide = fc.oneof(
  fc.record({ prefix: fc.constantFrom(...PREFIXES) }),
  fc.record({ prefixes: fc.uniqueArray(fc.constantFrom(...PREFIXES), { minLength: 1, maxLength: 3 }) }),
  fc.record({ asgs: fc.uniqueArray(fc.constantFrom(...ASGS), { minLength: 1, maxLength: 2 }) }),
);
type ArbSide = typeof arbSide extends fc.Arbitrary<infer T> ? T : never;

const side = (name: 'source' | 'destination', s: ArbSide): Record<string, unknown> =>
  'asgs' in s
    ? { [`${name}ApplicationSecurityGroups`]: s.asgs.map((id) => ({ id })) }
    : 'prefixes' in s
      ? { [`${name}AddressPrefixes`]: s.prefixes }
      : { [`${name}AddressPrefix`]: s.prefix };

const arbRule = fc.record({
  priority: fc.integer({ min: 100, max: 140 }),
  direction: fc.constantFrom('Inbound', 'Outbound'),
  access: fc.constantFrom('Allow', 'Deny'),
  protocol: fc.constantFrom('Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*', 'tcp'),
  sourcePorts: fc.oneof(
    fc.constant(['*']),
    fc.uniqueArray(fc.constantFrom('1024-65535', '49152', '80', '50000-60000'), { minLength: 1, maxLength: 2 }),
  ),
  ports: fc.uniqueArray(fc.constantFrom(...PORTS), { minLength: 1, maxLength: 3 }),
  source: arbSide,
  destination: arbSide,
});

function armRule(r: typeof arbRule extends fc.Arbitrary<infer T> ? T : never, i: number): ArmSecurityRule {
  const ports = r.ports.includes('*') ? ['*'] : r.ports;
  return {
    name: `r${i}`,
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    ...(r.sourcePorts.length === 1 ? { sourcePortRange: r.sourcePorts[0] } : { sourcePortRanges: r.sourcePorts }),
    ...(ports.length === 1 ? { destinationPortRange: ports[0] } : { destinationPortRanges: ports }),
    ...side('source', r.source),
    ...side('destination', r.destination),
  };
}

// Rules of one priority are kept in the order given, as both compiles sort stably.
const arbNsg = fc.array(arbRule, { maxLength: 14 }).map((rs) => rs.map(armRule));

/** A difference as text, for a failure message that shows the packets. */
const same = (what: string, got: PacketSet, want: PacketSet): string[] =>
  equals(got, want)
    ? []
    : [
        `${what}: extra ${describeSet(difference(got, want)).join('; ')}; missing ${describeSet(difference(want, got)).join('; ')}`,
      ];

function compare(ctx: AzureRuleContext, rules: readonly ArmSecurityRule[]): string[] {
  const out: string[] = [];
  for (const rule of rules)
    out.push(...same(`match of ${String(rule.name)}`, rulePackets(ctx, rule, 'r'), referenceMatch(ctx, rule)));
  const space = ctx.space;
  const scopes = {
    Inbound: [allPackets(space), packets(space, { destination: { classes: ['web', 'db'] } })],
    Outbound: [allPackets(space), packets(space, { source: { classes: CLASSES } })],
  };
  for (const direction of ['Inbound', 'Outbound'] as const) {
    for (const [s, scope] of scopes[direction].entries()) {
      const got = nsgPackets(ctx, rules, direction, scope);
      const want = referenceNsg(ctx, rules, direction, scope);
      out.push(...same(`${direction} allowed (scope ${s})`, got.allowed, want.allowed));
      expect(got.decisions.map((d) => d.rule)).toEqual(want.decided.map((d) => d.rule));
      got.decisions.forEach((d, i) =>
        out.push(...same(`${direction} ${String(d.rule.name)} decides`, d.decided, want.decided[i].set)),
      );
    }
  }
  return out;
}

test.each(CONTEXTS.map((ctx) => [ctx.space.order.join(','), ctx] as const))(
  'property: random NSGs compile as the set-by-set definition (tree order %s)',
  (_order, ctx) => {
    fc.assert(
      fc.property(arbNsg, (rules) => {
        expect(compare(ctx, rules)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  },
);

test('property: the site of two NSGs is what both let through, compiled rule by rule', () => {
  const ctx = CONTEXTS[0];
  const space = ctx.space;
  fc.assert(
    fc.property(arbNsg, arbNsg, (nic, subnet) => {
      const got = azureSitePackets(ctx, ['web', 'db'], [nic, subnet]);
      const inScope = packets(space, { destination: { classes: ['web', 'db'] } });
      const both = [nic, subnet].map((rules) => referenceNsg(ctx, rules, 'Inbound', inScope).allowed);
      const other = packets(space, { destination: { classes: ['app'], external: true } });
      const want = union(intersection(intersection(both[0], both[1]), inScope), other);
      expect(same('ingress', got.ingress, want)).toEqual([]);
    }),
    { numRuns: 60 },
  );
});

test('a wide NSG: many disjoint rules below a few overlapping ones decide as the definition says', () => {
  const ctx = CONTEXTS[0];
  const rules: ArmSecurityRule[] = [
    armRule(
      {
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourcePorts: ['*'],
        ports: ['1000-2000'],
        source: { asgs: ['asg-web'] },
        destination: { asgs: ['asg-tier'] },
      },
      0,
    ),
    armRule(
      {
        priority: 101,
        direction: 'Inbound',
        access: 'Deny',
        protocol: '*',
        sourcePorts: ['*'],
        ports: ['*'],
        source: { prefix: '172.16.3.0/24' },
        destination: { prefix: '*' },
      },
      1,
    ),
    ...Array.from({ length: 300 }, (_, i) =>
      armRule(
        {
          priority: 200 + i,
          direction: 'Inbound',
          access: i % 3 ? 'Deny' : 'Allow',
          protocol: 'Tcp',
          sourcePorts: ['*'],
          ports: ['1024-65535'],
          source: { prefix: `172.${16 + (i >> 8)}.${i & 255}.0/24` },
          destination: { prefix: '*' },
        },
        i + 2,
      ),
    ),
  ];
  expect(compare(ctx, rules)).toEqual([]);
});
