// Compile-time proof that the catalog interfaces users read (catalog-format.generated.ts, written by
// `npm run generate` from the catalog schema's nodes) are exactly the types the schema's run-time
// check accepts (inferred by the compiler from the same nodes). Both come from one schema by two
// roads, the generator's walk and TypeScript's inference: if the generator maps a node wrongly (an
// optional field made required, a choice's values lost, a field left out) or the generated file is
// stale, `tsc` fails here. (The declaration's schema is built from the catalogs at run time and has
// no static type to compare with: declaration.generated.ts is kept current by a test, and its
// options blocks' types come from builtin.generated.ts.)
import type { CatalogDefinition, CatalogInput } from './catalog-format';

type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
// Identical types, not only mutually assignable: an optional field one side lacks fails too.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

/** The schema accepts exactly the catalogs the types describe. @internal */
export type CatalogMatchesSchema = Assert<Same<Mutable<CatalogDefinition>, Mutable<CatalogInput>>>;
