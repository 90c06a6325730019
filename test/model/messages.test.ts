// Every field of the declaration schema, given a value of the wrong type or out of range, is
// reported in the project's words (what is allowed), never in the schema library's.
import { choiceText, closestMatch, declarationJsonSchema, editDistance, loadCatalog, validate } from '../../lib/model';
import { SERVERPROTECT, SMART_UPDATE_MANAGER, problemLines } from '../support/declarations';

const GROUP = { name: 'ws', role: 'sum:workstation' };
const PEER = { name: 'mirror', kind: 'update-source', cidr: '10.0.0.0/24' };
const withGroup = (group: unknown) => ({ groups: [group] });
const withPeer = (peer: unknown) => ({ ...SMART_UPDATE_MANAGER, peers: [peer] });
const withSp = (sp: unknown) => ({ ...SERVERPROTECT, serverProtect: sp });
const withSum = (sum: unknown) => ({ ...SMART_UPDATE_MANAGER, sum });

const NAME_RULE =
  'must be lower-case letters, digits and dashes, start with a letter, end with a letter or digit, ' +
  'at most 40 characters';
const OBJECT = 'must be an object (a mapping of field names to values)';
const VALUE = 'must be one of serverprotect:console, .*, sum:target:superdome-flex';
const line = (pattern: string) => expect.stringMatching(new RegExp(`^${pattern}$`));

