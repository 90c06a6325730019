import fc from 'fast-check';
import {
  Inventory,
  InventoryError,
  asgGroups,
  awsInterfaceEntries,
  azureNicEntries,
  checkInventory,
  parseHostsFile,
  securityGroupGroups,
} from '../../lib/evidence';
import { PRESETS, resolve } from '../../lib/model';
import { cloudListings, hostsFile, type AddressPlan } from '../support/flowlogs';

const thrown = (f: () => unknown): InventoryError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InventoryError) return e;
    throw e;
  }
  throw new Error('no InventoryError');
};

describe('hosts file', () => {
  const text = [
    '# ServerProtect hosts',
    '10.0.1.5\tconsole   # the console',
    '',
    '10.0.2.0/24 normal-servers',
    '2001:DB8:2:0::7 information-server normal-servers',
    '2001:db8:3::/64 normal-servers',
    '10.0.2.9 information-server',
  ].join('\n');
  const inv = new Inventory(parseHostsFile(text, 'hosts.txt'));

  test('entries in canonical form, each with its line', () => {
    expect(inv.entries).toEqual([
      { range: '10.0.1.5/32', group: 'console', source: 'hosts.txt line 2' },
      { range: '10.0.2.0/24', group: 'normal-servers', source: 'hosts.txt line 4' },
      { range: '2001:db8:2::7/128', group: 'information-server', source: 'hosts.txt line 5' },
      { range: '2001:db8:2::7/128', group: 'normal-servers', source: 'hosts.txt line 5' },
      { range: '2001:db8:3::/64', group: 'normal-servers', source: 'hosts.txt line 6' },
      { range: '10.0.2.9/32', group: 'information-server', source: 'hosts.txt line 7' },
    ]);
    expect(inv.groups).toEqual(['console', 'information-server', 'normal-servers']);
  });

  test('an address is in every group whose host or range holds it, whatever its text form', () => {
    expect(inv.groupsOf('10.0.1.5')).toEqual(['console']);
    expect(inv.groupsOf('10.0.2.9')).toEqual(['information-server', 'normal-servers']);
    expect(inv.groupsOf('10.0.2.255')).toEqual(['normal-servers']);
    expect(inv.groupsOf('10.0.3.0')).toEqual([]);
    expect(inv.groupsOf('2001:db8:2:0:0:0:0:7')).toEqual(['information-server', 'normal-servers']);
    expect(inv.groupsOf('2001:db8:3::ffff')).toEqual(['normal-servers']);
    expect(inv.groupsOf('2001:db8:4::1')).toEqual([]);
    expect(inv.groupsOf('not an address')).toEqual([]);
  });

  test('every malformed line is an error naming the file, the line and the value', () => {
    const cases: [string, string, unknown, RegExp][] = [
      ['10.0.0.1', 'hosts.txt: line 2', '10.0.0.1', /an address or CIDR, then one or more group names/],
      ['10.0.0.256 console', 'hosts.txt: line 2', '10.0.0.256', /an IPv4 or IPv6 address, or a CIDR/],
      ['10.0.2.5/24 console', 'hosts.txt: line 2', '10.0.2.5/24', /a masked CIDR: 10\.0\.2\.0\/24/],
      ['10.0.2.5 Console', 'hosts.txt: line 2', 'Console', /a group name: lower-case letters/],
    ];
    for (const [line, path, value, message] of cases) {
      const e = thrown(() => parseHostsFile(`# first\n${line}`, 'hosts.txt'));
      expect([e.code, e.path, e.value]).toEqual(['INVENTORY', path, value]);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(`${path}: `)).toBe(true);
    }
  });

  test('a group the declaration does not have is named, with the nearest declared group', () => {
    const r = resolve(PRESETS.serverprotect);
    const bad = new Inventory(parseHostsFile('10.0.0.1 consle', 'h'));
    const e = thrown(() => checkInventory(r, bad));
    expect(e.message).toBe(
      'h line 1: group: a group of the declaration: console, information-server, normal-servers; did you mean console? (got "consle")',
    );
    expect(() => checkInventory(r, inv)).not.toThrow();
  });
});

