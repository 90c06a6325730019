#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm run build` (in a clone: after `npm ci`; `npm test` and `npm pack` run it too).
let cli;
try {
  cli = require('../dist/lib/cli/main.js');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  process.stderr.write('portplan: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
// A reader that stops early (`portplan flows | head`) closes the pipe: that ends the output, it is no failure.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});
// runAsync awaits commands that call a cloud API (verify aws).
cli
  .runAsync(
    process.argv.slice(2),
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  )
  .then((code) => {
    process.exitCode = code;
  });