// [field (schema path, [] for list entries), declaration, path named, the whole line after the path]
const CASES: [string, unknown, string, string][] = [
  ['(declaration)', ['groups'], '(declaration)', `${OBJECT} (got ["groups"])`],
  [
    '(declaration)',
    { ...SERVERPROTECT, egres: 'restricted' },
    '(declaration)',
    'unknown field egres; allowed: groups, peers, serverProtect, sum, egress (got ["egres"]); did you mean egress?',
  ],
  ['groups', {}, 'groups', 'is required (got nothing)'],
  ['groups', { groups: 'ws' }, 'groups', 'must be a list (got "ws")'],
  ['groups', { groups: [] }, 'groups', 'needs at least one group (got [])'],
  ['groups[]', withGroup('ws'), 'groups[0]', `${OBJECT} (got "ws")`],
  [
    'groups[]',
    withGroup({ ...GROUP, roles: 'x' }),
    'groups[0]',
    'unknown field roles; allowed: name, role, options (got ["roles"]); did you mean role?',
  ],
  ['groups[].name', withGroup({ role: GROUP.role }), 'groups[0].name', 'is required (got nothing)'],
  ['groups[].name', withGroup({ ...GROUP, name: 7 }), 'groups[0].name', `${NAME_RULE} (got 7)`],
  [
    'groups[].role',
    withGroup({ ...GROUP, role: 'sum:workstaton' }),
    'groups[0].role',
    line(`${VALUE} \\(got "sum:workstaton"\\); did you mean "sum:workstation"\\?`),
  ],
  ['groups[].role', withGroup({ ...GROUP, role: 3 }), 'groups[0].role', line(`${VALUE} \\(got 3\\)`)],
  ['groups[].options', withGroup({ ...GROUP, options: 'linux' }), 'groups[0].options', `${OBJECT} (got "linux")`],
  [
    'groups[].options',
    withGroup({ ...GROUP, options: { workstationOs: 'mac' } }),
    'groups[0].options.workstationOs',
    'must be one of windows, linux (got "mac")',
  ],
  ['peers', { ...SMART_UPDATE_MANAGER, peers: { ...PEER } }, 'peers', `must be a list (got ${JSON.stringify(PEER)})`],
  ['peers[]', withPeer(null), 'peers[0]', `${OBJECT} (got null)`],
  ['peers[].name', withPeer({ ...PEER, name: 'Mirror' }), 'peers[0].name', `${NAME_RULE} (got "Mirror")`],
  [
    'peers[].kind',
    withPeer({ ...PEER, kind: 'update-sources' }),
    'peers[0].kind',
    'must be one of control-manager, update-source, mail, snmp, administrators (got "update-sources"); ' +
      'did you mean "update-source"?',
  ],
  [
    'peers[].cidr',
    withPeer({ ...PEER, cidr: 10 }),
    'peers[0].cidr',
    'must be an IPv4 or IPv6 CIDR such as 10.0.9.10/32 or 2001:db8::/64 (no zone index) (got 10)',
  ],
  [
    'peers[].prefixList',
    withPeer({ ...PEER, prefixList: 'pl-0123456789abcdef0' }),
    'peers[0].prefixList',
    `${OBJECT} (got "pl-0123456789abcdef0")`,
  ],
  [
    'peers[].prefixList.id',
    withPeer({ ...PEER, prefixList: { id: 'sg-0123456789abcdef0', maxEntries: 5 } }),
    'peers[0].prefixList.id',
    'must be a prefix list id: pl- and 8 to 17 hex digits (got "sg-0123456789abcdef0")',
  ],
  [
    'peers[].prefixList.name',
    withPeer({ ...PEER, prefixList: { name: 'my-list' } }),
    'peers[0].prefixList.name',
    'must be the name of an AWS-managed prefix list, com.amazonaws.<region>.<service> (a list of your own is ' +
      'named by id) (got "my-list")',
  ],
  [
    'peers[].prefixList.maxEntries',
    withPeer({ ...PEER, prefixList: { id: 'pl-0123456789abcdef0', maxEntries: 0 } }),
    'peers[0].prefixList.maxEntries',
    'must be a whole number from 1 to 1000 (got 0)',
  ],
  [
    'peers[].prefixList.family',
    withPeer({ ...PEER, prefixList: { id: 'pl-0123456789abcdef0', maxEntries: 5, family: 'ipv4' } }),
    'peers[0].prefixList.family',
    'must be one of IPv4, IPv6 (got "ipv4"); did you mean "IPv4"?',
  ],
  [
    'peers[].serviceTag',
    withPeer({ ...PEER, serviceTag: 'Storage West' }),
    'peers[0].serviceTag',
    'must be an Azure service tag such as Storage, Storage.WestEurope or AzureUpdateDelivery (got "Storage West")',
  ],
  ['peers[].ports', withPeer({ ...PEER, ports: 443 }), 'peers[0].ports', 'must be a list (got 443)'],
  ['peers[].ports', withPeer({ ...PEER, ports: [] }), 'peers[0].ports', 'needs at least 1 entry (got [])'],
  [
    'peers[].ports',
    withPeer({ ...PEER, ports: Array.from({ length: 17 }, (_, i) => 1000 + i) }),
    'peers[0].ports',
    line('has more than 16 entries \\(got \\[1000,.*'),
  ],
  [
    'peers[].ports[]',
    withPeer({ ...PEER, ports: ['443'] }),
    'peers[0].ports[0]',
    'must be a whole number from 1 to 65535 (got "443")',
  ],
  [
    'peers[].allowAnyAddress',
    withPeer({ ...PEER, allowAnyAddress: 'yes' }),
    'peers[0].allowAnyAddress',
    'must be true or false (got "yes")',
  ],
  ['serverProtect', withSp('tcpip'), 'serverProtect', `${OBJECT} (got "tcpip")`],
  [
    'serverProtect.communication',
    withSp({ communication: 'namedpipes' }),
    'serverProtect.communication',
    'must be one of tcpip, namedPipes (got "namedpipes"); did you mean "namedPipes"?',
  ],
  [
    'serverProtect.localInstall',
    withSp({ localInstall: 'no' }),
    'serverProtect.localInstall',
    'must be true or false (got "no")',
  ],
  [
    'serverProtect.remoteInstall',
    withSp({ remoteInstall: 1 }),
    'serverProtect.remoteInstall',
    'must be true or false (got 1)',
  ],
  [
    'serverProtect.consoleEventPort',
    withSp({ consoleEventPort: '1000' }),
    'serverProtect.consoleEventPort',
    'must be a whole number from 1 to 65535 (got "1000")',
  ],
  [
    'serverProtect.discoveryPort',
    withSp({ discoveryPort: 2999 }),
    'serverProtect.discoveryPort',
    'must be 3000 or one of its fallback ports 3001-3009 (got 2999)',
  ],
  [
    'serverProtect.managementPort',
    withSp({ managementPort: 5005.5 }),
    'serverProtect.managementPort',
    'must be a whole number from 1 to 65535 (got 5005.5)',
  ],
  [
    'serverProtect.controlManagerAgent',
    withSp({ controlManagerAgent: 'MCP' }),
    'serverProtect.controlManagerAgent',
    'must be one of tmi, mcp (got "MCP"); did you mean "mcp"?',
  ],
  [
    'serverProtect',
    withSp({ managementport: 5005 }),
    'serverProtect',
    line('unknown field managementport; allowed: .* \\(got \\["managementport"\\]\\); did you mean managementPort\\?'),
  ],
  ['sum', withSum([]), 'sum', `${OBJECT} (got [])`],
  ['sum.profile', withSum({ profile: 7 }), 'sum.profile', 'must be one of 5.x, 7.x+ (got 7)'],
  [
    'sum.profile',
    withSum({ profile: '7.x' }),
    'sum.profile',
    'must be one of 5.x, 7.x+ (got "7.x"); did you mean "7.x+"?',
  ],
  [
    'sum.workstationOs',
    withSum({ workstationOs: 'Windows' }),
    'sum.workstationOs',
    'must be one of windows, linux (got "Windows"); did you mean "windows"?',
  ],
  [
    'sum.concurrentTargets',
    withSum({ concurrentTargets: '8' }),
    'sum.concurrentTargets',
    'must be a whole number from 1 to 1000 (got "8")',
  ],
  [
    'sum.netbiosNameService',
    withSum({ netbiosNameService: 'true' }),
    'sum.netbiosNameService',
    'must be true or false (got "true")',
  ],
  [
    'sum.webServerPort',
    withSum({ webServerPort: 8080 }),
    'sum.webServerPort',
    'must be 80 or one of its fallback ports 63000-63005 (got 8080)',
  ],
  [
    'sum.soapPortCount',
    withSum({ soapPortCount: 0 }),
    'sum.soapPortCount',
    'must be a whole number from 1 to 100 (got 0)',
  ],
  [
    'sum',
    withSum({ concurentTargets: 4 }),
    'sum',
    line('unknown field concurentTargets; allowed: .*; did you mean concurrentTargets\\?'),
  ],
  ['egress', { ...SERVERPROTECT, egress: true }, 'egress', 'must be one of default, restricted (got true)'],
  [
    'egress',
    { ...SERVERPROTECT, egress: 'restrict' },
    'egress',
    'must be one of default, restricted (got "restrict"); did you mean "restricted"?',
  ],
];

