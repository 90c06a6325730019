// A small schema language for the declaration and the catalog format. Each schema is one description
// (a tree of nodes) from which come:
// - the run-time check, with the project's own wording (validate.ts, catalog-set.ts);
// - the published JSON Schema, with each field's description, default and examples (json());
// - the TypeScript types users read, with the same descriptions as doc comments: `npm run generate`
//   walks the nodes (`form`, `doc`, `named`) and writes lib/model/catalog-format.generated.ts and
//   lib/model/declaration.generated.ts (scripts/schema-types.ts);
// - at compile time, the input and output types the checks return (SchemaInput, SchemaOutput), which
//   lib/model/schema-types.ts compares with the generated catalog interfaces, so a fault in the
//   generator fails `tsc`.
// It has only what the declaration and catalogs need, so loading it costs next to nothing (no schema
// library at run time).
import { choiceText } from './suggest';

/** A path into the checked value: object keys and list indexes. */
export type SchemaPath = readonly (string | number)[];

/** One failed check, before validate.ts turns it into a {@link DeclarationProblem}. @internal */
export interface SchemaIssue {
  /** Where the check failed. */
  readonly path: SchemaPath;
  /** What is allowed there, in the project's words. */
  readonly message: string;
  /** The allowed values of a choice, for a "did you mean" hint. */
  readonly choices?: readonly string[];
  /** Fields an object does not have, for the unknown-field message and its hint. */
  readonly unknownKeys?: readonly string[];
  /** The fields that object allows, for the hint. */
  readonly allowedKeys?: readonly string[];
  /** The value is still usable by the rules across fields (unknown fields, a list's length). */
  readonly continues?: boolean;
  /**
   * The type of value the check wanted, when the value was of another type: lets a caller add a hint
   * for what hand-written files get wrong (a port in quotes, a version that YAML read as a number).
   */
  readonly expected?: 'text' | 'number' | 'flag';
}

// Returned by a check that failed (its issues are recorded): no output value.
const INVALID: unique symbol = Symbol('invalid');

/**
 * What a value means, for people: the JSON Schema `description` (and `default`, `examples`) an editor
 * shows, and the doc comment of the generated TypeScript field or type. @internal
 */
export interface SchemaDoc {
  /** What the value is and what it does: one or more sentences, Markdown code spans allowed. */
  readonly description: string;
  /**
   * What a missing value means, in words, where no single value says it (`the product id in
   * camelCase`): the doc comment's `@default - <note>`, and `Default: <note>.` after the description.
   */
  readonly defaultNote?: string;
  /**
   * The value a missing one stands for where the schema leaves it missing and a later step fills it
   * in (a catalog's `peerKinds` become `[]` when loaded): JSON Schema `default`, `@default <value>`.
   * A {@link withDefault} node publishes its own value.
   */
  readonly default?: unknown;
  /** Values to show as examples: JSON Schema `examples`, one `@example` each. */
  readonly examples?: readonly unknown[];
}

/** A node that is a named TypeScript type (an interface, a union, an enum of words). @internal */
export interface NamedType {
  /** The type's name: of the input, and of the output when {@link NamedType.output} is not set. */
  readonly name: string;
  /** What the type is; none for a type declared by hand elsewhere (`RoleId`), which is only referred to. */
  readonly doc?: SchemaDoc;
  /** The output type's name and doc, when defaults make it differ from the input (`NormalizedPeer`). */
  readonly output?: { readonly name: string; readonly doc: SchemaDoc };
}

/**
 * The structure of a node, for the generators of TypeScript types: what kind of value it takes and
 * its parts. Optionality and defaults are the node's own `optional` and `fill`. @internal
 */
export type SchemaForm =
  | { readonly kind: 'text' | 'number' | 'flag' | 'anyObject' }
  | { readonly kind: 'choice'; readonly values: readonly string[] }
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'list'; readonly item: AnyNode; readonly min?: number; readonly max?: number }
  | { readonly kind: 'object'; readonly shape: Shape }
  | { readonly kind: 'record'; readonly value: AnyNode }
  | { readonly kind: 'either'; readonly nodes: readonly AnyNode[] }
  | { readonly kind: 'tagged'; readonly tag: string; readonly variants: Readonly<Record<string, AnyNode>> };

