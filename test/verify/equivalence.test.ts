import { Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { awsRulePackets, type AwsRuleContext } from '../../lib/aws/site-packets';
import { AZURE_LIMITS, planAzure, securityRuleArgs } from '../../lib/azure/plan';
import { nsgPackets, platformPackets, type AzureRuleContext } from '../../lib/azure/site-packets';
import { PortPlan } from '../../lib/cdk';
import { firewalld, nftables, powershell } from '../../lib/host';
import { nftChainName } from '../../lib/host/nftables';
import { hostPackets, type HostPackets } from '../../lib/host/packets';
import { planHost, type HostRules } from '../../lib/host/rules';
import {
  PRESETS,
  optionOf,
  placeCloudRules,
  resolve,
  type CatalogSource,
  type Declaration,
  type HostOs,
  type Resolution,
} from '../../lib/model';
import {
  PacketSpace,
  allPackets,
  describePacket,
  describeSet,
  difference,
  intersection,
  isEmpty,
  noPackets,
  packets,
  union,
  unionAll,
  witness,
  type PacketSet,
  type PacketSpec,
} from '../../lib/packets';
import { planPackets, ruleView } from '../../lib/verify/plan-packets';
import { asgKey, readNsg } from '../../lib/verify/site-azure';
import { createdGroupId, parseSecurityGroups } from '../support/aws-template';
import { testStack } from '../support/cdk';
import { validDeclaration } from '../support/declarations';
import { arbitraryCatalog, arbitraryDeclaration } from '../support/catalogs';
import { ICMP_CATALOG, ICMP_DECLARATION } from '../support/icmp-catalog';

// Cross-target equivalence: for every preset and random declarations, what each generated target
// admits, compiled to packet sets, is exactly the plan's packets (its flows as the plan's rules
// admit them: a group is its class at any address, a peer every host at its CIDR), but for the
// differences docs/verify.md states under "What each target admits". Every difference is shown
// with a witness packet.

/**
 * The packets that can be on the wire: ICMP is IPv4's and ICMPv6 IPv6's, at both ends; every other
 * protocol in either family. A target that writes ICMP for IPv4 addresses only (nftables) and one
 * whose rule names no family (a security group) admit the same of these.
 */
function onWire(space: PacketSpace): PacketSet {
  const family = (protocol: 'icmp' | 'icmpv6', all: string) =>
    packets(space, { protocol, source: { addresses: [all] }, destination: { addresses: [all] } });
  const icmpAny = union(packets(space, { protocol: 'icmp' }), packets(space, { protocol: 'icmpv6' }));
  return unionAll(space, [
    difference(allPackets(space), icmpAny),
    family('icmp', '0.0.0.0/0'),
    family('icmpv6', '::/0'),
  ]);
}

/** The differences between two sets, as text: the first lines of each side and one witness. */
function differences(target: string, given: PacketSet, wanted: PacketSet): string[] {
  const wire = onWire(given.space);
  const [actual, expected] = [intersection(given, wire), intersection(wanted, wire)];
  const show = (what: string, set: PacketSet) => {
    if (isEmpty(set)) return [];
    const lines = describeSet(set);
    const more = lines.length > 3 ? ` (+${lines.length - 3} more)` : '';
    return [`${target} ${what}: ${lines.slice(0, 3).join('; ')}${more}; witness ${describePacket(witness(set)!)}`];
  };
  return [
    ...show('admits beyond the plan', difference(actual, expected)),
    ...show('misses', difference(expected, actual)),
  ];
}

const names = (r: Resolution) => r.declaration.groups.map((g) => g.name);
const toGroups = (space: PacketSpace, r: Resolution) => packets(space, { destination: { classes: names(r) } });
const fromGroups = (space: PacketSpace, r: Resolution) => packets(space, { source: { classes: names(r) } });

/**
 * The plan's packets a target filters at the groups' hosts: inbound, those of the flows to a group
 * (to its hosts); outbound, those of the flows a group opens (from its hosts).
 */
function planned(space: PacketSpace, r: Resolution): { inbound: PacketSet; outbound: PacketSet } {
  const of = (flows: Resolution['flows']) => planPackets(space, flows, ruleView);
  return {
    inbound: intersection(of(r.flows.filter((f) => f.to.kind === 'group')), toGroups(space, r)),
    outbound: intersection(of(r.flows.filter((f) => f.from.kind === 'group')), fromGroups(space, r)),
  };
}

/** The outbound packets a target must admit: the flows under restricted egress, else all the groups send. */
const expectedOut = (space: PacketSpace, r: Resolution, flows: PacketSet): PacketSet =>
  r.declaration.egress === 'restricted' ? flows : fromGroups(space, r);

/**
 * The CDK rule that stops EC2 adding its allow-all egress rule: ICMP type 252 code 86 to
 * 255.255.255.255/32, the limited broadcast address, which is never routed (aws-cdk-lib's
 * `MATCH_NO_TRAFFIC`). It admits no packet a host can send off its subnet.
 */
const isNoTraffic = (x: { ipProtocol: string; fromPort?: number; toPort?: number; cidrIpv4?: string }) =>
  x.ipProtocol === 'icmp' && x.fromPort === 252 && x.toPort === 86 && x.cidrIpv4 === '255.255.255.255/32';

/** (a) The CDK template's security group rules against the plan. */
function cdkDifferences(declaration: Declaration, catalogs?: readonly CatalogSource[]): string[] {
  const { stack, vpc } = testStack();
  const plan = new PortPlan(stack, 'Plan', { vpc, declaration, catalogs, maxRulesPerGroup: 200 });
  const r = plan.resolution;
  const space = new PacketSpace(names(r));
  const carriers = new Map<string, string[]>();
  const carry = (id: unknown, group: string) => {
    const logical = (stack.resolve(id) as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = createdGroupId('Test', logical);
    carriers.set(key, [...(carriers.get(key) ?? []), group]);
  };
  for (const g of plan.groups) {
    carry(g.securityGroup.securityGroupId, g.name);
    if (g.roleSecurityGroup) carry(g.roleSecurityGroup.securityGroupId, g.name);
  }
  const ctx: AwsRuleContext = { space, carriers };
  const template = Template.fromStack(Stack.of(plan)).toJSON() as Record<string, unknown>;
  const sets = { ingress: [] as PacketSet[], egress: [] as PacketSet[] };
  for (const g of parseSecurityGroups([{ stack: 'Test', template }])) {
    for (const direction of ['ingress', 'egress'] as const) {
      g[direction].forEach((rule, i) => {
        if (direction === 'egress' && isNoTraffic(rule)) return;
        sets[direction].push(awsRulePackets(ctx, g.groupId, direction, rule, `${g.groupId}.${direction}[${i}]`)!);
      });
    }
  }
  const want = planned(space, r);
  return [
    ...differences('CDK ingress', unionAll(space, sets.ingress), want.inbound),
    ...differences('CDK egress', unionAll(space, sets.egress), expectedOut(space, r, want.outbound)),
  ];
}

const AZURE_ADDRESS_SPACE = ['10.40.0.0/16', 'fd00:40::/48'];
const AZURE_LB = '168.63.129.16/32';

/** (b) The Azure plan's NSG rules (with Azure's default rules) against the plan. */
function azureDifferences(
  declaration: Declaration,
  catalogs?: readonly CatalogSource[],
  denyOtherVnetTraffic = true,
): string[] {
  const r = resolve(declaration, { catalogs });
  const space = new PacketSpace(names(r));
  return azureAgainst(r, space, planned(space, azureAdmits(r)), denyOtherVnetTraffic);
}

/**
 * The flows as Azure admits them, as docs/verify.md states: an NSG rule's protocol Icmp has no type
 * or code and is ICMP and ICMPv6 both, so each ICMP flow is every message of both.
 */
function azureAdmits(r: Resolution): Resolution {
  const flows = r.flows.flatMap((f) =>
    f.icmp ? (['icmp', 'icmpv6'] as const).map((protocol) => ({ ...f, protocol, icmp: {} })) : [f],
  );
  return { ...r, flows };
}

function azureAgainst(
  r: Resolution,
  space: PacketSpace,
  want: { inbound: PacketSet; outbound: PacketSet },
  deny = true,
): string[] {
  const plan = planAzure(r, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: deny });
  const asgId = (g: string) => `/subscriptions/s/applicationSecurityGroups/${JSON.stringify(g)}`;
  const nsg = readNsg({ name: 'nsg', securityRules: plan.rules.map((x) => securityRuleArgs(x, asgId)) }, 'nsg.json');
  const members = new Map<string, string[]>(names(r).map((n) => [asgKey(asgId(n)), [n]]));
  for (const role of placeCloudRules(r).roleGroups) members.set(asgKey(asgId(role.name)), [...role.groups]);
  const ctx: AzureRuleContext = { space, virtualNetwork: AZURE_ADDRESS_SPACE, members };
  const platform = platformPackets(space, names(r));
  const inbound = nsgPackets(ctx, nsg.rules, 'Inbound', toGroups(space, r)).allowed;
  // Traffic to the platform's addresses is not subject to NSGs.
  const outScope = difference(fromGroups(space, r), platform);
  const outbound = union(nsgPackets(ctx, nsg.rules, 'Outbound', outScope).allowed, platform);
  // The groups' hosts are NICs of the VNet: both sides are compared on packets whose group ends are
  // at its addresses (the service tags of the rules match by address).
  const inVnet = (side: 'source' | 'destination') =>
    union(
      packets(space, { [side]: { classes: names(r), addresses: AZURE_ADDRESS_SPACE } }),
      packets(space, { [side]: { external: true } }),
    );
  const world = intersection(inVnet('source'), inVnet('destination'));
  const cut = (set: PacketSet) => intersection(set, world);
  // Stated: the health probes from AzureLoadBalancer, every protocol, to every group.
  const probes = packets(space, { source: { addresses: [AZURE_LB] }, destination: { classes: names(r) } });
  // Stated, without denyOtherVnetTraffic: Azure's AllowVnetInBound admits everything from the VNet's
  // addresses (VirtualNetwork, with the host's 168.63.129.16), and with no deny-out rules
  // AllowVnetOutBound and AllowInternetOutBound let everything out.
  const vnet = packets(space, {
    source: { addresses: [...AZURE_ADDRESS_SPACE, AZURE_LB] },
    destination: { classes: names(r) },
  });
  const wantIn = deny ? union(want.inbound, probes) : unionAll(space, [want.inbound, probes, vnet]);
  const wantOut = deny ? expectedOut(space, r, want.outbound) : packets(space, { source: { classes: names(r) } });
  return [
    ...differences('Azure inbound', cut(inbound), cut(wantIn)),
    ...differences('Azure outbound', cut(outbound), cut(union(wantOut, platform))),
  ];
}

/** Each group's addresses for the host firewall: one IPv4 and one IPv6 range, apart from every peer's. */
const groupAddresses = (r: Resolution): Record<string, string[]> =>
  Object.fromEntries(names(r).map((n, i) => [n, [`10.50.${i}.0/24`, `fd00:50:${i}::/64`]]));

/**
 * The packets of a site where each group's hosts are at its addresses and no other host is: what a
 * firewall that tells hosts apart only by address can be compared on.
 */
function addressedWorld(space: PacketSpace, addresses: Record<string, string[]>): PacketSet {
  const taken = Object.values(addresses).flat();
  const end = (side: 'source' | 'destination') =>
    unionAll(space, [
      ...Object.entries(addresses).map(([g, a]) => packets(space, { [side]: { classes: [g], addresses: a } })),
      difference(
        packets(space, { [side]: { external: true } }),
        packets(space, { [side]: { external: true, addresses: taken } }),
      ),
    ]);
  return intersection(end('source'), end('destination'));
}

/** The operating system a role's hosts are taken to run; undefined for an appliance. */
function hostOs(r: Resolution, role: string): HostOs | undefined {
  const field = r.catalog.catalog('sum')?.product.optionsField;
  const workstation = field === undefined ? undefined : optionOf(r.declaration, field, 'workstationOs');
  if (role === 'sum:workstation' && typeof workstation === 'string') return workstation as HostOs;
  return r.catalog.role(role)?.hostOs[0];
}

/** (c) Each role's host firewall against the plan's packets of that role's hosts. */
function hostDifferences(declaration: Declaration, catalogs?: readonly CatalogSource[]): string[] {
  const r = resolve(declaration, { catalogs });
  const space = new PacketSpace(names(r));
  const addresses = groupAddresses(r);
  const world = addressedWorld(space, addresses);
  const want = planned(space, r);
  const out: string[] = [];
  for (const role of [...new Set(r.declaration.groups.map((g) => g.role))]) {
    const os = hostOs(r, role);
    if (os === undefined) continue;
    const rules = planHost(r, { role, os, addresses });
    const got = hostPackets(space, rules);
    const own = (side: 'source' | 'destination') => packets(space, { [side]: { classes: rules.groups } });
    const restricted = r.declaration.egress === 'restricted';
    out.push(
      ...differences(
        `host ${role} inbound`,
        intersection(got.inbound, world),
        intersection(want.inbound, intersection(world, own('destination'))),
      ),
      ...differences(
        `host ${role} outbound`,
        intersection(got.outbound, world),
        restricted ? intersection(want.outbound, intersection(world, own('source'))) : noPackets(space),
      ),
    );
  }
  return out;
}

const NFT_RULE =
  /^add rule inet filter (\S+) (?:(ip6?) ([sd]addr) (\{ [^}]+ \}|\S+) )?(?:(tcp|udp) dport (\d+)(?:-(\d+))?|(?:meta l4proto (icmp|ipv6-icmp))|(icmp|icmpv6) type (\d+)(?: icmp(?:v6)? code (\d+))?) accept comment "[^"]*"$/;

