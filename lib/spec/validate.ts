import type { Declaration, NormalizedDeclaration } from './options';
import { PortplanError, showValue } from './errors';
import { SUM_DEFAULTS, crossFieldIssues, declarationSchema } from './declaration-schema';
import { isValid, type SchemaIssue } from './schema';
import { closestMatch } from './suggest';

/** One thing wrong with a declaration. */
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

const problemLine = (p: DeclarationProblem): string =>
  `  ${p.path}: ${p.message} (got ${showValue(p.value)})${p.hint ? `; ${p.hint}` : ''}`;

/** The one error every bad declaration throws; `problems` lists each field that is wrong. */
export class DeclarationError extends PortplanError {
  /** Always `DECLARATION`. */
  readonly code = 'DECLARATION';
  /** @param problems every field that is wrong, in schema order; the first gives `path` and `value` */
  constructor(readonly problems: readonly DeclarationProblem[]) {
    super(
      problems[0]?.path ?? '(declaration)',
      problems[0]?.value,
      `invalid portplan declaration:\n${problems.map(problemLine).join('\n')}`,
    );
  }
}

/** JSON-serializable schema of a declaration file, for editors and other tools. */
export function declarationJsonSchema(): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...declarationSchema.json() };
}

/** Options of the 5.x table that a 7.x+ declaration must not set (its ports are fixed). */
const SUM5_ONLY = ['concurrentTargets', 'netbiosNameService', 'webServerPort', 'soapPortCount'] as const;

// The defaults are filled in by the time this runs, so options the user set are read from the
// input. A default value passes, so a normalized declaration validates again unchanged.
function profileProblems(input: unknown, d: NormalizedDeclaration): DeclarationProblem[] {
  if (d.sum.profile !== '7.x+') return [];
  const sum = (valueAt(input, ['sum']) ?? {}) as Record<string, unknown>;
  return SUM5_ONLY.filter((k) => sum[k] !== undefined && sum[k] !== SUM_DEFAULTS[k]).map((k) => ({
    path: `sum.${k}`,
    value: sum[k],
    message: 'applies to sum.profile 5.x only; the 7.x+ table has fixed ports',
  }));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text || '(declaration)';
}

/** "did you mean" for a mistyped choice or field name, if one is near. */
function hintFor(issue: SchemaIssue, value: unknown): string | undefined {
  if (issue.choices && typeof value === 'string') {
    const near = closestMatch(value, issue.choices);
    return near === undefined ? undefined : `did you mean ${JSON.stringify(near)}?`;
  }
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

function problem(input: unknown, issue: SchemaIssue): DeclarationProblem {
  const value = issue.unknownKeys ?? valueAt(input, issue.path);
  const hint = hintFor(issue, value);
  return { path: pathText(issue.path), value, message: issue.message, ...(hint ? { hint } : {}) };
}

/**
 * Checks a declaration and fills in the defaults.
 * @throws DeclarationError naming every bad field, its value and what is allowed
 */
export function validate(input: Declaration | unknown): NormalizedDeclaration {
  const issues: SchemaIssue[] = [];
  const d = declarationSchema.check(input, [], issues);
  if (isValid(d)) issues.push(...crossFieldIssues(d));
  if (issues.length || !isValid(d)) throw new DeclarationError(issues.map((i) => problem(input, i)));
  const problems = profileProblems(input, d);
  if (problems.length) throw new DeclarationError(problems);
  return d;
}
