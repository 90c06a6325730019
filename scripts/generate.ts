// `npm run generate`: writes the files derived from the spec, which tests compare with the CLI:
// schema/declaration.schema.json, and each README block between
// `<!-- portplan <args> -->` and `<!-- /portplan -->` (the output of `portplan <args>`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/cli/main';
import { declarationJsonSchema } from '../lib/spec';

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

if (require.main === module) {
  writeFileSync(join(root, 'schema/declaration.schema.json'), `${JSON.stringify(declarationJsonSchema(), null, 2)}\n`);
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8').replace(
    README_BLOCK,
    (_m, args: string) => `<!-- portplan ${args} -->\n${blockBody(args, cli(args))}<!-- /portplan -->`,
  );
  writeFileSync(readme, text);
}