/** What an nftables match admits: ports, or ICMP messages (`meta l4proto` every one of them). */
function nftTraffic(m: RegExpExecArray): Pick<PacketSpec, 'protocol' | 'ports' | 'icmp'> {
  const [, , , , , protocol, from, to, every, icmp, type, code] = m;
  if (protocol) return { protocol: protocol as 'tcp' | 'udp', ports: { from: Number(from), to: Number(to ?? from) } };
  if (every) return { protocol: every === 'icmp' ? 'icmp' : 'icmpv6', icmp: {} };
  const message = code === undefined ? { type: Number(type) } : { type: Number(type), code: Number(code) };
  return { protocol: icmp as 'icmp' | 'icmpv6', icmp: message };
}

/**
 * The packets the accept rules of a role's nftables ruleset admit, read back from its text: `ip`
 * and `ip6` matches are IPv4 and IPv6 packets; a rule without one admits both.
 */
function nftPackets(space: PacketSpace, h: HostRules, text: string): HostPackets {
  const sets = { inbound: [] as PacketSet[], outbound: [] as PacketSet[] };
  for (const line of text.split('\n').filter((l) => l.startsWith('add rule '))) {
    const m = NFT_RULE.exec(line);
    const direction = (['inbound', 'outbound'] as const).find((d) => m?.[1] === nftChainName(h.role, d));
    if (!m || !direction) throw new Error(`an nftables rule the test does not read: ${line}`);
    const [, , family, side, list] = m;
    const family6 = family === 'ip6' ? ['::/0'] : undefined;
    const all = family === 'ip' ? ['0.0.0.0/0'] : family6;
    const remote = list
      ? {
          addresses: list
            .replace(/[{}]/g, '')
            .split(',')
            .map((a) => a.trim()),
        }
      : {};
    const self = { classes: h.groups, ...(all ? { addresses: all } : {}) };
    if (list && side !== (direction === 'inbound' ? 'saddr' : 'daddr')) throw new Error(`${side} in ${line}`);
    const ends =
      direction === 'inbound' ? { source: remote, destination: self } : { source: self, destination: remote };
    sets[direction].push(packets(space, { ...nftTraffic(m), ...ends }));
  }
  return { inbound: unionAll(space, sets.inbound), outbound: unionAll(space, sets.outbound) };
}