// The schema library's own phrases, which must never reach a user.
const LIBRARY_WORDING = new RegExp(
  [
    /Invalid (input|option|element|key)/,
    /expected .*, received/,
    /Too (small|big)/,
    /Unrecognized key/,
    /expected (array|string|number|boolean|object)/,
  ]
    .map((r) => r.source)
    .join('|'),
);

describe('declaration errors in the project wording', () => {
  test.each(CASES)('%s (case %#)', (_field, declaration, path, line) => {
    const lines = problemLines(declaration);
    expect(lines).toHaveLength(1);
    const [at, ...rest] = lines[0].split(': ');
    expect([at, rest.join(': ')]).toEqual([path, line]);
    expect(lines[0]).not.toMatch(LIBRARY_WORDING);
  });

  test('every field of the published schema has a case', () => {
    const fields: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string) => {
      fields.push(path || '(declaration)');
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [key, sub] of Object.entries(properties)) walk(sub, path ? `${path}.${key}` : key);
      if (schema.items) walk(schema.items as Record<string, unknown>, `${path}[]`);
    };
    walk(declarationJsonSchema(), '');
    expect([...new Set(CASES.map((c) => c[0]))].sort()).toEqual(fields.sort());
  });
});

describe('did you mean', () => {
  test.each<[string, string, number]>([
    ['linux', 'linux', 0],
    ['linx', 'linux', 1],
    ['lniux', 'linux', 1], // two neighbours swapped: one edit
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('editDistance(%j, %j) = %d', (a, b, d) => {
    expect([editDistance(a, b), editDistance(b, a)]).toEqual([d, d]);
  });

  test.each<[string, string[], string | undefined]>([
    ['sum:target:linx', ['sum:target:windows', 'sum:target:linux'], 'sum:target:linux'],
    ['ManagementPort', ['discoveryPort', 'managementPort'], 'managementPort'],
    ['abc', ['xyz', 'uvw'], undefined], // three edits in three letters is no typo
    ['linux', ['linux', 'linus'], undefined], // already a candidate
    ['7.x', ['5.x', '7.x+'], '7.x+'], // of two as near, the one with the same start
    ['manager7', ['manager', 'manager-7'], 'manager-7'], // and the same end
    ['mai', ['mail', 'main'], 'mail'], // then the earlier
  ])('closestMatch(%j, %j) = %j', (input, candidates, expected) => {
    expect(closestMatch(input, candidates)).toBe(expected);
  });
});

describe('long lists of choices', () => {
  const many = Array.from({ length: 30 }, (_, i) => `svc-${String.fromCharCode(97 + (i % 26))}${i}`);

  test('at most 20 are listed whole; more: the count and the 5 nearest to what was given', () => {
    expect(choiceText(many.slice(0, 20), 'x')).toBe(many.slice(0, 20).join(', '));
    const text = choiceText(many, 'svc-c2x');
    expect(text).toMatch(/^30 values \(the nearest: /);
    const shown = text.slice(text.indexOf(': ') + 2, -1).split(', ');
    expect(shown).toHaveLength(5);
    expect(shown[0]).toBe('svc-c2');
    // Nothing left out is nearer than what is shown.
    const far = Math.max(...shown.map((v) => editDistance('svc-c2x', v)));
    expect(many.filter((v) => !shown.includes(v)).every((v) => editDistance('svc-c2x', v) >= far)).toBe(true);
    expect(choiceText(many, 42)).toBe(`30 values (such as: ${many.slice(0, 5).join(', ')})`);
  });

  test('a catalog with many roles: an unknown role names the count and the nearest, not every role', () => {
    const catalog = loadCatalog({
      product: { id: 'many', name: 'Many services' },
      documents: [{ id: 'doc', title: 'Services', reference: 'svc-1' }],
      roles: many.map((s) => ({ id: `many:${s}`, label: s, hostOs: ['linux'] })),
      rows: [
        {
          id: 'MANY1',
          purpose: 'one',
          condition: 'always',
          citation: { document: 'doc' },
          flows: [
            {
              listener: { roles: [`many:${many[0]}`] },
              initiator: { roles: [`many:${many[1]}`] },
              protocol: 'tcp',
              ports: { kind: 'fixed', ports: [22] },
            },
          ],
        },
      ],
    });
    // The built-in products' 14 roles and these 30.
    expect(() => validate({ groups: [{ name: 'a', role: 'many:svc-c2x' }] }, { catalogs: [catalog] })).toThrow(
      /groups\[0\]\.role: must be one of 44 values \(the nearest: many:svc-c2, [^,()]+, [^,()]+, [^,()]+, [^,()]+\) \(got "many:svc-c2x"\); did you mean "many:svc-c2"\?$/,
    );
  });
});
