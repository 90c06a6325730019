// portplan as a user adds it to a project: `npm install` from git (`git+file://`, the route a
// `github:portplan/portplan` dependency takes) and from the packed tarball, each into a new project.
// Each installed package is loaded through every entry point, its CLI is run, and a CDK app and a
// Pulumi program are type-checked the way `cdk init` and `pulumi new` set projects up today:
// TypeScript 7 with NodeNext; and a classic CDK app (TypeScript 5.9, `moduleResolution: node10`).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT,
  cdkInitTsconfig,
  gitSourceOfWorkingTree,
  installConsumer,
  installTypeScript7,
  run,
  writeFiles,
  type Consumer,
} from '../support/consumer';
import { PRESETS, declarationJsonSchema, resolve } from '../../lib/model';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, string | Record<string, string>>;
};

// A CDK app as `cdk init app --language typescript` lays it out (bin/ and lib/, `aws-cdk-lib/core`),
// using the construct, its groups as IConnectable, and the spec. The @ts-expect-error lines fail the
// check when they are not errors: the imports must carry real types, not `any`.
const CDK_APP = {
  'lib/site-stack.ts': `import * as cdk from 'aws-cdk-lib/core';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { ServerProtect } from 'portplan/cdk';
import { resolve, type Resolution } from 'portplan';

export class SiteStack extends cdk.Stack {
  readonly flows: number;
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const sp = new ServerProtect(this, 'ServerProtect', {
      vpc,
      consoleGroups: ['console'],
      informationServerGroups: ['info'],
      normalServerGroups: ['servers'],
    });
    sp.normalServers.connections.allowFrom(ec2.Peer.ipv4('10.0.0.0/24'), ec2.Port.tcp(3389), 'RDP from admins');
    const r: Resolution = resolve(sp.resolution.declaration);
    this.flows = r.flows.length;
    // @ts-expect-error a resolution's flows are not a string
    const wrong: string = r.flows;
    void wrong;
  }
}
`,
  'bin/site.ts': `#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib/core';
import { SiteStack } from '../lib/site-stack';

const app = new cdk.App();
new SiteStack(app, 'Site');
`,
};

// A Pulumi program as \`pulumi new azure-typescript\` would hold it: the component and a resource group.
const PULUMI_APP = {
  'index.ts': `import * as resources from '@pulumi/azure-native/resources';
import { ServerProtect, type ServerProtectArgs } from 'portplan/pulumi';

const group = new resources.ResourceGroup('site');
const args: ServerProtectArgs = { resourceGroupName: group.name, normalServerGroups: ['servers'] };
export const serverProtect = new ServerProtect('serverprotect', args);
// @ts-expect-error the component takes no number for its groups
export const wrong: ServerProtectArgs = { resourceGroupName: group.name, normalServerGroups: 3 };
`,
};

// Runtime: every entry point from CommonJS and from an ES module, each giving what the sources give.
const EXPECTED = {
  flows: resolve(PRESETS.serverprotect).flows.length,
  cdk: 'function',
  pulumi: 'function',
  host: 'function',
  verify: 'function',
  schema: JSON.stringify(declarationJsonSchema()),
};
const REPORT = `process.stdout.write(JSON.stringify({
  flows: spec.resolve(spec.PRESETS.serverprotect).flows.length,
  cdk: typeof cdk.PortPlan, pulumi: typeof pulumi.PortPlan,
  host: typeof host.hostFirewall, verify: typeof verify.verifyAwsSite,
  schema: JSON.stringify(schema),
}));`;
const REQUIRE = `const spec = require('portplan'); const cdk = require('portplan/cdk');
const pulumi = require('portplan/pulumi'); const host = require('portplan/host');
const verify = require('portplan/verify'); const schema = require('portplan/schema.json');
${REPORT}`;
const IMPORT = `import * as spec from 'portplan'; import * as cdk from 'portplan/cdk';
import * as pulumi from 'portplan/pulumi'; import * as host from 'portplan/host';
import * as verify from 'portplan/verify'; import schema from 'portplan/schema.json' with { type: 'json' };
${REPORT}`;

// The Node.js running the tests (22 or later under CI), and the machine's Node.js 20 where CI keeps
// it (.ci/node): the spec, the CLI and the CDK constructs still run there.
const RUNTIMES: [string, string][] = [[process.version, process.execPath]];
const node20 = process.env.PORTPLAN_NODE20;
if (node20 && node20 !== process.execPath) RUNTIMES.push([run(node20, ['--version'], ROOT).stdout.trim(), node20]);

