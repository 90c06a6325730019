import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * External tools the tests run (`nft`, `firewall-offline-cmd`, `cfn-lint`). One rule for all of them:
 * a tool is there when it is on PATH, as the shell's `command -v` finds it. Under CI (`CI=true`) a
 * missing tool is a failure naming the tool and its install command, since `.ci/run` installs them;
 * elsewhere the tests that need it are skipped, with the same message on standard error.
 */
export interface RequiredTool {
  /** The executable's absolute path; undefined when it is missing (outside CI only). */
  readonly path: string | undefined;
  /** Jest's `test` when the tool is there, `test.skip` when it is missing: declare the tool's tests with it. */
  readonly test: jest.It;
  /** Why the tool's tests are skipped; undefined when the tool is there. */
  readonly missing: string | undefined;
}

/** Whether the tests run under CI, where every external tool is mandatory. */
export const underCi = (env: NodeJS.ProcessEnv = process.env): boolean => /^(true|1)$/i.test(env.CI ?? '');

/** The absolute path of `name` on `PATH`, or undefined. */
export function findOnPath(name: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The message for a missing tool: its name and the command that installs it. */
export const missingToolMessage = (name: string, installHint: string): string =>
  `${name} is not on PATH: install it with \`${installHint}\` (.ci/run installs it)`;

/**
 * Looks `name` up on PATH for the tests of one file.
 * - found: `{ path, test }`, the tests run;
 * - missing under `CI=true`: throws an Error naming the tool and `installHint`, so the suite fails;
 * - missing elsewhere: writes that message to standard error and returns `test.skip`.
 * @param name the executable, e.g. `nft`
 * @param installHint the command that installs it, e.g. `apt-get install -y nftables`
 * @param env the environment to read `PATH` and `CI` from (tests of this helper pass their own)
 */
export function requireTool(name: string, installHint: string, env: NodeJS.ProcessEnv = process.env): RequiredTool {
  const path = findOnPath(name, env.PATH ?? '');
  if (path) return { path, test, missing: undefined };
  const message = missingToolMessage(name, installHint);
  if (underCi(env)) throw new Error(`${message}; CI=true requires it`);
  process.stderr.write(`skipped: ${message}\n`);
  return { path: undefined, test: test.skip, missing: message };
}
