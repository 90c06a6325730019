// A declaration checked against a catalog set: the error every bad declaration throws, and the check
// itself. Apart from validate.ts (which builds the set from the caller's catalogs) so that building
// a set, which checks the catalogs' presets, needs nothing that builds a set.
import type { NormalizedDeclaration } from './options';
import { PortplanError, showValue } from './errors';
import { declarationSchemaOf } from './declaration-schema';
import { isValid, type SchemaIssue } from './schema';
import { issueProblem, type DeclarationProblem } from './problems';
import type { CatalogSet } from './catalog-set';

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

/** {@link validate} against a loaded catalog set. @internal */
export function validateWith(set: CatalogSet, input: unknown): NormalizedDeclaration {
  const schema = declarationSchemaOf(set);
  const issues: SchemaIssue[] = [];
  const d = schema.node.check(input, [], issues) as NormalizedDeclaration | symbol;
  if (isValid(d)) issues.push(...schema.crossFieldIssues(d as NormalizedDeclaration));
  if (issues.length || !isValid(d)) throw new DeclarationError(issues.map((i) => issueProblem(input, i)));
  const normalized = d as NormalizedDeclaration;
  const late = schema.optionIssues(input, normalized);
  if (late.length) throw new DeclarationError(late.map((i) => issueProblem(input, i)));
  return normalized;
}