let work = '';
let tsc7 = '';
const consumers: Record<'git' | 'tarball', Consumer> = {} as Record<'git' | 'tarball', Consumer>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'portplan-install-'));
  tsc7 = installTypeScript7(join(work, 'tools'));
  consumers.git = installConsumer(join(work, 'git'), gitSourceOfWorkingTree(join(work, 'source')));
  // npm test has just built dist/: the tarball packs it as is.
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  const [info] = JSON.parse(pack.stdout) as { filename: string }[];
  consumers.tarball = installConsumer(join(work, 'tarball'), join(work, info.filename));
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each(['git', 'tarball'] as const)('installed from %s', (how) => {
  const dir = () => consumers[how].dir;
  const installed = () => join(dir(), 'node_modules/portplan');

  test('the package arrives built: every entry point file is there, and no TypeScript source', () => {
    const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    for (const target of targets) expect(readFileSync(join(installed(), target)).length).toBeGreaterThan(0);
    expect(readdirSync(installed()).sort()).toEqual([
      'LICENSE',
      'README.md',
      'bin',
      'dist',
      'package.json',
      'schema',
      'scripts',
    ]);
  });

  test('npm reports no unsupported engine on a supported Node.js', () => {
    const major = Number(process.versions.node.split('.')[0]);
    const output = consumers[how].install.stdout + consumers[how].install.stderr;
    if (major >= 22) expect(output).not.toContain('EBADENGINE');
    else expect(output).toContain('EBADENGINE'); // Node 20: npm says portplan wants 22 or later
  });

  test('its prepare script does nothing in an installed package (approving it is harmless)', () => {
    const before = readdirSync(installed()).sort();
    const r = run(process.execPath, ['scripts/prepare.js'], installed());
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(readdirSync(installed()).sort()).toEqual(before);
  });

  test.each(RUNTIMES)('CommonJS and ES modules load every entry point (%s)', (_version, node) => {
    const cjs = run(node, ['-e', REQUIRE], dir());
    expect(JSON.parse(cjs.stdout)).toEqual(EXPECTED);
    writeFileSync(join(dir(), 'load.mjs'), IMPORT);
    const esm = run(node, ['--no-warnings', 'load.mjs'], dir());
    expect(JSON.parse(esm.stdout)).toEqual(EXPECTED);
  });

  test.each(RUNTIMES)('the installed CLI runs (%s)', (_version, node) => {
    const bin = join(dir(), 'node_modules/.bin/portplan');
    expect(run(node, [bin, '--version'], dir()).stdout).toBe(`${manifest.version}\n`);
    const table = run(node, [bin, 'table', '--preset', 'serverprotect'], dir());
    expect(table.stdout.trim().split('\n')).toHaveLength(EXPECTED.flows + 2);
  });

  test('npx finds the CLI', () => {
    expect(run('npx', ['--no-install', 'portplan', '--version'], dir()).stdout).toBe(`${manifest.version}\n`);
  });

  test('a CDK app set up as `cdk init` makes it (TypeScript 7, NodeNext) type-checks', () => {
    writeFiles(dir(), prefixed('cdk-nodenext', CDK_APP));
    const tsconfig = cdkInitTsconfig();
    writeFileSync(
      join(dir(), 'tsconfig.cdk-nodenext.json'),
      JSON.stringify({ ...tsconfig, include: ['cdk-nodenext'] }),
    );
    expect(run(process.execPath, [tsc7, '--version'], dir()).stdout).toContain('Version 7.');
    expect(typeErrors(tsc7, dir(), 'tsconfig.cdk-nodenext.json')).toEqual([]);
  });

  test('a classic CDK app (TypeScript 5.9, moduleResolution node10) type-checks', () => {
    writeFiles(dir(), prefixed('cdk-node10', CDK_APP));
    const compilerOptions = { target: 'ES2020', module: 'commonjs', moduleResolution: 'node', strict: true };
    const options = { ...compilerOptions, skipLibCheck: true, noEmit: true, types: ['node'] };
    writeFileSync(
      join(dir(), 'tsconfig.cdk-node10.json'),
      JSON.stringify({ compilerOptions: options, include: ['cdk-node10'] }),
    );
    const tsc5 = join(dir(), 'node_modules/typescript/bin/tsc');
    expect(run(process.execPath, [tsc5, '--version'], dir()).stdout).toContain('Version 5.9');
    expect(typeErrors(tsc5, dir(), 'tsconfig.cdk-node10.json')).toEqual([]);
  });

  test('a Pulumi program (TypeScript 7, NodeNext) type-checks', () => {
    writeFiles(dir(), prefixed('pulumi-nodenext', PULUMI_APP));
    const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true };
    const options = { ...compilerOptions, skipLibCheck: true, noEmit: true, types: ['node'] };
    const tsconfig = { compilerOptions: options, include: ['pulumi-nodenext'] };
    writeFileSync(join(dir(), 'tsconfig.pulumi-nodenext.json'), JSON.stringify(tsconfig));
    expect(typeErrors(tsc7, dir(), 'tsconfig.pulumi-nodenext.json')).toEqual([]);
  });
});

/** The files of an app under one folder of the consumer. */
const prefixed = (folder: string, files: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([file, text]) => [`${folder}/${file}`, text]));

/** The diagnostics `tsc -p config` prints in `dir`, one per line; none when the project type-checks. */
function typeErrors(tsc: string, dir: string, config: string): string[] {
  const r = run(process.execPath, [tsc, '-p', config, '--pretty', 'false'], dir, false);
  return (r.stdout + r.stderr).split('\n').filter((l) => l.trim() !== '');
}
