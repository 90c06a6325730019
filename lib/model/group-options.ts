// Options a group sets for itself. A declaration's options block of a product holds for every group
// of the product's roles; a group may set some of them again in its own `options`, for its hosts
// alone (one repository server on Windows, another on Linux). What a row or a port rule reads
// between two groups is decided per pair, by the rules below, so that a declaration in which no
// group sets options resolves exactly as before.
//
// - A row's condition, option by option: an option that a group end of the pair sets for itself is
//   read from that end, and where both ends set it, the condition must hold at both (a row between
//   two groups that disagree on an option applies only where both meet it); an option neither end
//   sets is read from the declaration's block. Only a group whose role is of the row's product
//   counts as setting its options: the options are the product's.
// - A port rule's option (a pinned port, a count): the listener's own value, else the initiator's,
//   else the declaration's; the ports are the listener's.
import type { CatalogRow } from './catalog';
import type { CatalogCondition, HostOs } from './catalog-format';
import { conditionHolds, optionOf } from './catalog-options';
import type { CatalogSet } from './catalog-set';
import type { NormalizedDeclaration } from './options';

/** A group's own options, as the declaration gives them (`groups[i].options`). */
type Own = Readonly<Record<string, unknown>>;

/** One side of a pair, as far as options go: a group by name, or a peer (which has none). */
export interface OptionSide {
  /** `group` or `peer`. */
  readonly kind: string;
  /** The group's or peer's name. */
  readonly name: string;
}

/** The declaration with a group's own options over its options block of `field`. @internal */
export function optionsView<D extends object>(declaration: D, field: string, own: Own | undefined): D {
  if (!own || !Object.keys(own).length) return declaration;
  const block = optionOf({ x: declaration }, 'x', field);
  const base = typeof block === 'object' && block !== null ? block : {};
  return { ...declaration, [field]: { ...base, ...own } };
}

/**
 * The options a group's hosts run under: the declaration's block of the group's product, with the
 * group's own options over it, as a view {@link conditionHolds} and {@link optionOf} read (under the
 * product's options field). A group of a role no catalog of the set has gets the declaration. @internal
 */
export function groupOptionsView(set: CatalogSet, d: NormalizedDeclaration, groupName: string): NormalizedDeclaration {
  const g = d.groups.find((x) => x.name === groupName);
  const role = g && set.role(g.role);
  const c = role && set.catalog(role.product);
  if (!g || !c) return d;
  return optionsView(d, c.product.optionsField, g.options);
}

/** Reads the options of the groups of a resolved pair. @internal */
export interface PairOptions {
  /** Whether some group of the declaration sets options of this product for itself. */
  readonly touches: (product: string) => boolean;
  /** Whether the row applies between `from` and `to`; `whole` is whether it applies to the declaration. */
  readonly holds: (row: CatalogRow, from: OptionSide, to: OptionSide, whole: boolean) => boolean;
  /** The declaration as the pair's port rules read it: the listener's options, then the initiator's. */
  readonly view: (row: CatalogRow, from: OptionSide, to: OptionSide) => NormalizedDeclaration;
}

// A condition, option by option, at the ends that set the option, else on the declaration.
function pairHolds(when: CatalogCondition, d: unknown, field: string, ends: readonly Own[]): boolean {
  return Object.entries(when).every(([k, v]) => {
    const setters = ends.filter((o) => Object.hasOwn(o, k));
    const views = setters.length ? setters.map((o) => ({ [field]: o })) : [d];
    return views.every((view) => conditionHolds({ [k]: v }, view, field));
  });
}

/** The per-pair reading of a declaration's options, built once per resolution. @internal */
export function pairOptions(set: CatalogSet, d: NormalizedDeclaration): PairOptions {
  // Each group that sets options: its product and its own options.
  const own = new Map<string, { product: string; options: Own }>();
  for (const g of d.groups) {
    const product = set.role(g.role)?.product;
    if (g.options && Object.keys(g.options).length && product !== undefined)
      own.set(g.name, { product, options: g.options });
  }
  const products = new Set([...own.values()].map((o) => o.product));
  const ownOf = (side: OptionSide, product: string): Own | undefined => {
    const o = side.kind === 'group' ? own.get(side.name) : undefined;
    return o && o.product === product ? o.options : undefined;
  };
  return {
    touches: (product) => products.has(product),
    holds: (row, from, to, whole) => {
      const ends = [ownOf(from, row.product), ownOf(to, row.product)].filter((o): o is Own => o !== undefined);
      return ends.length ? pairHolds(row.when, d, row.optionsField, ends) : whole;
    },
    view: (row, from, to) => {
      const [a, b] = [ownOf(from, row.product), ownOf(to, row.product)];
      return a || b ? optionsView(d, row.optionsField, { ...a, ...b }) : d;
    },
  };
}

/**
 * The host operating systems a group's hosts may run: its role's `hostOs`, narrowed to the value of
 * the role's `hostOsOption` as the group's options give it (its own, else the block's). @internal
 */
export function groupHostOs(set: CatalogSet, d: NormalizedDeclaration, groupName: string): readonly HostOs[] {
  const g = d.groups.find((x) => x.name === groupName);
  const role = g && set.role(g.role);
  const c = role && set.catalog(role.product);
  if (!role || !c) return [];
  if (role.hostOsOption === undefined) return role.hostOs;
  const value = optionOf(groupOptionsView(set, d, groupName), c.product.optionsField, role.hostOsOption);
  return typeof value === 'string' ? role.hostOs.filter((os) => os === value) : role.hostOs;
}

/**
 * Why no group of a role runs `os`, where the role's OS is an option: the declaration's value, or
 * each group's (`the declaration's sum.workstationOs is windows`). @internal
 */
export function hostOsMismatch(set: CatalogSet, d: NormalizedDeclaration, roleId: string): string | undefined {
  const role = set.role(roleId);
  const c = role && set.catalog(role.product);
  if (!role?.hostOsOption || !c) return undefined;
  const [field, name] = [c.product.optionsField, role.hostOsOption];
  const groups = d.groups.filter((g) => g.role === roleId);
  const own = groups.filter((g) => g.options?.[name] !== undefined);
  if (!own.length) return `the declaration's ${field}.${name} is ${String(optionOf(d, field, name))}`;
  const value = (g: (typeof groups)[number]) => String(optionOf(groupOptionsView(set, d, g.name), field, name));
  return `${field}.${name} is ${groups.map((g) => `${value(g)} for group ${g.name}`).join(', ')}`;
}
