#!/usr/bin/env node
'use strict';
// npm runs `prepare` after `npm ci`/`npm install` in a clone, before `npm pack` and `npm publish`,
// and in the temporary clone it makes of a git dependency (`npm install github:portplan/portplan`),
// with devDependencies installed (https://docs.npmjs.com/cli/v11/using-npm/scripts#life-cycle-scripts).
// In those places the TypeScript sources are present and dist/ is built from them. An installed
// package (from the registry, a tarball or after a git install) has dist/ and no sources: npm 11
// lists its `prepare` among the install scripts a project may approve, and approving it must be
// harmless, so there it does nothing.
const { existsSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
if (!existsSync(join(root, 'tsconfig.build.json')) || !existsSync(join(root, 'lib'))) process.exit(0);
// dist/ is built afresh: tsc never deletes the output of a source file that was moved or removed, and
// a stale module would be packed and published beside the current ones.
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
process.exit(r.status ?? 1);
