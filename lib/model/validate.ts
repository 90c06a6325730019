import type { CatalogDeclaration, Declaration, NormalizedDeclaration } from './options';
import { declarationSchemaOf } from './declaration-schema';
import { validateWith } from './declaration-check';
import { catalogSet, type CatalogOptions } from './catalogs';

export type { DeclarationProblem } from './problems';
export { DeclarationError, validateWith } from './declaration-check';

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
