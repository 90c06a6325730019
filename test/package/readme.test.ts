import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { documentationFiles } from '../../scripts/generate';
import { CFN_LINT_INSTALL } from '../support/aws-cfn-lint';

// README.md is the first page a user sees (on GitHub, in the package, as the site's index page);
// docs/*.md are the guides. GitHub renders them in the repository and TypeDoc as one site, each
// with its own heading anchors: a link has to work in both.
const ROOT = join(__dirname, '../..');
const read = (name: string) => readFileSync(join(ROOT, name), 'utf8');

/** The text outside fenced code blocks, front matter and HTML comments, one entry per line. */
function proseLines(text: string): string[] {
  const lines = text.replace(/<!--[\s\S]*?-->/g, '').split('\n');
  const start = lines[0] === '---' ? lines.indexOf('---', 1) + 1 : 0;
  let fenced = false;
  return lines.slice(start).filter((line) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else return !fenced;
    return false;
  });
}

/** A heading's text as rendered: inline code and links reduced to their text. */
const headingText = (raw: string) => raw.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
const githubSlug = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** TypeDoc 0.28's anchor of a heading (its default `sluggerConfiguration`: lower case). */
const typedocSlug = (text: string) =>
  (
    text
      .trim()
      .replace(/[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,./:;<=>?@[\]^`{|}~]/g, '')
      .replace(/\s/g, '-')
      .replace(/--+/, '-') || '_'
  ).toLowerCase();

/** Every anchor a page's headings get, under one slug scheme; repeated headings get -1, -2, ... */
function anchors(text: string, slug: (heading: string) => string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(headingText(heading[1]));
    const count = seen.get(base);
    seen.set(base, (count ?? -1) + 1);
    out.add(count === undefined ? base : `${base}-${count + 1}`);
  }
  return out;
}

/** The targets of a page's Markdown links, outside code. */
function linkTargets(text: string): string[] {
  const prose = proseLines(text)
    .join('\n')
    .replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

/**
 * What is wrong with each relative link of a page (`page`: its path from the repository root): it
 * must reach README.md or a docs/*.md page (a file outside them is not part of the site, and users
 * of the package do not have the repository), and an anchor must name a heading there, under both
 * GitHub's and TypeDoc's anchors.
 */
function brokenLinks(page: string, text: string, readPage: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [path, anchor] = target.split('#', 2);
    const file = path === '' ? page : posix.normalize(posix.join(posix.dirname(page), path));
    const body = readPage(file);
    if (file !== 'README.md' && !/^docs\/[^/]+\.md$/.test(file))
      problems.push(`${page}: ${target}: not README.md or a docs/*.md page`);
    else if (body === undefined) problems.push(`${page}: ${target}: no such file`);
    else if (anchor !== undefined) {
      for (const [scheme, slug] of [
        ['GitHub', githubSlug],
        ['TypeDoc', typedocSlug],
      ] as const)
        if (!anchors(body, slug).has(anchor))
          problems.push(`${page}: ${target}: no heading with ${scheme} anchor #${anchor}`);
    }
  }
  return problems;
}

const fromRepository = (path: string) => {
  const file = join(ROOT, path);
  return existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
};

describe('README.md', () => {
  const lines = read('README.md').replace(/\n$/, '').split('\n');

  test('is under 300 lines', () => {
    expect(lines.length).toBeLessThan(300);
  });

  test('its first 40 lines give the install command and a whole TypeScript example', () => {
    const top = lines.slice(0, 40);
    expect(top.filter((l) => /^npm install (github:portplan\/portplan|portplan)(\s|$)/.test(l))).toHaveLength(2);
    const open = top.findIndex((l) => l === '```ts');
    expect(open).toBeGreaterThanOrEqual(0);
    const close = top.indexOf('```', open + 1);
    expect(close).toBeGreaterThan(open + 3);
    expect(top.slice(open + 1, close).some((l) => /^import .* from 'portplan\//.test(l))).toBe(true);
  });
});

describe('links between README.md and docs/*.md', () => {
  test.each(documentationFiles(ROOT))(
    'every relative link of %s reaches a page and, with an anchor, its heading',
    (page) => {
      expect(brokenLinks(page, read(page), fromRepository)).toEqual([]);
    },
  );

  test('the check finds a missing page, a missing heading, a file outside the documentation and a heading only GitHub anchors', () => {
    const pages: Record<string, string> = {
      'README.md': '# portplan\n\n## Install `it` (now)\n',
      'docs/a.md': '---\ntitle: A\n---\n\n# A\n\n```sh\n# not a heading\n```\n\n## Two  spaces\n\n## Same\n\n## Same\n',
    };
    const page = [
      '[ok](../README.md#install-it-now) [ok](#same-1) [ok](a.md) [web](https://example.com/x.md)',
      '[gone](missing.md) [nope](../README.md#portplan-install) [code](#not-a-heading) [src](../lib/model/index.ts)',
      '[spaces](#two--spaces) `[in code](missing-too.md)`',
    ].join('\n');
    expect(brokenLinks('docs/a.md', page, (p) => pages[p])).toEqual([
      'docs/a.md: missing.md: no such file',
      'docs/a.md: ../README.md#portplan-install: no heading with GitHub anchor #portplan-install',
      'docs/a.md: ../README.md#portplan-install: no heading with TypeDoc anchor #portplan-install',
      'docs/a.md: #not-a-heading: no heading with GitHub anchor #not-a-heading',
      'docs/a.md: #not-a-heading: no heading with TypeDoc anchor #not-a-heading',
      'docs/a.md: ../lib/model/index.ts: not README.md or a docs/*.md page',
      'docs/a.md: #two--spaces: no heading with TypeDoc anchor #two--spaces',
    ]);
  });
});

describe('the documentation site', () => {
  const typedoc = JSON.parse(read('typedoc.json')) as { readme?: string; projectDocuments?: string[] };

  test('has README.md as its index page and every docs/*.md page as a document, once', () => {
    expect(typedoc.readme).toBe('README.md');
    const pages = documentationFiles(ROOT).filter((f) => f !== 'README.md');
    expect(pages.length).toBeGreaterThan(5);
    expect([...(typedoc.projectDocuments ?? [])].sort()).toEqual(pages);
  });
});

test('docs/development.md gives the install command a missing cfn-lint is reported with', () => {
  expect(read('docs/development.md')).toContain(CFN_LINT_INSTALL);
});
