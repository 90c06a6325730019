import fc from 'fast-check';
import { planRules } from '../../lib/aws/plan';
import { AZURE_LIMITS, planAzureRules, securityRuleArgs } from '../../lib/azure/plan';
import {
  NAME_TARGETS,
  cloudGroupNames,
  composeName,
  nameKey,
  resolve,
  user,
  type CatalogDefinition,
  type Declaration,
  type NamePart,
  type NameTarget,
} from '../../lib/model';
import { asgKey, asgsOfGroups, readNsg, verifyAzureSite } from '../../lib/verify/site-azure';
import { validDeclaration } from '../support/declarations';

// The one naming scheme (lib/model/names.ts): distinct inputs never share a name on any target,
// every name fits its target, and names users already have stay as they were.

const TARGETS = Object.entries(NAME_TARGETS) as [string, NameTarget][];

// User strings built to collide under joining: the templates' own words, separators of every kind
// portplan's inputs allow (dash, double dash, colon), and strings that are prefixes of each other.
const WORDS = ['a', 'b', 'c', 'to', 'from', 'in', 'out', 'tcp', 'udp', 'x1', 'lb', 'vnet', 'deny'];
const userString = fc
  .tuple(
    fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }),
    fc.array(fc.constantFrom('-', '--', ':'), { minLength: 4, maxLength: 4 }),
    fc.nat(40),
  )
  .map(([words, seps, pad]) => {
    const text = words.map((w, i) => (i === 0 ? w : `${seps[i % seps.length]}${w}`)).join('');
    // Some at the schema's longest (40 characters for names), where shortening begins.
    return pad > 30 ? `${text}${'z'.repeat(Math.max(0, 40 - text.length))}` : text;
  });

// Templates of every shape the targets use: one user part, two parted by a word, fixed words after.
const template = fc.oneof(
  fc
    .tuple(fc.constantFrom('in', 'out'), userString, userString, fc.constantFrom('tcp', 'udp'))
    .map(([d, a, b, p]): NamePart[] => [d, user(a), 'to', user(b), p]),
  fc.tuple(userString, fc.constantFrom('to', 'from')).map(([g, w]): NamePart[] => ['deny', 'vnet', w, user(g)]),
  fc
    .tuple(fc.constantFrom('in', 'out'), userString, userString, fc.integer({ min: 1, max: 65535 }))
    .map(([d, g, r, port]): NamePart[] => [d, user(g), d === 'in' ? 'from' : 'to', user(r), 'tcp', port, port + 1]),
);
const key = (parts: readonly NamePart[]) => JSON.stringify(parts);

describe.each(TARGETS)('%s names', (_id, target) => {
  test('distinct templates and user strings give distinct names', () => {
    fc.assert(
      fc.property(fc.uniqueArray(template, { minLength: 2, maxLength: 12, selector: key }), (templates) => {
        const names = templates.map((t) => nameKey(target, composeName(target, t)));
        expect(new Set(names).size).toBe(names.length);
      }),
      { numRuns: 400 },
    );
  });

  test('every name has only the characters the target takes, within its length', () => {
    fc.assert(
      fc.property(template, (t) => {
        const name = composeName(target, t);
        expect(name).toMatch(target.valid);
        expect(name.length).toBeLessThanOrEqual(target.maxLength);
      }),
    );
  });
});

describe('names users already have do not change', () => {
  test.each([
    [['in', user('console'), 'to', user('information-server'), 'tcp'], 'in-console-to-information-server-tcp'],
    [['deny', 'vnet', 'to', user('normal-servers')], 'deny-vnet-to-normal-servers'],
    [['in', user('info'), 'from', user('console'), 'tcp', 3000, 3009], 'in-info-from-console-tcp-3000-3009'],
  ] as [NamePart[], string][])('%j', (parts, name) => {
    expect(composeName(NAME_TARGETS.azureRule, parts)).toBe(name);
    expect(composeName(NAME_TARGETS.cdkId, parts)).toBe(name);
  });
});

// A catalog whose one row has the ports and protocols of ServerProtect's console-to-information-
// server rows, between two roles of its own: so that pairs of one group each, across the products,
// get what joined strings named alike (a role with two groups would take a role-wide group instead).
const MIRROR: CatalogDefinition = {
  product: { id: 'mirror', name: 'Mirror test product' },
  documents: [{ id: 'note', title: 'Test note', reference: 'names.test.ts' }],
  roles: [
    { id: 'mirror:a', label: 'Mirror listener', hostOs: ['linux'] },
    { id: 'mirror:b', label: 'Mirror initiator', hostOs: ['linux'] },
  ],
  rows: [
    {
      id: 'MIRROR1',
      purpose: 'the console and information server ports, again',
      condition: 'always',
      citation: { document: 'note' },
      flows: [
        {
          listener: { roles: ['mirror:a'] },
          initiator: { roles: ['mirror:b'] },
          protocol: 'tcp',
          ports: { kind: 'fixed', ports: Array.from({ length: 10 }, (_, i) => 3000 + i) },
        },
        {
          listener: { roles: ['mirror:a'] },
          initiator: { roles: ['mirror:b'] },
          protocol: 'udp',
          ports: { kind: 'fixed', ports: Array.from({ length: 10 }, (_, i) => 3000 + i) },
        },
      ],
    },
  ],
};

