#!/usr/bin/env node
// Runs a TypeScript entry point (the example CDK app: `cdk.json` calls `node scripts/ts-run.js
// examples/cdk/app.ts`) without type-checking it: type-checking is `npm test`'s job. Each .ts file
// is transpiled once with TypeScript's transpileModule and cached under node_modules/.cache, keyed
// by its content and the compiler's version, so a synth loads the compiler only when a source
// changed. Works right after `npm ci`: nothing has to be built first.
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = join(__dirname, '..');
const cacheDir = join(root, 'node_modules', '.cache', 'portplan-ts-run');
const tsVersion = JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')).version;
// The options of tsconfig.json that change emitted code; everything else only affects checking.
const compilerOptions = { module: 'commonjs', target: 'es2022', esModuleInterop: true };
let ts;

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(`${tsVersion}\0${filename}\0${source}`).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    ts ??= require('typescript');
    code = ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText;
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cached, code);
  }
  module._compile(code, filename);
};

const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node scripts/ts-run.js <file.ts> [args...]\n');
  process.exit(2);
}
process.argv.splice(1, 1);
require(resolve(entry));
