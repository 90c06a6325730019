import { ArgumentError } from '../../lib/model';
import {
  DEFAULT_ORDER,
  EGRESS_ORDER,
  INGRESS_ORDER,
  PacketSpace,
  allPackets,
  boxes,
  complement,
  describePacket,
  describeSet,
  difference,
  equals,
  has,
  inSpace,
  intersection,
  intervalCidrs,
  isEmpty,
  isSubset,
  noPackets,
  packetCount,
  packetSet,
  packets,
  project,
  summarize,
  union,
  unionAll,
  witness,
  type Packet,
  type PacketSpec,
} from '../../lib/packets';

const space = new PacketSpace(['web', 'db', 'sg:info']);
const tcp = (ports: PacketSpec['ports'], rest: PacketSpec = {}) => packets(space, { protocol: 'tcp', ports, ...rest });
const from = (...addresses: string[]) => ({ source: { addresses } });

describe('CIDRs count whole', () => {
  test('a /24 rule narrowed to a /28 is caught: the difference is exactly the other 240 addresses', () => {
    const planned = tcp(5005, { source: { addresses: ['10.0.0.0/24'] }, destination: { classes: ['sg:info'] } });
    const deployed = tcp(5005, { source: { addresses: ['10.0.0.0/28'] }, destination: { classes: ['sg:info'] } });
    // The first address of the /24 is allowed by both: a check of that one address says "allowed".
    const first: Packet = {
      protocol: 6,
      port: 5005,
      source: { address: '10.0.0.0' },
      destination: { address: '10.0.1.5', hostClass: 'sg:info' },
    };
    expect(has(planned, first) && has(deployed, first)).toBe(true);
    expect(isSubset(planned, deployed)).toBe(false);
    const missing = difference(planned, deployed);
    expect(describeSet(missing)).toEqual([
      'tcp {10.0.0.16/28, 10.0.0.32/27, 10.0.0.64/26, 10.0.0.128/25} -> sg:info 5005',
    ]);
    expect(witness(missing)).toEqual({
      protocol: 6,
      port: 5005,
      source: { address: '10.0.0.16' },
      destination: { address: '0.0.0.0', hostClass: 'sg:info' },
    });
    // Exactly 240 source addresses, for each of the 4 source classes, to one destination packet.
    const oneDestination = intersection(missing, packets(space, { destination: { addresses: ['10.0.1.5'] } }));
    expect(packetCount(oneDestination)).toBe(240n * 4n);
    expect(isEmpty(difference(deployed, planned))).toBe(true);
  });

  test('the 240 addresses as the fewest CIDRs, and ranges that cross from IPv4 into IPv6', () => {
    expect(intervalCidrs(167772176n, 167772416n)).toEqual([
      '10.0.0.16/28',
      '10.0.0.32/27',
      '10.0.0.64/26',
      '10.0.0.128/25',
    ]);
    const lastV4 = 2n ** 32n - 1n;
    expect(intervalCidrs(lastV4, 2n ** 32n + 2n)).toEqual(['255.255.255.255/32', '::/127']);
    expect(intervalCidrs(0n, 2n ** 32n + 2n ** 128n)).toEqual(['0.0.0.0/0', '::/0']);
  });

  test('IPv6 /64s: two neighbours are one /63; a /64 less one address is 64 CIDRs', () => {
    const two = packets(space, from('2001:db8::/64', '2001:db8:0:1::/64'));
    expect(equals(two, packets(space, from('2001:db8::/63')))).toBe(true);
    expect(describeSet(two)).toEqual(['all 2001:db8::/63 -> any']);
    const holed = difference(packets(space, from('2001:db8::/64')), packets(space, from('2001:db8::1')));
    const [line] = describeSet(holed);
    const cidrs = line.slice('all {'.length, line.indexOf('}'));
    expect(cidrs.split(', ')).toHaveLength(64);
    expect(cidrs.startsWith('2001:db8::/128, 2001:db8::2/127, 2001:db8::4/126')).toBe(true);
    expect(cidrs.endsWith('2001:db8:0:0:8000::/65')).toBe(true);
    expect(
      has(holed, { protocol: 6, port: 1, source: { address: '2001:db8::1' }, destination: { address: '::' } }),
    ).toBe(false);
    expect(
      has(holed, { protocol: 6, port: 1, source: { address: '2001:db8::2' }, destination: { address: '::' } }),
    ).toBe(true);
  });

  test('the two families never meet: an IPv6 range with the numbers of an IPv4 range holds none of it', () => {
    const v4 = packets(space, from('10.0.0.0/24'));
    const v6 = packets(space, from('::a00:0/120'));
    expect(isEmpty(intersection(v4, v6))).toBe(true);
    expect(equals(union(packets(space, from('0.0.0.0/0')), packets(space, from('::/0'))), allPackets(space))).toBe(
      true,
    );
  });
});