/**
 * A node of the schema: checks a value (recording issues) and returns the output with defaults
 * filled, describes itself as JSON Schema, and tells the type generators its structure and
 * documentation. `I` and `O` are the input and output types; they exist only for the compiler.
 * @internal
 */
export interface SchemaNode<I, O> {
  /** Checks `value` at `path`; records each problem in `issues`. */
  readonly check: (value: unknown, path: SchemaPath, issues: SchemaIssue[]) => O | typeof INVALID;
  /** The node as JSON Schema (draft 2020-12 keywords), with its documentation. */
  readonly json: () => Record<string, unknown>;
  /** Whether a missing value (`undefined`) is allowed: optional fields and fields with a default. */
  readonly optional: boolean;
  /** The structure, for the type generators. */
  readonly form: SchemaForm;
  /** What the value means where it is used ({@link described}, {@link named}). */
  readonly doc?: SchemaDoc;
  /** The named type the node is ({@link named}). */
  readonly named?: NamedType;
  /** The value filled in when none is given ({@link withDefault}). */
  readonly fill?: { readonly value: unknown };
  /** Compile-time only: the input and output types. Never set. */
  readonly types?: { readonly input: I; readonly output: O };
}

/** A node of any type. @internal */
export type AnyNode = SchemaNode<unknown, unknown>;
/** The input type of a node. @internal */
export type SchemaInput<N> = N extends SchemaNode<infer I, unknown> ? I : never;
/** The output type of a node. @internal */
export type SchemaOutput<N> = N extends SchemaNode<unknown, infer O> ? O : never;

// An unknown field or a list of the wrong length does not stop the checks of the rules across
// fields (the user sees every problem at once); any other fault leaves its object without a value.
const fatalSince = (issues: readonly SchemaIssue[], before: number): boolean =>
  issues.slice(before).some((i) => !i.continues);

/** Whether a check returned a value. @internal */
export const isValid = <O>(v: O | typeof INVALID): v is O => v !== INVALID;

/** The wording when a required value is missing. */
const REQUIRED = 'is required';

/**
 * Text matching `pattern`. `message` is used for every wrong value; a missing one is "is required".
 * @internal
 */
export function text(pattern: RegExp, message: string): SchemaNode<string, string> {
  return {
    optional: false,
    check: (value, path, issues) => {
      if (typeof value === 'string' && pattern.test(value)) return value;
      const other = value !== undefined && typeof value !== 'string';
      issues.push({ path, message: value === undefined ? REQUIRED : message, ...(other ? { expected: 'text' } : {}) });
      return INVALID;
    },
    json: () => ({ type: 'string', pattern: pattern.source }),
    form: { kind: 'text' },
  };
}

/** An extra rule on a whole number, checked once it is in range. @internal */
export interface NumberRule {
  /** Whether the number is allowed. */
  readonly test: (n: number) => boolean;
  /** What is allowed, when it is not. */
  readonly message: string;
}

/**
 * A whole number from `min` to `max`; the message says so for every wrong value, a missing one too.
 * `rule` is checked once the number is whole and in range.
 * @internal
 */
export function wholeNumber(min: number, max: number, rule?: NumberRule): SchemaNode<number, number> {
  const message = `must be a whole number from ${min} to ${max}`;
  return {
    optional: false,
    check: (value, path, issues) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        const other = value !== undefined && typeof value !== 'number';
        issues.push({ path, message, ...(other ? { expected: 'number' } : {}) });
        return INVALID;
      }
      if (rule && !rule.test(value)) {
        issues.push({ path, message: rule.message });
        return INVALID;
      }
      return value;
    },
    json: () => ({ type: 'integer', minimum: min, maximum: max }),
    form: { kind: 'number' },
  };
}

