import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    // The spec stays free of cloud SDKs; adapters never import each other.
    files: ['lib/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['aws-cdk-lib*', 'constructs', '@pulumi/*', '../cdk*', '../pulumi*'] },
      ],
    },
  },
  {
    // The CLI parses and prints: the spec, the host firewall adapter, the verifiers, and of the cloud
    // adapters only their two pure rule planners (`portplan report` lists the rules they write).
    files: ['lib/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['aws-cdk-lib*', 'constructs', '@pulumi/*', '@aws-sdk/*'] },
            {
              regex: '^\\.\\./(cdk|pulumi)(?!/rules$)',
              message: 'the CLI may import only ../cdk/rules and ../pulumi/rules of the adapters',
            },
          ],
        },
      ],
    },
  },
  {
    // The host firewall adapter reads the spec only: no cloud SDK, no other adapter, not the CLI.
    files: ['lib/host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'aws-cdk-lib*',
            'constructs',
            '@pulumi/*',
            '../cdk*',
            '../pulumi*',
            '../cli*',
            'commander',
            'yaml',
          ],
        },
      ],
    },
  },
  {
    // The evaluators apply the clouds' documented rules to plain models: no cloud SDK, no adapter,
    // so the verdicts never borrow the code they check.
    files: ['lib/verify/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'aws-cdk-lib*',
            'constructs',
            '@pulumi/*',
            '@aws-sdk/*',
            '@azure/*',
            '../cdk*',
            '../pulumi*',
            '../cli*',
          ],
        },
      ],
    },
  },
  {
    // `verify aws` reads EC2 here and only here; the SDK is loaded when called.
    files: ['lib/verify/ec2.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['aws-cdk-lib*', 'constructs', '@pulumi/*', '@azure/*', '../cdk*', '../pulumi*', '../cli*'],
        },
      ],
    },
  },
  {
    // The evidence reads flow logs and inventories as data, with Node alone: no cloud SDK, no
    // adapter, not the CLI or the verifiers, no dev-only reader.
    files: ['lib/evidence/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'aws-cdk-lib*',
            'constructs',
            '@pulumi/*',
            '@aws-sdk/*',
            '@azure/*',
            '@duckdb/*',
            '../cdk*',
            '../pulumi*',
            '../host*',
            '../cli*',
            '../verify*',
            'commander',
            'yaml',
          ],
        },
      ],
    },
  },
  {
    // The packet-set engine is pure: the spec's errors and CIDR parser only; no SDK, no adapter,
    // no verifier, no CLI, so that every layer above may reason with it.
    files: ['lib/packets/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'aws-cdk-lib*',
            'constructs',
            '@pulumi/*',
            '@aws-sdk/*',
            '@azure/*',
            '../cdk*',
            '../pulumi*',
            '../host*',
            '../verify*',
            '../cli*',
            'commander',
            'yaml',
          ],
        },
      ],
    },
  },
  {
    files: ['lib/cdk/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@pulumi/*', '../pulumi*', '../host*', '../cli*'] }] },
  },
  {
    files: ['lib/pulumi/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['aws-cdk-lib*', 'constructs', '../cdk*', '../host*', '../cli*'] },
      ],
    },
  },
);
