// A product's options as declarations hold them: reading an option, whether a condition over the
// options holds, whether a value is one an option takes. Shared by the catalog checks, the catalog
// compiler, the declaration schema and the resolver, and kept apart so that none of them imports
// another for these.
import type { CatalogCondition, CatalogOptionDefinition } from './catalog-format';

/** The words of a condition, in the declaration's terms: `sum.profile 5.x and sum.netbiosNameService true`. */
export function conditionText(when: CatalogCondition, optionsField: string): string {
  return Object.entries(when)
    .map(([k, v]) => `${optionsField}.${k} ${Array.isArray(v) ? v.join(' or ') : String(v)}`)
    .join(' and ');
}

/**
 * The value of one option of a product in a declaration (`declaration[field][option]`), by own fields
 * only: an option named like a field every object has (`constructor`) never reads as set. The
 * catalog loader refuses such names; this is the backstop. Every reader of a product's options
 * goes through here.
 */
export function optionOf(declaration: unknown, field: string, option: string): unknown {
  const own = (o: unknown, key: string): unknown =>
    typeof o === 'object' && o !== null && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
  return own(own(declaration, field), option);
}

/** Whether a condition over a product's options holds in a declaration (its options under `field`). @internal */
export function conditionHolds(when: CatalogCondition | undefined, declaration: unknown, field: string): boolean {
  if (!when) return true;
  return Object.entries(when).every(([k, v]) => {
    const value = optionOf(declaration, field, k);
    return Array.isArray(v) ? (v as unknown[]).includes(value) : value === v;
  });
}

/** Checks one option value against its definition; `undefined` when allowed, else what is allowed. */
export function optionValueProblem(o: CatalogOptionDefinition, v: unknown): string | undefined {
  switch (o.type) {
    case 'flag':
      return typeof v === 'boolean' ? undefined : 'must be true or false';
    case 'choice':
      return o.values.includes(v as string) ? undefined : `must be one of ${o.values.join(', ')}`;
    case 'count':
      return typeof v === 'number' && Number.isInteger(v) && v >= o.min && v <= o.max
        ? undefined
        : `must be a whole number from ${o.min} to ${o.max}`;
    case 'pinnedPort':
      return v === o.base || (typeof v === 'number' && Number.isInteger(v) && v >= o.fallback[0] && v <= o.fallback[1])
        ? undefined
        : `must be ${o.base} or one of its fallback ports ${o.fallback[0]}-${o.fallback[1]}`;
  }
}
