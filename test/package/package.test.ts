// The package as a user gets it: `npm pack` once, unpacked into a throw-away consumer project
// whose node_modules links the peer SDKs, the dependencies and TypeScript from this repository
// (nothing is downloaded), then type-checked under every module resolution a TypeScript project
// can choose and loaded at run time from CommonJS and from an ES module.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { PRESETS, declarationJsonSchema, resolve } from '../../lib/model';

const ROOT = join(__dirname, '../..');

/** The parts of package.json this test reads. */
interface Manifest {
  readonly version: string;
  readonly main: string;
  readonly types: string;
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly typesVersions: Record<string, Record<string, string[]>>;
  readonly scripts: Record<string, string>;
  readonly engines: { node: string };
  readonly license: string;
  readonly keywords: string[];
  readonly homepage: string;
  readonly repository: { type: string; url: string };
  readonly bugs: { url: string };
  readonly devEngines: { runtime: { name: string; version: string } };
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const repoManifest = readJson<Manifest>(join(ROOT, 'package.json'));

// Linked into the consumer's node_modules: the optional peers, the package's own dependencies,
// TypeScript to check with and the Node types the SDK typings refer to.
const LINKED = [
  'aws-cdk-lib',
  'constructs',
  '@pulumi/pulumi',
  '@pulumi/azure-native',
  ...Object.keys(repoManifest.dependencies),
  'typescript',
  '@types/node',
];

// One app for every configuration. The @ts-expect-error lines fail the check when they are not
// errors: a subpath the package does not export must not resolve, and the imports must carry
// real types (an `any` would accept the wrong assignment).
const APP = `import { PRESETS, resolve, type Resolution } from 'portplan';
import { PortPlan } from 'portplan/cdk';
import { PortPlan as AzurePortPlan } from 'portplan/pulumi';
// @ts-expect-error not exported by the package
import * as nothing from 'portplan/nothing';

const r: Resolution = resolve(PRESETS.serverprotect);
export const flows: number = r.flows.length;
// @ts-expect-error a number is not a string
export const wrong: string = r.flows.length;
export const classes: [typeof PortPlan, typeof AzurePortPlan, unknown] = [PortPlan, AzurePortPlan, nothing];
`;

/** Each way a consumer's tsconfig can resolve modules, with the app as CommonJS or as an ES module. */
const CONFIGS: Record<string, { module: string; moduleResolution: string; dir: 'cjs' | 'esm' }> = {
  'node10, CommonJS (classic CDK app)': { module: 'commonjs', moduleResolution: 'node10', dir: 'cjs' },
  'node10, ES modules': { module: 'es2022', moduleResolution: 'node10', dir: 'esm' },
  'node16, CommonJS': { module: 'node16', moduleResolution: 'node16', dir: 'cjs' },
  'nodenext, ES module': { module: 'nodenext', moduleResolution: 'nodenext', dir: 'esm' },
  'bundler, ES modules': { module: 'esnext', moduleResolution: 'bundler', dir: 'esm' },
};

const EXPECTED = {
  flows: resolve(PRESETS.serverprotect).flows.length,
  cdk: 'function',
  pulumi: 'function',
  schema: JSON.stringify(declarationJsonSchema()),
};

let work = '';
let consumer = '';
let packed: Manifest;
let files: string[] = [];
let packedSize = 0;
// Bounds on what a user downloads: today about 257 files and 385 kB (a .js and a .d.ts per
// module); a jump past these means something that does not belong in the package (sources,
// tests, fixtures) was packed.
const FILES_MAX = 300;
const PACKED_BYTES_MAX = 460_000;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/lib/model/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  }
  work = mkdtempSync(join(tmpdir(), 'portplan-package-'));
  // --ignore-scripts: prepare would build again; npm test has just built dist/.
  const packArgs = ['pack', '--ignore-scripts', '--json', '--pack-destination', work];
  const pack = spawnSync('npm', packArgs, { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout) as { filename: string; size: number; files: { path: string }[] }[];
  files = info.files.map((f) => f.path);
  packedSize = info.size;

  consumer = join(work, 'consumer');
  const installed = join(consumer, 'node_modules/portplan');
  mkdirSync(installed, { recursive: true });
  const tarArgs = ['-xzf', join(work, info.filename), '-C', installed, '--strip-components=1'];
  const tar = spawnSync('tar', tarArgs, { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  packed = readJson<Manifest>(join(installed, 'package.json'));
  for (const name of LINKED) {
    const link = join(consumer, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }

  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  for (const [dir, type] of [
    ['cjs', 'commonjs'],
    ['esm', 'module'],
  ]) {
    mkdirSync(join(consumer, dir));
    writeFileSync(join(consumer, dir, 'package.json'), JSON.stringify({ type }));
    writeFileSync(join(consumer, dir, 'app.ts'), APP);
  }
  for (const [name, c] of Object.entries(CONFIGS)) {
    const compilerOptions = {
      module: c.module,
      moduleResolution: c.moduleResolution,
      target: 'es2022',
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    };
    const tsconfig = { compilerOptions, files: [`${c.dir}/app.ts`] };
    writeFileSync(join(consumer, configFile(name)), JSON.stringify(tsconfig));
  }
}, 60000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function configFile(name: string): string {
  return `tsconfig.${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`;
}

describe('the packed package.json', () => {
  test('runs no install script; prepare builds in a source checkout and does nothing installed', () => {
    for (const script of ['preinstall', 'install', 'postinstall']) {
      expect(packed.scripts).not.toHaveProperty(script);
    }
    // npm runs prepare in a clone, before packing, and for a git dependency before it is packed.
    expect(packed.scripts.prepare).toBe('node scripts/prepare.js');
    expect(files).toContain('scripts/prepare.js');
  });

  test('is ready to publish: licence, repository, homepage, bug tracker and keywords', () => {
    expect(packed.license).toBe('Apache-2.0');
    expect(files).toContain('LICENSE');
    const licence = readFileSync(join(consumer, 'node_modules/portplan/LICENSE'), 'utf8');
    expect(licence).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(licence).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(packed.repository).toEqual({ type: 'git', url: 'git+https://github.com/portplan/portplan.git' });
    expect(packed.homepage).toBe('https://github.com/portplan/portplan#readme');
    expect(packed.bugs).toEqual({ url: 'https://github.com/portplan/portplan/issues' });
    expect(packed.keywords).toEqual(expect.arrayContaining(['aws-cdk', 'pulumi', 'security-group']));
  });

  test('the tarball holds the built package only, within its size', () => {
    // Compiled code, type files, the CLI, the schemas, the licence and README: no sources, tests or examples.
    const tops = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(tops).toEqual(['LICENSE', 'README.md', 'bin', 'dist', 'package.json', 'schema', 'scripts']);
    expect(files.filter((f) => f.startsWith('dist/') && !/\.(js|d\.ts|json)$/.test(f))).toEqual([]);
    expect(files.length).toBeLessThanOrEqual(FILES_MAX);
    expect(packedSize).toBeLessThanOrEqual(PACKED_BYTES_MAX);
  });

  test('every packed module has its source: the build starts from an empty dist/', () => {
    // tsc keeps the output of a source that was moved or removed; a stale module would be published.
    const orphans = files
      .filter((f) => f.startsWith('dist/lib/') && /\.(js|d\.ts)$/.test(f))
      .map((f) => f.slice('dist/'.length).replace(/\.(js|d\.ts)$/, '.ts'))
      .filter((source) => !existsSync(join(ROOT, source)));
    expect(orphans).toEqual([]);
  });

  test('npm publish --dry-run reports no problem with the manifest', () => {
    // A token for the dry run only: without one npm warns that publishing needs a login.
    const token = '--//registry.npmjs.org/:_authToken=dry-run';
    const args = ['publish', '--dry-run', '--ignore-scripts', token];
    const r = spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /^npm (warn|error)/i.test(l))).toEqual([]);
  });

  test('every entry point it names is in the tarball', () => {
    const targets = [packed.main, packed.types, ...Object.values(packed.bin)];
    for (const target of Object.values(packed.exports)) {
      targets.push(...(typeof target === 'string' ? [target] : Object.values(target)));
    }
    for (const [subpath, paths] of Object.entries(packed.typesVersions['*'])) {
      if (subpath !== '*') targets.push(...paths);
    }
    expect(targets.length).toBeGreaterThan(8);
    for (const target of targets) expect(files).toContain(target.replace(/^\.\//, ''));
  });

  test('typesVersions maps the same subpaths as exports, with the same type files', () => {
    const mapped = packed.typesVersions['*'];
    for (const subpath of ['cdk', 'pulumi']) {
      const exported = packed.exports[`./${subpath}`] as Record<string, string>;
      expect(mapped[subpath]).toEqual([exported.types.replace(/^\.\//, '')]);
    }
  });
});

describe('a consumer project type-checks imports of portplan, portplan/cdk and portplan/pulumi', () => {
  // What `tsc --noEmit -p <config>` does, through the compiler API in one process: the type files
  // of the SDKs (aws-cdk-lib alone is 2,500 files) are parsed once and shared by the programs.
  const parsedFiles = new Map<string, ts.SourceFile>();
  test.each(Object.keys(CONFIGS))('%s', (name) => {
    expect(typeCheck(join(consumer, configFile(name)), parsedFiles)).toEqual([]);
  });
});

/** The errors `tsc --noEmit -p config` reports, one line each; SDK type files are parsed once into `cache`. */
function typeCheck(config: string, cache: Map<string, ts.SourceFile>): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    config,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${config}`);
  const host = ts.createCompilerHost(parsed.options);
  const read = host.getSourceFile.bind(host);
  // A file parses the same under every configuration here except for its language version and
  // module format, so those are in the key.
  host.getSourceFile = (file, options, onError, create) => {
    const { languageVersion, impliedNodeFormat } =
      typeof options === 'object' ? options : { languageVersion: options, impliedNodeFormat: undefined };
    if (!file.includes('/node_modules/')) return read(file, options, onError, create);
    const key = `${languageVersion} ${impliedNodeFormat ?? ''} ${file}`;
    const cached = cache.get(key) ?? read(file, options, onError, create);
    if (cached) cache.set(key, cached);
    return cached;
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return [...parsed.errors, ...ts.getPreEmitDiagnostics(program)].map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const at =
      d.file && where
        ? `${d.file.fileName.slice(consumer.length + 1)}(${where.line + 1},${where.character + 1}): `
        : '';
    return `${at}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('the installed package at run time', () => {
  const script = (load: string) => `${load}
const out = {
  flows: spec.resolve(spec.PRESETS.serverprotect).flows.length,
  cdk: typeof cdk.PortPlan,
  pulumi: typeof pulumi.PortPlan,
  schema: JSON.stringify(schema),
};
process.stdout.write(JSON.stringify(out));`;

  test('CommonJS: require() of every entry point and of portplan/schema.json', () => {
    const load = `const spec = require('portplan');
const cdk = require('portplan/cdk');
const pulumi = require('portplan/pulumi');
const schema = require('portplan/schema.json');`;
    const r = spawnSync(process.execPath, ['-e', script(load)], { cwd: join(consumer, 'cjs'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
  });

  test('ES module: import of every entry point (named exports) and of portplan/schema.json', () => {
    const load = `import * as spec from 'portplan';
import { PortPlan as CdkPortPlan } from 'portplan/cdk';
import { PortPlan as AzurePortPlan } from 'portplan/pulumi';
import schema from 'portplan/schema.json' with { type: 'json' };
const cdk = { PortPlan: CdkPortPlan };
const pulumi = { PortPlan: AzurePortPlan };`;
    const args = ['--input-type=module', '--no-warnings', '-e', script(load)];
    const r = spawnSync(process.execPath, args, { cwd: join(consumer, 'esm'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
  });

  test('the installed CLI prints its version and a table', () => {
    const bin = join(consumer, 'node_modules/portplan', packed.bin.portplan);
    const version = spawnSync(process.execPath, [bin, '--version'], { cwd: consumer, encoding: 'utf8' });
    expect([version.status, version.stdout]).toEqual([0, `${repoManifest.version}\n`]);
    const args = [bin, 'table', '--preset', 'serverprotect'];
    const table = spawnSync(process.execPath, args, { cwd: consumer, encoding: 'utf8' });
    expect(table.status).toBe(0);
    expect(table.stdout.trim().split('\n')).toHaveLength(EXPECTED.flows + 2);
  });
});
