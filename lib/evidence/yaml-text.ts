/**
 * Plain data (objects, arrays, text, numbers, true and false) as YAML 1.2 block text, with comments
 * before chosen entries; and a unified diff of two texts. Enough for a reviewable patch to a
 * declaration; what a YAML parser reads back is the data given.
 * @packageDocumentation
 */

/** Comments to write before entries, by path (`peers[2]`, `serverProtect.communication`). */
export type YamlComments = ReadonlyMap<string, string>;

const PLAIN = /^[A-Za-z_/][A-Za-z0-9 ._:/-]*$/;
// Words a YAML reader takes for something else than text.
const SPECIAL = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(v: unknown): string {
  if (typeof v === 'string')
    // A colon ends a key when a space or the end of the line follows it: `A:` is a mapping, not text.
    return PLAIN.test(v) && !SPECIAL.test(v) && !/[ :]$/.test(v) && !v.includes(': ') && !v.includes(' #')
      ? v
      : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return 'null';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyText = (k: string): string =>
  /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) && !SPECIAL.test(k) ? k : JSON.stringify(k);

function lines(v: unknown, indent: string, path: string, comments: YamlComments, out: string[]): void {
  const note = (p: string) => {
    const c = comments.get(p);
    if (c) for (const line of c.split('\n')) out.push(`${indent}# ${line}`);
  };
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      const p = `${path}[${i}]`;
      note(p);
      if ((isObject(item) && Object.keys(item).length) || (Array.isArray(item) && item.length)) {
        const inner: string[] = [];
        lines(item, `${indent}  `, p, comments, inner);
        out.push(`${indent}- ${inner[0].trimStart()}`, ...inner.slice(1));
      } else out.push(`${indent}- ${isObject(item) ? '{}' : Array.isArray(item) ? '[]' : scalar(item)}`);
    });
    return;
  }
  for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
    const p = path ? `${path}.${k}` : k;
    note(p);
    const empty = (isObject(item) && !Object.keys(item).length) || (Array.isArray(item) && !item.length);
    if (empty) out.push(`${indent}${keyText(k)}: ${Array.isArray(item) ? '[]' : '{}'}`);
    else if (isObject(item) || Array.isArray(item)) {
      out.push(`${indent}${keyText(k)}:`);
      lines(item, Array.isArray(item) ? indent : `${indent}  `, p, comments, out);
    } else out.push(`${indent}${keyText(k)}: ${scalar(item)}`);
  }
}

/** An object as YAML block text, with comments before the entries at the given paths. */
export function yamlText(value: Readonly<Record<string, unknown>>, comments: YamlComments = new Map()): string {
  const out: string[] = [];
  lines(value, '', '', comments, out);
  return `${out.join('\n')}\n`;
}

/**
 * A unified diff of two texts, line by line (a longest common subsequence), with three lines of
 * context: what `diff -u` prints, for a reviewer.
 */
export function unifiedDiff(before: string, after: string, from: string, to: string): string {
  const a = before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { op: ' ' | '-' | '+'; text: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ op: ' ', text: a[i++], ai: i, bi: ++j });
    else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1]))
      ops.push({ op: '-', text: a[i++], ai: i, bi: j });
    else ops.push({ op: '+', text: b[j++], ai: i, bi: j });
  }
  return `--- ${from}\n+++ ${to}\n${hunks(ops).join('')}`;
}

function hunks(ops: readonly { op: ' ' | '-' | '+'; text: string; ai: number; bi: number }[]): string[] {
  const out: string[] = [];
  const changed = ops.map((o, k) => (o.op === ' ' ? -1 : k)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - 3);
    let end = changed[k];
    while (k < changed.length && changed[k] <= end + 7) end = changed[k++];
    end = Math.min(ops.length - 1, end + 3);
    const part = ops.slice(start, end + 1);
    const aStart = part[0].op === '+' ? part[0].ai : part[0].ai - 1;
    const bStart = part[0].op === '-' ? part[0].bi : part[0].bi - 1;
    const aLen = part.filter((o) => o.op !== '+').length;
    const bLen = part.filter((o) => o.op !== '-').length;
    out.push(`@@ -${aStart + (aLen ? 1 : 0)},${aLen} +${bStart + (bLen ? 1 : 0)},${bLen} @@\n`);
    out.push(...part.map((o) => `${o.op}${o.text}\n`));
  }
  return out;
}
