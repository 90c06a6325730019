// `npm run generate`: writes the files derived from the spec, which tests compare with the CLI:
// schema/declaration.schema.json, schema/catalog.schema.json, lib/model/builtin.generated.ts,
// lib/pulumi/schema-types.generated.ts, lib/cdk/products.generated.ts, and the
// generated blocks of the documentation (README.md and every docs/*.md page): each block between
// `<!-- portplan <args> -->` and `<!-- /portplan -->` is the output of `portplan <args>`, each block
// between `<!-- portplan-file <path> -->` and `<!-- /portplan-file -->` the repository file at <path>.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { run } from '../lib/cli/main';
import { catalogJsonSchema, declarationJsonSchema } from '../lib/model';
import { builtinTypesSource } from './builtin-types';
import { cdkPropsSource, productApis, pulumiSource } from './api-types';
import { CATALOG_TYPES, declarationTypes, typesFile } from './schema-types';
import serverprotect from '../lib/model/catalogs/serverprotect.json';
import sum from '../lib/model/catalogs/sum.json';
import type { CatalogDefinition } from '../lib/model';
import { execFileSync } from 'node:child_process';

const root = join(__dirname, '..');

/** A command block: opening marker with the CLI arguments, body, closing marker. */
export const COMMAND_BLOCK = /<!-- portplan (.+?) -->\n([\s\S]*?)<!-- \/portplan -->/g;

/** A file block: opening marker with a path from the repository root, body, closing marker. */
export const FILE_BLOCK = /<!-- portplan-file (\S+) -->\n([\s\S]*?)<!-- \/portplan-file -->/g;

/**
 * The files that hold generated blocks, relative to the repository root: README.md, then every
 * docs/*.md page by name (docs/api/, TypeDoc's output, is a directory and not read).
 */
export function documentationFiles(dir: string = root): string[] {
  const pages = readdirSync(join(dir, 'docs'), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => `docs/${entry.name}`)
    .sort();
  return ['README.md', ...pages];
}

function fence(language: string, text: string): string {
  return `\`\`\`${language}\n${text.endsWith('\n') ? text : `${text}\n`}\`\`\`\n`;
}

/** A command block's body for a command's output: Markdown as it is, Mermaid and plain text fenced. */
export function blockBody(args: string, output: string): string {
  if (args.startsWith('diagram')) return fence('mermaid', output);
  if (args.startsWith('explain')) return fence('text', output);
  return output;
}

// The fence language of a file block, by the file's extension; anything else is shown as text.
const FILE_LANGUAGES: Readonly<Record<string, string>> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.ts': 'ts',
};

/** A file block's body: the file's text in a fence of its language. */
export function fileBlockBody(path: string, text: string): string {
  return fence(FILE_LANGUAGES[extname(path)] ?? 'text', text);
}

/** Reads a file block's file; a path that leaves the repository is refused, naming the path. */
export function repositoryFile(path: string, dir: string = root): string {
  const inside = relative(dir, resolvePath(dir, path));
  if (inside === '' || isAbsolute(inside) || inside.split(sep)[0] === '..')
    throw new Error(`portplan-file ${path}: must name a file inside the repository`);
  return readFileSync(join(dir, inside), 'utf8');
}

/**
 * A documentation file's text with every block rewritten: command blocks from `command(args)`,
 * file blocks from `file(path)`. Text outside the blocks is kept as it is.
 */
export function regenerate(text: string, command: (args: string) => string, file: (path: string) => string): string {
  return text
    .replace(
      COMMAND_BLOCK,
      (_m, args: string) => `<!-- portplan ${args} -->\n${blockBody(args, command(args))}<!-- /portplan -->`,
    )
    .replace(
      FILE_BLOCK,
      (_m, path: string) => `<!-- portplan-file ${path} -->\n${fileBlockBody(path, file(path))}<!-- /portplan-file -->`,
    );
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

const BUILTIN_DEFINITIONS = [serverprotect, sum] as unknown as CatalogDefinition[];

// Source text formatted as the project formats code (by the Prettier command, which also runs under
// Jest, where Prettier's API cannot load).
function formatted(path: string, source: string): string {
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', join(root, path)], {
    input: source,
    encoding: 'utf8',
  });
}

/**
 * The TypeScript files the built-in catalogs make, by path from the repository root, as
 * `npm run generate` writes them: a test compares each with the file in the repository.
 */
export function catalogTypeFiles(
  catalogs: readonly CatalogDefinition[] = BUILTIN_DEFINITIONS,
): Readonly<Record<string, string>> {
  return {
    'lib/model/builtin.generated.ts': formatted('lib/model/builtin.generated.ts', builtinTypesSource(catalogs)),
    'lib/pulumi/schema-types.generated.ts': formatted('lib/pulumi/schema-types.generated.ts', pulumiSource(catalogs)),
    'lib/cdk/products.generated.ts': formatted('lib/cdk/products.generated.ts', cdkPropsSource(productApis(catalogs))),
  };
}

function main(): void {
  for (const [path, text] of Object.entries(catalogTypeFiles())) writeFileSync(join(root, path), text);
  for (const spec of [CATALOG_TYPES, declarationTypes()]) writeFileSync(join(root, spec.path), typesFile(spec));
  writeFileSync(join(root, 'schema/declaration.schema.json'), `${JSON.stringify(declarationJsonSchema(), null, 2)}\n`);
  writeFileSync(join(root, 'schema/catalog.schema.json'), `${JSON.stringify(catalogJsonSchema(), null, 2)}\n`);
  for (const name of documentationFiles()) {
    const path = join(root, name);
    writeFileSync(
      path,
      regenerate(readFileSync(path, 'utf8'), cli, (file) => repositoryFile(file)),
    );
  }
}

if (require.main === module) main();
