// Compile-time proof that the hand-written declaration types (options.ts), which carry the doc
// comments users read, and the schema (validate.ts), which decides at run time, say the same thing.
// If a field is added, renamed or retyped in one and not the other, `tsc` fails here.
import type { z } from 'zod';
import type { Declaration, NormalizedDeclaration } from './options';
import type { declarationSchema } from './validate';

type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** The schema accepts exactly the declarations the types describe. @internal */
export type DeclarationMatchesSchema = Assert<Same<Mutable<Declaration>, Mutable<z.input<typeof declarationSchema>>>>;
/** The schema's output is exactly the normalized declaration. @internal */
export type NormalizedMatchesSchema = Assert<Same<Mutable<NormalizedDeclaration>, Mutable<z.output<typeof declarationSchema>>>>;
