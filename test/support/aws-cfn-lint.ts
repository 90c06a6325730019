import { spawnSync } from 'node:child_process';
import { requireTool } from './tools';

/** How to install cfn-lint, named wherever it is missing (pipx, as docs/development.md says; .ci/run falls back to a venv). */
export const CFN_LINT_INSTALL = 'pipx install cfn-lint';

/**
 * The `cfn-lint` command, or undefined where it is not installed: the one rule for external tools
 * ({@link requireTool}): under CI=true a missing tool fails the suite naming the install command;
 * elsewhere the caller skips its lint test with that message.
 */
export function cfnLint(): string | undefined {
  return requireTool('cfn-lint', CFN_LINT_INSTALL).path;
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
