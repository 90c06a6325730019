import { spawnSync } from 'node:child_process';

/** How to install cfn-lint, named wherever it is missing (.ci/run installs it this way). */
export const CFN_LINT_INSTALL = 'python3 -m pip install cfn-lint';

/**
 * The `cfn-lint` command, or undefined where it is not installed. Like the nft check of the
 * host-firewall tests: under CI=true a missing tool fails the suite with the install command;
 * elsewhere the caller skips its lint test with that message.
 */
export function cfnLint(): string | undefined {
  const found = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (!found.error && found.status === 0) return 'cfn-lint';
  const message = `cfn-lint is not installed (${CFN_LINT_INSTALL})`;
  if (process.env.CI === 'true') throw new Error(`${message}: .ci/run should have installed it`);
  process.stderr.write(`${message}; the cfn-lint tests are skipped\n`);
  return undefined;
}

/** cfn-lint findings of severity error (E rules) over the templates, one line each. */
export function cfnLintErrors(
  command: string,
  templates: readonly string[],
): { errors: string[]; status: number | null } {
  const lint = spawnSync(command, ['--format', 'parseable', ...templates], { encoding: 'utf8' });
  if (lint.error) throw lint.error;
  // cfn-lint exits 0 when clean; bit 2 means errors, 4 warnings, 8 informational.
  return { errors: lint.stdout.split('\n').filter((l) => /:E\d+:/.test(l)), status: lint.status };
}
