import { resolve, type Declaration, type ResolvedFlow } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER, SMART_UPDATE_MANAGER_7 } from '../support/declarations';

const table = (flows: readonly ResolvedFlow[]) =>
  flows.map((f) => `${f.from.name} > ${f.to.name} ${f.protocol} ${f.fromPort}-${f.toPort} ${f.rows.join(',')}`);

describe('section D defaults', () => {
  test('HP SUM 7.x+: one target group of each later kind and the administrators network (SUM7-1 to SUM7-8; no 5.x row)', () => {
    const { flows, warnings } = resolve(SMART_UPDATE_MANAGER_7);
    expect(table(flows)).toEqual([
      'workstation > enclosures tcp 22-22 SUM7-4',
      'workstation > enclosures tcp 80-80 SUM7-4',
      'workstation > enclosures tcp 443-443 SUM7-4',
      'workstation > esxi-hosts tcp 443-443 SUM7-3',
      'workstation > esxi-hosts tcp 5989-5989 SUM7-3',
      'workstation > ilos tcp 22-22 SUM7-4',
      'workstation > ilos tcp 80-80 SUM7-4',
      'workstation > ilos tcp 443-443 SUM7-4',
      'workstation > linux-targets tcp 22-22 SUM7-2',
      'workstation > superdome-flex tcp 22-22 SUM7-4',
      'workstation > superdome-flex tcp 80-80 SUM7-4',
      'workstation > superdome-flex tcp 443-443 SUM7-4',
      'workstation > windows-targets tcp 135-135 SUM7-1',
      'workstation > windows-targets tcp 139-139 SUM7-1',
      'workstation > windows-targets tcp 445-445 SUM7-1',
      'workstation > windows-targets udp 137-138 SUM7-1',
      'esxi-hosts > workstation tcp 63001-63001 SUM7-5',
      'ilos > workstation tcp 63001-63001 SUM7-5',
      'superdome-flex > workstation tcp 63002-63002 SUM7-7',
      'administrators > workstation tcp 63001-63002 SUM7-8',
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['netbios-broadcast']);
  });

  test('HP SUM 7.x+: the administrators peer is unused under 5.x, with a warning that says why', () => {
    const { flows, warnings } = resolve({ ...SMART_UPDATE_MANAGER, peers: SMART_UPDATE_MANAGER_7.peers });
    expect(flows.some((f) => f.from.name === 'administrators')).toBe(false);
    expect(warnings.find((w) => w.code === 'unused-peer')?.message).toMatch(/administrators .* sum.profile 7\.x\+/);
  });

  test('ServerProtect, all three roles, default options (SP1-SP9; no SP10-SP12)', () => {
    const { flows } = resolve(SERVERPROTECT);
    expect(table(flows)).toEqual([
      'information-server > console tcp 1000-1009 SP1',
      'console > information-server tcp 3000-3009 SP2',
      'console > information-server tcp 5005-5014 SP4',
      'console > information-server udp 3000-3009 SP2',
      'normal-servers > information-server tcp 139-139 SP8',
      'normal-servers > information-server tcp 445-445 SP8',
      'normal-servers > information-server tcp 3628-3628 SP6',
      'normal-servers > information-server tcp 5005-5014 SP5',
      'normal-servers > information-server udp 137-138 SP8',
      'normal-servers > information-server udp 3000-3009 SP3',
      'information-server > normal-servers tcp 139-139 SP8',
      'information-server > normal-servers tcp 445-445 SP8',
      'information-server > normal-servers tcp 5168-5169 SP7',
      'information-server > normal-servers udp 137-138 SP8',
      'normal-servers > normal-servers tcp 139-139 SP9',
      'normal-servers > normal-servers tcp 445-445 SP9',
      'normal-servers > normal-servers udp 137-138 SP9',
    ]);
  });

  test('HP SUM, Windows workstation with Windows and Linux targets (SUM1, SUM2, SUM4-SUM7; SUM3 off)', () => {
    const { flows } = resolve(SMART_UPDATE_MANAGER);
    expect(table(flows)).toEqual([
      'workstation > linux-targets tcp 22-22 SUM1',
      'workstation > linux-targets tcp 60000-60007 SUM4',
      'workstation > linux-targets tcp 62286-62286 SUM6',
      'workstation > windows-targets tcp 139-139 SUM2',
      'workstation > windows-targets tcp 445-445 SUM2',
      'workstation > windows-targets tcp 60000-60007 SUM4',
      'workstation > windows-targets tcp 62286-62286 SUM6',
      'workstation > windows-targets udp 138-138 SUM2',
      'linux-targets > workstation tcp 80-80 SUM7',
      'linux-targets > workstation tcp 60000-60007 SUM4',
      'linux-targets > workstation tcp 61000-61007 SUM5',
      'linux-targets > workstation tcp 63000-63005 SUM7',
      'windows-targets > workstation tcp 80-80 SUM7',
      'windows-targets > workstation tcp 60000-60007 SUM4',
      'windows-targets > workstation tcp 61000-61007 SUM5',
      'windows-targets > workstation tcp 63000-63005 SUM7',
    ]);
  });

  test('defaults are filled in as section D says', () => {
    const { declaration } = resolve(SERVERPROTECT);
    expect(declaration.serverProtect).toEqual({ communication: 'tcpip', localInstall: true, remoteInstall: true });
    expect(declaration.sum).toEqual({
      profile: '5.x',
      workstationOs: 'windows',
      concurrentTargets: 8,
      netbiosNameService: false,
      soapPortCount: 1,
    });
    expect(declaration.egress).toBe('default');
    expect(declaration.peers).toEqual([]);
  });

  test('broadcast warnings name the rows and what to do instead', () => {
    const { warnings } = resolve(SERVERPROTECT);
    expect(warnings.map((w) => [w.code, w.rows])).toEqual([
      ['broadcast-discovery', ['SP2', 'SP3']],
      ['netbios-broadcast', ['SP8', 'SP9']],
    ]);
    expect(warnings[0].message).toMatch(/by name or address/);
    expect(warnings[1].message).toMatch(/DNS/);
  });
});

// Each option, off and on: the rows it adds or removes, and the ports it changes.
const rowsOf = (d: Declaration) => new Set(resolve(d).flows.flatMap((f) => f.rows));
const portsOf = (d: Declaration, from: string, to: string) =>
  resolve(d)
    .flows.filter((f) => f.from.name === from && f.to.name === to)
    .map((f) => `${f.protocol} ${f.fromPort}-${f.toPort}`);

describe('options', () => {
  test.each([
    ['communication namedPipes drops SP6 and SP7, keeps SP8', { communication: 'namedPipes' }, ['SP6', 'SP7'], ['SP8']],
    ['localInstall false drops SP3 and SP5', { localInstall: false }, ['SP3', 'SP5'], ['SP2', 'SP4']],
    ['remoteInstall false drops SP9', { remoteInstall: false }, ['SP9'], ['SP8']],
  ] as const)('%s', (_name, serverProtect, gone, kept) => {
    const on = rowsOf(SERVERPROTECT);
    const off = rowsOf({ ...SERVERPROTECT, serverProtect });
    for (const r of gone) expect([on.has(r), off.has(r)]).toEqual([true, false]);
    for (const r of kept) expect(off.has(r)).toBe(true);
  });

  test('pinned base ports open one port instead of the fallback range (SP1, SP2, SP4)', () => {
    const d = {
      ...SERVERPROTECT,
      serverProtect: { consoleEventPort: 1003, discoveryPort: 3000, managementPort: 5014 },
    };
    expect(portsOf(d, 'information-server', 'console')).toEqual(['tcp 1003-1003']);
    expect(portsOf(d, 'console', 'information-server')).toEqual(['tcp 3000-3000', 'tcp 5014-5014', 'udp 3000-3000']);
  });

  test('netbiosNameService adds SUM3 (UDP 137) and merges with SUM2 (UDP 138)', () => {
    const d = { ...SMART_UPDATE_MANAGER, sum: { netbiosNameService: true } };
    expect(rowsOf(SMART_UPDATE_MANAGER).has('SUM3')).toBe(false);
    const udp = resolve(d).flows.filter((f) => f.protocol === 'udp');
    expect(udp.map((f) => [f.fromPort, f.toPort, f.rows])).toEqual([[137, 138, ['SUM2', 'SUM3']]]);
  });

  test('concurrentTargets widens SUM4 and SUM5; soapPortCount widens SUM6', () => {
    const d = { ...SMART_UPDATE_MANAGER, sum: { concurrentTargets: 20, soapPortCount: 5 } };
    expect(portsOf(d, 'workstation', 'linux-targets')).toEqual(['tcp 22-22', 'tcp 60000-60019', 'tcp 62286-62290']);
    expect(portsOf(d, 'linux-targets', 'workstation')).toEqual([
      'tcp 80-80',
      'tcp 60000-60019',
      'tcp 61000-61019',
      'tcp 63000-63005',
    ]);
  });

  test('1000 concurrent targets make SUM4 and SUM5 adjacent: one merged rule', () => {
    const d = { ...SMART_UPDATE_MANAGER, sum: { concurrentTargets: 1000 } };
    const merged = resolve(d).flows.find((f) => f.from.name === 'linux-targets' && f.fromPort === 60000);
    expect([merged?.toPort, merged?.rows]).toEqual([61999, ['SUM4', 'SUM5']]);
  });

  test('webServerPort pins SUM7 to one port', () => {
    for (const p of [80, 63002]) {
      const d = { ...SMART_UPDATE_MANAGER, sum: { webServerPort: p } };
      expect(portsOf(d, 'windows-targets', 'workstation')).toContain(`tcp ${p}-${p}`);
      expect(resolve(d).flows.filter((f) => f.rows.includes('SUM7'))).toHaveLength(2);
    }
  });

  test('Linux workstation with SSH targets only (SUM1, no SUM2)', () => {
    const d: Declaration = {
      groups: SMART_UPDATE_MANAGER.groups.filter((g) => g.role !== 'sum:target:windows'),
      sum: { workstationOs: 'linux' },
    };
    expect([...rowsOf(d)].sort()).toEqual(['SUM1', 'SUM4', 'SUM5', 'SUM6', 'SUM7']);
  });

  test('egress is carried on the normalized declaration; flows do not change', () => {
    const r = resolve({ ...SERVERPROTECT, egress: 'restricted' });
    expect(r.declaration.egress).toBe('restricted');
    expect(r.flows).toEqual(resolve(SERVERPROTECT).flows);
  });

  test('a peer that no flow reaches is a warning, not an error', () => {
    const r = resolve({ ...SMART_UPDATE_MANAGER, peers: [{ name: 'smtp', kind: 'mail', cidr: '10.0.0.25/32' }] });
    expect(r.warnings.map((w) => w.code)).toContain('unused-peer');
  });

  test('one host in roles of both products: groups of both products resolve side by side', () => {
    const both = resolve({ groups: [...SERVERPROTECT.groups, ...SMART_UPDATE_MANAGER.groups] });
    expect(both.flows).toHaveLength(resolve(SERVERPROTECT).flows.length + resolve(SMART_UPDATE_MANAGER).flows.length);
  });
});
