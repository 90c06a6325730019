// Azure Virtual Network Manager's security admin rules, evaluated before the NSGs
// (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins): the compiled
// sets against a per-packet evaluation written here from the documented order (first admin rule by
// priority decides; Deny drops, AlwaysAllow delivers, Allow and no match leave it to the NSGs).
import fc from 'fast-check';
import { ArgumentError } from '../../lib/model';
import { adminRulePackets, withAdminRules, type AdminRule } from '../../lib/azure/admin-rules';
import { azureSitePackets, type AzureRuleContext } from '../../lib/azure/site-packets';
import type { ArmSecurityRule } from '../../lib/azure';
import {
  PacketSpace,
  difference,
  equals,
  has,
  isEmpty,
  isSubset,
  packets,
  witness,
  type Packet,
} from '../../lib/packets';

const space = new PacketSpace(['web', 'db']);
const ctx: AzureRuleContext = {
  space,
  virtualNetwork: ['10.0.0.0/16'],
  members: new Map([
    ['asg-web', ['web']],
    ['asg-db', ['db']],
  ]),
};
const CLASSES = ['web', 'db'];

// The NSG of both groups: the web tier reaches the database on 1433, SSH from the VNet, nothing from the internet.
const NSG: ArmSecurityRule[] = [
  {
    name: 'sql',
    priority: 100,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourceApplicationSecurityGroups: [{ id: 'asg-web' }],
    destinationApplicationSecurityGroups: [{ id: 'asg-db' }],
    sourceAddressPrefix: '',
    destinationAddressPrefix: '',
    sourcePortRange: '*',
    destinationPortRange: '1433',
  },
  {
    name: 'ssh',
    priority: 110,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourceAddressPrefix: 'VirtualNetwork',
    destinationAddressPrefix: '*',
    sourcePortRange: '*',
    destinationPortRange: '22',
  },
  {
    name: 'rdp-denied',
    priority: 120,
    direction: 'Inbound',
    access: 'Deny',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    sourcePortRange: '*',
    destinationPortRange: '3389',
  },
];
const site = () => azureSitePackets(ctx, CLASSES, [NSG]);

const rule = (r: Partial<AdminRule> & Pick<AdminRule, 'priority' | 'access'>): AdminRule => ({
  name: `admin-${r.priority}`,
  direction: 'Inbound',
  protocol: 'Tcp',
  ...r,
});
const to = (hostClass: string, address: string) => ({ address, hostClass });
const tcp = (port: number, source: Packet['source'], destination = to('db', '10.0.1.4')): Packet => ({
  protocol: 6,
  port,
  source,
  destination,
});
const WEB = to('web', '10.0.0.4');
const INTERNET = { address: '203.0.113.7' };

describe('admin rules before the NSGs', () => {
  test('Deny drops what the NSG allows; AlwaysAllow delivers what the NSG denies; Allow leaves it to the NSG', () => {
    const admin = [
      rule({
        priority: 10,
        access: 'Deny',
        destinationPortRanges: ['22'],
        sources: [{ addressPrefix: '10.0.0.0/24', addressPrefixType: 'IPPrefix' }],
      }),
      rule({ priority: 20, access: 'AlwaysAllow', destinationPortRanges: ['3389'] }),
      rule({ priority: 30, access: 'Allow', destinationPortRanges: ['1433'] }),
    ];
    const nsgOnly = site();
    const both = withAdminRules(ctx, nsgOnly, CLASSES, admin);
    // SSH from the web tier (10.0.0.4, in the admin rule's /24): the NSG allows it, the admin rule drops it.
    expect([has(nsgOnly.ingress, tcp(22, WEB)), has(both.ingress, tcp(22, WEB))]).toEqual([true, false]);
    // SSH from another VNet address, outside the /24: the NSG still decides.
    const other = to('web', '10.0.5.4');
    expect(has(both.ingress, tcp(22, other))).toBe(true);
    // RDP from the internet: the NSG denies it, AlwaysAllow delivers it.
    expect([has(nsgOnly.ingress, tcp(3389, INTERNET)), has(both.ingress, tcp(3389, INTERNET))]).toEqual([false, true]);
    // 1433: Allow hands it to the NSG, which admits the web tier only.
    expect([has(both.ingress, tcp(1433, WEB)), has(both.ingress, tcp(1433, INTERNET))]).toEqual([true, false]);
    // Exactly: the change is the /24's SSH out and all RDP in, nothing else.
    const lost = difference(nsgOnly.ingress, both.ingress);
    const gained = difference(both.ingress, nsgOnly.ingress);
    expect(
      equals(
        lost,
        packets(space, {
          protocol: 'tcp',
          ports: 22,
          source: { addresses: ['10.0.0.0/24'] },
          destination: { classes: CLASSES },
        }),
      ),
    ).toBe(true);
    expect(isSubset(gained, packets(space, { protocol: 'tcp', ports: 3389, destination: { classes: CLASSES } }))).toBe(
      true,
    );
    expect(witness(gained)?.port).toBe(3389);
    // Outbound is untouched by inbound rules.
    expect(equals(both.egress, nsgOnly.egress)).toBe(true);
  });

  test('a lower priority number wins, whatever the order given', () => {
    const deny = rule({ priority: 5, access: 'Deny', destinationPortRanges: ['3389'] });
    const always = rule({ priority: 6, access: 'AlwaysAllow', destinationPortRanges: ['3000-4000'] });
    const a = withAdminRules(ctx, site(), CLASSES, [deny, always]);
    const b = withAdminRules(ctx, site(), CLASSES, [always, deny]);
    expect(equals(a.ingress, b.ingress)).toBe(true);
    expect(has(a.ingress, tcp(3389, INTERNET))).toBe(false);
    expect(has(a.ingress, tcp(3390, INTERNET))).toBe(true);
  });

  test('bad rules: the field, the value and what is allowed', () => {
    const scope = packets(space, { destination: { classes: CLASSES } });
    const run = (r: AdminRule[]) => () => adminRulePackets(ctx, r, 'Inbound', scope);
    expect(run([rule({ priority: 0, access: 'Deny' })])).toThrow(ArgumentError);
    expect(run([rule({ priority: 0, access: 'Deny' })])).toThrow(/adminRules\[0\]\.priority.*1 to 4096/);
    expect(run([rule({ priority: 7, access: 'Maybe' as AdminRule['access'] })])).toThrow(
      /adminRules\[0\]\.access.*Allow, AlwaysAllow, Deny/,
    );
    expect(run([rule({ priority: 7, access: 'Deny', protocol: 'Gre' as AdminRule['protocol'] })])).toThrow(
      /adminRules\[0\]\.protocol/,
    );
    expect(run([rule({ priority: 7, access: 'Deny' }), rule({ priority: 7, access: 'Allow' })])).toThrow(
      /adminRules\[1\]\.priority.*no other Inbound/,
    );
  });
});

