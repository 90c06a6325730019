import { Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { PortPlan } from '../../lib/cdk';
import { planAzureRules } from '../../lib/pulumi';
import { ROLE_IDS, roleProfiles, type Declaration, type GroupDeclaration } from '../../lib/model';
import { testStack } from '../support/cdk';
import { SERVERPROTECT, SMART_UPDATE_MANAGER, validDeclaration } from '../support/declarations';
import { byPriority } from '../support/pulumi';

// Updates: every option flip, and adding or removing a role group, must replace no AWS security
// group (same logical id, and the same GroupDescription and VpcId, the properties whose change
// makes CloudFormation replace a group) and keep the name and priority of every surviving NSG rule
// (given the previous priorities: without them a hash collision can renumber a rule, see below).
const BASE: Declaration = { groups: [...SERVERPROTECT.groups, ...SMART_UPDATE_MANAGER.groups] };
const CM = { name: 'tmcm', kind: 'control-manager' as const, cidr: '10.0.9.10/32' };

const FLIPS: [string, Declaration][] = [
  ['serverProtect.communication namedPipes', { ...BASE, serverProtect: { communication: 'namedPipes' } }],
  ['serverProtect.localInstall off', { ...BASE, serverProtect: { localInstall: false } }],
  ['serverProtect.remoteInstall off', { ...BASE, serverProtect: { remoteInstall: false } }],
  ['serverProtect.consoleEventPort pinned', { ...BASE, serverProtect: { consoleEventPort: 1003 } }],
  ['serverProtect.discoveryPort pinned', { ...BASE, serverProtect: { discoveryPort: 3000 } }],
  ['serverProtect.managementPort pinned', { ...BASE, serverProtect: { managementPort: 5014 } }],
  ['serverProtect.controlManagerAgent tmi', { ...BASE, peers: [CM], serverProtect: { controlManagerAgent: 'tmi' } }],
  ['serverProtect.controlManagerAgent mcp', { ...BASE, peers: [CM], serverProtect: { controlManagerAgent: 'mcp' } }],
  [
    'update source, mail and SNMP peers',
    {
      ...BASE,
      peers: [
        { name: 'proxy', kind: 'update-source', cidr: '10.0.8.0/28' },
        { name: 'smtp', kind: 'mail', cidr: '10.0.8.25/32' },
        { name: 'nms', kind: 'snmp', cidr: '10.0.8.162/32' },
      ],
    },
  ],
  ['sum.profile 7.x+', { ...BASE, sum: { profile: '7.x+' } }],
  [
    'sum.workstationOs linux (Windows targets removed)',
    { groups: BASE.groups.filter((g) => g.role !== 'sum:target:windows'), sum: { workstationOs: 'linux' } },
  ],
  ['sum.concurrentTargets 64', { ...BASE, sum: { concurrentTargets: 64 } }],
  ['sum.netbiosNameService on', { ...BASE, sum: { netbiosNameService: true } }],
  ['sum.webServerPort pinned', { ...BASE, sum: { webServerPort: 63002 } }],
  ['sum.soapPortCount 4', { ...BASE, sum: { soapPortCount: 4 } }],
  ['egress restricted', { ...BASE, egress: 'restricted' }],
  ...ROLE_IDS.filter((r) => roleProfiles(r).includes('5.x')).map((role): [string, Declaration] => [
    `add a ${role} group`,
    { ...BASE, groups: [...BASE.groups, { name: 'added', role }] },
  ]),
  ...BASE.groups.map((g): [string, Declaration] => [
    `remove group ${g.name}`,
    { ...BASE, groups: BASE.groups.filter((x) => x !== g) },
  ]),
];

/** Security groups by logical id, with the properties whose change replaces a group. */
function securityGroups(declaration: Declaration): Map<string, string> {
  const { stack, vpc } = testStack();
  new PortPlan(stack, 'Plan', { vpc, declaration, maxRulesPerGroup: 1000, maxSecurityGroupsPerInterface: 1 });
  const groups = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup');
  return new Map(
    Object.entries(groups).map(([id, r]) => [
      id,
      JSON.stringify([r.Properties.GroupDescription, r.Properties.GroupName, r.Properties.VpcId]),
    ]),
  );
}

function expectNoReplacement(before: Declaration, after: Declaration): void {
  const a = securityGroups(before);
  const b = securityGroups(after);
  const survivors = new Set(after.groups.map((g) => g.name));
  for (const [id, props] of a) {
    const name = [...survivors].find((n) => id.startsWith(`Plan${n.replace(/-/g, '')}`));
    if (name) expect([id, b.get(id)]).toEqual([id, props]);
  }
}

const band = { from: 100, to: 4096 };
const priorities = (d: Declaration, previous?: Record<string, number>) =>
  byPriority(planAzureRules(d, { band, denyOtherVnetTraffic: true, previousPriorities: previous }).rules);

describe.each(FLIPS)('%s', (_name, changed) => {
  test('CDK: no security group is replaced', () => expectNoReplacement(BASE, changed));

  test('CDK: reverting it replaces none either', () => expectNoReplacement(changed, BASE));

  test('Azure: with the previous priorities passed back, every surviving rule keeps its name and priority', () => {
    const before = priorities(BASE);
    const after = priorities(changed, Object.fromEntries(before));
    const moved = [...before].filter(([name, p]) => after.has(name) && after.get(name) !== p);
    expect(moved).toEqual([]);
    // Rule names come from the groups and the protocol, so a rule that survives keeps its name.
    const names = (d: Declaration) =>
      new Set(planAzureRules(d, { band, denyOtherVnetTraffic: true }).rules.map((r) => r.name));
    for (const name of names(BASE)) if (names(changed).has(name)) expect(after.has(name)).toBe(true);
  });
});

// Random declarations and random changes. A hash collision between a new rule and a surviving one
// can renumber the survivor, so the Azure property holds with the previous priorities passed back.
const change = (d: Declaration): fc.Arbitrary<Declaration> =>
  fc.oneof(
    fc
      .constantFrom(...ROLE_IDS.filter((r) => roleProfiles(r).includes(d.sum?.profile ?? '5.x')))
      .map((role): Declaration => ({
        ...d,
        groups: [...d.groups, { name: 'added-group', role } as GroupDeclaration].filter(
          (g) => !(d.sum?.workstationOs === 'linux' && g.role === 'sum:target:windows'),
        ),
      })),
    fc
      .nat(d.groups.length - 1)
      .map((i): Declaration => (d.groups.length > 1 ? { ...d, groups: d.groups.filter((_, j) => j !== i) } : d)),
    fc.constant<Declaration>({ ...d, egress: d.egress === 'restricted' ? 'default' : 'restricted' }),
    fc.constant<Declaration>({
      ...d,
      serverProtect: {
        ...d.serverProtect,
        communication: d.serverProtect?.communication === 'namedPipes' ? 'tcpip' : 'namedPipes',
      },
    }),
    fc.constant<Declaration>({
      ...d,
      serverProtect: { ...d.serverProtect, localInstall: d.serverProtect?.localInstall === false },
    }),
  );

test('random declaration and change: surviving security groups are never replaced (fast-check)', () => {
  fc.assert(
    fc.property(
      validDeclaration.chain((d) => fc.tuple(fc.constant(d), change(d))),
      ([before, after]) => expectNoReplacement(before, after),
    ),
    { numRuns: 30 },
  );
});

test('random declaration and change: with previous priorities passed back, no surviving rule moves (fast-check)', () => {
  fc.assert(
    fc.property(
      validDeclaration.chain((d) => fc.tuple(fc.constant(d), change(d))),
      ([before, after]) => {
        const old = priorities(before);
        const now = priorities(after, Object.fromEntries(old));
        for (const [name, p] of old) if (now.has(name)) expect([name, now.get(name)]).toEqual([name, p]);
      },
    ),
    { numRuns: 300 },
  );
});

test('previous priorities are a live fix: a collision that renumbers a rule without them keeps it with them', () => {
  // Search the rule names for a pair where adding a group pushes an existing rule.
  for (let i = 0; i < 500; i++) {
    const after: Declaration = {
      ...BASE,
      groups: [...BASE.groups, { name: `n${i}`, role: 'serverprotect:normal-server' }],
    };
    const old = priorities(BASE);
    const plain = priorities(after);
    if ([...old].some(([name, p]) => plain.has(name) && plain.get(name) !== p)) {
      const kept = priorities(after, Object.fromEntries(old));
      for (const [name, p] of old) if (kept.has(name)) expect(kept.get(name)).toBe(p);
      return;
    }
  }
  throw new Error('no collision found in 500 tries: the search needs a wider range');
});

test('random declaration and change: no rule takes a priority the previous deployment gave another rule of its direction (fast-check)', () => {
  fc.assert(
    fc.property(
      validDeclaration.chain((d) => fc.tuple(fc.constant(d), change(d))),
      ([before, after]) => {
        const old = planAzureRules(before, { band, denyOtherVnetTraffic: true }).rules;
        const now = planAzureRules(after, {
          band,
          denyOtherVnetTraffic: true,
          previousPriorities: Object.fromEntries(byPriority(old)),
        }).rules;
        const holder = new Map(old.map((r) => [`${r.direction} ${r.priority}`, r.name]));
        for (const r of now)
          expect([r.name, holder.get(`${r.direction} ${r.priority}`) ?? r.name]).toEqual([r.name, r.name]);
      },
    ),
    { numRuns: 300 },
  );
});

test("a group replaced by another: the new rules keep off the removed rules' priorities (Pulumi creates before it deletes)", () => {
  // Search for a replacement whose new rule hashes onto a removed rule's priority.
  const removed = BASE.groups[BASE.groups.length - 1];
  for (let i = 0; i < 2000; i++) {
    const after: Declaration = {
      ...BASE,
      groups: [...BASE.groups.filter((g) => g !== removed), { name: `n${i}`, role: removed.role }],
    };
    const old = planAzureRules(BASE, { band, denyOtherVnetTraffic: true }).rules;
    const plain = planAzureRules(after, { band, denyOtherVnetTraffic: true }).rules;
    const holder = new Map(old.map((r) => [`${r.direction} ${r.priority}`, r.name]));
    const oldNames = new Set(old.map((r) => r.name));
    const newNames = new Set(plain.map((r) => r.name));
    // A new rule whose own slot is the priority of a rule this update removes.
    const clash = plain.find((r) => {
      const other = holder.get(`${r.direction} ${r.priority}`);
      return !oldNames.has(r.name) && other !== undefined && !newNames.has(other);
    });
    if (clash) {
      const kept = planAzureRules(after, {
        band,
        denyOtherVnetTraffic: true,
        previousPriorities: Object.fromEntries(byPriority(old)),
      }).rules;
      for (const r of kept)
        expect([r.name, holder.get(`${r.direction} ${r.priority}`) ?? r.name]).toEqual([r.name, r.name]);
      return;
    }
  }
  throw new Error('no clash found in 2000 tries: the search needs a wider range');
});
