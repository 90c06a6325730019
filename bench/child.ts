// One measurement in a fresh Node process (so module loading and memory are its own), printed as
// one JSON line. Run by bench/run.ts:
//   child.ts scale cdk|pulumi <groups>      a plan of <groups> role groups
import { performance } from 'node:perf_hooks';

interface Result {
  /** Milliseconds from process start to the end of the work. */
  totalMs: number;
  /** Milliseconds of the work alone, after the modules are loaded. */
  workMs: number;
  /** Peak resident memory, MB. */
  maxRssMb: number;
  /** `ok`, or the error the library raised. */
  outcome: string;
}

const report = (started: number, outcome: string): void => {
  const end = performance.now();
  const result: Result = {
    totalMs: end,
    workMs: end - started,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    outcome,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- loaded on demand, so a type import of the whole module
async function mocks(): Promise<typeof import('@pulumi/pulumi')> {
  const pulumi = await import('@pulumi/pulumi');
  await pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
    'portplan-bench',
    'bench',
    false,
  );
  return pulumi;
}

const settle = <T>(o: { apply<U>(f: (t: T) => U): unknown }): Promise<T> => new Promise((resolve) => o.apply(resolve));

async function scale(tool: string, n: number): Promise<void> {
  const { scaleDeclaration } = await import('./scale');
  if (tool === 'cdk') {
    const { App, Stack } = await import('aws-cdk-lib');
    const ec2 = await import('aws-cdk-lib/aws-ec2');
    const { PortPlan } = await import('../lib/cdk');
    const started = performance.now();
    // CDK's own 500-resource check is a context setting (0 turns it off).
    const app = new App({
      builtinCloudFormationValidation: false,
      context: { '@aws-cdk/core:stackResourceLimit': 0 },
    } as ConstructorParameters<typeof App>[0]);
    const stack = new Stack(app, 'Scale');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'] });
    // Limits raised as far as AWS allows (1,000 rules per group on one group per interface) and
    // stack validation skipped: this measures the cost past the points where the library stops a
    // real deploy (reported separately); a plan past the rule quota reports its LimitError.
    try {
      const limits = { maxRulesPerGroup: 1000, maxSecurityGroupsPerInterface: 1 };
      new PortPlan(stack, 'Plan', { vpc, declaration: scaleDeclaration(n), ...limits });
      app.synth({ skipValidation: true });
      return report(started, 'ok');
    } catch (e) {
      return report(started, `${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  await mocks();
  const { PortPlan, declarationArgs } = await import('../lib/pulumi');
  const started = performance.now();
  try {
    const plan = new PortPlan('scale', { resourceGroupName: 'rg', declaration: declarationArgs(scaleDeclaration(n)) });
    await settle(plan.networkSecurityGroup!.id);
    report(started, 'ok');
  } catch (e) {
    report(started, `${(e as Error).name}: ${(e as Error).message}`);
  }
}

const [mode, a, b] = process.argv.slice(2);
(mode === 'scale' ? scale(a, Number(b)) : Promise.reject(new Error(`unknown mode ${mode}`))).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
