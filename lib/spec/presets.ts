import type { Declaration } from './options';

/** Every preset name. */
export const PRESET_NAMES = ['serverprotect', 'smart-update-manager', 'smart-update-manager-7'] as const;

/** The name of a preset. */
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Named declarations of the example deployments: the CLI's `--preset`, and a starting point to copy.
 * Each leaves every option at its default.
 */
export const PRESETS: Readonly<Record<PresetName, Declaration>> = {
  /** ServerProtect: one console, one information server and normal servers. */
  serverprotect: {
    groups: [
      { name: 'console', role: 'serverprotect:console' },
      { name: 'information-server', role: 'serverprotect:information-server' },
      { name: 'normal-servers', role: 'serverprotect:normal-server' },
    ],
  },
  /** HP SUM 5.x: a Windows workstation with Windows and Linux targets. */
  'smart-update-manager': {
    groups: [
      { name: 'workstation', role: 'sum:workstation' },
      { name: 'windows-targets', role: 'sum:target:windows' },
      { name: 'linux-targets', role: 'sum:target:linux' },
    ],
  },
  /**
   * HP SUM 7.x+: a workstation whose web UI the administrators' network opens, and one target
   * group of Windows, Linux, ESXi, iLO, Onboard Administrator and Superdome Flex.
   */
  'smart-update-manager-7': {
    groups: [
      { name: 'workstation', role: 'sum:workstation' },
      { name: 'windows-targets', role: 'sum:target:windows' },
      { name: 'linux-targets', role: 'sum:target:linux' },
      { name: 'esxi-hosts', role: 'sum:target:vmware' },
      { name: 'ilos', role: 'sum:target:ilo' },
      { name: 'enclosures', role: 'sum:target:onboard-administrator' },
      { name: 'superdome-flex', role: 'sum:target:superdome-flex' },
    ],
    peers: [{ name: 'administrators', kind: 'administrators', cidr: '192.168.50.0/24' }],
    sum: { profile: '7.x+' },
  },
};
