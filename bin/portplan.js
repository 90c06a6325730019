#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
let cli;
try {
  cli = require('../dist/lib/cli/main.js');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  process.stderr.write('portplan: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
// runAsync awaits commands that call a cloud API (verify aws).
cli.runAsync(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then((code) => {
  process.exitCode = code;
});
