// The command line as bin/portplan.js runs it, for whole-process benchmarks of the precompiled
// sources: `node <tree>/bench/proc/cli.js <arguments>`.
import { runAsync } from '../../lib/cli/main';

void runAsync(
  process.argv.slice(2),
  (t) => process.stdout.write(t),
  (t) => process.stderr.write(t),
).then((code) => {
  process.exitCode = code;
});
