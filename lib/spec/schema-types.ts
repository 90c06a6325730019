// Compile-time proof that the hand-written catalog types (catalog-format.ts), which carry the doc
// comments users read, and the catalog schema, which decides at run time and is published as JSON
// Schema, say the same thing. If a field is added, renamed or retyped in one and not the other,
// `tsc` fails here. (The declaration's options blocks come from the catalogs' data: their types
// are generated from the same data, see builtin.generated.ts.)
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
