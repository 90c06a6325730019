import type { CatalogDeclaration, Declaration, NormalizedDeclaration } from './options';
import { PortplanError, showValue } from './errors';
import { declarationSchemaOf } from './declaration-schema';
import { isValid, type SchemaIssue } from './schema';
import { issueProblem, type DeclarationProblem } from './problems';
import type { CatalogSet } from './catalog-set';
import { catalogSet, type CatalogOptions } from './catalogs';

export type { DeclarationProblem } from './problems';

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

/**
 * JSON-serializable schema of a declaration file, for editors and other tools: for the built-in
 * products, or with the roles, peer kinds and options of the given catalogs too.
 * @throws CatalogError when a catalog is invalid
 * @throws ArgumentError when `catalogs` is not a list
 */
export function declarationJsonSchema(options: CatalogOptions = {}): Record<string, unknown> {
  const schema = declarationSchemaOf(catalogSet(options.catalogs));
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema.node.json() };
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

/**
 * Checks a declaration and fills in the defaults: against the built-in products, and the given
 * catalogs' roles, peer kinds and options.
 * @throws DeclarationError naming every bad field, its value and what is allowed
 * @throws CatalogError when a catalog is invalid
 * @throws ArgumentError when `catalogs` is not a list
 */
export function validate(
  input: Declaration | CatalogDeclaration | unknown,
  options: CatalogOptions = {},
): NormalizedDeclaration {
  return validateWith(catalogSet(options.catalogs), input);
}
