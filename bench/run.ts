// `npm run bench`: measures portplan against baselines measured in the same run and writes
// bench/results/results.json and bench/results/summary.md. Ratios, not absolute times, are the
// result: absolute times depend on the machine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  EXAMPLE_STACKS,
  ServerProtectExample,
  SmartUpdateManagerExample,
  buildApp,
  examplePlans,
} from '../examples/cdk/stacks';
import { LimitError, PortPlan, ruleCountsByFamily } from '../lib/cdk';
import { AzureLimitError, planAzureRules } from '../lib/pulumi';
import {
  PRESETS,
  resolve,
  type CatalogSource,
  type Declaration,
  type ServerProtectOptions,
  type SumOptions,
} from '../lib/model';
import { templateRules, testStack } from '../test/support/cdk';
import { minimumAzureRules, minimumRules } from '../test/support/oracle';
import { HandWrittenServerProtect, HandWrittenSmartUpdateManager } from './baseline';
import { comparePair, precompile, removePrecompiled, requireMs, type Command, type Pair } from './processes';
import { serverProtectSite } from './role-groups';
import { scaleDeclaration } from './scale';
import { benchEvidence, evidenceSummary } from './evidence';
import { benchVerify, verifySummary } from './verify';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ROOT = join(__dirname, '..');
const log = (text: string) => process.stderr.write(`${text}\n`);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Least-squares slope of log(y) on log(x): cost grows as n^slope. */
function exponent(points: [number, number][]): number {
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return num / den;
}

// 1. Synth: the ServerProtect and HP SUM 5.x example stacks through portplan, against the same
// stacks hand-written with aws-cdk-lib. Built-in template validation is off for both (it costs
// the same for both and would hide the difference).
function synth(kind: 'portplan' | 'baseline'): { ms: number; app: App } {
  const started = performance.now();
  const app = new App({ builtinCloudFormationValidation: false } as ConstructorParameters<typeof App>[0]);
  if (kind === 'portplan') {
    new ServerProtectExample(app, 'ServerProtectExample');
    new SmartUpdateManagerExample(app, 'SmartUpdateManagerExample');
  } else {
    new HandWrittenServerProtect(app, 'ServerProtectExample');
    new HandWrittenSmartUpdateManager(app, 'SmartUpdateManagerExample');
  }
  app.synth();
  return { ms: performance.now() - started, app };
}

/** Every ingress rule of an app's templates as `protocol from-to`, sorted: the two apps must agree. */
function ruleShape(app: App): string[] {
  return app.node.children
    .filter((c): c is Stack => c instanceof Stack)
    .flatMap((s) => {
      const resources = Template.fromStack(s).toJSON().Resources as Record<
        string,
        { Type: string; Properties: Record<string, unknown> }
      >;
      return Object.values(resources)
        .filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress')
        .map((r) => `${s.node.id} ${r.Properties.IpProtocol} ${r.Properties.FromPort}-${r.Properties.ToPort}`);
    })
    .sort();
}

function benchSynth() {
  // A synth takes under 0.1 s, so it gets three times the runs to steady the median.
  const runs = RUNS * 3;
  log(`synth: ${runs} runs each, alternating, after 2 warm-up runs`);
  const sameRules =
    JSON.stringify(ruleShape(synth('portplan').app)) === JSON.stringify(ruleShape(synth('baseline').app));
  if (!sameRules)
    throw new Error('the hand-written baseline does not have the same rules as portplan: fix bench/baseline.ts');
  synth('portplan');
  synth('baseline');
  const times = { portplan: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < runs; i++) {
    times.portplan.push(synth('portplan').ms);
    times.baseline.push(synth('baseline').ms);
  }
  const portplan = median(times.portplan);
  const baseline = median(times.baseline);
  return {
    runs,
    sameRules,
    portplanMs: round(portplan, 1),
    baselineMs: round(baseline, 1),
    ratio: round(portplan / baseline),
  };
}

