// How a failed schema check becomes a problem a user reads: the path in the user's terms, the
// value found there, what is allowed, and a "did you mean" when a near name exists. Shared by the
// declaration and the catalog checks, so both read the same.
import type { SchemaIssue, SchemaPath } from './schema';
import { closestMatch } from './suggest';

/** One thing wrong with a declaration or a catalog. */
export interface DeclarationProblem {
  /** Where, as a path such as `groups[2].role`. */
  readonly path: string;
  /** The value found there (`undefined` where a value is missing). */
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /** What the value was probably meant to be, as a "did you mean" sentence, if a near name exists. */
  readonly hint?: string;
}

/** The value at `path` in `input`, or `undefined`. @internal */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** A path as users write it: `groups[2].role`; the root is `(declaration)`. @internal */
export function pathText(path: SchemaPath | readonly PropertyKey[], root = '(declaration)'): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text || root;
}

/** "did you mean" for a name that should be one of `candidates`, if one is near. @internal */
export function didYouMean(value: unknown, candidates: Iterable<string>): string | undefined {
  if (typeof value !== 'string') return undefined;
  const near = closestMatch(value, [...candidates]);
  return near === undefined ? undefined : `did you mean ${JSON.stringify(near)}?`;
}

/** "did you mean" for a mistyped choice or field name, if one is near. */
function hintFor(issue: SchemaIssue, value: unknown): string | undefined {
  if (issue.choices) return didYouMean(value, issue.choices);
  const keys = issue.unknownKeys;
  if (!keys) return undefined;
  const allowed = issue.allowedKeys ?? [];
  const near = keys.flatMap((k) => {
    const m = closestMatch(k, allowed);
    return m === undefined ? [] : [{ k, m }];
  });
  if (!near.length) return undefined;
  if (keys.length === 1) return `did you mean ${near[0].m}?`;
  return `did you mean ${near.map(({ k, m }) => `${m} (for ${k})`).join(', ')}?`;
}

/** A schema issue as a problem, with the value and a hint. @internal */
export function issueProblem(input: unknown, issue: SchemaIssue, root?: string): DeclarationProblem {
  const value = issue.unknownKeys ?? valueAt(input, issue.path);
  const hint = hintFor(issue, value);
  return { path: pathText(issue.path, root), value, message: issue.message, ...(hint ? { hint } : {}) };
}
