import { compileNsg, decideIn, evaluateFlow, evaluateNsg, type AzureEndpoint } from '../../lib/azure/evaluator';
import { validateSecurityRules, type ArmSecurityRule } from '../../lib/azure/rules';

// The evaluator and the validator against the documented cases, each written out by hand.
const net = { addressSpace: ['10.0.0.0/16'] };
const rule = (over: Partial<Record<keyof ArmSecurityRule, unknown>>): ArmSecurityRule => ({
  name: 'r',
  priority: 100,
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  sourcePortRange: '*',
  destinationPortRange: '22',
  sourceAddressPrefix: '*',
  destinationAddressPrefix: '*',
  ...over,
});
const nic = (address: string, nsg: ArmSecurityRule[], asgs: string[] = []): AzureEndpoint => ({
  address,
  nsg,
  applicationSecurityGroups: asgs,
});

describe('evaluator: Azure default rules alone', () => {
  const tcp = { protocol: 'Tcp' as const, port: 445 };
  test.each([
    [
      'VNet to VNet (AllowVnetInBound, AllowVnetOutBound)',
      nic('10.0.1.4', []),
      nic('10.0.2.4', []),
      true,
      'AllowVnetInBound',
    ],
    ['Internet in (DenyAllInBound)', { address: '198.51.100.1' }, nic('10.0.2.4', []), false, 'DenyAllInBound'],
    [
      'Load Balancer probe in (VirtualNetwork includes 168.63.129.16: AllowVnetInBound)',
      { address: '168.63.129.16' },
      nic('10.0.2.4', []),
      true,
      'AllowVnetInBound',
    ],
  ])('%s', (_n, from, to, allowed, decidedBy) => {
    const v = evaluateFlow(net, from, to, tcp);
    expect(v.allowed).toBe(allowed);
    expect(v.inbound?.rule).toBe(decidedBy);
  });

  test('outbound to the Internet: AllowInternetOutBound', () => {
    expect(evaluateFlow(net, nic('10.0.1.4', []), { address: '198.51.100.1' }, tcp).outbound?.rule).toBe(
      'AllowInternetOutBound',
    );
  });
});

describe('evaluator: user rules', () => {
  test('first match by priority, not by order in the list', () => {
    const rules = [rule({ name: 'allow', priority: 200 }), rule({ name: 'deny', priority: 150, access: 'Deny' })];
    expect(
      evaluateNsg(
        rules,
        'Inbound',
        { address: '10.0.1.4' },
        { address: '10.0.2.4' },
        { protocol: 'Tcp', port: 22 },
        net,
      ).rule,
    ).toBe('deny');
  });

  test('ASGs match by NIC membership; ports, ranges and protocols must match', () => {
    const rules = [
      rule({
        name: 'web',
        sourceAddressPrefix: undefined,
        sourceApplicationSecurityGroups: [{ id: 'asg-a' }],
        destinationPortRanges: ['80', '8000-8009'],
        destinationPortRange: undefined,
      }),
    ];
    const deny = rule({
      name: 'deny-vnet',
      priority: 4000,
      access: 'Deny',
      protocol: '*',
      sourceAddressPrefix: 'VirtualNetwork',
      destinationPortRange: '*',
    });
    const nsg = [...rules, deny];
    const a = nic('10.0.1.4', nsg, ['asg-a']);
    const b = nic('10.0.1.5', nsg, ['asg-b']);
    const dst = nic('10.0.1.6', nsg);
    expect(evaluateFlow(net, a, dst, { protocol: 'Tcp', port: 8005 }).allowed).toBe(true);
    expect(evaluateFlow(net, a, dst, { protocol: 'Udp', port: 8005 }).inbound?.rule).toBe('deny-vnet');
    expect(evaluateFlow(net, a, dst, { protocol: 'Tcp', port: 8010 }).allowed).toBe(false);
    expect(evaluateFlow(net, b, dst, { protocol: 'Tcp', port: 80 }).inbound?.rule).toBe('deny-vnet');
  });

  test('Internet is what lies outside the VNet; AzureLoadBalancer is 168.63.129.16 only', () => {
    const nsg = [
      rule({ name: 'from-internet', sourceAddressPrefix: 'Internet' }),
      rule({ name: 'from-lb', priority: 101, sourceAddressPrefix: 'AzureLoadBalancer' }),
    ];
    const to = nic('10.0.2.4', nsg);
    expect(evaluateFlow(net, { address: '198.51.100.1' }, to, { protocol: 'Tcp', port: 22 }).inbound?.rule).toBe(
      'from-internet',
    );
    expect(evaluateFlow(net, { address: '10.0.3.3' }, to, { protocol: 'Tcp', port: 22 }).inbound?.rule).toBe(
      'AllowVnetInBound',
    );
    expect(evaluateFlow(net, { address: '168.63.129.16' }, to, { protocol: 'Tcp', port: 22 }).inbound?.rule).toBe(
      'from-lb',
    );
  });

  test('outbound to the platform addresses is not filtered; other outbound is', () => {
    const nsg = [
      rule({ name: 'deny-out', direction: 'Outbound', access: 'Deny', protocol: '*', destinationPortRange: '*' }),
    ];
    const from = nic('10.0.1.4', nsg);
    expect(evaluateFlow(net, from, { address: '168.63.129.16' }, { protocol: 'Udp', port: 53 }).allowed).toBe(true);
    expect(evaluateFlow(net, from, { address: '169.254.169.254' }, { protocol: 'Tcp', port: 80 }).allowed).toBe(true);
    expect(evaluateFlow(net, from, { address: '10.0.2.4' }, { protocol: 'Tcp', port: 80 }).outbound?.rule).toBe(
      'deny-out',
    );
  });
});