// 2. Rule counts against the theoretical minimum, for every example and every option combination.
const cartesian = <T extends Record<string, readonly unknown[]>>(axes: T): { [K in keyof T]: T[K][number] }[] =>
  Object.entries(axes).reduce<Record<string, unknown>[]>(
    (acc, [k, vs]) => acc.flatMap((a) => vs.map((v) => ({ ...a, [k]: v }))),
    [{}],
  ) as { [K in keyof T]: T[K][number] }[];

function optionCombinations(): [string, Declaration][] {
  const out: [string, Declaration][] = [];
  const cm = { name: 'tmcm', kind: 'control-manager' as const, cidr: '10.0.9.10/32' };
  for (const c of cartesian({
    communication: ['tcpip', 'namedPipes'],
    localInstall: [true, false],
    remoteInstall: [true, false],
    pinned: [false, true],
    agent: [undefined, 'tmi', 'mcp'],
    egress: ['default', 'restricted'],
  } as const)) {
    const sp: ServerProtectOptions = {
      communication: c.communication,
      localInstall: c.localInstall,
      remoteInstall: c.remoteInstall,
      ...(c.pinned ? { consoleEventPort: 1001, discoveryPort: 3000, managementPort: 5009 } : {}),
      ...(c.agent ? { controlManagerAgent: c.agent } : {}),
    };
    out.push([
      `serverprotect ${JSON.stringify(c)}`,
      { ...PRESETS.serverprotect, peers: c.agent ? [cm] : [], serverProtect: sp, egress: c.egress },
    ]);
  }
  for (const c of cartesian({
    os: ['windows', 'linux'],
    concurrentTargets: [8, 1000],
    netbios: [false, true],
    webServerPort: [undefined, 80],
    soapPortCount: [1, 4],
    egress: ['default', 'restricted'],
  } as const)) {
    const sum: SumOptions = {
      workstationOs: c.os,
      concurrentTargets: c.concurrentTargets,
      netbiosNameService: c.netbios,
      soapPortCount: c.soapPortCount,
      ...(c.webServerPort ? { webServerPort: c.webServerPort } : {}),
    };
    const targets = c.os === 'windows' ? ['windows', 'linux'] : ['linux', 'integrity'];
    const groups = [
      { name: 'workstation', role: 'sum:workstation' },
      ...targets.map((t) => ({ name: `${t}-targets`, role: `sum:target:${t}` })),
    ] as Declaration['groups'];
    out.push([`sum 5.x ${JSON.stringify(c)}`, { groups, sum, egress: c.egress }]);
  }
  for (const c of cartesian({ os: ['windows', 'linux'], egress: ['default', 'restricted'] } as const)) {
    const base = PRESETS['smart-update-manager-7'];
    const groups = base.groups.filter((g) => c.os === 'windows' || g.role !== 'sum:target:windows');
    out.push([
      `sum 7.x+ ${JSON.stringify(c)}`,
      { ...base, groups, sum: { profile: '7.x+', workstationOs: c.os }, egress: c.egress },
    ]);
  }
  return out;
}

function countRules(
  name: string,
  declaration: Declaration,
  template?: { plan: PortPlan; template: Template },
  catalogs?: readonly CatalogSource[],
) {
  const min = minimumRules(declaration, catalogs);
  const made =
    template ??
    (() => {
      const { stack, vpc } = testStack();
      const plan = new PortPlan(stack, 'Plan', {
        vpc,
        declaration,
        maxRulesPerGroup: 1000,
        maxSecurityGroupsPerInterface: 1,
      });
      return { plan, template: Template.fromStack(stack) };
    })();
  const lines = templateRules(made.template, made.plan);
  const perGroup = new Map<string, number>();
  for (const l of lines.filter((x) => x.startsWith('in ')))
    perGroup.set(l.split(' ')[1], (perGroup.get(l.split(' ')[1]) ?? 0) + 1);
  const azureMin = minimumAzureRules(declaration, catalogs);
  const azure = planAzureRules(declaration, {
    band: { from: 100, to: 4096 },
    denyOtherVnetTraffic: false,
    catalogs,
  }).rules.length;
  return {
    name,
    aws: lines.length,
    awsMinimum: min.inbound + min.outbound,
    awsRatio: round(lines.length / (min.inbound + min.outbound)),
    azure,
    azureMinimum: azureMin,
    azureRatio: round(azure / azureMin),
    largestGroupInbound: Math.max(0, ...perGroup.values()),
  };
}

