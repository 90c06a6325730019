// The declaration's types. Declaration, GroupDeclaration, PeerDeclaration and their normalized forms
// are generated from the declaration schema (declaration.generated.ts, by `npm run generate`), so
// their documentation is the JSON Schema's; the options blocks' types come from the built-in
// catalogs (builtin.generated.ts). Only the types the schema cannot state are written here.
import type { NormalizedDeclaration } from './declaration.generated';
import type {
  Declaration,
  GroupDeclaration,
  NormalizedPeer,
  PeerDeclaration,
  PeerPrefixList,
} from './declaration.generated';
import type {
  NormalizedServerProtectOptions,
  NormalizedSumOptions,
  ServerProtectOptions,
  SumOptions,
} from './builtin.generated';

export type { NormalizedServerProtectOptions, NormalizedSumOptions, ServerProtectOptions, SumOptions };
export type { Declaration, GroupDeclaration, NormalizedDeclaration, NormalizedPeer, PeerDeclaration, PeerPrefixList };

/** The built-in products' options with every default filled in: a {@link NormalizedDeclaration} without its groups and peers. */
export type Options = Omit<NormalizedDeclaration, 'groups' | 'peers'>;

/**
 * A declaration that also sets the options of products from the user's catalogs, each under its
 * product's options field (`{ groups, shop: { payments: true } }`).
 */
export interface CatalogDeclaration extends Declaration {
  /** The options block of a product of a catalog in use, by the product's `optionsField`. */
  readonly [optionsField: string]: unknown;
}
