import { run, runAsync } from '../../lib/cli/main';

/** Runs the command line in this process, as `npx portplan <args>` would: exit code and both streams. */
export function portplan(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(
    args,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

/** {@link portplan} for the commands that wait for a cloud API (`verify aws`, `explain --site aws`). */
export async function portplanAsync(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAsync(
    args,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}