function benchRuleCounts() {
  const app = buildApp(new App({ builtinCloudFormationValidation: false } as ConstructorParameters<typeof App>[0]));
  const plans = examplePlans(app);
  // An example on a catalog of its own (the shop) is counted with the catalogs its plan resolved with.
  const examples = EXAMPLE_STACKS.map((id) =>
    countRules(
      id,
      plans[id].resolution.declaration,
      { plan: plans[id], template: Template.fromStack(app.node.findChild(id) as Stack) },
      plans[id].resolution.catalog.catalogs,
    ),
  );
  const combos = optionCombinations();
  log(`rule counts: ${examples.length} examples, ${combos.length} option combinations`);
  const all = combos.map(([name, d]) => countRules(name, d));
  const worst = (k: 'awsRatio' | 'azureRatio') => Math.max(...[...examples, ...all].map((r) => r[k]));
  return {
    examples,
    combinations: all.length,
    maxAwsRatio: worst('awsRatio'),
    maxAzureRatio: worst('azureRatio'),
    minAwsRatio: Math.min(...[...examples, ...all].map((r) => r.awsRatio)),
    minAzureRatio: Math.min(...[...examples, ...all].map((r) => r.azureRatio)),
    largestGroupInbound: Math.max(...[...examples, ...all].map((r) => r.largestGroupInbound)),
    largestGroupInboundCase: [...examples, ...all].sort((a, b) => b.largestGroupInbound - a.largestGroupInbound)[0]
      .name,
  };
}

// 5 runs in child processes: each measurement gets its own module cache and memory.
interface ChildResult {
  totalMs: number;
  workMs: number;
  maxRssMb: number;
  outcome: string;
}
function child(...args: string[]): ChildResult {
  const r = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'child.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`bench child ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as ChildResult;
}

// 3. Start-up: whole processes against hand-written baselines, in the same run (bench/processes.ts).
function benchStartup() {
  log('start-up: transpiling lib, examples and bench into a temporary tree');
  const pre = precompile();
  try {
    const node = (file: string, ...args: string[]): string[] => [process.execPath, join(pre, file), ...args];
    const out = (name: string) => join(pre, 'out', name);
    const cdk = (validation: boolean, file: string, name: string): Command => ({
      argv: node(file),
      env: { CDK_VALIDATION: validation ? undefined : 'false', BENCH_OUTDIR: out(name) },
    });
    const cdkRuns = RUNS * 3;
    log(`start-up: CDK synth of the two 5.x example stacks, validation off, ${cdkRuns} runs each, alternating`);
    const portplanCdk = 'bench/proc/cdk-portplan.js';
    const baselineCdk = 'bench/proc/cdk-baseline.js';
    const cdkOff = comparePair(cdk(false, portplanCdk, 'p'), cdk(false, baselineCdk, 'b'), cdkRuns);
    log(`start-up: the same with aws-cdk-lib's template validation on, ${RUNS} runs each`);
    const cdkOn = comparePair(cdk(true, portplanCdk, 'p'), cdk(true, baselineCdk, 'b'), RUNS);

    // The baseline program registers what the example registered: same types, names and inputs.
    const registered = out('registered.json');
    const again = out('baseline-registered.json');
    mkdirSync(out(''), { recursive: true });
    spawnSync(process.execPath, [join(pre, 'bench/proc/pulumi-portplan.js'), registered], { cwd: ROOT });
    spawnSync(process.execPath, [join(pre, 'bench/proc/pulumi-baseline.js'), registered, again], { cwd: ROOT });
    type Registration = { type: string; name: string; inputs: unknown };
    const shape = (file: string) =>
      (JSON.parse(readFileSync(file, 'utf8')) as Registration[])
        .filter((r) => r.type.startsWith('azure-native:'))
        .map((r) => JSON.stringify([r.type, r.name, r.inputs]))
        .sort();
    const sameResources = JSON.stringify(shape(registered)) === JSON.stringify(shape(again));
    if (!sameResources) throw new Error('the hand-written Pulumi program does not register what the example does');
    const pulumiRuns = RUNS * 2;
    log(`start-up: Pulumi example program under mocks, ${pulumiRuns} runs each, alternating`);
    const pulumi = comparePair(
      { argv: node('bench/proc/pulumi-portplan.js') },
      { argv: node('bench/proc/pulumi-baseline.js', registered) },
      pulumiRuns,
    );

    // `npx cdk synth` at the root runs cdk.json's app through scripts/ts-run.js; against the same
    // app precompiled. Validation off on both, as above.
    const cdkSynth = (name: string, ...app: string[]): Command => ({
      argv: ['npx', 'cdk', 'synth', '--quiet', '--no-notices', '--output', out(name), ...app],
      env: { CDK_VALIDATION: 'false' },
    });
    log(`start-up: npx cdk synth (the example app, four stacks), ${RUNS} runs each, alternating`);
    const precompiledApp = `node ${join(pre, 'examples/cdk/app.js')}`;
    const synthCli = comparePair(cdkSynth('cli-ts'), cdkSynth('cli-js', '--app', precompiledApp), RUNS);

    log('start-up: require() of each entry point');
    const requires = {
      spec: requireMs([join(pre, 'lib/model/index.js')], RUNS),
      cdk: requireMs([join(pre, 'lib/cdk/index.js')], RUNS),
      // What the adapters import from their SDKs, alone.
      awsCdkLib: requireMs(['constructs', 'aws-cdk-lib', 'aws-cdk-lib/aws-ec2'], RUNS),
      pulumi: requireMs([join(pre, 'lib/pulumi/index.js')], RUNS),
      pulumiSdk: requireMs(['@pulumi/pulumi', '@pulumi/azure-native/network'], RUNS),
    };
    return { cdkOff, cdkOn, pulumi, sameResources, synthCli, requires };
  } finally {
    removePrecompiled(pre);
  }
}

