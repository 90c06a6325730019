import type { SmartUpdateManagerGroups } from '../lib/model';

/**
 * The HP SUM 7.x+ deployment both example programs create, as the product constructs take it: a
 * workstation whose web UI the administrators' network opens, Windows and Linux targets, ESXi
 * hosts, iLOs, Onboard Administrators and a Superdome Flex (the `smart-update-manager-7` preset).
 */
export function sum7Example(administratorsCidr = '192.168.50.0/24') {
  // `satisfies`, not a return type: the arrays stay mutable, as the Pulumi components' arguments take them.
  return {
    options: { profile: '7.x+' },
    windowsTargetGroups: ['windows-targets'],
    linuxTargetGroups: ['linux-targets'],
    vmwareTargetGroups: ['esxi-hosts'],
    iloTargetGroups: ['ilos'],
    onboardAdministratorTargetGroups: ['enclosures'],
    superdomeFlexTargetGroups: ['superdome-flex'],
    peers: [{ name: 'administrators', kind: 'administrators', cidr: administratorsCidr }],
  } satisfies SmartUpdateManagerGroups;
}