/** `true` or `false`. @internal */
export function flag(): SchemaNode<boolean, boolean> {
  return {
    optional: false,
    check: (value, path, issues) => {
      if (typeof value === 'boolean') return value;
      if (value === undefined) issues.push({ path, message: REQUIRED });
      else issues.push({ path, message: 'must be true or false', expected: 'flag' });
      return INVALID;
    },
    json: () => ({ type: 'boolean' }),
    form: { kind: 'flag' },
  };
}

/** One of `values` (text); the message lists them, a missing value included. @internal */
export function choice<const V extends readonly string[]>(values: V): SchemaNode<V[number], V[number]> {
  return {
    optional: false,
    check: (value, path, issues) => {
      if ((values as readonly unknown[]).includes(value)) return value as V[number];
      issues.push({ path, message: `must be one of ${choiceText(values, value)}`, choices: values });
      return INVALID;
    },
    json: () => ({ type: 'string', enum: [...values] }),
    form: { kind: 'choice', values },
  };
}

/**
 * Text that passes `accept`, described in JSON Schema as `anyOf` the given forms.
 * `accept` returns `undefined` or what is wrong; `message` is for values that are not text at all.
 * @internal
 */
export function textForms(
  forms: readonly Record<string, unknown>[],
  message: string,
  accept: (text: string) => string | undefined,
): SchemaNode<string, string> {
  return {
    optional: false,
    check: (value, path, issues) => {
      const wrong = typeof value === 'string' ? accept(value) : message;
      if (wrong === undefined) return value as string;
      issues.push({ path, message: wrong });
      return INVALID;
    },
    json: () => ({ anyOf: forms.map((f) => ({ ...f })) }),
    form: { kind: 'text' },
  };
}

/** Length limits of a list, with the wording of a too-short list if it has its own. @internal */
export interface ListLimits {
  /** Fewest entries. */
  readonly min?: number;
  /** What a shorter list is told. @default "needs at least <min> entries" */
  readonly minMessage?: string;
  /** Most entries. */
  readonly max?: number;
  /**
   * Each entry may appear once (entries are text or numbers): a repeated choice value or host OS is
   * a slip, and JSON Schema's `enum` asks for unique values.
   */
  readonly unique?: boolean;
}

/**
 * A list of `item`s. The length is checked once every entry is valid (an entry's fault is the one to fix).
 * @internal
 */
export function list<I, O>(item: SchemaNode<I, O>, limits: ListLimits = {}): SchemaNode<I[], O[]> {
  const { min, max } = limits;
  return {
    optional: false,
    check: (value, path, issues) => {
      if (!Array.isArray(value)) {
        issues.push({ path, message: value === undefined ? REQUIRED : 'must be a list' });
        return INVALID;
      }
      const before = issues.length;
      const out: O[] = [];
      for (let i = 0; i < value.length; i++) {
        const v = item.check(value[i], [...path, i], issues);
        if (isValid(v)) out.push(v);
      }
      if (fatalSince(issues, before)) return INVALID;
      if (min !== undefined && value.length < min) {
        const message = limits.minMessage ?? `needs at least ${min} ${min === 1 ? 'entry' : 'entries'}`;
        issues.push({ path, message, continues: true });
      }
      if (max !== undefined && value.length > max) {
        issues.push({ path, message: `has more than ${max} entries`, continues: true });
      }
      if (limits.unique) {
        value.forEach((v, i) => {
          const first = value.indexOf(v);
          if (first < i)
            issues.push({
              path: [...path, i],
              message: `duplicate of [${first}]; each value may appear once`,
              continues: true,
            });
        });
      }
      return out;
    },
    json: () => ({
      ...(min !== undefined ? { minItems: min } : {}),
      ...(max !== undefined ? { maxItems: max } : {}),
      ...(limits.unique ? { uniqueItems: true } : {}),
      type: 'array',
      items: item.json(),
    }),
    form: { kind: 'list', item: item as AnyNode, min, max },
  };
}