// 4. Resolution alone, in this process: resolve() of the scaling declaration.
const RESOLVE_SIZES = [100, 1000, 3000];
function benchResolve() {
  const reps = Math.max(3, RUNS);
  const rows = RESOLVE_SIZES.map((n) => {
    const declaration = scaleDeclaration(n);
    resolve(declaration);
    const times = Array.from({ length: reps }, () => {
      const started = performance.now();
      resolve(declaration);
      return performance.now() - started;
    });
    log(`resolve: ${n} groups, median of ${reps}`);
    return { groups: n, ms: round(median(times), 1) };
  });
  return { reps, rows, exponent: round(exponent(rows.map((r) => [r.groups, r.ms]))) };
}

const SIZES = [1, 10, 100, 1000];
function benchScale() {
  const rows: {
    groups: number;
    tool: 'cdk' | 'pulumi';
    workMs: number;
    totalMs: number;
    maxRssMb: number;
    outcome: string;
  }[] = [];
  for (const tool of ['cdk', 'pulumi'] as const) {
    for (const n of SIZES) {
      const reps = n <= 100 ? 3 : 1;
      log(`scale: ${tool} ${n} groups, ${reps} run(s)`);
      const results = Array.from({ length: reps }, () => child('scale', tool, String(n)));
      rows.push({
        groups: n,
        tool,
        workMs: round(median(results.map((r) => r.workMs)), 0),
        totalMs: round(median(results.map((r) => r.totalMs)), 0),
        maxRssMb: round(Math.max(...results.map((r) => r.maxRssMb)), 0),
        outcome: results[0].outcome,
      });
    }
  }
  // Growth from 10 groups up (1 group is fixed cost only), over the sizes that ran to the end.
  const fit = (tool: string) =>
    exponent(
      rows.filter((r) => r.tool === tool && r.groups >= 10 && r.outcome === 'ok').map((r) => [r.groups, r.workMs]),
    );
  return { rows, exponent: { cdk: round(fit('cdk')), pulumi: round(fit('pulumi')) } };
}