// The documented order, one packet at a time, with the rule fields matched here directly.
function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(n(address) / size) === Math.floor(n(base) / size);
}
function matches(r: AdminRule, p: Packet): boolean {
  const proto = { Tcp: [6], Udp: [17], Icmp: [1, 58], Esp: [50], Ah: [51], Any: [] as number[] }[r.protocol];
  if (r.protocol !== 'Any' && !proto.includes(p.protocol)) return false;
  const ports = r.destinationPortRanges ?? [];
  if (ports.length && p.port !== undefined) {
    const inRange = ports.some((t) => {
      const [lo, hi] = t.split('-').map(Number);
      return lo <= p.port! && p.port! <= (hi ?? lo);
    });
    if (!inRange) return false;
  }
  if (ports.length && p.port === undefined && r.protocol === 'Any') return true;
  const sources = r.sources ?? [];
  return !sources.length || sources.some((s) => inCidr(p.source.address, s.addressPrefix));
}
function oracle(rules: readonly AdminRule[], nsgAdmits: boolean, p: Packet): boolean {
  const first = [...rules]
    .filter((r) => r.direction === 'Inbound')
    .sort((a, b) => a.priority - b.priority)
    .find((r) => matches(r, p));
  if (first?.access === 'Deny') return false;
  if (first?.access === 'AlwaysAllow') return true;
  return nsgAdmits;
}

const PORTS = [22, 1433, 3389, 8080];
const SOURCES = [WEB, to('web', '10.0.5.4'), INTERNET, { address: '198.51.100.9' }];
const PACKETS: Packet[] = PORTS.flatMap((port) => SOURCES.map((s) => tcp(port, s)));
const arbRule = fc.record({
  priority: fc.integer({ min: 1, max: 4096 }),
  access: fc.constantFrom<AdminRule['access']>('Allow', 'AlwaysAllow', 'Deny'),
  protocol: fc.constantFrom<AdminRule['protocol']>('Tcp', 'Udp'),
  destinationPortRanges: fc.subarray(['22', '1433', '3000-4000', '8080'], { minLength: 1 }),
  sources: fc.subarray(
    ['10.0.0.0/24', '10.0.0.0/16', '203.0.113.0/24'].map((c) => ({
      addressPrefix: c,
      addressPrefixType: 'IPPrefix' as const,
    })),
  ),
});

test('property: every probe packet is decided as the documented order decides it', () => {
  const nsgOnly = site();
  fc.assert(
    fc.property(fc.uniqueArray(arbRule, { selector: (r) => r.priority, maxLength: 6 }), (drafts) => {
      const rules = drafts.map((d) => rule(d));
      const both = withAdminRules(ctx, nsgOnly, CLASSES, rules);
      for (const p of PACKETS) expect(has(both.ingress, p)).toBe(oracle(rules, has(nsgOnly.ingress, p), p));
      // And as sets: only AlwaysAllow adds, only Deny removes.
      expect(isSubset(difference(both.ingress, nsgOnly.ingress), both.adminInbound.alwaysAllowed)).toBe(true);
      expect(isSubset(difference(nsgOnly.ingress, both.ingress), both.adminInbound.denied)).toBe(true);
      if (rules.every((r) => r.access === 'Allow')) expect(equals(both.ingress, nsgOnly.ingress)).toBe(true);
      expect(isEmpty(difference(both.adminInbound.alwaysAllowed, both.ingress))).toBe(true);
    }),
    { numRuns: 60 },
  );
});