describe('ports, ICMP and protocols', () => {
  test('1000-1009 minus 1000-1004 is 1005-1009', () => {
    const rest = difference(tcp({ from: 1000, to: 1009 }), tcp({ from: 1000, to: 1004 }));
    expect(equals(rest, tcp({ from: 1005, to: 1009 }))).toBe(true);
    expect(describeSet(rest)).toEqual(['tcp any -> any 1005-1009']);
    expect(witness(rest)?.port).toBe(1005);
  });

  test('all ports: no ports given, 0-65535, and two ranges that meet are one set', () => {
    const all = tcp(undefined);
    expect(equals(all, tcp({ from: 0, to: 65535 }))).toBe(true);
    expect(equals(all, union(tcp({ from: 0, to: 1023 }), tcp({ from: 1024, to: 65535 })))).toBe(true);
    expect(describeSet(all)).toEqual(['tcp any -> any all ports']);
    expect(describeSet(tcp([443, 80, { from: 81, to: 82 }]))).toEqual(['tcp any -> any 80-82, 443']);
    // TCP and UDP ports are different packets.
    expect(isEmpty(intersection(all, packets(space, { protocol: 'udp' })))).toBe(true);
  });

  test('ICMP type 8 code 0 against all ICMP', () => {
    const all = packets(space, { protocol: 'icmp' });
    const echo = packets(space, { protocol: 'icmp', icmp: { type: 8, code: 0 } });
    const type8 = packets(space, { protocol: 'icmp', icmp: { type: 8 } });
    expect(isSubset(echo, type8) && isSubset(type8, all) && !isSubset(all, type8)).toBe(true);
    expect(witness(difference(all, echo))).toMatchObject({ protocol: 1, icmpType: 0, icmpCode: 0 });
    expect(witness(difference(type8, echo))).toMatchObject({ protocol: 1, icmpType: 8, icmpCode: 1 });
    expect(describeSet(echo)).toEqual(['icmp any -> any type 8 code 0']);
    expect(describeSet(difference(type8, echo))).toEqual(['icmp any -> any type 8 codes 1-255']);
    expect(describeSet(difference(all, type8))).toEqual(['icmp any -> any types 0-7, types 9-255']);
    expect(describeSet(all)).toEqual(['icmp any -> any all types']);
    // ICMP and ICMPv6 are different protocols, with the same type numbers.
    expect(isEmpty(intersection(echo, packets(space, { protocol: 'icmpv6', icmp: { type: 8, code: 0 } })))).toBe(true);
  });

  test('every protocol: each keeps its own services, and other protocols are one point each', () => {
    const all = allPackets(space);
    expect(equals(packets(space, { protocol: 'all' }), all)).toBe(true);
    expect(equals(packets(space), all)).toBe(true);
    expect(describeSet(all)).toEqual(['all any -> any']);
    const other = packets(space, { protocol: 99 });
    expect(describeSet(other)).toEqual(['proto 99 any -> any']);
    expect(has(other, { protocol: 99, source: { address: '10.0.0.1' }, destination: { address: '10.0.0.2' } })).toBe(
      true,
    );
    expect(describeSet(complement(union(tcp(undefined), packets(space, { protocol: 'udp' }))))).toEqual([
      'icmp any -> any all types',
      'icmpv6 any -> any all types',
      'proto 0, 2-5, 7-16, 18-57, 59-255 any -> any',
    ]);
    // 256 protocols; tcp, udp, icmp, icmpv6 with 65,536 services each; 4 + 1 + (2^32 + 2^128) ends each.
    const ends = (4n * (2n ** 32n + 2n ** 128n)) ** 2n;
    expect(packetCount(all)).toBe((252n + 4n * 65536n) * ends);
  });
});

