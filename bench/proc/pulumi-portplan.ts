// Whole-process benchmark: the example Pulumi program (examples/pulumi/index.ts) under mocks.
// With an argument, writes what it registered there as JSON (the baseline program registers the same).
import { writeFileSync } from 'node:fs';
import { finished, installMocks } from './mocks';

void (async () => {
  const registered = await installMocks();
  const program = await import('../../examples/pulumi/index');
  await finished(registered, [
    program.vnetId,
    program.serverProtectNsgId,
    program.smartUpdateManagerNsgId,
    program.smartUpdateManager7NsgId,
  ]);
  if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(registered));
})();
