import { run } from '../../lib/cli/main';

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