describe('ARM rule validator', () => {
  const fields = (r: ArmSecurityRule) => validateSecurityRules([r]).map((f) => f.field);
  test.each<[string, Partial<Record<keyof ArmSecurityRule, unknown>>, string]>([
    [
      '"*" in destinationPortRanges (SecurityRuleInvalidPortRange)',
      { destinationPortRange: undefined, destinationPortRanges: ['*'] },
      'destinationPortRanges',
    ],
    ['"*" in sourcePortRanges', { sourcePortRange: undefined, sourcePortRanges: ['*'] }, 'sourcePortRanges'],
    ['both singular and plural ports', { destinationPortRanges: ['80'] }, 'destinationPortRanges'],
    ['no destination port', { destinationPortRange: undefined }, 'destinationPortRange'],
    ['port above 65535', { destinationPortRange: '65536' }, 'destinationPortRange'],
    ['reversed range', { destinationPortRange: '90-80' }, 'destinationPortRange'],
    ['host bits in a prefix', { sourceAddressPrefix: '10.0.0.5/24' }, 'sourceAddressPrefix'],
    [
      'service tag in a plural prefix list',
      { sourceAddressPrefix: undefined, sourceAddressPrefixes: ['VirtualNetwork', '10.0.0.0/24'] },
      'sourceAddressPrefixes',
    ],
    ['prefix and ASG on one side', { sourceApplicationSecurityGroups: [{ id: 'x' }] }, 'source'],
    [
      'two ASGs on one side',
      { sourceAddressPrefix: undefined, sourceApplicationSecurityGroups: [{ id: 'x' }, { id: 'y' }] },
      'sourceApplicationSecurityGroups',
    ],
    ['no destination', { destinationAddressPrefix: undefined }, 'destinationAddressPrefix'],
    ['priority below 100', { priority: 99 }, 'priority'],
    ['priority above 4096', { priority: 4097 }, 'priority'],
    ['protocol not in the enum', { protocol: 'Http' }, 'protocol'],
    ['description over 140', { description: 'x'.repeat(141) }, 'description'],
    ['direction', { direction: 'In' }, 'direction'],
  ])('%s', (_n, over, field) => {
    expect(fields(rule({}))).toEqual([]);
    expect(fields(rule(over))).toContain(field);
  });

  test('priorities are unique per direction; names unique per NSG', () => {
    const twoIn = [rule({ name: 'a' }), rule({ name: 'b' })];
    expect(validateSecurityRules(twoIn).map((f) => f.field)).toEqual(['priority']);
    expect(validateSecurityRules([rule({ name: 'a' }), rule({ name: 'b', direction: 'Outbound' })])).toEqual([]);
    expect(
      validateSecurityRules([rule({ name: 'a' }), rule({ name: 'A', priority: 101 })]).map((f) => f.field),
    ).toEqual(['name']);
  });
});

describe('evaluator: an NSG compiled once answers as one compiled per question', () => {
  const rules = [
    rule({
      name: 'web',
      priority: 100,
      destinationPortRange: '80-443',
      destinationApplicationSecurityGroups: [{ id: 'asg-web' }],
    }),
    rule({
      name: 'deny-app',
      priority: 200,
      access: 'Deny',
      destinationPortRange: '*',
      sourceAddressPrefix: '10.0.9.0/24',
    }),
    rule({
      name: 'app',
      priority: 300,
      destinationPortRange: '8000-8009',
      sourceApplicationSecurityGroups: [{ id: 'asg-web' }],
    }),
    rule({
      name: 'out',
      priority: 100,
      direction: 'Outbound',
      access: 'Deny',
      destinationAddressPrefix: 'Internet',
      destinationPortRange: '25',
    }),
  ];
  const ends: AzureEndpoint[] = [
    nic('10.0.1.4', rules, ['asg-web']),
    nic('10.0.2.4', rules, ['asg-app']),
    nic('10.0.9.9', rules, ['asg-web', 'asg-app']),
    { address: '198.51.100.1' },
    nic('fd00::4', rules, ['asg-web']),
  ];
  const compiled = compileNsg(
    rules,
    net,
    ends.map((e) => e.applicationSecurityGroups ?? []),
  );
  test.each(['Inbound', 'Outbound'] as const)("%s: every pair of ends, ports at the rules' edges", (direction) => {
    let asked = 0;
    for (const from of ends)
      for (const to of ends)
        for (const protocol of ['Tcp', 'Udp', 'Icmp'] as const)
          for (const port of [24, 25, 26, 79, 80, 443, 444, 7999, 8000, 8009, 8010]) {
            const packet = { protocol, port };
            expect(decideIn(compiled, direction, from, to, packet)).toEqual(
              evaluateNsg(rules, direction, from, to, packet, net),
            );
            asked++;
          }
    expect(asked).toBe(ends.length * ends.length * 3 * 11);
  });
  test('an end of a membership not compiled, or another source port, is an ArgumentError', () => {
    const stranger = nic('10.0.3.3', rules, ['asg-other']);
    expect(() => decideIn(compiled, 'Inbound', stranger, ends[0], { protocol: 'Tcp', port: 80 })).toThrow(
      /from\.applicationSecurityGroups/,
    );
    expect(() => decideIn(compiled, 'Inbound', ends[1], ends[0], { protocol: 'Tcp', port: 80, sourcePort: 1 })).toThrow(
      /source port/,
    );
  });
});
