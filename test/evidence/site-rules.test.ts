// The rules that let accepted traffic through, as the site's own listings say (AWS flow logs do
// not name them): inbound at the destination's groups, outbound at the source's.
import { InventoryError, awsRuleFinder } from '../../lib/evidence';

const sgs = {
  SecurityGroups: [
    {
      GroupId: 'sg-1',
      GroupName: 'web',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          Ipv6Ranges: [{ CidrIpv6: '::/0' }],
        },
        { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8999, PrefixListIds: [{ PrefixListId: 'pl-1' }] },
      ],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    },
    {
      GroupId: 'sg-2',
      GroupName: 'db',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-1' }] },
        { IpProtocol: '17', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      ],
    },
  ],
};
const enis = {
  NetworkInterfaces: [
    {
      Groups: [{ GroupId: 'sg-1' }],
      PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.5' }],
      Ipv6Addresses: [{ Ipv6Address: '2001:db8::5' }],
    },
    { Groups: [{ GroupId: 'sg-2' }], Ipv4Prefixes: [{ Ipv4Prefix: '10.0.2.16/28' }] },
  ],
};
const find = awsRuleFinder(sgs, enis, 'sgs.json', 'enis.json');
const packet = (srcAddr: string, dstAddr: string, dstPort: number, protocol = 6) => ({
  srcAddr,
  dstAddr,
  srcPort: 40000,
  dstPort,
  protocol,
});

test('an inbound rule by CIDR, by the source group, by prefix list; outbound at the source', () => {
  expect(find(packet('198.51.100.1', '10.0.1.5', 443))).toEqual(['sg-1 (web) inbound tcp 443 from 0.0.0.0/0']);
  expect(find(packet('2001:db8:ffff::1', '2001:db8::5', 443))).toEqual(['sg-1 (web) inbound tcp 443 from ::/0']);
  expect(find(packet('10.0.1.5', '10.0.2.20', 5432))).toEqual([
    'sg-1 (web) outbound all traffic to 0.0.0.0/0',
    'sg-2 (db) inbound tcp 5432 from sg-1',
  ]);
  expect(find(packet('198.51.100.1', '10.0.1.5', 8080))).toEqual([
    'sg-1 (web) inbound tcp 8000-8999 from prefix list pl-1 (not resolved here)',
  ]);
  expect(find(packet('10.0.9.9', '10.0.2.17', 53, 17))).toEqual(['sg-2 (db) inbound 17 53 from 10.0.0.0/16']);
});

test('nothing where no rule takes the protocol, the port or the other end', () => {
  expect(find(packet('198.51.100.1', '10.0.1.5', 22))).toEqual([]);
  expect(find(packet('198.51.100.1', '10.0.1.5', 0, 1))).toEqual([]);
  expect(find(packet('10.0.9.9', '10.0.2.20', 5432))).toEqual([]);
  expect(find(packet('10.1.0.1', '10.0.2.17', 53, 17))).toEqual([]);
});

test('a listing of the wrong shape is refused naming the file, the path and the value', () => {
  const bad = {
    SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '10.0.0.1/8' }] }] }],
  };
  expect(() => awsRuleFinder(bad, enis, 'sgs.json', 'enis.json')).toThrow(InventoryError);
  try {
    awsRuleFinder(bad, enis, 'sgs.json', 'enis.json');
  } catch (e) {
    expect((e as InventoryError).message).toBe(
      'sgs.json: SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: must be a masked CIDR: 10.0.0.0/8 (got "10.0.0.1/8")',
    );
  }
});
