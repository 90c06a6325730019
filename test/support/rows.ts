import type { Declaration, RowId } from '../../lib/model';

// One case per row of the port tables: a declaration that makes the row apply, and the flows the row
// requires there, written from the vendor tables by hand (from, to, protocol, first port, last port).
export type Expect = [from: string, to: string, protocol: 'tcp' | 'udp', fromPort: number, toPort: number];
const SP = (...names: ['console' | 'info' | 'normal' | 'normal2', string][]): Declaration['groups'] =>
  names.map(([n, r]) => ({ name: n, role: r as Declaration['groups'][number]['role'] }));
const spGroups = SP(
  ['console', 'serverprotect:console'],
  ['info', 'serverprotect:information-server'],
  ['normal', 'serverprotect:normal-server'],
);
const sumGroups = (target: 'windows' | 'linux' | 'integrity'): Declaration['groups'] => [
  { name: 'ws', role: 'sum:workstation' },
  { name: 'target', role: `sum:target:${target}` },
];
// HP SUM 7.x+: a workstation and one target group of each kind given, under the 7.x+ profile.
const later = (...targets: string[]): Declaration => ({
  groups: [
    { name: 'ws', role: 'sum:workstation' },
    ...targets.map((t) => ({ name: t, role: `sum:target:${t}` as Declaration['groups'][number]['role'] })),
  ],
  sum: { profile: '7.x+' },
});
const cm = (agent: 'tmi' | 'mcp'): Declaration => ({
  groups: spGroups,
  peers: [{ name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.10/32' }],
  serverProtect: { controlManagerAgent: agent },
});

/** One case per row id: a declaration that makes the row apply, and the flows the row requires there. */
export const ROW_CASES: Record<RowId, { declaration: Declaration; expect: Expect[] }> = {
  SP1: { declaration: { groups: spGroups }, expect: [['info', 'console', 'tcp', 1000, 1009]] },
  SP2: {
    declaration: { groups: spGroups },
    expect: [
      ['console', 'info', 'tcp', 3000, 3009],
      ['console', 'info', 'udp', 3000, 3009],
    ],
  },
  SP3: { declaration: { groups: spGroups }, expect: [['normal', 'info', 'udp', 3000, 3009]] },
  SP4: { declaration: { groups: spGroups }, expect: [['console', 'info', 'tcp', 5005, 5014]] },
  SP5: { declaration: { groups: spGroups }, expect: [['normal', 'info', 'tcp', 5005, 5014]] },
  SP6: { declaration: { groups: spGroups }, expect: [['normal', 'info', 'tcp', 3628, 3628]] },
  SP7: { declaration: { groups: spGroups }, expect: [['info', 'normal', 'tcp', 5168, 5169]] },
  SP8: {
    declaration: { groups: spGroups },
    expect: [
      ['normal', 'info', 'tcp', 139, 139],
      ['normal', 'info', 'tcp', 445, 445],
      ['normal', 'info', 'udp', 137, 138],
      ['info', 'normal', 'tcp', 139, 139],
      ['info', 'normal', 'tcp', 445, 445],
      ['info', 'normal', 'udp', 137, 138],
    ],
  },
  SP9: {
    declaration: { groups: SP(['normal', 'serverprotect:normal-server'], ['normal2', 'serverprotect:normal-server']) },
    expect: [
      ['normal', 'normal', 'tcp', 139, 139],
      ['normal', 'normal', 'tcp', 445, 445],
      ['normal', 'normal', 'udp', 137, 138],
      ['normal', 'normal2', 'tcp', 139, 139],
      ['normal', 'normal2', 'tcp', 445, 445],
      ['normal', 'normal2', 'udp', 137, 138],
      ['normal2', 'normal', 'tcp', 139, 139],
      ['normal2', 'normal', 'tcp', 445, 445],
      ['normal2', 'normal', 'udp', 137, 138],
      ['normal2', 'normal2', 'tcp', 139, 139],
      ['normal2', 'normal2', 'tcp', 445, 445],
      ['normal2', 'normal2', 'udp', 137, 138],
    ],
  },
  SP10: {
    declaration: cm('tmi'),
    expect: [
      ['tmcm', 'info', 'tcp', 10319, 10319],
      ['info', 'tmcm', 'tcp', 10319, 10319],
    ],
  },
  SP11: {
    declaration: cm('mcp'),
    expect: [
      ['info', 'tmcm', 'tcp', 80, 80],
      ['info', 'tmcm', 'tcp', 443, 443],
    ],
  },
  SP12: {
    declaration: {
      groups: spGroups,
      peers: [
        { name: 'proxy', kind: 'update-source', cidr: '10.0.8.0/28', ports: [8080] },
        { name: 'smtp', kind: 'mail', cidr: '10.0.8.25/32' },
        { name: 'nms', kind: 'snmp', cidr: 'fd00::1/128' },
      ],
    },
    expect: [
      ['info', 'proxy', 'tcp', 8080, 8080],
      ['info', 'smtp', 'tcp', 25, 25],
      ['info', 'nms', 'udp', 162, 162],
    ],
  },
  SUM1: { declaration: { groups: sumGroups('integrity') }, expect: [['ws', 'target', 'tcp', 22, 22]] },
  SUM2: {
    declaration: { groups: sumGroups('windows') },
    expect: [
      ['ws', 'target', 'tcp', 139, 139],
      ['ws', 'target', 'tcp', 445, 445],
      ['ws', 'target', 'udp', 138, 138],
    ],
  },
  SUM3: {
    declaration: { groups: sumGroups('windows'), sum: { netbiosNameService: true } },
    expect: [['ws', 'target', 'udp', 137, 137]],
  },
  SUM4: {
    declaration: { groups: sumGroups('linux') },
    expect: [
      ['ws', 'target', 'tcp', 60000, 60007],
      ['target', 'ws', 'tcp', 60000, 60007],
    ],
  },
  SUM5: { declaration: { groups: sumGroups('linux') }, expect: [['target', 'ws', 'tcp', 61000, 61007]] },
  SUM6: { declaration: { groups: sumGroups('windows') }, expect: [['ws', 'target', 'tcp', 62286, 62286]] },
  SUM7: {
    declaration: { groups: sumGroups('integrity') },
    expect: [
      ['target', 'ws', 'tcp', 80, 80],
      ['target', 'ws', 'tcp', 63000, 63005],
    ],
  },
  'SUM7-1': {
    declaration: later('windows'),
    expect: [
      ['ws', 'windows', 'tcp', 135, 135],
      ['ws', 'windows', 'tcp', 139, 139],
      ['ws', 'windows', 'tcp', 445, 445],
      ['ws', 'windows', 'udp', 137, 138],
    ],
  },
  'SUM7-2': { declaration: later('linux'), expect: [['ws', 'linux', 'tcp', 22, 22]] },
  'SUM7-3': {
    declaration: later('vmware'),
    expect: [
      ['ws', 'vmware', 'tcp', 443, 443],
      ['ws', 'vmware', 'tcp', 5989, 5989],
    ],
  },
  'SUM7-4': {
    declaration: later('ilo', 'onboard-administrator', 'virtual-connect', 'switch', 'superdome-x', 'superdome-flex'),
    expect: ['ilo', 'onboard-administrator', 'virtual-connect', 'switch', 'superdome-x', 'superdome-flex'].flatMap(
      (t): Expect[] => [
        ['ws', t, 'tcp', 22, 22],
        ['ws', t, 'tcp', 80, 80],
        ['ws', t, 'tcp', 443, 443],
      ],
    ),
  },
  'SUM7-5': {
    declaration: later('vmware', 'ilo', 'onboard-administrator', 'virtual-connect', 'switch'),
    expect: ['vmware', 'ilo', 'virtual-connect', 'switch'].map((t): Expect => [t, 'ws', 'tcp', 63001, 63001]),
  },
  'SUM7-6': { declaration: later('superdome-x'), expect: [['superdome-x', 'ws', 'tcp', 63001, 63002]] },
  'SUM7-7': { declaration: later('superdome-flex'), expect: [['superdome-flex', 'ws', 'tcp', 63002, 63002]] },
  'SUM7-8': {
    declaration: { ...later('linux'), peers: [{ name: 'admins', kind: 'administrators', cidr: '10.0.50.0/24' }] },
    expect: [['admins', 'ws', 'tcp', 63001, 63002]],
  },
};