describe('the collisions joined strings gave', () => {
  test('Azure: a -> b-to-c and a-to-b -> c are two rules, each with its own ports', () => {
    const declaration: Declaration = {
      groups: [
        { name: 'a', role: 'serverprotect:console' },
        { name: 'b-to-c', role: 'serverprotect:information-server' },
        { name: 'a-to-b', role: 'mirror:b' },
        { name: 'c', role: 'mirror:a' },
      ],
    };
    const plan = planAzureRules(declaration, {
      band: AZURE_LIMITS.priority,
      denyOtherVnetTraffic: true,
      catalogs: [MIRROR],
    });
    const names = plan.rules.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const flowRules = plan.rules.filter((r) => r.origin === 'flow' && r.direction === 'Inbound');
    expect(flowRules.map((r) => r.name).sort()).toEqual([
      'in-.a.to.b-to-c-tcp',
      'in-.a.to.b-to-c-udp',
      'in-.b.to.c-to-a-tcp',
      'in-a-to-.b.to.c-tcp',
      'in-a-to-.b.to.c-udp',
    ]);
    // Each rule carries its own pair's ports once: no merged port list.
    for (const r of plan.rules) expect(new Set(r.ports).size).toBe(r.ports.length);
    expectNoAzureDrift(declaration, [MIRROR]);
  });

  test('CDK: in-a-from-b-from-c is two construct ids, not one', () => {
    const declaration: Declaration = {
      groups: [
        { name: 'a', role: 'serverprotect:information-server' },
        { name: 'b-from-c', role: 'serverprotect:console' },
        { name: 'a-from-b', role: 'mirror:a' },
        { name: 'c', role: 'mirror:b' },
      ],
    };
    const ids = planRules(resolve(declaration, { catalogs: [MIRROR] }))
      .rules.filter((r) => r.placement === 'separate')
      .map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['in-a-from-.b.from.c-tcp-3000-3009', 'in-.a.from.b-from-c-tcp-3000-3009']),
    );
  });
});

// Random declarations whose group and peer names are built to collide: each target's names are
// unique in their namespace, and every planned flow passes the Azure evaluator.
const collidingNames = fc.uniqueArray(userString.filter(isGroupName), { minLength: 40, maxLength: 40 });

function isGroupName(text: string): boolean {
  return /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(text);
}

function renamed(d: Declaration, names: readonly string[]): Declaration {
  const groups = d.groups.map((g, i) => ({ ...g, name: names[i] }));
  const peers = (d.peers ?? []).map((p, i) => ({ ...p, name: names[names.length - 1 - i] }));
  return { ...d, groups, peers };
}

test('random declarations with colliding names: unique names on AWS and Azure, and no drift', () => {
  fc.assert(
    fc.property(validDeclaration, collidingNames, (d, names) => {
      const declaration = renamed(d, names);
      const r = resolve(declaration);
      const ids = planRules(r)
        .rules.filter((x) => x.placement === 'separate')
        .map((x) => x.id);
      expect(new Set(ids).size).toBe(ids.length);
      const azure = planAzureRules(declaration, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
      const keys = azure.rules.map((x) => nameKey(NAME_TARGETS.azureRule, x.name));
      expect(new Set(keys).size).toBe(keys.length);
      expectNoAzureDrift(declaration);
    }),
    { numRuns: 60 },
  );
});

/** Deploys the Azure plan as planned and checks it with the Azure evaluator: every flow allowed, nothing extra. */
function expectNoAzureDrift(declaration: Declaration, catalogs: readonly CatalogDefinition[] = []): void {
  const r = resolve(declaration, { catalogs });
  const plan = planAzureRules(declaration, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true, catalogs });
  // The declared groups' ASGs and the role-wide ones (named by the role id, which has a colon).
  const groups = cloudGroupNames(r);
  const asgName = (g: string) => `asg-${g.replace(/:/g, '_')}`;
  const asgId = (g: string) => `/subscriptions/s/applicationSecurityGroups/${asgName(g)}`;
  const asgs = groups.map((n) => ({ key: asgKey(asgId(n)), name: asgName(n), tags: { 'portplan:group': n } }));
  const nsg = readNsg({ name: 'nsg', securityRules: plan.rules.map((x) => securityRuleArgs(x, asgId)) }, 'nsg.json');
  const network = { addressSpace: ['10.40.0.0/16', 'fd00:40::/48'] };
  const report = verifyAzureSite(r, network, nsg, asgsOfGroups(groups, asgs, [], nsg));
  expect(report.flows.filter((f) => f.status !== 'allowed')).toEqual([]);
  expect(report.extra).toEqual([]);
}

test('Azure: names of the longest groups are shortened with a hash, within 80 characters, and stay distinct', () => {
  const declaration: Declaration = {
    groups: [
      { name: `w${'x'.repeat(39)}`, role: 'sum:workstation' },
      { name: 't'.repeat(40), role: 'sum:target:linux' },
      { name: `u${'x'.repeat(39)}`, role: 'sum:target:windows' },
    ],
  };
  const plan = planAzureRules(declaration, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
  const long = plan.rules.filter((r) => r.name.includes('-_'));
  expect(long.length).toBeGreaterThan(0);
  for (const r of plan.rules) {
    expect(r.name.length).toBeLessThanOrEqual(AZURE_LIMITS.ruleName);
    expect(r.name).toMatch(NAME_TARGETS.azureRule.valid);
  }
  expect(new Set(plan.rules.map((r) => r.name)).size).toBe(plan.rules.length);
  expectNoAzureDrift(declaration);
});