/** `node`, or nothing. Keeps the node's structure, name and documentation. @internal */
export function optional<I, O>(node: SchemaNode<I, O>): SchemaNode<I | undefined, O | undefined> {
  return {
    ...node,
    optional: true,
    check: (value, path, issues) => (value === undefined ? undefined : node.check(value, path, issues)),
    json: node.json,
  } as SchemaNode<I | undefined, O | undefined>;
}

/**
 * `node`, or `value` when nothing is given (a fresh copy each time), published as JSON Schema
 * `default`. Keeps the node's structure, name and documentation. @internal
 */
export function withDefault<I, O>(node: SchemaNode<I, O>, value: O): SchemaNode<I | undefined, O> {
  return {
    ...node,
    optional: true,
    fill: { value },
    check: (v, path, issues) => (v === undefined ? structuredClone(value) : node.check(v, path, issues)),
    json: () => annotated(node.json(), undefined, { value }),
  } as SchemaNode<I | undefined, O>;
}

/** The JSON Schema `description` of a doc: the description, then what a missing value means. @internal */
export function descriptionText(doc: SchemaDoc): string {
  return doc.defaultNote === undefined ? doc.description : `${doc.description} Default: ${doc.defaultNote}.`;
}

// A node's JSON Schema with its annotations first (description, default, examples), as editors and
// readers of the file look for them: `doc` replaces the description and examples of the node below,
// `fill` its default.
function annotated(
  json: Record<string, unknown>,
  doc: SchemaDoc | undefined,
  fill?: { readonly value: unknown },
): Record<string, unknown> {
  const { description, default: given, examples, ...rest } = json;
  const text = doc ? descriptionText(doc) : description;
  const value = fill ? structuredClone(fill.value) : doc?.default !== undefined ? structuredClone(doc.default) : given;
  const shown = doc?.examples ? structuredClone([...doc.examples]) : examples;
  return {
    ...(text !== undefined ? { description: text } : {}),
    ...(value !== undefined ? { default: value } : {}),
    ...(shown !== undefined ? { examples: shown } : {}),
    ...rest,
  };
}

const docOf = (doc: string | SchemaDoc): SchemaDoc => (typeof doc === 'string' ? { description: doc } : doc);

/**
 * `node` with what it means where it is used (a field of an object, a variant of a union): the
 * JSON Schema description there, and the doc comment of the generated field. @internal
 */
export function described<N extends AnyNode>(node: N, doc: string | SchemaDoc): N {
  const d = docOf(doc);
  return { ...node, doc: d, json: () => annotated(node.json(), d) };
}

/**
 * `node` as a named TypeScript type (`CatalogRole`), documented by `doc`; `output` names the type of
 * the checked value when defaults make it differ from the input. The generators declare the type
 * once and refer to it by name wherever the node is used; a type without `doc` is declared by hand
 * elsewhere and only referred to. @internal
 */
export function named<N extends AnyNode>(
  name: string,
  node: N,
  doc?: string | SchemaDoc,
  output?: { readonly name: string; readonly doc: string | SchemaDoc },
): N {
  const d = doc === undefined ? undefined : docOf(doc);
  const out = output && { name: output.name, doc: docOf(output.doc) };
  return {
    ...node,
    ...(d ? { doc: d, json: () => annotated(node.json(), d) } : {}),
    named: { name, ...(d ? { doc: d } : {}), ...(out ? { output: out } : {}) },
  };
}

/** The fields of an object schema, in the order they are checked, reported and published. @internal */
export type Shape = Readonly<Record<string, AnyNode>>;

type Simplify<T> = { [K in keyof T]: T[K] } & unknown;
type OptionalIn<S extends Shape> = {
  [K in keyof S]: undefined extends SchemaInput<S[K]> ? K : never;
}[keyof S];
type OptionalOut<S extends Shape> = {
  [K in keyof S]: undefined extends SchemaOutput<S[K]> ? K : never;
}[keyof S];
/** The input type of an object schema: fields that may be missing are optional. @internal */
export type ObjectInput<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalIn<S>>]: SchemaInput<S[K]> } & { [K in OptionalIn<S>]?: SchemaInput<S[K]> }
>;
/** The output type of an object schema: fields without a default may be missing. @internal */
export type ObjectOutput<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalOut<S>>]: SchemaOutput<S[K]> } & { [K in OptionalOut<S>]?: SchemaOutput<S[K]> }
>;