describe('AWS listings', () => {
  const sgs = {
    SecurityGroups: [
      { GroupId: 'sg-1', GroupName: 'c', Tags: [{ Key: 'portplan:group', Value: 'console' }] },
      { GroupId: 'sg-2', GroupName: 'other' },
      {
        GroupId: 'sg-3',
        Tags: [
          { Key: 'Name', Value: 'x' },
          { Key: 'portplan:group', Value: 'normal-servers' },
        ],
      },
    ],
  };
  const enis = {
    NetworkInterfaces: [
      {
        NetworkInterfaceId: 'eni-1',
        Groups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-3' }],
        PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.5', Primary: true }, { PrivateIpAddress: '10.0.1.6' }],
        Ipv6Addresses: [{ Ipv6Address: '2001:DB8::5' }],
        Ipv4Prefixes: [{ Ipv4Prefix: '10.0.8.16/28' }],
      },
      {
        NetworkInterfaceId: 'eni-2',
        Groups: [{ GroupId: 'sg-2' }],
        PrivateIpAddresses: [{ PrivateIpAddress: '10.0.9.9' }],
      },
    ],
  };

  test('tagged security groups name the groups; each address and prefix of an interface is in all of them', () => {
    const groups = securityGroupGroups(sgs, 'sgs.json');
    expect([...groups]).toEqual([
      ['sg-1', 'console'],
      ['sg-3', 'normal-servers'],
    ]);
    const entries = awsInterfaceEntries(enis, groups, 'enis.json');
    expect(entries.map((e) => [e.range, e.group])).toEqual([
      ['10.0.1.5/32', 'console'],
      ['10.0.1.5/32', 'normal-servers'],
      ['10.0.1.6/32', 'console'],
      ['10.0.1.6/32', 'normal-servers'],
      ['2001:db8::5/128', 'console'],
      ['2001:db8::5/128', 'normal-servers'],
      ['10.0.8.16/28', 'console'],
      ['10.0.8.16/28', 'normal-servers'],
    ]);
    expect(entries[2].source).toBe('enis.json NetworkInterfaces[0].PrivateIpAddresses[1].PrivateIpAddress');
    expect(new Inventory(entries).groupsOf('10.0.8.20')).toEqual(['console', 'normal-servers']);
  });

  test('errors name the file, the path inside it and the value', () => {
    const cases: [() => unknown, string, unknown, RegExp][] = [
      [() => securityGroupGroups({}, 'sgs.json'), 'sgs.json: SecurityGroups', undefined, /must be an array/],
      [
        () =>
          securityGroupGroups(
            { SecurityGroups: [{ GroupId: 'sg-1', Tags: [{ Key: 'portplan:group', Value: 'Bad Name' }] }] },
            'sgs.json',
          ),
        'sgs.json: SecurityGroups[0].Tags[0].Value',
        'Bad Name',
        /a group name/,
      ],
      [
        () => securityGroupGroups({ SecurityGroups: [{ GroupId: 7 }] }, 'sgs.json'),
        'sgs.json: SecurityGroups[0].GroupId',
        7,
        /non-empty string/,
      ],
      [
        () =>
          awsInterfaceEntries(
            {
              NetworkInterfaces: [
                { Groups: [{ GroupId: 'sg-1' }], PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.300' }] },
              ],
            },
            new Map([['sg-1', 'console']]),
            'enis.json',
          ),
        'enis.json: NetworkInterfaces[0].PrivateIpAddresses[0].PrivateIpAddress',
        '10.0.0.300',
        /IPv4 or IPv6 address/,
      ],
      [
        () =>
          awsInterfaceEntries(
            { NetworkInterfaces: [{ Groups: [{ GroupId: 'sg-1' }], Ipv4Prefixes: [{ Ipv4Prefix: '10.0.8.17/28' }] }] },
            new Map([['sg-1', 'console']]),
            'enis.json',
          ),
        'enis.json: NetworkInterfaces[0].Ipv4Prefixes[0].Ipv4Prefix',
        '10.0.8.17/28',
        /masked CIDR: 10\.0\.8\.16\/28/,
      ],
      [
        () => awsInterfaceEntries({ NetworkInterfaces: [{ Groups: 'sg-1' }] }, new Map(), 'enis.json'),
        'enis.json: NetworkInterfaces[0].Groups',
        'sg-1',
        /must be an array/,
      ],
      [
        () => awsInterfaceEntries([], new Map(), 'enis.json'),
        'enis.json: NetworkInterfaces',
        undefined,
        /must be an array/,
      ],
    ];
    for (const [f, path, value, message] of cases) {
      const e = thrown(f);
      expect([e.path, e.value]).toEqual([path, value]);
      expect(e.message).toMatch(message);
    }
  });
});

describe('Azure listings', () => {
  const id = (name: string) =>
    `/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/${name}`;
  const asgs = [
    { id: id('asg-console'), name: 'asg-console', tags: { 'portplan:group': 'console' } },
    { id: id('other'), name: 'other', tags: null },
  ];

  test('tagged ASGs name the groups (ids compared without case); the CLI form and the REST form alike', () => {
    const groups = asgGroups(asgs, 'asgs.json');
    expect([...groups]).toEqual([[id('asg-console').toLowerCase(), 'console']]);
    const cli = [
      { ipConfigurations: [{ privateIPAddress: '10.0.1.5', applicationSecurityGroups: [{ id: id('ASG-CONSOLE') }] }] },
    ];
    const rest = [
      {
        properties: {
          ipConfigurations: [
            { properties: { privateIPAddress: '10.0.1.5', applicationSecurityGroups: [{ id: id('asg-console') }] } },
          ],
        },
      },
    ];
    const other = [
      { ipConfigurations: [{ privateIPAddress: '10.0.1.9', applicationSecurityGroups: [{ id: id('other') }] }] },
    ];
    expect(azureNicEntries(cli, groups, 'nics.json')).toEqual([
      { range: '10.0.1.5/32', group: 'console', source: 'nics.json [0].ipConfigurations[0].privateIPAddress' },
    ]);
    expect(azureNicEntries(rest, groups, 'nics.json').map((e) => e.range)).toEqual(['10.0.1.5/32']);
    expect(azureNicEntries(other, groups, 'nics.json')).toEqual([]);
  });

  test('errors name the file, the path inside it and the value', () => {
    let e = thrown(() => asgGroups({ value: [] }, 'asgs.json'));
    expect([e.path, e.message]).toEqual([
      'asgs.json: (document)',
      'asgs.json: (document): must be an array (got {"value":[]})',
    ]);
    e = thrown(() => asgGroups([{ id: id('x'), tags: { 'portplan:group': 'X' } }], 'asgs.json'));
    expect(e.path).toBe('asgs.json: [0].tags["portplan:group"]');
    e = thrown(() =>
      azureNicEntries(
        [{ ipConfigurations: [{ privateIPAddress: 'nope', applicationSecurityGroups: [{ id: id('asg-console') }] }] }],
        asgGroups(asgs, 'a'),
        'nics.json',
      ),
    );
    expect([e.path, e.value]).toEqual(['nics.json: [0].ipConfigurations[0].privateIPAddress', 'nope']);
  });
});

describe('role-wide groups', () => {
  const plan = { 'linux-a': ['10.0.1.5'], 'linux-b': ['10.0.2.5', '2001:db8::5'], web: ['10.0.3.5'] };
  const roles = { 'linux-a': 'sum:target:linux', 'linux-b': 'sum:target:linux', web: 'shop:web' };
  const listings = cloudListings(plan, roles);

  test('a security group or ASG tagged with a role id maps no address: each host keeps its own group alone', () => {
    const sgs = securityGroupGroups(listings.sgs, 's');
    expect([...sgs.values()]).toEqual(['linux-a', 'linux-b', 'web']);
    const aws = new Inventory(awsInterfaceEntries(listings.enis, sgs, 'e'));
    const azure = new Inventory(azureNicEntries(listings.nics, asgGroups(listings.asgs, 'a'), 'n'));
    for (const inv of [aws, azure]) {
      expect(inv.groups).toEqual(['linux-a', 'linux-b', 'web']);
      expect(inv.groupsOf('10.0.1.5')).toEqual(['linux-a']);
      expect(inv.groupsOf('2001:db8::5')).toEqual(['linux-b']);
    }
    // Every interface of the role's groups does carry the role-wide group: the listing is as deployed.
    const enis = (listings.enis as { NetworkInterfaces: { Groups: { GroupName: string }[] }[] }).NetworkInterfaces;
    expect(enis.map((e) => e.Groups.map((g) => g.GroupName))).toEqual([
      ['sum:target:linux', 'linux-a'],
      ['sum:target:linux', 'linux-b'],
      ['sum:target:linux', 'linux-b'],
      ['web'],
    ]);
  });

  test('an interface in the role-wide group alone is in no declared group', () => {
    const sgs = securityGroupGroups(listings.sgs, 's');
    const only = {
      NetworkInterfaces: [
        { Groups: [{ GroupId: 'sg-00000000000009000' }], PrivateIpAddresses: [{ PrivateIpAddress: '10.0.9.9' }] },
      ],
    };
    expect(awsInterfaceEntries(only, sgs, 'e')).toEqual([]);
  });

  test('a tag value that is neither a group name nor a role id is refused, naming both', () => {
    for (const value of ['Sum:Target', 'sum:', ':web', 'a b']) {
      const e = thrown(() =>
        securityGroupGroups(
          { SecurityGroups: [{ GroupId: 'sg-1', Tags: [{ Key: 'portplan:group', Value: value }] }] },
          's',
        ),
      );
      expect([e.path, e.value]).toEqual(['s: SecurityGroups[0].Tags[0].Value', value]);
      expect(e.message).toMatch(/a group name: .*; or, on a role-wide group, a role id such as sum:target:linux/);
      const a = thrown(() => asgGroups([{ id: 'x', tags: { 'portplan:group': value } }], 'a'));
      expect(a.path).toBe('a: [0].tags["portplan:group"]');
    }
  });
});

describe('the three sources agree', () => {
  // Address plans over a few groups: IPv4 and IPv6 hosts, some shared by two groups.
  const plans: fc.Arbitrary<AddressPlan> = fc
    .uniqueArray(fc.constantFrom('console', 'information-server', 'normal-servers', 'web', 'db'), {
      minLength: 1,
      maxLength: 5,
    })
    .chain((groups) =>
      fc
        .tuple(
          ...groups.map(() =>
            fc.uniqueArray(
              fc.oneof(
                fc.tuple(fc.nat(3), fc.nat(255)).map(([a, b]) => `10.0.${a}.${b}`),
                fc.tuple(fc.nat(3), fc.nat(0xffff)).map(([a, b]) => `2001:db8:${a}::${b.toString(16)}`),
              ),
              { minLength: 1, maxLength: 4 },
            ),
          ),
        )
        .map((lists) => Object.fromEntries(groups.map((g, i) => [g, lists[i]]))),
    );

  // A role for each group: two or more groups of one role get a role-wide security group and ASG.
  const roleOf = (plan: AddressPlan, split: number): Record<string, string> =>
    Object.fromEntries(Object.keys(plan).map((g, i) => [g, i < split ? 'sum:target:linux' : `shop:tier-${i}`]));

  test('a hosts file, the AWS listings and the Azure listings of one plan give every address the same groups, role-wide groups or not', () => {
    fc.assert(
      fc.property(
        plans,
        fc.nat(5),
        fc.array(fc.tuple(fc.nat(3), fc.nat(255)).map(([a, b]) => `10.0.${a}.${b}`)),
        (plan, split, probes) => {
          const listings = cloudListings(plan, roleOf(plan, split));
          const hosts = new Inventory(parseHostsFile(hostsFile(plan), 'h'));
          const aws = new Inventory(awsInterfaceEntries(listings.enis, securityGroupGroups(listings.sgs, 's'), 'e'));
          const azure = new Inventory(azureNicEntries(listings.nics, asgGroups(listings.asgs, 'a'), 'n'));
          for (const a of [...Object.values(plan).flat(), ...probes]) {
            const expected = Object.keys(plan)
              .filter((g) => plan[g].includes(a))
              .sort();
            expect([hosts.groupsOf(a), aws.groupsOf(a), azure.groupsOf(a)]).toEqual([expected, expected, expected]);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
