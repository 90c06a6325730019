import {
  type BuiltinRoleId,
  ROLES,
  ROLE_IDS,
  serverProtectDeclaration,
  smartUpdateManagerDeclaration,
  type ServerProtectGroups,
  type SmartUpdateManagerGroups,
} from '../../lib/model';

// `satisfies Required<...>` makes the compiler demand every field of the props, and no other:
// a field added to the props without a role (or the other way round) fails here.
const SERVERPROTECT_PROPS = {
  consoleGroups: ['c'],
  informationServerGroups: ['i'],
  normalServerGroups: ['n'],
  peers: [],
  options: {},
  egress: 'default',
} as const satisfies Required<ServerProtectGroups>;

const SUM_PROPS = {
  workstationGroups: ['w'],
  windowsTargetGroups: ['t-windows'],
  linuxTargetGroups: ['t-linux'],
  integrityTargetGroups: ['t-integrity'],
  vmwareTargetGroups: ['t-vmware'],
  iloTargetGroups: ['t-ilo'],
  onboardAdministratorTargetGroups: ['t-oa'],
  virtualConnectTargetGroups: ['t-vc'],
  switchTargetGroups: ['t-switch'],
  superdomeXTargetGroups: ['t-sdx'],
  superdomeFlexTargetGroups: ['t-sdflex'],
  peers: [],
  options: {},
  egress: 'default',
} as const satisfies Required<SmartUpdateManagerGroups>;

describe('ROLES is the one source of each role fact', () => {
  test.each([
    ['serverprotect', SERVERPROTECT_PROPS],
    ['sum', SUM_PROPS],
  ] as const)('every group field of the %s props belongs to exactly one role of that product', (product, props) => {
    const fields = Object.keys(props)
      .filter((k) => k.endsWith('Groups'))
      .sort();
    const roleProps = ROLE_IDS.filter((r) => ROLES[r].product === product)
      .map((r) => ROLES[r].prop)
      .sort();
    expect(roleProps).toEqual(fields);
  });

  test('the product declarations put each named group in the role ROLES gives its field, in catalog order', () => {
    const d = [
      ...serverProtectDeclaration(SERVERPROTECT_PROPS).groups,
      ...smartUpdateManagerDeclaration(SUM_PROPS).groups,
    ];
    expect(d.map((g) => g.role)).toEqual([...ROLE_IDS]);
    for (const g of d)
      expect(
        (SERVERPROTECT_PROPS as Record<string, unknown>)[ROLES[g.role as BuiltinRoleId].prop] ??
          (SUM_PROPS as Record<string, unknown>)[ROLES[g.role as BuiltinRoleId].prop],
      ).toEqual([g.name]);
  });

  test('defaults: one group of each ServerProtect role and a SUM workstation, no SUM targets', () => {
    expect(serverProtectDeclaration({}).groups.map((g) => g.name)).toEqual([
      'console',
      'information-server',
      'normal-servers',
    ]);
    expect(smartUpdateManagerDeclaration({}).groups).toEqual([{ name: 'workstation', role: 'sum:workstation' }]);
  });
});
