import { securityRuleArgs, type AzureRule } from '../../lib/pulumi';
import { parseCidr, type Endpoint, type Resolution } from '../../lib/model';
import { evaluateFlow, type AzureEndpoint, type AzureNetwork, type AzurePacket } from '../../lib/azure/evaluator';
import type { ArmSecurityRule } from '../../lib/azure/rules';

/**
 * A model network for the evaluator: one VNet (IPv4 and IPv6 space), one subnet whose NSG holds a
 * plan's rules, one NIC per role group (member of its group's ASG, and of its role's where the role
 * has two or more groups), peers outside the VNet at
 * the first address of their CIDR, and a bastion host in another subnet of the VNet with no NSG.
 */
export const NETWORK: AzureNetwork = { addressSpace: ['10.40.0.0/16', 'fd00:40::/48'] };
export const BASTION = { v4: '10.40.250.4', v6: 'fd00:40:0:250::4' };
export const INTERNET = { v4: '203.0.113.7', v6: '2001:db8:ffff::7' };
export const LOAD_BALANCER = '168.63.129.16';

/** The ASG id the model gives a group. */
export const asgId = (group: string): string => `asg:${group}`;

/** A plan's rules as the NSG's ARM `securityRules`, ASG ids from {@link asgId}. */
export const armRules = (rules: readonly AzureRule[]): ArmSecurityRule[] =>
  rules.map((r) => securityRuleArgs(r, asgId));

/** Builds the NICs and outside hosts for one resolution and one NSG. */
export function world(resolution: Resolution, nsg: readonly ArmSecurityRule[]) {
  const declared = resolution.declaration.groups;
  const groups = declared.map((g) => g.name);
  // A NIC joins its group's ASG and, where its role has two or more groups, the role's ASG too.
  const roleOf = new Map(declared.map((g) => [g.name, g.role]));
  const wide = (role: string) => declared.filter((g) => g.role === role).length > 1;
  const nic = (group: string, family: 4 | 6): AzureEndpoint => {
    const i = groups.indexOf(group) + 10;
    const role = roleOf.get(group) ?? '';
    return {
      address: family === 4 ? `10.40.1.${i}` : `fd00:40:0:1::${i.toString(16)}`,
      applicationSecurityGroups: wide(role) ? [asgId(group), asgId(role)] : [asgId(group)],
      nsg,
    };
  };
  const first = (cidr: string): string => {
    const text = parseCidr(cidr)!.text;
    return text.slice(0, text.indexOf('/'));
  };
  /** An endpoint of a flow; a group's NIC in the family of the flow's peer (IPv4 between groups). */
  const endpoint = (e: Endpoint, other: Endpoint): AzureEndpoint => {
    if (e.kind === 'peer') return { address: first(e.cidr!) };
    const family = other.kind === 'peer' && other.cidr!.includes(':') ? 6 : 4;
    return nic(e.name, family);
  };
  return { groups, nic, endpoint, outside: (address: string): AzureEndpoint => ({ address }) };
}

/** A NIC of a model network: its name, the role groups it plays and the ids of their ASGs. */
export interface ModelNic {
  readonly name: string;
  readonly groups: readonly string[];
  readonly asgIds: readonly string[];
}

/**
 * Asks the evaluator, for every two NICs of one subnet behind `nsg` (an NSG with the VNet deny
 * rules and default egress), every protocol and every port at or next to a flow's range edges (and
 * 22, 3389), whether the packet passes; it must pass exactly when a flow runs from a group of the
 * sender to a group of the receiver. The Internet must reach no NIC. Returns the packets where the
 * verdict differs, and how many planned packets passed.
 */
export function betweenNics(
  resolution: Resolution,
  nsg: readonly ArmSecurityRule[],
  nics: readonly ModelNic[],
): { wrong: string[]; passed: number } {
  const end = (n: ModelNic, i: number): AzureEndpoint => ({
    address: `10.40.1.${i + 10}`,
    applicationSecurityGroups: n.asgIds,
    nsg,
  });
  const flows = resolution.flows;
  const planned = (from: ModelNic, to: ModelNic, protocol: string, port: number) =>
    flows.some(
      (f) =>
        f.from.kind === 'group' &&
        f.to.kind === 'group' &&
        from.groups.includes(f.from.name) &&
        to.groups.includes(f.to.name) &&
        f.protocol === protocol &&
        f.fromPort <= port &&
        port <= f.toPort,
    );
  const wrong: string[] = [];
  let passed = 0;
  for (const protocol of ['tcp', 'udp'] as const) {
    const edges = flows
      .filter((f) => f.protocol === protocol)
      .flatMap((f) => [f.fromPort - 1, f.fromPort, f.toPort, f.toPort + 1]);
    const packet = (port: number): AzurePacket => ({ protocol: protocol === 'tcp' ? 'Tcp' : 'Udp', port });
    for (const port of [...new Set([22, 3389, ...edges])].filter((p) => p >= 1 && p <= 65535)) {
      nics.forEach((to, j) => {
        if (evaluateFlow(NETWORK, { address: INTERNET.v4 }, end(to, j), packet(port)).allowed)
          wrong.push(`Internet > ${to.name} ${protocol} ${port}: allowed`);
        nics.forEach((from, i) => {
          if (i === j) return;
          const expected = planned(from, to, protocol, port);
          const v = evaluateFlow(NETWORK, end(from, i), end(to, j), packet(port));
          if (v.allowed !== expected)
            wrong.push(
              `${from.name} > ${to.name} ${protocol} ${port}: ${v.allowed ? 'allowed' : 'denied'} (${v.inbound?.rule ?? v.outbound?.rule})`,
            );
          else if (expected) passed++;
        });
      });
    }
  }
  return { wrong, passed };
}
