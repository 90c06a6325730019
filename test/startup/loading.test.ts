// Loading portplan loads only what the code path uses: the spec no package at all, the CDK
// adapter aws-cdk-lib and constructs, the Pulumi adapter @pulumi/pulumi and the one azure-native
// subpath it uses. Never the CLI's commander and yaml, nor a schema library. The CLI loads commander
// and the modules every command shares; a command's own modules when it runs. Each entry point is
// required in a fresh Node process (through scripts/ts-run.js, so from the sources) and its
// require.cache is read.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/**
 * The packages (node_modules/<name>/...), their files, and the repository's own files (relative
 * paths) a fresh process loads for `entry`.
 */
function loadedBy(entry: string): { packages: string[]; files: string[]; own: string[] } {
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
  const own = loaded.filter((p) => !inPackage(p) && p.startsWith(`${ROOT}/`)).map((p) => p.slice(ROOT.length + 1));
  return { packages, files, own };
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

test('the command line loads what every command needs; a command loads the rest when it runs', () => {
  const { packages, own } = loadedBy('lib/cli/main.ts');
  expect(packages).toEqual(['commander']);
  // explain of a pair, the tables and --version start without the flow log readers, the cloud
  // planners and site readers, the host firewall writers and the spec's index of every module.
  const later = [
    /^lib\/(evidence|aws|azure)\//,
    /^lib\/verify\/(site|site-aws|site-azure|ec2|explain-aws|explain-azure|plan-diff|admin-rules-file)\.ts$/,
    /^lib\/host\/(index|request|rules|powershell|nftables|firewalld)\.ts$/,
    /^lib\/model\/(index|catalog-diff|catalog-table|import-firewalld)\.ts$/,
  ];
  expect(own.filter((f) => later.some((p) => p.test(f)))).toEqual([]);
  // The command line itself and the spec it resolves declarations with are loaded.
  expect(own).toEqual(
    expect.arrayContaining(['lib/cli/main.ts', 'lib/model/resolve.ts', 'lib/verify/explain-pair.ts']),
  );
});
