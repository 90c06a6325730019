import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EXAMPLE_STACKS, buildApp, examplePlans } from '../../examples/cdk/stacks';
import { PRESETS, resolve, type CatalogDeclaration } from '../../lib/model';
import { shopCatalog } from '../../examples/shop';
import { cfnLint, cfnLintErrors } from '../support/aws-cfn-lint';
import { expectedRules, templateRules } from '../support/cdk';

const app = buildApp(new App({ builtinCloudFormationValidation: false } as ConstructorParameters<typeof App>[0]));
const stacks = examplePlans(app);

describe.each(Object.entries(stacks))('example stack %s', (name, plan) => {
  const stack = app.node.findChild(name) as Stack;

  test('its rules are exactly the resolve() flows', () => {
    const rules = templateRules(Template.fromStack(stack), plan);
    expect(rules).toEqual(expectedRules(plan));
    expect(rules.length).toBeGreaterThan(10);
  });

  test('nothing is open to the world: no ingress from 0.0.0.0/0 or ::/0', () => {
    const template = Template.fromStack(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    const ingress = Object.values(template.Resources).flatMap((r) =>
      r.Type === 'AWS::EC2::SecurityGroupIngress'
        ? [r.Properties]
        : r.Type === 'AWS::EC2::SecurityGroup'
          ? ((r.Properties?.SecurityGroupIngress as unknown[]) ?? [])
          : [],
    ) as { CidrIp?: string; CidrIpv6?: string }[];
    expect(ingress.length).toBeGreaterThan(0);
    expect(ingress.filter((i) => i.CidrIp === '0.0.0.0/0' || i.CidrIpv6 === '::/0')).toEqual([]);
  });

  test('cdk-nag AwsSolutionsChecks finds nothing', () => {
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`),
    ).toEqual([]);
  });
});

test('each example opens what its preset does: the tables of docs/products.md describe the deployed stacks', () => {
  expect(stacks.ServerProtectExample.resolution.flows).toEqual(resolve(PRESETS.serverprotect).flows);
  expect(stacks.SmartUpdateManagerExample.resolution.flows).toEqual(resolve(PRESETS['smart-update-manager']).flows);
  expect(stacks.SmartUpdateManager7Example.resolution.flows).toEqual(resolve(PRESETS['smart-update-manager-7']).flows);
});

test("the shop beside ServerProtect opens what ServerProtect's preset and the shop catalog's preset do, together", () => {
  const catalogs = [shopCatalog()];
  // A preset's declaration is checked against its catalogs when they are loaded, not typed.
  const preset = stacks.ShopBesideServerProtectExample.resolution.catalog.preset('shop')!;
  const shop = resolve(preset.declaration as CatalogDeclaration, { catalogs });
  const text = (flows: readonly object[]) => flows.map((f) => JSON.stringify(f)).sort();
  expect(text(stacks.ShopBesideServerProtectExample.resolution.flows)).toEqual(
    text([...resolve(PRESETS.serverprotect).flows, ...shop.flows]),
  );
  expect(shop.flows.map((f) => f.rows.join(' '))).toEqual(['SHOP1', 'SHOP2', 'SHOP3']);
});

test('cdk-nag check is live: an SSH rule open to the world is reported', () => {
  const control = new App();
  const stack = new Stack(control, 'Control');
  const sg = new ec2.SecurityGroup(stack, 'Open', {
    vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] }),
  });
  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  expect(new AwsSolutionsChecks(control).validateScope(stack).violations.map((v) => v.ruleName)).toContain(
    'AwsSolutions-EC23',
  );
});

describe('the real CDK CLI at the root', () => {
  const out = mkdtempSync(join(tmpdir(), 'portplan-synth-'));
  const again = mkdtempSync(join(tmpdir(), 'portplan-synth-'));
  afterAll(() => [out, again].forEach((d) => rmSync(d, { recursive: true, force: true })));
  let output = '';
  // The CLI's own output is read, not printed: the test asserts what it says.
  const synth = (dir: string, env: NodeJS.ProcessEnv = process.env) => {
    const r = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', dir], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`cdk synth exited ${r.status}:\n${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
  };

  beforeAll(() => {
    // Built-in template validation stays on here (it reports circular dependencies).
    output = synth(out, { ...process.env, CDK_VALIDATION: 'true' });
  }, 120000);

  test('synthesizes every example stack', () => {
    const templates = readdirSync(out)
      .filter((f) => f.endsWith('.template.json'))
      .sort();
    expect(templates).toEqual(EXAMPLE_STACKS.map((s) => `${s}.template.json`).sort());
    expect(output).not.toMatch(/circular/i);
  });

  test("the CLI shows the examples' portplan warnings, with the id that acknowledges each", () => {
    for (const id of ['portplan:broadcast-discovery', 'portplan:netbios-broadcast']) {
      expect(output).toContain(`Acknowledge with 'Annotation::${id}'`);
    }
    expect(output).toMatch(/WARNING SP2, SP3: ServerProtect discovery by broadcast/);
    expect(output).not.toMatch(/\bERROR\b/);
  });

  const lint = cfnLint();
  (lint ? test : test.skip)('cfn-lint finds no error in any template', () => {
    const templates = readdirSync(out)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(out, f));
    const { errors, status } = cfnLintErrors(lint!, templates);
    expect(errors).toEqual([]);
    expect(status! & 2).toBe(0);
  });

  test('two synths are byte-identical', () => {
    synth(again);
    for (const f of readdirSync(out).filter((x) => x.endsWith('.template.json'))) {
      expect(readFileSync(join(again, f), 'utf8')).toBe(readFileSync(join(out, f), 'utf8'));
    }
  }, 120000);
});