// A ServerProtect site of n normal-server groups (every pair of them talks: SP9): rules per group,
// NSG rules and synth time, portplan against the site written by hand (bench/role-groups.ts), the
// two alternating, whole processes.
const SITE_SIZES = [10, 50, 200];
function benchRoleGroups() {
  const runs = 3;
  log('role-wide groups: transpiling lib, examples and bench into a temporary tree');
  const pre = precompile();
  try {
    const rows = SITE_SIZES.map((n) => {
      log(`role-wide groups: ServerProtect site of ${n} normal-server groups, ${runs} runs each, alternating`);
      const site = (file: string, name: string): Command => ({
        argv: [process.execPath, join(pre, file), String(n)],
        env: { BENCH_OUTDIR: join(pre, 'out', name) },
      });
      const pair = comparePair(
        site('bench/proc/site-portplan.js', 'p'),
        site('bench/proc/site-baseline.js', 'b'),
        runs,
      );
      const r = resolve(serverProtectSite(n));
      const { stack, vpc } = testStack();
      const plan = new PortPlan(stack, 'Plan', { vpc, declaration: serverProtectSite(n) });
      const counts = ruleCountsByFamily(plan.rulePlan);
      const band = { from: 100, to: 4096 };
      const azure = planAzureRules(serverProtectSite(n), { band, denyOtherVnetTraffic: true });
      const sides = azure.rules.flatMap((x) => [x.source, x.destination]);
      return {
        groups: n,
        flows: r.flows.length,
        awsRules: plan.rulePlan.rules.length,
        largestGroupRules: Math.max(...counts.map((c) => c.count)),
        resources: stack.node.findAll().filter(CfnResource.isCfnResource).length,
        azureRules: azure.rules.length,
        azureAsgsReferenced: new Set(sides.flatMap((e) => ('group' in e ? [e.group] : []))).size,
        ...pair,
      };
    });
    return { runs, rows, exponent: round(exponent(rows.map((x) => [x.groups, x.portplanMs]))) };
  } finally {
    removePrecompiled(pre);
  }
}

// Where each cloud limit is hit first as the scaling plan grows, and what the library does there.
function firstFailure(fails: (n: number) => string | undefined): { groups: number; error: string } | undefined {
  let lo = 1;
  let hi = 2;
  while (!fails(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 4096) return undefined;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fails(mid)) hi = mid;
    else lo = mid;
  }
  return { groups: hi, error: fails(hi)! };
}

function benchLimits() {
  const attempt = (f: () => void): string | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      if (e instanceof LimitError || e instanceof AzureLimitError) return `${e.name}: ${e.message}`;
      throw e;
    }
  };
  const ruleLimit = firstFailure((n) =>
    attempt(() => new PortPlan(testStack().stack, 'Plan', { vpc: testStack().vpc, declaration: scaleDeclaration(n) })),
  );
  const resourceLimit = firstFailure((n) => {
    const { stack, vpc } = testStack();
    // As many rules per group as AWS allows at all (1,000, on one group per interface).
    const limits = { maxRulesPerGroup: 1000, maxSecurityGroupsPerInterface: 1 };
    new PortPlan(stack, 'Plan', { vpc, declaration: scaleDeclaration(n), ...limits });
    const resources = stack.node.findAll().filter(CfnResource.isCfnResource).length;
    return resources > 500
      ? `synth fails: stack has ${resources} resources, more than CloudFormation's 500 (validation error naming the count)`
      : undefined;
  });
  const azure = firstFailure((n) =>
    attempt(() => planAzureRules(scaleDeclaration(n), { band: { from: 100, to: 4096 }, denyOtherVnetTraffic: true })),
  );
  return { awsRulesPerGroup: ruleLimit, awsResourcesPerStack: resourceLimit, azure };
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
const pairRow = (measure: string, p: Pair, target: string) =>
  `| ${measure} | ${p.portplanMs} ms | ${p.baselineMs} ms | ${p.differenceMs} ms | ${p.ratio.toFixed(3)} | ${target} |`;

