// `npm run generate`: writes the files derived from the spec, which tests compare with the CLI:
// schema/declaration.schema.json, and each README block between
// `<!-- portplan <args> -->` and `<!-- /portplan -->` (the output of `portplan <args>`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/cli/main';
import { catalogJsonSchema, declarationJsonSchema } from '../lib/spec';
import { builtinTypesSource } from './builtin-types';
import { CATALOG_TYPES, declarationTypes, typesFile } from './schema-types';
import serverprotect from '../lib/spec/catalogs/serverprotect.json';
import sum from '../lib/spec/catalogs/sum.json';
import type { CatalogDefinition } from '../lib/spec';
import { execFileSync } from 'node:child_process';

const root = join(__dirname, '..');

/** The README block pattern: opening marker with the CLI arguments, body, closing marker. */
export const README_BLOCK = /<!-- portplan (.+?) -->\n([\s\S]*?)<!-- \/portplan -->/g;

/** A README block's body for a command's output: Mermaid goes in a fenced block. */
export function blockBody(args: string, output: string): string {
  return args.startsWith('diagram') ? `\`\`\`mermaid\n${output}\`\`\`\n` : output;
}

function cli(args: string): string {
  let out = '';
  const code = run(
    args.split(' '),
    (t) => (out += t),
    () => undefined,
  );
  if (code !== 0) throw new Error(`portplan ${args} exited ${code}`);
  return out;
}

/**
 * lib/spec/builtin.generated.ts as the built-in catalogs make it, formatted as the project formats
 * code (by the Prettier command, which also runs under Jest, where Prettier's API cannot load).
 */
export function builtinTypesFile(): string {
  const file = join(root, 'lib/spec/builtin.generated.ts');
  const source = builtinTypesSource([serverprotect, sum] as unknown as CatalogDefinition[]);
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', file], { input: source, encoding: 'utf8' });
}

function main(): void {
  writeFileSync(join(root, 'lib/spec/builtin.generated.ts'), builtinTypesFile());
  for (const spec of [CATALOG_TYPES, declarationTypes()]) writeFileSync(join(root, spec.path), typesFile(spec));
  writeFileSync(join(root, 'schema/declaration.schema.json'), `${JSON.stringify(declarationJsonSchema(), null, 2)}\n`);
  writeFileSync(join(root, 'schema/catalog.schema.json'), `${JSON.stringify(catalogJsonSchema(), null, 2)}\n`);
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8').replace(
    README_BLOCK,
    (_m, args: string) => `<!-- portplan ${args} -->\n${blockBody(args, cli(args))}<!-- /portplan -->`,
  );
  writeFileSync(readme, text);
}

if (require.main === module) main();
