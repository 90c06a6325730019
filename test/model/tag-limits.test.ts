import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { PortPlan } from '../../lib/cdk';
import { CatalogError, MAX_ROLE_ID_LENGTH, defineCatalog, type CatalogDefinition } from '../../lib/model';
import { cfnLint, cfnLintErrors } from '../support/aws-cfn-lint';
import { testStack } from '../support/cdk';
import { SHOP } from '../support/shop-catalog';

// A role id is the value of the portplan:role tag on AWS security groups and Azure ASGs; both
// clouds cap tag values at 256 characters. A catalog whose role id is longer is refused at load.

const withRole = (id: string): CatalogDefinition => ({
  ...SHOP.definition,
  roles: [...SHOP.definition.roles, { id, label: 'Example Shop long role', hostOs: ['linux'] }],
  presets: [],
});
const roleOf = (length: number) => `shop:${'a'.repeat(length - 'shop:'.length)}`;

test('a role id of 295 characters: refused at load, at its path, naming the limit and where it comes from', () => {
  const id = roleOf(295);
  let error: unknown;
  try {
    defineCatalog(withRole(id));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CatalogError);
  const e = error as CatalogError;
  expect([e.path, e.value]).toEqual(['roles[3].id', id]);
  expect(e.message).toMatch(
    /roles\[3\]\.id: must be at most 256 characters \(it has 295\): the value of the portplan:role tag on AWS security groups and Azure ASGs, which hold at most 256 \(https:\/\/docs\.aws\.amazon\.com\/.*; https:\/\/learn\.microsoft\.com\/azure\/azure-resource-manager\/management\/tag-resources#limitations\)/,
  );
});

test("257 refused, 256 accepted: the limit is the clouds' own", () => {
  expect(MAX_ROLE_ID_LENGTH).toBe(256);
  expect(() => defineCatalog(withRole(roleOf(257)))).toThrow(/must be at most 256 characters \(it has 257\)/);
  expect(() => defineCatalog(withRole(roleOf(256)))).not.toThrow();
});

describe('the tag AWS gets from the longest role id', () => {
  const lint = cfnLint();
  const dir = mkdtempSync(join(tmpdir(), 'portplan-tags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const template = (length: number) => {
    const { stack, vpc } = testStack();
    const catalog = defineCatalog(withRole(roleOf(256)));
    new PortPlan(stack, 'Plan', {
      vpc,
      catalogs: [catalog],
      declaration: { groups: [{ name: 'long', role: roleOf(256) }] },
    });
    const json = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties: { Tags?: { Key: string; Value: string }[] } }>;
    };
    // The same template with the tag value at `length`: what a longer role id would have written.
    for (const r of Object.values(json.Resources)) {
      for (const t of r.Properties.Tags ?? []) if (t.Key === 'portplan:role') t.Value = roleOf(length);
    }
    const path = join(dir, `tags-${length}.json`);
    writeFileSync(path, JSON.stringify(json));
    return path;
  };

  (lint ? test : test.skip)(
    'cfn-lint accepts the 256-character tag value and refuses 257 (E3024): the check is live',
    () => {
      // One run for both (cfn-lint takes seconds to start): each finding names its file.
      const [at, over] = [template(256), template(257)];
      const { errors } = cfnLintErrors(lint!, [at, over]);
      expect(errors.filter((l) => l.startsWith(at))).toEqual([]);
      expect(errors.filter((l) => l.startsWith(over)).join('\n')).toMatch(/E3024/);
    },
  );
});