/**
 * The services and grants of a role's firewalld script, read back from its text
 * (firewalld.service(5): `port` and `protocol` elements; firewalld.richlanguage(5): a rule of one
 * family naming an address and a service): a zone's grant admits inbound, the policy's outbound;
 * `--add-service` without a rich rule admits every address of both families.
 */
function firewalldPackets(space: PacketSpace, h: HostRules, text: string): HostPackets {
  const services = new Map<string, Pick<PacketSpec, 'protocol' | 'ports' | 'icmp'>[]>();
  for (const m of text.matchAll(
    /^cat > "\$tmp\/([A-Za-z0-9_-]+)\.xml" <<'PORTPLAN_XML'\n([\s\S]*?)\nPORTPLAN_XML$/gm,
  )) {
    const traffic = m[2].split('\n').flatMap((l): Pick<PacketSpec, 'protocol' | 'ports' | 'icmp'>[] => {
      const port = /^ {2}<port protocol="(tcp|udp)" port="(\d+)(?:-(\d+))?"\/>$/.exec(l);
      if (port) return [{ protocol: port[1] as 'tcp' | 'udp', ports: { from: +port[2], to: +(port[3] ?? port[2]) } }];
      const proto = /^ {2}<protocol value="(icmp|ipv6-icmp)"\/>$/.exec(l);
      return proto ? [{ protocol: proto[1] === 'icmp' ? 'icmp' : 'icmpv6', icmp: {} }] : [];
    });
    services.set(m[1], traffic);
  }
  const sets = { inbound: [] as PacketSet[], outbound: [] as PacketSet[] };
  const grant = (where: string, service: string, family?: string, address?: string) => {
    const direction = where === 'zone' ? 'inbound' : 'outbound';
    const all = family === '4' ? ['0.0.0.0/0'] : family === '6' ? ['::/0'] : undefined;
    const remote = address ? { addresses: [address] } : {};
    const self = { classes: h.groups, ...(all ? { addresses: all } : {}) };
    const ends =
      direction === 'inbound' ? { source: remote, destination: self } : { source: self, destination: remote };
    const traffic = services.get(service);
    if (!traffic) throw new Error(`a grant of a service the script does not define: ${service}`);
    for (const t of traffic) sets[direction].push(packets(space, { ...t, ...ends }));
  };
  const rich =
    /^fw --(zone|policy)="\$(?:zone|policy)" --add-rich-rule='rule family="ipv(4|6)" (?:source|destination) address="([^"]+)" service name="([A-Za-z0-9_-]+)" accept' >\/dev\/null$/gm;
  for (const m of text.matchAll(rich)) grant(m[1], m[4], m[2], m[3]);
  for (const m of text.matchAll(
    /^fw --(zone|policy)="\$(?:zone|policy)" --add-service=([A-Za-z0-9_-]+) >\/dev\/null$/gm,
  ))
    grant(m[1], m[2]);
  return { inbound: unionAll(space, sets.inbound), outbound: unionAll(space, sets.outbound) };
}

