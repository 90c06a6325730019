// Compile-time proof that the hand-written declaration types (options.ts), which carry the doc
// comments users read, and the schema (declaration-schema.ts), which decides at run time and is published as
// JSON Schema, say the same thing. If a field is added, renamed or retyped in one and not the
// other, `tsc` fails here.
import type { Declaration, NormalizedDeclaration } from './options';
import type { DeclarationInput, DeclarationOutput } from './declaration-schema';

type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
// Identical types, not only mutually assignable: an optional field one side lacks fails too.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

/** The schema accepts exactly the declarations the types describe. @internal */
export type DeclarationMatchesSchema = Assert<Same<Mutable<Declaration>, Mutable<DeclarationInput>>>;
/** The schema's output is exactly the normalized declaration. @internal */
export type NormalizedMatchesSchema = Assert<Same<Mutable<NormalizedDeclaration>, Mutable<DeclarationOutput>>>;