describe('host classes', () => {
  test('a group rule admits exactly the classes that carry it, at any address; external hosts are a class', () => {
    const fromGroup = tcp(443, { source: { classes: ['web', 'db'] }, destination: { classes: ['sg:info'] } });
    const at = (hostClass: string | undefined, address: string): Packet => ({
      protocol: 6,
      port: 443,
      source: hostClass ? { address, hostClass } : { address },
      destination: { address: '10.9.9.9', hostClass: 'sg:info' },
    });
    expect(has(fromGroup, at('web', '2001:db8::5'))).toBe(true);
    expect(has(fromGroup, at('db', '192.168.1.1'))).toBe(true);
    expect(has(fromGroup, at('sg:info', '192.168.1.1'))).toBe(false);
    expect(has(fromGroup, at(undefined, '192.168.1.1'))).toBe(false);
    expect(describeSet(fromGroup)).toEqual(['tcp {web, db} -> sg:info 443']);
    const external = tcp(443, { source: { external: true, addresses: ['203.0.113.0/24'] } });
    expect(describeSet(external)).toEqual(['tcp external@203.0.113.0/24 -> any 443']);
    expect(equals(tcp(443, { source: { classes: [] } }), noPackets(space))).toBe(true);
  });

  test('names that could be misread are quoted in text', () => {
    const odd = new PacketSpace(['external', 'a b', 'any']);
    const set = packets(odd, {
      protocol: 'udp',
      ports: 53,
      source: { classes: ['external', 'a b'] },
      destination: { classes: ['any'] },
    });
    expect(describeSet(set)).toEqual(['udp {"external", "a b"} -> "any" 53']);
  });

  test('summaries: one per source class, destination class and protocol', () => {
    const set = union(
      tcp(5432, { source: { classes: ['web'] }, destination: { classes: ['db'] } }),
      packets(space, {
        protocol: 'icmp',
        icmp: { type: 8 },
        source: { classes: ['web', 'sg:info'] },
        destination: { classes: ['db'] },
      }),
    );
    expect(summarize(set).map((s) => [s.sourceClass, s.destinationClass, s.protocol, s.lines])).toEqual([
      ['web', 'db', 1, ['icmp web -> db type 8']],
      ['web', 'db', 6, ['tcp web -> db 5432']],
      ['sg:info', 'db', 1, ['icmp sg:info -> db type 8']],
    ]);
    expect(summarize(noPackets(space))).toEqual([]);
  });

  test('project: which classes may talk at all', () => {
    const set = tcp(5432, {
      source: { classes: ['web'], addresses: ['10.0.0.0/24'] },
      destination: { classes: ['db'] },
    });
    const pairs = project(set, ['sourceClass', 'destinationClass']);
    expect(describeSet(pairs)).toEqual(['all web -> db']);
  });
});

describe('packets and text', () => {
  test('a packet set holds its packet alone; the packet reads back', () => {
    const p: Packet = {
      protocol: 58,
      icmpType: 128,
      icmpCode: 0,
      source: { address: '2001:DB8::1', hostClass: 'web' },
      destination: { address: '2001:db8::2' },
    };
    const one = packetSet(space, p);
    expect(packetCount(one)).toBe(1n);
    expect(witness(one)).toEqual({ ...p, source: { address: '2001:db8::1', hostClass: 'web' } });
    expect(describePacket(witness(one)!)).toBe('icmpv6 web@2001:db8::1 -> external@2001:db8::2 type 128 code 0');
    expect(describeSet(one)).toEqual(['icmpv6 web@2001:db8::1/128 -> external@2001:db8::2/128 type 128 code 0']);
    expect(
      describePacket({
        protocol: 6,
        port: 22,
        source: { address: '10.0.0.1' },
        destination: { address: '10.0.0.2', hostClass: 'db' },
      }),
    ).toBe('tcp external@10.0.0.1 -> db@10.0.0.2 22');
    expect(
      describePacket({ protocol: 47, source: { address: '10.0.0.1' }, destination: { address: '10.0.0.2' } }),
    ).toBe('proto 47 external@10.0.0.1 -> external@10.0.0.2');
  });

  test('boxes: the canonical form, touching boxes merged, in the order of the tree', () => {
    expect(DEFAULT_ORDER[0]).toBe('destinationClass');
    const set = union(tcp({ from: 80, to: 80 }), tcp({ from: 81, to: 90 }));
    expect(boxes(set)).toEqual([
      {
        destinationClass: { from: 0n, to: 3n },
        sourceClass: { from: 0n, to: 3n },
        protocol: { from: 6n, to: 6n },
        service: { from: 80n, to: 90n },
        sourceAddress: { from: 0n, to: 2n ** 32n + 2n ** 128n - 1n },
        destinationAddress: { from: 0n, to: 2n ** 32n + 2n ** 128n - 1n },
      },
    ]);
    expect(boxes(noPackets(space))).toEqual([]);
    expect(describeSet(noPackets(space))).toEqual([]);
  });

  test('the exported tree orders give the same sets, in their own spaces', () => {
    const spec: PacketSpec = {
      protocol: 'tcp',
      ports: [22, { from: 1000, to: 1009 }],
      source: { addresses: ['10.0.0.0/24'] },
      destination: { classes: ['db'] },
    };
    for (const order of [INGRESS_ORDER, EGRESS_ORDER]) {
      const other = new PacketSpace(space.classes, { order });
      const set = packets(other, spec);
      expect(equals(inSpace(set, space), packets(space, spec))).toBe(true);
      expect(describeSet(set)).toEqual(describeSet(packets(space, spec)));
    }
  });

  test('the same set is built the same whatever the order of the parts', () => {
    const parts = [tcp(22), tcp(80, from('10.0.0.0/8')), packets(space, { protocol: 'udp', ports: 53 }), tcp(23)];
    const a = unionAll(space, parts);
    const b = unionAll(space, [...parts].reverse());
    expect(equals(a, b)).toBe(true);
    expect(boxes(a)).toEqual(boxes(b));
    expect(describeSet(a)).toEqual(describeSet(b));
  });
});

