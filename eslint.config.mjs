import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FOLDERS = ['model', 'packets', 'aws', 'azure', 'host', 'verify', 'evidence', 'cdk', 'pulumi', 'cli'];
const PACKAGES = [
  'aws-cdk-lib',
  'constructs',
  '@pulumi/pulumi',
  '@pulumi/azure-native',
  '@aws-sdk/client-ec2',
  'commander',
  'yaml',
  '@duckdb/node-api',
];
const PACKAGE_PATTERNS = {
  'aws-cdk-lib': 'aws-cdk-lib*',
  constructs: 'constructs',
  '@pulumi/pulumi': '@pulumi/*',
  '@pulumi/azure-native': '@pulumi/*',
  '@aws-sdk/client-ec2': '@aws-sdk/*',
  commander: 'commander',
  yaml: 'yaml',
  '@duckdb/node-api': '@duckdb/*',
};

/** The import patterns a folder of lib/ may not use: other folders, and packages it is not given. */
function forbidden(folder, folders, packages) {
  const allowed = new Set(packages.map((p) => PACKAGE_PATTERNS[p]));
  const pkgs = [...new Set(PACKAGES.map((p) => PACKAGE_PATTERNS[p]))].filter((p) => !allowed.has(p));
  const dirs = FOLDERS.filter((f) => f !== folder && !folders.includes(f)).map((f) => `../${f}`);
  return [...pkgs, '@azure/*', ...dirs.flatMap((d) => [d, `${d}/*`])];
}

/** One ESLint block per folder of lib/, from the table of what each may import. */
function layers(table) {
  return Object.entries(table).map(([folder, { folders, packages }]) => ({
    files: [`lib/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: forbidden(folder, folders, packages) }] },
  }));
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'coverage/', 'bench/results/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The layers of lib/: each folder may import only the folders and packages listed for it, so pure
  // logic never reaches a cloud SDK, emitters never reach each other, and the CLI reaches no SDK.
  ...layers({
    // The model (the spec): catalogs (YAML or JSON files), declaration, validation, resolve(), placement, names.
    model: { folders: [], packages: ['yaml'] },
    // The packet-set engine: the model's errors and CIDR parser only.
    packets: { folders: ['model'], packages: [] },
    // The clouds' rules as code: planners, quotas, evaluators, the ARM validator; no SDK.
    aws: { folders: ['model', 'packets'], packages: [] },
    azure: { folders: ['model', 'packets'], packages: [] },
    // Host firewall rules and the scripts that carry them.
    host: { folders: ['model', 'packets'], packages: [] },
    // Site checks and their readers; only ec2.ts reads a cloud API (the SDK loaded when called).
    verify: { folders: ['model', 'packets', 'aws', 'azure'], packages: [] },
    // Flow logs and inventories read as data, with Node alone.
    evidence: { folders: ['model', 'packets'], packages: [] },
    // The emitters only create resources: each reads its cloud's planner and nothing of the other.
    cdk: { folders: ['model', 'aws'], packages: ['aws-cdk-lib', 'constructs'] },
    pulumi: { folders: ['model', 'azure'], packages: ['@pulumi/pulumi', '@pulumi/azure-native'] },
    // The CLI parses and prints: every pure module, no SDK.
    cli: {
      folders: ['model', 'packets', 'aws', 'azure', 'host', 'verify', 'evidence'],
      packages: ['commander', 'yaml'],
    },
  }),
  {
    // `verify aws` reads EC2 here and only here.
    files: ['lib/verify/ec2.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden('verify', ['model', 'aws'], ['@aws-sdk/client-ec2']) }],
    },
  },
);
