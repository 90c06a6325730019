import { cidrContains, type Cidr } from '../model';
import { addressRange } from './address';
import type { Packet } from './classify';
import { At, interfaceAddresses } from './inventory-clouds';

/**
 * The security group rules that let a packet through, as the site says: AWS flow logs do not name
 * the rule that accepted a record, but `aws ec2 describe-security-groups` lists every group's rules
 * and `aws ec2 describe-network-interfaces` which groups each address carries. A packet is let in
 * by an inbound rule of a group of its destination's interface, and out by an outbound rule of a
 * group of its source's; a rule matches by protocol (`-1`: all), port range, and source or
 * destination (a CIDR that holds the address, or a group the other end carries). Security group
 * rules are documented in "Security group rules",
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html; the JSON shapes in
 * the EC2 API reference, IpPermission,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html.
 * @packageDocumentation
 */

interface Permission {
  readonly group: string;
  readonly direction: 'inbound' | 'outbound';
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly cidrs: readonly { readonly text: string; readonly range: Cidr }[];
  readonly groups: readonly string[];
  readonly prefixLists: readonly string[];
}

const PROTOCOLS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

function permissions(sg: At, group: string, field: string, direction: Permission['direction']): Permission[] {
  return sg
    .field(field)
    .items(true)
    .map((p) => {
      const protocol = p.field('IpProtocol').text();
      const port = (name: string, fallback: number) => {
        const v = p.field(name).value;
        return typeof v === 'number' && Number.isInteger(v) ? v : fallback;
      };
      const ranges = [
        ...p
          .field('IpRanges')
          .items(true)
          .map((r) => r.field('CidrIp')),
        ...p
          .field('Ipv6Ranges')
          .items(true)
          .map((r) => r.field('CidrIpv6')),
      ];
      return {
        group,
        direction,
        protocol,
        from: port('FromPort', -1),
        to: port('ToPort', -1),
        cidrs: ranges.map((r) => ({ text: r.text(), range: addressRange(r.range()) as Cidr })),
        groups: p
          .field('UserIdGroupPairs')
          .items(true)
          .map((g) => g.field('GroupId').text()),
        prefixLists: p
          .field('PrefixListIds')
          .items(true)
          .map((g) => g.field('PrefixListId').text()),
      };
    });
}

// Whether a rule's protocol and ports take the packet: -1 is every protocol and port; ports apply
// to TCP and UDP only, -1 to -1 (or none) is every port.
function protocolMatches(p: Permission, packet: Packet): boolean {
  if (p.protocol === '-1') return true;
  const n = PROTOCOLS[p.protocol.toLowerCase()] ?? Number(p.protocol);
  if (n !== packet.protocol) return false;
  if (n !== 6 && n !== 17) return true;
  return p.from < 0 || (p.from <= packet.dstPort && packet.dstPort <= p.to);
}

function ruleText(p: Permission, matchedBy: string): string {
  const proto =
    p.protocol === '-1'
      ? 'all traffic'
      : `${p.protocol}${p.from >= 0 ? ` ${p.from === p.to ? p.from : `${p.from}-${p.to}`}` : ''}`;
  return `${p.group} ${p.direction} ${proto} ${p.direction === 'inbound' ? 'from' : 'to'} ${matchedBy}`;
}

/** What a packet's ends carry, for the rule finder. */
export type RuleFinder = (packet: Packet) => string[];

/**
 * The rules of a site's security groups that let a packet in (at its destination) and out (at its
 * source), each as one line (`sg-0a1 (web) inbound tcp 443 from 0.0.0.0/0`); a prefix list is
 * named, as it cannot be resolved from these files.
 * @param sgsJson the JSON of describe-security-groups
 * @param enisJson the JSON of describe-network-interfaces
 * @throws InventoryError naming the file, the path and the value when the JSON is not that shape
 */
export function awsRuleFinder(sgsJson: unknown, enisJson: unknown, sgsFile: string, enisFile: string): RuleFinder {
  const rules: Permission[] = [];
  for (const sg of new At(sgsFile, '', sgsJson).field('SecurityGroups').items()) {
    const id = sg.field('GroupId').text();
    const name = sg.field('GroupName').value;
    const label = typeof name === 'string' ? `${id} (${name})` : id;
    rules.push(
      ...permissions(sg, label, 'IpPermissions', 'inbound'),
      ...permissions(sg, label, 'IpPermissionsEgress', 'outbound'),
    );
  }
  const carried: { range: Cidr; groups: string[] }[] = [];
  for (const eni of new At(enisFile, '', enisJson).field('NetworkInterfaces').items()) {
    const groups = eni
      .field('Groups')
      .items(true)
      .map((g) => g.field('GroupId').text());
    const addresses = interfaceAddresses(eni);
    for (const a of addresses) carried.push({ range: addressRange(a.range()) as Cidr, groups });
  }
  const groupsOf = (address: string): string[] => {
    const r = addressRange(address);
    return r
      ? carried.filter((c) => c.range.family === r.family && cidrContains(c.range, r)).flatMap((c) => c.groups)
      : [];
  };
  const idOf = (label: string) => label.split(' ')[0];
  return (packet) => {
    const src = groupsOf(packet.srcAddr);
    const dst = groupsOf(packet.dstAddr);
    const out: string[] = [];
    for (const p of rules) {
      const [own, other, otherGroups] =
        p.direction === 'inbound' ? [dst, packet.srcAddr, src] : [src, packet.dstAddr, dst];
      if (!own.includes(idOf(p.group)) || !protocolMatches(p, packet)) continue;
      const range = addressRange(other);
      const cidr = p.cidrs.find((c) => range && c.range.family === range.family && cidrContains(c.range, range));
      const group = p.groups.find((g) => otherGroups.includes(g));
      if (cidr) out.push(ruleText(p, cidr.text));
      else if (group) out.push(ruleText(p, group));
      else if (p.prefixLists.length)
        out.push(ruleText(p, `prefix list ${p.prefixLists.join(', ')} (not resolved here)`));
    }
    return [...new Set(out)];
  };
}