function summary(r: ReturnType<typeof collect>): string {
  const st = r.startup;
  const lines = [
    '# portplan benchmarks',
    '',
    `Written by \`npm run bench\` on ${r.machine.date} (Node ${r.machine.node}, ${r.machine.cpus} CPUs). Ratios compare two things measured in the same run; absolute times depend on the machine.`,
    '',
    '## Start-up: whole processes against hand-written baselines',
    '',
    'Each row times fresh `node` processes from spawn to exit (module loading included), portplan and its ' +
      'baseline alternating; both run the same sources transpiled once to JavaScript. Medians.',
    '',
    '| measure | portplan | baseline | difference | ratio | target |',
    '|---|---|---|---|---|---|',
    pairRow(
      `CDK synth, ServerProtect + HP SUM 5.x example stacks, template validation off (${st.cdkOff.runs} runs; ` +
        'baseline: the same stacks hand-written with aws-cdk-lib, bench/baseline.ts)',
      st.cdkOff,
      `ratio <= 1.05: ${verdict(st.cdkOff.ratio <= 1.05)}`,
    ),
    pairRow(`the same, aws-cdk-lib template validation on (${st.cdkOn.runs} runs)`, st.cdkOn, ''),
    pairRow(
      `Pulumi example program under mocks (${st.pulumi.runs} runs; baseline: a program registering the same ` +
        'resources through @pulumi/azure-native directly)',
      st.pulumi,
      `difference <= 30 ms: ${verdict(st.pulumi.differenceMs <= 30)}`,
    ),
    pairRow(
      `\`npx cdk synth\` at the root, every example stack, validation off (${st.synthCli.runs} runs; ` +
        'baseline: the same app precompiled, `--app "node examples/cdk/app.js"`)',
      st.synthCli,
      `ratio <= 1.10: ${verdict(st.synthCli.ratio <= 1.1)}`,
    ),
    '',
    `\`require()\` in a fresh process, median: \`portplan\` ${st.requires.spec} ms; ` +
      `\`portplan/cdk\` ${st.requires.cdk} ms (the SDK modules it imports, alone: ${st.requires.awsCdkLib} ms); ` +
      `\`portplan/pulumi\` ${st.requires.pulumi} ms (the SDK modules it imports, alone: ${st.requires.pulumiSdk} ms).`,
    '',
    '## In-process costs',
    '',
    '| measure | portplan | baseline | ratio |',
    '|---|---|---|---|',
    `| synth in one process, modules already loaded, ServerProtect + HP SUM 5.x example stacks ` +
      `(median of ${r.synth.runs}; baseline: the same stacks hand-written with aws-cdk-lib) ` +
      `| ${r.synth.portplanMs} ms | ${r.synth.baselineMs} ms | ${r.synth.ratio.toFixed(2)} |`,
    `| AWS rules emitted / theoretical minimum, ${r.rules.examples.length} examples + ${r.rules.combinations} option combinations | | | ${r.rules.minAwsRatio.toFixed(2)}-${r.rules.maxAwsRatio.toFixed(2)} |`,
    `| Azure allow rules emitted / distinct (direction, source, destination, protocol), same cases | | | ${r.rules.minAzureRatio.toFixed(2)}-${r.rules.maxAzureRatio.toFixed(2)} |`,
    '',
    `resolve() alone, one HP SUM workstation and n - 1 Linux target groups (median of ${r.resolution.reps}): ` +
      `${r.resolution.rows.map((x) => `${x.groups} groups ${x.ms} ms`).join(', ')}; ` +
      `fitted growth n^${r.resolution.exponent}.`,
    '',
    `Largest inbound rule count on one security group: ${r.rules.largestGroupInbound} (${r.rules.largestGroupInboundCase}); AWS's default limit is 60.`,
    '',
    '| example | AWS rules | minimum | Azure rules | minimum | largest group (inbound) |',
    '|---|---|---|---|---|---|',
    ...r.rules.examples.map(
      (e) => `| ${e.name} | ${e.aws} | ${e.awsMinimum} | ${e.azure} | ${e.azureMinimum} | ${e.largestGroupInbound} |`,
    ),
    '',
    '## Scale: one HP SUM workstation and n - 1 Linux target groups',
    '',
    'CDK: construct + synth with the rule limit raised and the stack checks skipped (so sizes past the limits still measure). Pulumi: the component under mocks until its NSG is registered. Work time excludes module loading; memory is the process peak.',
    '',
    '| groups | CDK work ms | CDK peak MB | Pulumi work ms | Pulumi peak MB | Pulumi outcome |',
    '|---|---|---|---|---|---|',
    ...SIZES.map((n) => {
      const c = r.scale.rows.find((x) => x.tool === 'cdk' && x.groups === n)!;
      const p = r.scale.rows.find((x) => x.tool === 'pulumi' && x.groups === n)!;
      return `| ${n} | ${c.workMs} | ${c.maxRssMb} | ${p.outcome === 'ok' ? p.workMs : '-'} | ${p.maxRssMb} | ${p.outcome === 'ok' ? 'ok' : p.outcome.split(':')[0]} |`;
    }),
    '',
    `Fitted growth of work time from 10 groups up: CDK n^${r.scale.exponent.cdk}, Pulumi n^${r.scale.exponent.pulumi} (over the sizes that completed).`,
    '',
    '## Where a cloud limit is hit first (same plan, growing)',
    '',
    '| limit | first at groups | what the library does |',
    '|---|---|---|',
    `| AWS 60 rules per security group (default \`maxRulesPerGroup\`) | ${r.limits.awsRulesPerGroup?.groups ?? '-'} | ${r.limits.awsRulesPerGroup?.error ?? 'never'} |`,
    `| CloudFormation 500 resources per stack (rule limit raised) | ${r.limits.awsResourcesPerStack?.groups ?? '-'} | ${r.limits.awsResourcesPerStack?.error ?? 'never'} |`,
    `| Azure (first limit reached) | ${r.limits.azure?.groups ?? '-'} | ${r.limits.azure?.error ?? 'never'} |`,
    '',
    '## Role-wide groups: a ServerProtect site of n normal-server groups',
    '',
    `Remote install on, so every pair of normal servers talks (SP9). Defaults throughout: AWS's default quotas and every synth-time check. Whole processes from spawn to exit (module loading included), construct + synth, template validation off, median of ${r.roleGroups.runs}, alternating with the same site written by hand with aws-cdk-lib (bench/role-groups.ts: one group per group, one the normal servers share, the table's rules typed in); both precompiled to JavaScript.`,
    '',
    '| normal-server groups | flows | AWS rules | most rules on one group | stack resources | Azure NSG rules | ASGs referenced | portplan ms | hand-written ms | ratio |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.roleGroups.rows.map(
      (x) =>
        `| ${x.groups} | ${x.flows} | ${x.awsRules} | ${x.largestGroupRules} | ${x.resources} | ${x.azureRules} | ${x.azureAsgsReferenced} | ${x.portplanMs} | ${x.baselineMs} | ${x.ratio} |`,
    ),
    '',
    `Fitted growth of portplan's whole-process time: n^${r.roleGroups.exponent} (the flows, one per pair of groups and port range, grow with the square; the rules do not grow).`,
    '',
    ...evidenceSummary(r.evidence),
    '',
    ...verifySummary(r.verify),
  ];
  return lines.join('\n');
}

function collect() {
  const started = performance.now();
  const synthResult = benchSynth();
  const rules = benchRuleCounts();
  const startup = benchStartup();
  const resolution = benchResolve();
  const scale = benchScale();
  const limits = benchLimits();
  const roleGroups = benchRoleGroups();
  const evidence = benchEvidence();
  const verify = benchVerify();
  return {
    machine: { date: new Date().toISOString().slice(0, 10), node: process.versions.node, cpus: cpus().length },
    startup,
    synth: synthResult,
    resolution,
    rules,
    scale,
    limits,
    roleGroups,
    evidence,
    verify,
    wallSeconds: round((performance.now() - started) / 1000, 0),
  };
}

const results = collect();
const dir = join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(dir, 'summary.md'), summary(results));
log(`done in ${results.wallSeconds} s: bench/results/results.json, bench/results/summary.md`);
