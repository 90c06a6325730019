// Loading portplan loads only what the code path uses: the spec no package at all, the CDK
// adapter aws-cdk-lib and constructs, the Pulumi adapter @pulumi/pulumi and the one azure-native
// subpath it uses. Never the CLI's commander and yaml, nor a schema library. Each entry point is
// required in a fresh Node process (through scripts/ts-run.js, so from the sources) and its
// require.cache is read.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** The packages (node_modules/<name>/...) and the repository files a fresh process loads for `entry`. */
function loadedBy(entry: string): { packages: string[]; files: string[] } {
  const run = () =>
    spawnSync(process.execPath, ['scripts/ts-run.js', 'test/startup/loaded.ts', join(ROOT, entry)], {
      cwd: ROOT,
      encoding: 'utf8',
    });
  // The first run fills ts-run's transpile cache (loading TypeScript if a source changed); the
  // second loads exactly what the package does.
  run();
  const r = run();
  expect(r.stderr).toBe('');
  const loaded = JSON.parse(r.stdout) as string[];
  const inPackage = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  const packages = [
    ...new Set(
      loaded.flatMap((p) => {
        const m = inPackage(p);
        return m ? [m[1]] : [];
      }),
    ),
  ].sort();
  const files = loaded.flatMap((p) => {
    const m = inPackage(p);
    return m ? [`${m[1]}/${m[2]}`] : [];
  });
  return { packages, files };
}

const NEVER = ['zod', 'commander', 'yaml'];

test('portplan (the spec) loads no package at all', () => {
  expect(loadedBy('lib/model/index.ts').packages).toEqual([]);
});

test('portplan/cdk loads aws-cdk-lib and constructs, nothing else', () => {
  const { packages } = loadedBy('lib/cdk/index.ts');
  expect(packages).toEqual(['aws-cdk-lib', 'constructs']);
  for (const p of NEVER) expect(packages).not.toContain(p);
});

test('portplan/pulumi loads Pulumi and only the network subpath of azure-native', () => {
  const { packages, files } = loadedBy('lib/pulumi/index.ts');
  for (const p of NEVER) expect(packages).not.toContain(p);
  expect(packages).not.toContain('aws-cdk-lib');
  expect(packages).toContain('@pulumi/pulumi');
  const azure = files.filter((f) => f.startsWith('@pulumi/azure-native/'));
  expect(azure).toContain('@pulumi/azure-native/network/index.js');
  // The package root (every Azure service) is never loaded; only network, its enums and the
  // package's shared helpers.
  expect(azure).not.toContain('@pulumi/azure-native/index.js');
  for (const f of azure) {
    expect(f).toMatch(/^@pulumi\/azure-native\/(network\/|types\/enums\/network\/|utilities\.js$|package\.json$)/);
  }
});
