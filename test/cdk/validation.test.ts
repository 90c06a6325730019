import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EXAMPLE_STACKS } from '../../examples/cdk/stacks';
import { parseSecurityGroups } from '../support/aws-template';
import { cfnLint, cfnLintErrors } from '../support/aws-cfn-lint';
import { VARIETY_STACKS, buildVariety } from '../support/aws-variety';

// aws-cdk-lib's own template validation stays ON in this suite (the other suites turn it off for
// speed). Its findings surface two ways: errors are downgraded to warnings unless the flag
// @aws-cdk/core:validateAgainstDefaultRules is set, and warnings (such as F3004, a circular
// dependency) fail synth only under @aws-cdk/core:strictCfnValidateErrors; both always land in
// validation-report.json. The app sets both flags, so any finding throws, and the report is read too.
const STRICT = { '@aws-cdk/core:validateAgainstDefaultRules': true, '@aws-cdk/core:strictCfnValidateErrors': true };

interface Report {
  pluginReports: { pluginName: string; violations: { ruleName: string; description: string }[] }[];
}

function synthValidated(build: (app: App) => void, outdir: string): { error?: unknown; findings: string[] } {
  const app = new App({ outdir, context: STRICT });
  build(app);
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
  const findings = report.pluginReports.flatMap((p) =>
    p.violations.map((v) => `${p.pluginName} ${v.ruleName}: ${v.description}`),
  );
  return { error, findings };
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'portplan-validate-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the example stacks and a variety, with aws-cdk-lib template validation on', () => {
  let out = '';
  let result: { error?: unknown; findings: string[] } = { findings: [] };
  beforeAll(() => {
    out = tempDir();
    result = synthValidated(buildVariety, out);
  }, 120000);
  const templates = () =>
    readdirSync(out)
      .filter((f) => f.endsWith('.template.json'))
      .sort();

  test('synth succeeds with no finding of any severity', () => {
    expect(result.findings).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(templates()).toEqual([...EXAMPLE_STACKS, ...VARIETY_STACKS].map((s) => `${s}.template.json`).sort());
  });

  test('every template reads back with the strict parser', () => {
    const named = templates().map((f) => ({
      stack: f.replace('.template.json', ''),
      template: JSON.parse(readFileSync(join(out, f), 'utf8')) as Record<string, unknown>,
    }));
    const groups = parseSecurityGroups(named);
    expect(groups.length).toBeGreaterThan(20);
    // The cross-stack plan's rules land on the groups of the other stack, followed through Fn::ImportValue.
    const crossStack = groups.filter((g) => g.groupId.startsWith('VarietyGroups/')).flatMap((g) => g.ingress);
    expect(crossStack.length).toBeGreaterThan(0);
    // The catalog with fixed port ranges: one rule per run of ports, each range whole.
    const ranges = groups
      .filter((g) => g.groupId.startsWith('VarietyRanges/'))
      .flatMap((g) => [...g.ingress, ...g.egress])
      .map((x) => `${x.ipProtocol} ${x.fromPort}-${x.toPort}`)
      // aws-cdk-lib's rule that matches no traffic (it stops EC2's allow-all egress rule).
      .filter((x) => x !== 'icmp 252-86');
    expect([...new Set(ranges)].sort()).toEqual([
      'tcp 10000-10100',
      'tcp 10200-10200',
      'tcp 135-135',
      'tcp 49152-65535',
      'udp 2500-3301',
    ]);
    // The catalog with ICMP: EC2's type and code in FromPort and ToPort, -1 for every one.
    const icmp = groups
      .filter((g) => g.groupId.startsWith('VarietyIcmp/'))
      .flatMap((g) => [...g.ingress, ...g.egress])
      .map((x) => `${x.ipProtocol} ${x.fromPort}/${x.toPort}`)
      .filter((x) => x !== 'icmp 252/86');
    expect([...new Set(icmp)].sort()).toEqual(['icmp 3/4', 'icmp 8/-1', 'icmpv6 -1/-1', 'tcp 9100/9100']);
  });

  const lint = cfnLint();
  (lint ? test : test.skip)('cfn-lint finds no error in any template', () => {
    const { errors, status } = cfnLintErrors(
      lint!,
      templates().map((f) => join(out, f)),
    );
    expect(errors).toEqual([]);
    expect(status! & 2).toBe(0);
  });
});

describe('the validation is live', () => {
  test('an error (a property AWS::EC2::SecurityGroupEgress does not have) fails synth', () => {
    const { error, findings } = synthValidated((app) => {
      const s = new Stack(app, 'Bad');
      const sg = new ec2.CfnSecurityGroup(s, 'G', { groupDescription: 'x', vpcId: 'vpc-12345678' });
      const e = new ec2.CfnSecurityGroupEgress(s, 'E', {
        groupId: sg.attrGroupId,
        ipProtocol: 'tcp',
        fromPort: 80,
        toPort: 80,
      });
      e.addPropertyOverride('DestinationCidrIp', '10.0.0.0/24');
    }, tempDir());
    expect(String(error)).toMatch(/DestinationCidrIp/);
    expect(findings.join('\n')).toMatch(/F3002.*DestinationCidrIp/);
  });

  test('a warning (two groups whose inline rules name each other: a circular dependency) fails synth', () => {
    const { error, findings } = synthValidated((app) => {
      const s = new Stack(app, 'Cycle');
      const a = new ec2.CfnSecurityGroup(s, 'A', { groupDescription: 'a', vpcId: 'vpc-12345678' });
      const b = new ec2.CfnSecurityGroup(s, 'B', { groupDescription: 'b', vpcId: 'vpc-12345678' });
      a.securityGroupIngress = [{ ipProtocol: 'tcp', fromPort: 1, toPort: 1, sourceSecurityGroupId: b.attrGroupId }];
      b.securityGroupIngress = [{ ipProtocol: 'tcp', fromPort: 1, toPort: 1, sourceSecurityGroupId: a.attrGroupId }];
    }, tempDir());
    expect(String(error)).toMatch(/F3004/);
    expect(findings.join('\n')).toMatch(/F3004/);
  });
});