describe('bad input: an ArgumentError naming the field, the value and what is allowed', () => {
  const refused = (f: () => unknown): ArgumentError => {
    try {
      f();
    } catch (e) {
      if (e instanceof ArgumentError) return e;
      throw e;
    }
    throw new Error('accepted');
  };

  test.each<[string, () => unknown, string, unknown, string]>([
    [
      'an unknown field (a typo would widen the set)',
      () => packets(space, { protocol: 'tcp', port: 22 } as PacketSpec),
      'spec.port',
      22,
      'one of the fields',
    ],
    [
      'ports on ICMP',
      () => packets(space, { protocol: 'icmp', ports: 22 }),
      'spec.ports',
      22,
      'only with protocol tcp or udp',
    ],
    ['ports on every protocol', () => packets(space, { ports: 22 }), 'spec.ports', 22, 'only with protocol tcp or udp'],
    [
      'ICMP messages on TCP',
      () => packets(space, { protocol: 'tcp', icmp: { type: 8 } }),
      'spec.icmp',
      { type: 8 },
      'only with protocol icmp',
    ],
    [
      'a port out of range',
      () => packets(space, { protocol: 'tcp', ports: [80, 65536] }),
      'spec.ports[1]',
      65536,
      'a port 0-65535',
    ],
    [
      'a range backwards',
      () => packets(space, { protocol: 'udp', ports: { from: 90, to: 80 } }),
      'spec.ports.to',
      80,
      'a port 90-65535',
    ],
    [
      'a code without a type',
      () => packets(space, { protocol: 'icmp', icmp: { code: 0 } }),
      'spec.icmp.code',
      0,
      'only with a type',
    ],
    [
      'an ICMP type out of range',
      () => packets(space, { protocol: 'icmp', icmp: { type: 256 } }),
      'spec.icmp.type',
      256,
      '0-255',
    ],
    [
      'an unknown protocol name',
      () => packets(space, { protocol: 'sctp' as 'tcp' }),
      'spec.protocol',
      'sctp',
      'an IANA protocol number 0-255',
    ],
    ['a protocol number out of range', () => packets(space, { protocol: 256 }), 'spec.protocol', 256, '0-255'],
    [
      'an unknown host class',
      () => packets(space, { destination: { classes: ['web', 'cache'] } }),
      'spec.destination.classes[1]',
      'cache',
      "one of the space's host classes (web, db, sg:info)",
    ],
    [
      'a CIDR with host bits set',
      () => packets(space, from('10.0.0.1/24')),
      'spec.source.addresses[0]',
      '10.0.0.1/24',
      'the network is 10.0.0.0/24',
    ],
    [
      'not an address',
      () => packets(space, from('10.0.0.256')),
      'spec.source.addresses[0]',
      '10.0.0.256',
      'an IPv4 or IPv6 CIDR or address',
    ],
    [
      'a duplicate class name',
      () => new PacketSpace(['web', 'db', 'web']),
      'classes[2]',
      'web',
      'not used before (it is classes[0])',
    ],
    [
      'an order that is not a permutation',
      () => new PacketSpace([], { order: ['protocol'] }),
      'order',
      ['protocol'],
      'each of protocol, service',
    ],
    [
      'a packet with a port on ICMP',
      () =>
        packetSet(space, {
          protocol: 1,
          port: 0,
          source: { address: '10.0.0.1' },
          destination: { address: '10.0.0.2' },
        }),
      'packet.port',
      0,
      'only with protocol TCP',
    ],
    [
      'a packet with a CIDR',
      () =>
        has(allPackets(space), {
          protocol: 6,
          port: 1,
          source: { address: '10.0.0.0/24' },
          destination: { address: '10.0.0.2' },
        }),
      'packet.source.address',
      '10.0.0.0/24',
      'one IPv4 or IPv6 address',
    ],
    [
      'sets of two spaces',
      () => union(allPackets(space), allPackets(new PacketSpace(['web']))),
      'b',
      ['web'],
      'a set of the same packet space as a',
    ],
  ])('%s', (_what, f, path, value, allowed) => {
    const e = refused(f);
    expect(e.path).toBe(path);
    expect(e.value).toEqual(value);
    expect(e.message).toContain(allowed);
    expect(e.message.startsWith(`${path}: `)).toBe(true);
  });

  test("a spec in the caller's terms: the path names it", () => {
    expect(refused(() => packets(space, { protocol: 'tcp', ports: -1 }, 'rules[3]')).path).toBe('rules[3].ports');
  });
});
