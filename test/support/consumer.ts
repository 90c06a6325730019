// Throw-away consumer projects that install portplan the ways a user does: from git (what a
// `github:` dependency does) and from the packed tarball. npm does the installing, so its own
// rules apply: a git dependency is cloned, its devDependencies installed and its `prepare` script
// run before it is packed (https://docs.npmjs.com/cli/v11/configuring-npm/package-json#git-urls-as-dependencies).
// The optional peer SDKs are linked from this repository afterwards (a user installs them; here
// they would be the same 300 MB again), as is TypeScript 5.9; TypeScript 7 is installed from the
// registry into a tools folder of its own.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root. */
export const ROOT = join(__dirname, '../..');

/** The TypeScript 7 release `cdk init app --language typescript` gives today (`typescript: ~7.0.2`). */
export const TYPESCRIPT_7 = '7.0.2';

/** Linked into every consumer's node_modules from this repository: the optional peers, TypeScript 5.9, Node types. */
export const LINKED = [
  'aws-cdk-lib',
  'constructs',
  '@pulumi/pulumi',
  '@pulumi/azure-native',
  'typescript',
  '@types/node',
];

/** What a command printed and how it ended. */
export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; throws with its output when it fails and `check` is set. */
export function run(cmd: string, args: readonly string[], cwd: string, check = true): Ran {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (check && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Flags for every install: nothing interactive, the npm cache first (`npm ci` has filled it).
const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save'];

/**
 * A git repository holding the working tree as it is (tracked files and new files git does not
 * ignore, as `git status` sees them), committed: what a clone of this checkout would give once
 * the change is committed. Returns its `git+file://` URL.
 */
export function gitSourceOfWorkingTree(dir: string): string {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT).stdout;
  mkdirSync(dir, { recursive: true });
  for (const file of listed.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  run('git', ['init', '-q', '-b', 'main'], dir);
  run('git', ['add', '-A'], dir);
  const who = ['-c', 'user.name=portplan tests', '-c', 'user.email=tests@portplan.invalid'];
  run('git', [...who, 'commit', '-q', '-m', 'working tree'], dir);
  return `git+file://${dir}`;
}

/** A consumer project: an empty package (CommonJS), with portplan installed by npm from `spec`. */
export interface Consumer {
  /** The project folder. */
  readonly dir: string;
  /** What `npm install` printed. */
  readonly install: Ran;
}

/** Makes a project in `dir`, installs `spec` (a git URL or a tarball path) with npm, then links {@link LINKED}. */
export function installConsumer(dir: string, spec: string): Consumer {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const install = run('npm', [...INSTALL, spec], dir);
  for (const name of LINKED) {
    const link = join(dir, 'node_modules', name);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
  return { dir, install };
}

/** Installs TypeScript 7 into `dir` (a tools folder, not a consumer: npm would prune the links there); returns its tsc. */
export function installTypeScript7(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'tools', private: true }));
  run('npm', [...INSTALL, `typescript@${TYPESCRIPT_7}`], dir);
  return join(dir, 'node_modules/typescript/bin/tsc');
}

/**
 * The tsconfig.json `cdk init app --language typescript` writes, read from the CDK CLI this
 * repository installs (its init template), without the Jest types a consumer here lacks.
 */
export function cdkInitTsconfig(): { compilerOptions: Record<string, unknown> } {
  const template = join(ROOT, 'node_modules/aws-cdk/lib/init-templates/app/typescript/tsconfig.json');
  const config = JSON.parse(readFileSync(template, 'utf8')) as { compilerOptions: Record<string, unknown> };
  return { compilerOptions: { ...config.compilerOptions, types: ['node'] } };
}

/** Writes `files` (path to text) under `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}
