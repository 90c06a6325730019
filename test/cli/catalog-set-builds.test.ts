// Building a catalog set checks every catalog against every other and every preset against the
// whole set: the adapters and the CLI build it once per construct, component or command and pass
// the set on. Counted by watching catalogSet(): a call with a non-empty list is a build (a set, or
// no catalogs, is returned as it is).
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as catalogs from '../../lib/model/catalogs';
import { PortPlan as CdkPortPlan } from '../../lib/cdk';
import { PortPlan as PulumiPortPlan, declarationArgs } from '../../lib/pulumi';
import { run } from '../../lib/cli/main';
import { SHOP, SHOP_GROUPS } from '../support/shop-catalog';
import { testStack } from '../support/cdk';
import { recordResources, settleComponent } from '../support/pulumi';

const SHOP_FILE = join(__dirname, '../../examples/catalogs/three-tier.yaml');

let builds: jest.SpyInstance;
beforeAll(async () => {
  jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined);
  await recordResources();
});
beforeEach(() => {
  builds = jest.spyOn(catalogs, 'catalogSet');
});
afterEach(() => builds.mockRestore());

const buildCount = (): number => builds.mock.calls.filter(([given]) => Array.isArray(given) && given.length > 0).length;

function cli(args: readonly string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(
    args,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

test('the watch sees a build: each catalogSet() call with a list builds a set', () => {
  catalogs.catalogSet([SHOP]);
  expect(buildCount()).toBe(1);
});

test('a CDK construct with catalogs builds their set once', () => {
  const { stack, vpc } = testStack();
  new CdkPortPlan(stack, 'Plan', { vpc, declaration: { groups: SHOP_GROUPS }, catalogs: [SHOP] });
  expect(buildCount()).toBe(1);
});

test('a Pulumi component with catalogs builds their set once', async () => {
  const plan = new PulumiPortPlan('builds', {
    resourceGroupName: 'rg',
    declaration: declarationArgs({ groups: SHOP_GROUPS }),
    catalogs: [SHOP],
  });
  await settleComponent(plan);
  expect(buildCount()).toBe(1);
});

test.each<[string, readonly string[], number, number]>([
  ['flows of a preset of a --catalog', ['flows', '--preset', 'shop', '--catalog', SHOP_FILE], 1, 0],
  [
    'table of a built-in preset beside a --catalog',
    ['table', '--preset', 'serverprotect', '--catalog', SHOP_FILE],
    1,
    0,
  ],
  ['an unknown preset, listing the names', ['flows', '--preset', 'shops', '--catalog', SHOP_FILE], 1, 2],
  ['catalog show', ['catalog', 'show', 'shop', '--catalog', SHOP_FILE], 1, 0],
  ['catalog diff of two versions (one set each)', ['catalog', 'diff', SHOP_FILE, SHOP_FILE, '--preset', 'shop'], 2, 0],
  ['a built-in preset without catalogs (the shared built-in set)', ['flows', '--preset', 'serverprotect'], 0, 0],
])('the CLI builds each set once: %s', (_what, args, expected, exitCode) => {
  expect(cli(args).code).toBe(exitCode);
  expect(buildCount()).toBe(expected);
});