/** An object schema, with its fields for the "allowed:" list of unknown-field messages. @internal */
export interface ObjectNode<S extends Shape> extends SchemaNode<ObjectInput<S>, ObjectOutput<S>> {
  /** The fields. */
  readonly shape: S;
}

/** The wording for a value that is not an object. @internal */
export const OBJECT_MESSAGE = 'must be an object (a mapping of field names to values)';

/**
 * An object with exactly the fields of `shape` (no others). Each field is checked in shape order;
 * unknown fields are reported after them, as one issue.
 * @internal
 */
export function object<S extends Shape>(shape: S): ObjectNode<S> {
  const keys = Object.keys(shape);
  return {
    shape,
    optional: false,
    check: (value, path, issues) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path, message: value === undefined ? REQUIRED : OBJECT_MESSAGE });
        return INVALID;
      }
      const input = value as Record<string, unknown>;
      const before = issues.length;
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const v = shape[key].check(input[key], [...path, key], issues);
        if (isValid(v) && (v !== undefined || key in input)) out[key] = v;
      }
      const unknown = Object.keys(input).filter((k) => !Object.prototype.hasOwnProperty.call(shape, k));
      if (unknown.length) {
        issues.push({
          path,
          message: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; allowed: ${keys.join(', ')}`,
          unknownKeys: unknown,
          allowedKeys: keys,
          continues: true,
        });
      }
      return fatalSince(issues, before) ? INVALID : (out as ObjectOutput<S>);
    },
    json: () => {
      const required = keys.filter((k) => !shape[k].optional);
      return {
        type: 'object',
        properties: Object.fromEntries(keys.map((k) => [k, shape[k].json()])),
        ...(required.length ? { required } : {}),
        additionalProperties: false,
      };
    },
    form: { kind: 'object', shape },
  } as ObjectNode<S>;
}

/**
 * An object whose keys match `key` and whose values are `value`s: the `when` conditions of a
 * catalog (option name to value). @internal
 */
export function record<I, O>(
  key: RegExp,
  keyMessage: string,
  value: SchemaNode<I, O>,
): SchemaNode<Record<string, I>, Record<string, O>> {
  return {
    optional: false,
    check: (input, path, issues) => {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        issues.push({ path, message: input === undefined ? REQUIRED : OBJECT_MESSAGE });
        return INVALID;
      }
      const before = issues.length;
      const out: Record<string, O> = {};
      for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
        if (!key.test(k)) {
          issues.push({ path: [...path, k], message: keyMessage });
          continue;
        }
        const checked = value.check(v, [...path, k], issues);
        if (isValid(checked)) out[k] = checked;
      }
      return fatalSince(issues, before) ? INVALID : out;
    },
    json: () => ({ type: 'object', propertyNames: { pattern: key.source }, additionalProperties: value.json() }),
    form: { kind: 'record', value: value as AnyNode },
  };
}

/**
 * One of several schemas, tried in order: the first that accepts the value without any issue wins.
 * A value that one schema alone takes with only a list of the wrong length (`{ roles: [] }`) is
 * that schema's, and that issue is reported: it says more than `message`. Any other value gets
 * `message`: an unknown field may well be another schema's (`{ roles: [...], peer: x }`). @internal
 */
export function either<A extends readonly AnyNode[]>(
  nodes: A,
  message: string,
): SchemaNode<SchemaInput<A[number]>, SchemaOutput<A[number]>> {
  return {
    optional: false,
    check: (value, path, issues) => {
      // Accepting a value with issues and dropping them would let `{ roles: [] }` through as a flow
      // side with no roles, and `{ roles: [...], peer: x }` through with its peer ignored.
      const near: { v: unknown; scratch: SchemaIssue[] }[] = [];
      // Alternatives whose fields are all there and known, but a value inside is wrong (a flow side
      // `{ roles: [shop:DB] }`): when exactly one, its own problems say more than "must be A or B".
      const inside: SchemaIssue[][] = [];
      for (const node of nodes) {
        const scratch: SchemaIssue[] = [];
        const v = node.check(value, path, scratch);
        if (!isValid(v) || fatalSince(scratch, 0)) {
          if (
            scratch.length &&
            scratch.every((i) => !i.unknownKeys && i.message !== REQUIRED && i.path.length > path.length)
          )
            inside.push(scratch);
          continue;
        }
        if (!scratch.length) return v as SchemaOutput<A[number]>;
        if (!scratch.some((i) => i.unknownKeys)) near.push({ v, scratch });
      }
      if (near.length === 1) {
        issues.push(...near[0].scratch);
        return near[0].v as SchemaOutput<A[number]>;
      }
      if (!near.length && inside.length === 1) {
        issues.push(...inside[0]);
        return INVALID;
      }
      issues.push({ path, message: value === undefined ? REQUIRED : message });
      return INVALID;
    },
    json: () => ({ anyOf: nodes.map((n) => n.json()) }),
    form: { kind: 'either', nodes },
  };
}

// A variant whose tag field has no documentation of its own: the tag reads as the variant
// (`kind: fixed` is "Always exactly these ports."), in JSON Schema and in the generated types.
function tagDocumented<V extends ObjectNode<Shape>>(variant: V, tag: string): V {
  const field = variant.shape[tag];
  if (!variant.doc || !field || field.doc) return variant;
  const shape = { ...variant.shape, [tag]: described(field, variant.doc) };
  const node = object(shape);
  const doc = variant.doc;
  return { ...variant, shape, form: node.form, json: () => annotated(node.json(), doc) };
}

/**
 * A tagged union of object schemas: the value's `tag` field says which variant it is (`kind: fixed`,
 * `type: flag`); the variant then checks the whole object, the tag included. @internal
 */
export function tagged<const T extends string, V extends Readonly<Record<string, ObjectNode<Shape>>>>(
  tag: T,
  given: V,
): SchemaNode<SchemaInput<V[keyof V]>, SchemaOutput<V[keyof V]>> {
  const names = Object.keys(given);
  const variants: Record<string, ObjectNode<Shape>> = Object.fromEntries(
    names.map((n) => [n, tagDocumented(given[n], tag)]),
  );
  return {
    optional: false,
    check: (value, path, issues) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path, message: value === undefined ? REQUIRED : OBJECT_MESSAGE });
        return INVALID;
      }
      const kind = (value as Record<string, unknown>)[tag];
      if (typeof kind !== 'string' || !names.includes(kind)) {
        issues.push({ path: [...path, tag], message: `must be one of ${choiceText(names, kind)}`, choices: names });
        return INVALID;
      }
      return variants[kind].check(value, path, issues) as SchemaOutput<V[keyof V]>;
    },
    json: () => ({ oneOf: names.map((n) => variants[n].json()) }),
    form: { kind: 'tagged', tag, variants },
  };
}

/** Exactly `value` (a tag of a {@link tagged} variant). @internal */
export function literal<const V extends string>(value: V): SchemaNode<V, V> {
  return {
    optional: false,
    check: (v, path, issues) => {
      if (v === value) return value;
      issues.push({ path, message: `must be ${value}` });
      return INVALID;
    },
    json: () => ({ const: value }),
    form: { kind: 'literal', value },
  };
}

/** Any object, checked later by its own schema (a preset's declaration). @internal */
export function anyObject(message: string): SchemaNode<Record<string, unknown>, Record<string, unknown>> {
  return {
    optional: false,
    check: (value, path, issues) => {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
      issues.push({ path, message: value === undefined ? REQUIRED : message });
      return INVALID;
    },
    json: () => ({ type: 'object' }),
    form: { kind: 'anyObject' },
  };
}
