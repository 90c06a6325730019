import { securityRuleArgs, type AzureRule } from '../../lib/pulumi';
import { parseCidr, type Endpoint, type Resolution } from '../../lib/spec';
import type { AzureEndpoint, AzureNetwork } from '../../lib/verify/azure';
import type { ArmSecurityRule } from '../../lib/verify/azure-rules';

/**
 * A model network for the evaluator: one VNet (IPv4 and IPv6 space), one subnet whose NSG holds a
 * plan's rules, one NIC per role group (member of its group's ASG only), peers outside the VNet at
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
  const groups = resolution.declaration.groups.map((g) => g.name);
  const nic = (group: string, family: 4 | 6): AzureEndpoint => {
    const i = groups.indexOf(group) + 10;
    return {
      address: family === 4 ? `10.40.1.${i}` : `fd00:40:0:1::${i.toString(16)}`,
      applicationSecurityGroups: [asgId(group)],
      nsg,
    };
  };
  const first = (cidr: string): string => {
    const text = parseCidr(cidr)!.text;
    return text.slice(0, text.indexOf('/'));
  };
  /** An endpoint of a flow; a group's NIC in the family of the flow's peer (IPv4 between groups). */
  const endpoint = (e: Endpoint, other: Endpoint): AzureEndpoint => {
    if (e.kind === 'peer') return { address: first(e.cidr) };
    const family = other.kind === 'peer' && other.cidr.includes(':') ? 6 : 4;
    return nic(e.name, family);
  };
  return { groups, nic, endpoint, outside: (address: string): AzureEndpoint => ({ address }) };
}
