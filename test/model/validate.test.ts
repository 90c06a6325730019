import { DeclarationError, PortplanError, declarationJsonSchema, resolve, validate } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER, SMART_UPDATE_MANAGER_7 } from '../support/declarations';

const CM_PEER = { name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.10/32' };

// [case, declaration, path the error names, text the message must contain]
const BAD: [string, unknown, string, RegExp][] = [
  ['not an object', 'groups', '(declaration)', /object/],
  ['no groups', { groups: [] }, 'groups', /at least one group/],
  [
    'unknown role',
    { groups: [{ name: 'a', role: 'sum:target:hpux' }] },
    'groups[0].role',
    /must be one of serverprotect:console, .*sum:target:integrity/,
  ],
  [
    'bad group name',
    { groups: [{ name: 'Web Servers', role: 'sum:workstation' }] },
    'groups[0].name',
    /lower-case letters/,
  ],
  [
    'group name ending in a dash (Azure rule names must end with a letter, digit or _)',
    { groups: [{ name: 'console-', role: 'serverprotect:console' }] },
    'groups[0].name',
    /end with a letter or digit/,
  ],
  [
    'duplicate group names',
    {
      groups: [
        { name: 'a', role: 'sum:workstation' },
        { name: 'a', role: 'sum:target:linux' },
      ],
    },
    'groups[1].name',
    /duplicate name; groups.0.name/,
  ],
  [
    'peer name clashes with a group',
    { ...SMART_UPDATE_MANAGER, peers: [{ name: 'workstation', kind: 'mail', cidr: '10.0.0.1/32' }] },
    'peers[0].name',
    /duplicate name/,
  ],
  [
    'unknown top-level option',
    { ...SERVERPROTECT, region: 'x' },
    '(declaration)',
    /unknown field region; allowed: groups, peers, serverProtect, sum, egress/,
  ],
  [
    'unknown ServerProtect option',
    { ...SERVERPROTECT, serverProtect: { mode: 'tcpip' } },
    'serverProtect',
    /unknown field mode; allowed: communication/,
  ],
  [
    'bad communication mode',
    { ...SERVERPROTECT, serverProtect: { communication: 'smb' } },
    'serverProtect.communication',
    /tcpip.*namedPipes/,
  ],
  [
    'pinned port outside the range',
    { ...SERVERPROTECT, serverProtect: { managementPort: 5015 } },
    'serverProtect.managementPort',
    /5005 or one of its fallback ports 5006-5014/,
  ],
  [
    'pinned web port outside the range',
    { ...SMART_UPDATE_MANAGER, sum: { webServerPort: 8080 } },
    'sum.webServerPort',
    /80 or one of its fallback ports 63000-63005/,
  ],
  [
    'concurrent targets zero',
    { ...SMART_UPDATE_MANAGER, sum: { concurrentTargets: 0 } },
    'sum.concurrentTargets',
    /whole number from 1 to 1000/,
  ],
  [
    'concurrent targets not whole',
    { ...SMART_UPDATE_MANAGER, sum: { concurrentTargets: 2.5 } },
    'sum.concurrentTargets',
    /whole number from 1 to 1000/,
  ],
  [
    'SOAP port count too large',
    { ...SMART_UPDATE_MANAGER, sum: { soapPortCount: 101 } },
    'sum.soapPortCount',
    /whole number from 1 to 100/,
  ],
  [
    'Linux workstation with Windows targets',
    { ...SMART_UPDATE_MANAGER, sum: { workstationOs: 'linux' } },
    'groups[1].role',
    /Linux SUM workstation reaches only SSH targets/,
  ],
  [
    'Control Manager agent without a peer',
    { ...SERVERPROTECT, serverProtect: { controlManagerAgent: 'mcp' } },
    'serverProtect.controlManagerAgent',
    /needs a peer of kind control-manager/,
  ],
  [
    'Control Manager peer without an agent',
    { ...SERVERPROTECT, peers: [CM_PEER] },
    'peers[0].kind',
    /needs serverProtect.controlManagerAgent/,
  ],
  [
    'unknown agent',
    { ...SERVERPROTECT, peers: [CM_PEER], serverProtect: { controlManagerAgent: 'tmcm' } },
    'serverProtect.controlManagerAgent',
    /tmi.*mcp/,
  ],
  [
    'peer CIDR not valid',
    { ...SERVERPROTECT, peers: [{ ...CM_PEER, cidr: '10.0.0.300/32' }], serverProtect: { controlManagerAgent: 'tmi' } },
    'peers[0].cidr',
    /IPv4 or IPv6 CIDR/,
  ],
  [
    'peer address without prefix',
    { ...SERVERPROTECT, peers: [{ ...CM_PEER, cidr: '10.0.0.3' }], serverProtect: { controlManagerAgent: 'tmi' } },
    'peers[0].cidr',
    /CIDR/,
  ],
  [
    'peer open to the world',
    { ...SERVERPROTECT, peers: [{ name: 'any', kind: 'update-source', cidr: '0.0.0.0/0' }] },
    'peers[0].cidr',
    /every address; set allowAnyAddress/,
  ],
  [
    'peer kind unknown',
    { ...SERVERPROTECT, peers: [{ name: 'dns', kind: 'dns', cidr: '10.0.0.2/32' }] },
    'peers[0].kind',
    /control-manager, update-source, mail, snmp/,
  ],
  [
    'peer port out of range',
    { ...SERVERPROTECT, peers: [{ name: 'p', kind: 'update-source', cidr: '10.0.0.2/32', ports: [70000] }] },
    'peers[0].ports[0]',
    /1 to 65535/,
  ],
  [
    'unknown SUM profile',
    { ...SMART_UPDATE_MANAGER, sum: { profile: '8.x' } },
    'sum.profile',
    /must be one of 5\.x, 7\.x\+/,
  ],
  [
    '7.x+ target under the 5.x profile',
    {
      groups: [
        { name: 'ws', role: 'sum:workstation' },
        { name: 'esxi', role: 'sum:target:vmware' },
      ],
    },
    'groups[1].role',
    /only in the HP SUM 7\.x\+ table; set sum.profile to 7\.x\+/,
  ],
  [
    'Integrity target under the 7.x+ profile',
    { groups: [{ name: 'ia64', role: 'sum:target:integrity' }], sum: { profile: '7.x+' } },
    'groups[0].role',
    /only in the HP SUM 5\.x table; set sum.profile to 5\.x/,
  ],
  [
    '5.x-only option under 7.x+',
    { ...SMART_UPDATE_MANAGER_7, sum: { profile: '7.x+', concurrentTargets: 16 } },
    'sum.concurrentTargets',
    /5\.x only; the 7\.x\+ table has fixed ports/,
  ],
  [
    'Linux workstation with Windows targets under 7.x+',
    { ...SMART_UPDATE_MANAGER_7, sum: { profile: '7.x+', workstationOs: 'linux' } },
    'groups[1].role',
    /Linux SUM workstation reaches only SSH targets/,
  ],
  [
    'administrators peer with ports',
    {
      ...SMART_UPDATE_MANAGER_7,
      peers: [{ name: 'admins', kind: 'administrators', cidr: '10.0.50.0/24', ports: [443] }],
    },
    'peers[0].ports',
    /fixed ports 63001-63002 \(SUM7-8\); leave ports out/,
  ],
  ['bad egress', { ...SERVERPROTECT, egress: 'none' }, 'egress', /default.*restricted/],
];

describe('bad declarations give one DeclarationError naming field, value and what is allowed', () => {
  test.each(BAD)('%s', (_name, declaration, path, message) => {
    let error: unknown;
    try {
      validate(declaration);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeclarationError);
    expect(error).toBeInstanceOf(PortplanError);
    expect(error).toMatchObject({ code: 'DECLARATION', name: 'DeclarationError' });
    expect((error as DeclarationError).path).toBe((error as DeclarationError).problems[0].path);
    const problem = (error as DeclarationError).problems.find((p) => p.path === path);
    expect(problem?.message).toMatch(message);
    expect((error as Error).message).toContain(`${path}: `);
    expect((error as Error).message).toMatch(/\(got .+\)/);
  });

  test('resolve() throws the same error', () => {
    expect(() => resolve({ groups: [] })).toThrow(DeclarationError);
  });

  test('the value is quoted in the message', () => {
    expect(() => validate({ groups: [{ name: 'a', role: 'sum:target:hpux' }] })).toThrow(/got "sum:target:hpux"/);
  });

  test('values JSON cannot hold (a bigint, a cycle) are described, not a TypeError', () => {
    expect(() =>
      validate({ groups: [{ name: 'a', role: 'sum:workstation' }], sum: { concurrentTargets: 8n } }),
    ).toThrow(/sum.concurrentTargets: .*\(got "8n"\)/);
    const cycle: Record<string, unknown> = { name: 'a' };
    cycle.self = cycle;
    expect(() => validate({ groups: [cycle] })).toThrow(DeclarationError);
  });

  test('allowAnyAddress lets the user open a peer to every address', () => {
    expect(() =>
      validate({
        ...SERVERPROTECT,
        peers: [{ name: 'any', kind: 'update-source', cidr: '0.0.0.0/0', allowAnyAddress: true }],
      }),
    ).not.toThrow();
  });
});

describe('JSON Schema for declaration files', () => {
  test('lists the roles and rejects unknown fields', () => {
    const schema = JSON.stringify(declarationJsonSchema());
    expect(schema).toContain('sum:target:integrity');
    expect(schema).toContain('"additionalProperties":false');
  });
});