/**
 * The rules of a role's PowerShell script, read back from its `New-NetFirewallRule` lines
 * (https://learn.microsoft.com/powershell/module/netsecurity/new-netfirewallrule): `-Direction`,
 * `-Protocol` with `-LocalPort` (inbound) or `-RemotePort` (outbound), or ICMPv4/ICMPv6 with
 * `-IcmpType` `type` or `type:code` (every message without it), and `-RemoteAddress` (any without
 * it). The profiles are not packets: the host is taken to be on one the rules are active on.
 */
function powershellPackets(space: PacketSpace, h: HostRules, text: string): HostPackets {
  const sets = { inbound: [] as PacketSet[], outbound: [] as PacketSet[] };
  for (const line of text.split('\n').filter((l) => l.startsWith('New-NetFirewallRule '))) {
    const direction = /-Direction (Inbound|Outbound) /.exec(line)?.[1] === 'Inbound' ? 'inbound' : 'outbound';
    const protocol = /-Protocol (TCP|UDP|ICMPv4|ICMPv6) /.exec(line)?.[1];
    const port = / -(LocalPort|RemotePort) '(\d+)(?:-(\d+))?'/.exec(line);
    const icmp = / -IcmpType '(\d+)(?::(\d+))?'/.exec(line);
    const listed = / -RemoteAddress ((?:'[^']+'(?:, )?)+) /.exec(line)?.[1];
    if (!protocol) throw new Error(`a rule the test does not read: ${line}`);
    if (port && port[1] !== (direction === 'inbound' ? 'LocalPort' : 'RemotePort')) throw new Error(line);
    const traffic: Pick<PacketSpec, 'protocol' | 'ports' | 'icmp'> =
      protocol === 'TCP' || protocol === 'UDP'
        ? { protocol: protocol === 'TCP' ? 'tcp' : 'udp', ports: { from: +port![2], to: +(port![3] ?? port![2]) } }
        : {
            protocol: protocol === 'ICMPv4' ? 'icmp' : 'icmpv6',
            icmp: icmp ? { type: +icmp[1], ...(icmp[2] !== undefined ? { code: +icmp[2] } : {}) } : {},
          };
    const remote = listed ? { addresses: listed.split(', ').map((a) => a.slice(1, -1)) } : {};
    const self = { classes: h.groups };
    const ends =
      direction === 'inbound' ? { source: remote, destination: self } : { source: self, destination: remote };
    sets[direction].push(packets(space, { ...traffic, ...ends }));
  }
  return { inbound: unionAll(space, sets.inbound), outbound: unionAll(space, sets.outbound) };
}

/**
 * A rendered script of each role of `format.os` against the role's host rules, on packets of one
 * family at both ends; `icmpWhole`: the format names no ICMP type, so an ICMP rule is its
 * protocol's every message (firewalld's stated difference).
 */
function scriptDifferences(
  declaration: Declaration,
  catalogs: readonly CatalogSource[] | undefined,
  format: {
    name: string;
    os: 'linux' | 'windows';
    read: (space: PacketSpace, h: HostRules) => HostPackets;
    icmpWhole: boolean;
  },
): string[] {
  const r = resolve(declaration, { catalogs });
  const space = new PacketSpace(names(r));
  const wire = unionAll(
    space,
    ['0.0.0.0/0', '::/0'].map((a) => packets(space, { source: { addresses: [a] }, destination: { addresses: [a] } })),
  );
  const out: string[] = [];
  for (const role of [...new Set(r.declaration.groups.map((g) => g.role))]) {
    const os = hostOs(r, role);
    if (os !== format.os) continue;
    const rules = planHost(r, { role, os, addresses: groupAddresses(r) });
    const whole = { ...rules, rules: rules.rules.map((x) => (x.icmp ? { ...x, icmp: {} } : x)) };
    const want = hostPackets(space, format.icmpWhole ? whole : rules);
    const got = format.read(space, rules);
    for (const d of ['inbound', 'outbound'] as const) {
      out.push(...differences(`${format.name} ${role} ${d}`, intersection(got[d], wire), intersection(want[d], wire)));
    }
  }
  return out;
}

/** The nftables script of each role against the role's host rules. */
const nftDifferences = (declaration: Declaration, catalogs?: readonly CatalogSource[]): string[] =>
  scriptDifferences(declaration, catalogs, {
    name: 'nftables',
    os: 'linux',
    read: (space, h) => nftPackets(space, h, nftables(h)),
    icmpWhole: false,
  });

/** The PowerShell script of each Windows role against the role's host rules. */
const powershellDifferences = (declaration: Declaration, catalogs?: readonly CatalogSource[]): string[] =>
  scriptDifferences(declaration, catalogs, {
    name: 'PowerShell',
    os: 'windows',
    read: (space, h) => powershellPackets(space, h, powershell(h)),
    icmpWhole: false,
  });

/** The firewalld script of each role against the role's host rules, ICMP as every message of its protocol. */
const firewalldDifferences = (declaration: Declaration, catalogs?: readonly CatalogSource[]): string[] =>
  scriptDifferences(declaration, catalogs, {
    name: 'firewalld',
    os: 'linux',
    read: (space, h) => firewalldPackets(space, h, firewalld(h)),
    icmpWhole: true,
  });

const CASES = { numRuns: 40 };

describe.each(Object.entries(PRESETS))('preset %s', (_, declaration) => {
  test.each([
    ['restricted', { ...declaration, egress: 'restricted' as const }],
    ['default', { ...declaration, egress: 'default' as const }],
  ])('%s egress: the CDK template, the Azure plan and each host firewall admit the plan', (_e, d) => {
    expect(cdkDifferences(d)).toEqual([]);
    expect(azureDifferences(d)).toEqual([]);
    expect(hostDifferences(d)).toEqual([]);
    expect(nftDifferences(d)).toEqual([]);
    expect(firewalldDifferences(d)).toEqual([]);
    expect(powershellDifferences(d)).toEqual([]);
  });
});

test('random declarations: the CDK template admits exactly the plan (but stated differences)', () => {
  fc.assert(
    fc.property(validDeclaration, (d) => {
      expect(cdkDifferences(d)).toEqual([]);
    }),
    CASES,
  );
});

test('random declarations: the Azure plan admits exactly the plan (but stated differences)', () => {
  fc.assert(
    fc.property(validDeclaration, (d) => {
      expect(azureDifferences(d)).toEqual([]);
    }),
    CASES,
  );
});

test('denyOtherVnetTraffic off: the Azure plan admits the plan and what the VNet default rules admit, no more', () => {
  for (const [name, declaration] of Object.entries(PRESETS))
    for (const egress of ['restricted', 'default'] as const)
      expect([name, egress, azureDifferences({ ...declaration, egress }, undefined, false)]).toEqual([
        name,
        egress,
        [],
      ]);
  fc.assert(
    fc.property(validDeclaration, (d) => {
      expect(azureDifferences(d, undefined, false)).toEqual([]);
    }),
    { numRuns: 20 },
  );
});

test('random declarations: each host firewall admits exactly its hosts part of the plan', () => {
  fc.assert(
    fc.property(validDeclaration, (d) => {
      expect(hostDifferences(d)).toEqual([]);
      expect(nftDifferences(d)).toEqual([]);
      expect(firewalldDifferences(d)).toEqual([]);
      expect(powershellDifferences(d)).toEqual([]);
    }),
    CASES,
  );
});

// Users' catalogs with fixed port ranges ("49152-65535"), overlapping and touching single ports,
// beside every other kind of port rule, ICMP and ICMPv6 messages and flows either side opens: each
// target admits exactly the plan's ranges, whole (Azure: ICMP as stated).
test('random catalogs with port ranges, ICMP and both directions: the CDK template, the Azure plan and each host firewall admit the plan', () => {
  const cases = arbitraryCatalog().chain((c) => arbitraryDeclaration(c).map((d) => ({ c, d })));
  let [ranged, icmp, both] = [0, 0, 0];
  fc.assert(
    fc.property(cases, ({ c, d }) => {
      const declaration = d as unknown as Declaration;
      ranged += c.rows.some((r) =>
        r.flows.some(
          (f) => 'ports' in f && f.ports.kind === 'fixed' && f.ports.ports.some((p) => typeof p === 'string'),
        ),
      )
        ? 1
        : 0;
      const flows = c.rows.flatMap((r) => r.flows);
      // A type and code reach the host firewalls too (every role of the catalogs is Linux).
      icmp += flows.some((f) => (f.protocol === 'icmp' || f.protocol === 'icmpv6') && f.icmp?.code !== undefined)
        ? 1
        : 0;
      both += flows.some((f) => f.direction === 'both') ? 1 : 0;
      expect(cdkDifferences(declaration, [c])).toEqual([]);
      expect(azureDifferences(declaration, [c])).toEqual([]);
      expect(hostDifferences(declaration, [c])).toEqual([]);
      expect(nftDifferences(declaration, [c])).toEqual([]);
      expect(firewalldDifferences(declaration, [c])).toEqual([]);
      expect(powershellDifferences(declaration, [c])).toEqual([]);
    }),
    // A seed whose runs write an ICMP type and code into an nftables script (icmp type 3 icmp code 0).
    { numRuns: 25, seed: 2606 },
  );
  // The runs held ranges, ICMP flows of a type and code, and flows either side opens at all.
  expect(ranged).toBeGreaterThan(0);
  expect(icmp).toBeGreaterThan(0);
  expect(both).toBeGreaterThan(0);
});

// ICMP and ICMPv6 by type and code: AWS and the hosts admit exactly the messages; Azure (no type or
// code, Icmp being both) admits every message of both between the same ends, as stated.
test.each([['restricted'], ['default']] as const)(
  'a catalog with ICMP and ICMPv6, %s egress: each target admits the plan (Azure: every message, as stated)',
  (egress) => {
    const declaration = { ...ICMP_DECLARATION, egress } as unknown as Declaration;
    expect(cdkDifferences(declaration, [ICMP_CATALOG])).toEqual([]);
    expect(azureDifferences(declaration, [ICMP_CATALOG])).toEqual([]);
    expect(hostDifferences(declaration, [ICMP_CATALOG])).toEqual([]);
    expect(nftDifferences(declaration, [ICMP_CATALOG])).toEqual([]);
    expect(firewalldDifferences(declaration, [ICMP_CATALOG])).toEqual([]);
    expect(powershellDifferences(declaration, [ICMP_CATALOG])).toEqual([]);
    // Against the flows as they ask (not widened), Azure's difference is exactly the stated one.
    const r = resolve(declaration, { catalogs: [ICMP_CATALOG] });
    const space = new PacketSpace(names(r));
    const exact = azureAgainst(r, space, planned(space, r));
    expect(exact.length).toBeGreaterThan(0);
    expect(exact.every((d) => /admits beyond the plan: .*(icmp|protocol 1|protocol 58)/i.test(d))).toBe(true);
  },
);

// The checks can fail: a rule more or less in a target is reported, with a witness.
test('a difference is reported with a witness packet', () => {
  const space = new PacketSpace(['a']);
  const want = packets(space, { protocol: 'tcp', ports: 22, destination: { classes: ['a'] } });
  expect(differences('t', allPackets(space), want)[0]).toMatch(/^t admits beyond the plan: .*; witness /);
  expect(differences('t', noPackets(space), want)).toEqual([
    `t misses: ${describeSet(want).join('; ')}; witness ${describePacket(witness(want)!)}`,
  ]);
});

// Stated: a group with no address given is admitted from every address, as the scripts' comments say.
test.each(Object.entries(PRESETS))(
  'preset %s: a host firewall given no addresses for the groups admits them from every address',
  (_, d) => {
    const r = resolve({ ...d, egress: 'restricted' });
    const space = new PacketSpace(names(r));
    const everywhere = Object.fromEntries(names(r).map((n) => [n, ['0.0.0.0/1', '128.0.0.0/1', '::/1', '8000::/1']]));
    for (const role of [...new Set(r.declaration.groups.map((g) => g.role))]) {
      const os = hostOs(r, role);
      if (os === undefined) continue;
      const bare = planHost(r, { role, os });
      const remotes = bare.rules.flatMap((x) => (x.remote.kind === 'group' ? [x.remote.name] : []));
      expect(bare.unaddressed).toEqual([...new Set(remotes)].sort());
      const got = hostPackets(space, bare);
      const all = hostPackets(space, planHost(r, { role, os, addresses: everywhere }));
      expect(differences(`host ${role} inbound`, got.inbound, all.inbound)).toEqual([]);
      expect(differences(`host ${role} outbound`, got.outbound, all.outbound)).toEqual([]);
    }
  },
);
