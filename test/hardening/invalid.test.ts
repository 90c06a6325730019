import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import fc from 'fast-check';
import { PortPlan as CdkPortPlan } from '../../lib/cdk';
import { PortPlan as AzurePortPlan } from '../../lib/pulumi';
import { DeclarationError, PRESETS, ROLE_IDS, validate, type Declaration } from '../../lib/model';
import { validDeclaration } from '../support/declarations';
import { recordResources, type Registered } from '../support/pulumi';

// Random invalid declarations: a valid one with one field broken, or any value at all. Every one
// must give the spec's DeclarationError (never a TypeError), and neither adapter may leave anything
// behind: no construct in the CDK tree, no resource registered with Pulumi.
type Json = Record<string, unknown>;
const set = (d: Declaration, path: (string | number)[], value: unknown): unknown => {
  const copy = structuredClone(d) as unknown as Json;
  let at: Json = copy;
  for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Json;
  at[path[path.length - 1]] = value;
  return copy;
};
const junk = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
const notRole = fc.string().filter((s) => !(ROLE_IDS as readonly string[]).includes(s));
const badName = fc.oneof(
  fc.constant('Web Servers'),
  fc.constant(''),
  fc.constant('9lives'),
  fc.constant('a'.repeat(41)),
  fc.string().filter((s) => !/^[a-z][a-z0-9-]{0,39}$/.test(s)),
);

const broken: fc.Arbitrary<unknown> = fc.oneof(
  validDeclaration.map((d) => ({ ...d, groups: [] })),
  fc.tuple(validDeclaration, notRole).map(([d, role]) => set(d, ['groups', 0, 'role'], role)),
  fc.tuple(validDeclaration, badName).map(([d, name]) => set(d, ['groups', 0, 'name'], name)),
  validDeclaration.map((d) => ({ ...d, groups: [...d.groups, d.groups[0]] })),
  fc
    .tuple(validDeclaration, fc.string())
    .map(([d, cidr]) => ({ ...d, peers: [{ name: 'peer-x', kind: 'mail', cidr: `${cidr}/` }] })),
  validDeclaration.map((d) => ({ ...d, peers: [{ name: 'peer-x', kind: 'mail', cidr: '::/0' }] })),
  fc
    .tuple(validDeclaration, fc.constantFrom('communication', 'localInstall', 'remoteInstall', 'managementPort'), junk)
    .map(([d, k, v]) => set(d, ['serverProtect', k], typeof v === 'boolean' && k !== 'communication' ? String(v) : v)),
  fc
    .tuple(
      validDeclaration,
      fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1001 }), fc.double({ min: 1.1, max: 999.9, noInteger: true })),
    )
    .map(([d, n]) => set(d, ['sum', 'concurrentTargets'], n)),
  fc
    .tuple(validDeclaration, fc.integer({ min: 5015, max: 70000 }))
    .map(([d, p]) => set(d, ['serverProtect', 'managementPort'], p)),
  fc
    .tuple(
      validDeclaration,
      fc.constantFrom([], ['serverProtect'], ['sum'], ['groups', 0]),
      fc
        .string({ minLength: 1 })
        .filter((k) => !['groups', 'peers', 'serverProtect', 'sum', 'egress', 'name', 'role', '__proto__'].includes(k)),
    )
    .map(([d, path, key]) => set(d, [...path, key], 1)),
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true,
  }),
);

// Only the inputs validate() refuses: what every adapter must turn into a DeclarationError.
const invalid = broken.filter((x) => {
  try {
    validate(x);
    return false;
  } catch {
    return true;
  }
});

const RUNS = { numRuns: 200 };

test('validate(): every invalid declaration gives a DeclarationError naming a path and the allowed values', () => {
  fc.assert(
    fc.property(broken, (input) => {
      let error: unknown;
      try {
        validate(input);
      } catch (e) {
        error = e;
      }
      if (error === undefined) return; // fc.anything() may, rarely, build a valid declaration
      expect(error).toBeInstanceOf(DeclarationError);
      const { problems, message } = error as DeclarationError;
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) {
        expect(p.path).toMatch(/^(\(declaration\)|[a-zA-Z]\w*(\[\d+\]|\.\w+)*)$/);
        expect(message).toContain(`${p.path}: ${p.message}`);
      }
    }),
    RUNS,
  );
});

test('the one-field breakages are never accepted', () => {
  fc.assert(
    fc.property(
      broken.filter((x) => typeof x === 'object' && x !== null && 'groups' in x),
      (input) => {
        expect(() => validate(input)).toThrow(DeclarationError);
      },
    ),
    RUNS,
  );
});

test('CDK: the construct throws the DeclarationError and leaves nothing in the tree', () => {
  const app = new App();
  const stack = new Stack(app, 'Fuzz');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] });
  const before = stack.node.findAll().length;
  fc.assert(
    fc.property(invalid, (input) => {
      expect(
        () =>
          new CdkPortPlan(stack, 'Plan', {
            vpc,
            declaration: input as ConstructorParameters<typeof AzurePortPlan>[1]['declaration'],
          }),
      ).toThrow(DeclarationError);
      expect(stack.node.findAll().length).toBe(before);
    }),
    { numRuns: 100 },
  );
});

test('CDK: bad props (limits, existing groups) give an ArgumentError naming them, nothing left in the tree', () => {
  const app = new App();
  const stack = new Stack(app, 'FuzzProps');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] });
  const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678');
  const before = stack.node.findAll().length;
  const notWhole = fc.oneof(
    fc.integer({ max: 0 }),
    fc.double({ noInteger: true }),
    fc.constant(Number.NaN),
    fc.string(),
    fc.constant(null),
  );
  const badProps = fc.oneof(
    notWhole.map((v) => ['maxRulesPerGroup', { maxRulesPerGroup: v }] as const),
    fc
      .oneof(notWhole, fc.integer({ min: 17 }))
      .map((v) => ['maxSecurityGroupsPerInterface', { maxSecurityGroupsPerInterface: v }] as const),
    fc
      .string()
      .filter((n) => !['console', 'information-server', 'normal-servers'].includes(n))
      .map((n) => [`existingSecurityGroups.${n}`, { existingSecurityGroups: { [n]: { securityGroup: sg } } }] as const),
    fc
      .constantFrom(null, undefined, 'sg-1', {}, { securityGroup: 'sg-12345678' }, { securityGroup: null })
      .map((v) => ['existingSecurityGroups.console', { existingSecurityGroups: { console: v } }] as const),
  );
  fc.assert(
    fc.property(badProps, ([path, props]) => {
      expect(
        () => new CdkPortPlan(stack, 'Plan', { vpc, declaration: PRESETS.serverprotect, ...(props as object) }),
      ).toThrow(expect.objectContaining({ code: 'ARGUMENT', path }));
      expect(stack.node.findAll().length).toBe(before);
    }),
    { numRuns: 100 },
  );
});

describe('Pulumi', () => {
  let registered: Registered[];
  beforeAll(async () => {
    registered = await recordResources();
  });

  test('the component throws the DeclarationError and registers nothing', async () => {
    fc.assert(
      fc.property(invalid, (input) => {
        expect(
          () =>
            new AzurePortPlan('fuzz', {
              resourceGroupName: 'rg',
              declaration: input as ConstructorParameters<typeof AzurePortPlan>[1]['declaration'],
            }),
        ).toThrow(DeclarationError);
      }),
      { numRuns: 100 },
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(registered.filter((r) => r.name.startsWith('fuzz'))).toEqual([]);
  });
});
