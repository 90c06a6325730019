// Catalogs as data: loading one (shape, then the rules across its fields), and the set of catalogs a
// resolution uses (the built-ins and the user's), with the rules across catalogs. The built-in
// products go through exactly this path (lib/model/builtin.ts).
import type { CatalogRow } from './catalog';
import { catalogSchema, type CatalogDefinition, type CatalogOptionDefinition, type HostOs } from './catalog-format';
import { CATALOG_CHECKS, checkContext, peerRef, typeHint, type CatalogFault } from './catalog-checks';
import { compileCatalog } from './catalog-compile';
import { PortplanError, showValue } from './errors';
import { isValid, type SchemaIssue, type SchemaPath } from './schema';
import { didYouMean, issueProblem, pathText, valueAt, type DeclarationProblem } from './problems';
import type { ProductId } from './roles';

export { MAX_ROLE_ID_LENGTH } from './catalog-checks';
export { conditionHolds, conditionText, optionOf, optionValueProblem } from './catalog-options';

/** One thing wrong with a catalog: where (`rows[3].flows[0].listener.roles[1]`), the value, what is allowed. */
export type CatalogProblem = DeclarationProblem;

/** The one error every bad catalog throws; `problems` lists each field that is wrong. */
export class CatalogError extends PortplanError {
  /** Always `CATALOG`. */
  readonly code = 'CATALOG';
  /**
   * @param source the catalog as the user knows it: its file, `catalogs[i]` for a definition in a
   *   list, its product id for `defineCatalog()`, or `(catalog)`
   * @param problems every field that is wrong; the first gives `path` and `value`
   * @param others the errors of the other catalogs at fault in the same set, each named in the message too
   */
  constructor(
    readonly source: string,
    readonly problems: readonly CatalogProblem[],
    readonly others: readonly CatalogError[] = [],
  ) {
    super(
      problems[0]?.path ?? '(catalog)',
      problems[0]?.value,
      [
        `invalid portplan catalog ${source}:\n${problems
          .map((p) => `  ${p.path}: ${p.message} (got ${showValue(p.value)})${p.hint ? `; ${p.hint}` : ''}`)
          .join('\n')}`,
        ...others.map((o) => o.message),
      ].join('\n'),
    );
  }
}

/** A product of a catalog, with the documents its rows cite. */
export interface CatalogProductInfo {
  /** The product id. */
  readonly id: string;
  /** The product's name and release. */
  readonly name: string;
  /** The declaration field that holds the product's options. */
  readonly optionsField: string;
  /** The documents its rows cite, by id. */
  readonly documents: CatalogDefinition['documents'];
}

/** A role of a loaded catalog. */
export interface CatalogRoleInfo {
  /** The role id. */
  readonly id: string;
  /** The product the role belongs to. */
  readonly product: string;
  /** A short label, used in security group descriptions and diagrams. */
  readonly label: string;
  /** The host operating systems whose firewall portplan writes for the role. */
  readonly hostOs: readonly HostOs[];
  /** The choice option whose value is a group's host OS, if the role's OS is an option. */
  readonly hostOsOption?: string;
  /** Conditions under which the role may be declared. */
  readonly requires: NonNullable<CatalogDefinition['roles'][number]['requires']>;
}

/** A kind of external peer of a loaded catalog. */
export interface CatalogPeerKindInfo {
  /** The kind's id. */
  readonly id: string;
  /** The product whose catalog declares it. */
  readonly product: string;
  /** What such a peer is. */
  readonly label: string;
  /** What a declaration needs for a flow to reach such a peer. */
  readonly reachedWith: string;
}

/** A catalog that passed every check of its own: {@link loadCatalog}'s result. */
export interface ProductCatalog {
  /** Where it came from (a file name), or its product id: named in every error about it. */
  readonly source: string;
  /** The catalog as written. */
  readonly definition: CatalogDefinition;
  /** The product. */
  readonly product: CatalogProductInfo;
  /** Its roles, in catalog order. */
  readonly roles: readonly CatalogRoleInfo[];
  /** Its peer kinds, in catalog order. */
  readonly peerKinds: readonly CatalogPeerKindInfo[];
  /** Its options, in catalog order. */
  readonly options: readonly CatalogOptionDefinition[];
  /** Its rows, ready for resolution. */
  readonly rows: readonly CatalogRow[];
}

/**
 * A catalog as {@link resolve} and the adapters take it: loaded, a definition to load, or a
 * built-in product by its id (`'serverprotect'`, `'sum'`), which selects that built-in catalog.
 */
export type CatalogSource = ProductCatalog | CatalogDefinition | ProductId;

// What marks a catalog loadCatalog() returned, so that loading it again returns it as it is: a
// property no definition can have (a symbol of this module), not enumerable, so copies drop it.
const LOADED: unique symbol = Symbol('portplan.loadedCatalog');

const isLoaded = (input: unknown): input is ProductCatalog =>
  typeof input === 'object' && input !== null && Object.hasOwn(input, LOADED);

// YAML 1.2 has no merge keys: `<<: *flow` is read as a field named `<<`.
const mergeKeyHint = (keys: readonly string[] | undefined): string | undefined =>
  keys?.includes('<<')
    ? 'YAML 1.2 reads << as a field, not a merge: write the fields out, or alias a whole value (*name)'
    : undefined;

// The source a catalog without a file name is known by: its product id, when that is short text.
function sourceOf(input: unknown): string {
  const id = (input as { product?: { id?: unknown } } | null)?.product?.id;
  return typeof id === 'string' && /^[^\r\n]{1,40}$/.test(id) ? id : '(catalog)';
}

/**
 * The shape check: the catalog against the catalog schema, each problem with a hint for what
 * hand-written files get wrong.
 * @throws CatalogError naming every field of the wrong shape
 */
function checkShape(input: unknown, name: string): CatalogDefinition {
  const issues: SchemaIssue[] = [];
  const checked = catalogSchema.check(input, [], issues);
  if (issues.length || !isValid(checked)) {
    throw new CatalogError(
      name,
      issues.map((i) => {
        const p = issueProblem(input, i, '(catalog)');
        const hint = p.hint ?? typeHint(i.expected, p.value) ?? mergeKeyHint(i.unknownKeys);
        return hint ? { ...p, hint } : p;
      }),
    );
  }
  return checked as CatalogDefinition;
}

/**
 * Checks a catalog (a parsed JSON or YAML file, or a {@link CatalogDefinition}) and makes it ready
 * for resolution. Checks everything that needs no other catalog: the shape, unique ids, role ids in
 * the product's namespace, conditions and port rules naming options of the right type with values
 * they allow, port ranges (a counted range within 65535), citations naming a document, every flow
 * with a group on one side, `peer` ports only with a peer on the other, flows and `requiresPeer`
 * naming the catalog's own peer kinds. Another product's peer kinds (`serverprotect:mail`) and the
 * roles flows name (of any catalog in use) are checked once the catalog joins a set (see
 * {@link catalogSet}). A loaded catalog given again is returned as
 * it is; a definition is checked each time it is loaded: load it once and pass the result around.
 * @param input the catalog
 * @param source its file name, named in every error
 * @default source - the product id
 * @throws CatalogError naming every faulty field, its value and what is allowed
 */
export function loadCatalog(input: unknown, source?: string): ProductCatalog {
  if (isLoaded(input)) return input;
  const name = source ?? sourceOf(input);
  const c = checkShape(input, name);
  const problems: CatalogProblem[] = [];
  const fault: CatalogFault = (path, message, hint, value = valueAt(input, path)) =>
    problems.push({ path: pathText(path, '(catalog)'), value, message, ...(hint ? { hint } : {}) });
  const ctx = checkContext(c, fault);
  for (const [, check] of CATALOG_CHECKS) check(ctx);
  if (problems.length) throw new CatalogError(name, problems);
  const loaded = compileCatalog(c, name);
  Object.defineProperty(loaded, LOADED, { value: true });
  return loaded;
}

/** A preset of a catalog in a set. */
export interface CatalogPresetInfo {
  /** The preset's name. */
  readonly name: string;
  /** What it deploys. */
  readonly description: string;
  /** The product whose catalog holds it. */
  readonly product: string;
  /** The declaration. */
  readonly declaration: Readonly<Record<string, unknown>>;
}

/** Records a fault of one catalog of a set. */
type SetFault = (c: ProductCatalog, path: SchemaPath, message: string, hint?: string) => void;

/**
 * Each catalog claims its ids, products and names in `checkOrder`: of two that clash, the later is
 * at fault. Returns the second catalogs of a product, which clash in every id: their product id
 * says it all, and nothing else of theirs is claimed.
 */
function claimIds(checkOrder: readonly ProductCatalog[], fault: SetFault): Set<ProductCatalog> {
  const owner = new Map<string, string>();
  const claim = (c: ProductCatalog, what: string, key: string, path: SchemaPath): boolean => {
    const first = owner.get(`${what}\u0000${key}`);
    if (first !== undefined) fault(c, path, `duplicate ${what}; catalog ${first} already has it`);
    else owner.set(`${what}\u0000${key}`, c.source);
    return first === undefined;
  };
  const seconds = new Set<ProductCatalog>();
  for (const c of checkOrder) {
    if (!claim(c, 'product id', c.product.id, ['product', 'id'])) {
      seconds.add(c);
      continue;
    }
    claim(c, 'options field', c.product.optionsField, [
      'product',
      c.definition.product.optionsField ? 'optionsField' : 'id',
    ]);
    c.roles.forEach((r, i) => claim(c, 'role id', r.id, ['roles', i, 'id']));
    c.peerKinds.forEach((k, i) => claim(c, 'peer kind', k.id, ['peerKinds', i, 'id']));
    // A resolution's broadcast warnings are keyed by id: two catalogs' `discovery` would share one
    // warning and one message.
    (c.definition.broadcasts ?? []).forEach((b, i) => claim(c, 'broadcast id', b.id, ['broadcasts', i, 'id']));
    c.rows.forEach((r, i) => claim(c, 'row id', r.id, ['rows', i, 'id']));
    (c.definition.presets ?? []).forEach((p, i) => claim(c, 'preset name', p.name, ['presets', i, 'name']));
  }
  return seconds;
}

/** Every role a flow names is a role of a catalog of the set (peer kinds are checked by loadCatalog()). */
function checkFlowRoles(
  catalogs: readonly ProductCatalog[],
  roleById: ReadonlyMap<string, CatalogRoleInfo>,
  fault: SetFault,
): void {
  const roles = [...roleById.keys()];
  for (const c of catalogs) {
    c.definition.rows.forEach((r, i) =>
      r.flows.forEach((f, j) => {
        for (const side of ['listener', 'initiator'] as const) {
          const e = f[side];
          const path = ['rows', i, 'flows', j, side];
          if (!('peer' in e))
            e.roles.forEach((role, k) => {
              if (!roleById.has(role))
                fault(
                  c,
                  [...path, 'roles', k],
                  `must be a role of a catalog in use; this catalog's: ${c.roles.map((x) => x.id).join(', ')}`,
                  didYouMean(role, roles),
                );
            });
        }
      }),
    );
  }
}

/**
 * Every peer kind a flow names as another product's (`serverprotect:mail`) is a kind of that
 * product's catalog, and that catalog is in the set.
 */
function checkFlowPeerRefs(catalogs: readonly ProductCatalog[], fault: SetFault): void {
  const byProduct = new Map(catalogs.map((c) => [c.product.id, c]));
  for (const c of catalogs) {
    c.definition.rows.forEach((r, i) =>
      r.flows.forEach((f, j) => {
        for (const side of ['listener', 'initiator'] as const) {
          const e = f[side];
          const ref = 'peer' in e ? peerRef(e.peer) : undefined;
          if (ref?.product === undefined || ref.product === c.product.id) continue;
          const path = ['rows', i, 'flows', j, side, 'peer'];
          const other = byProduct.get(ref.product);
          const kinds = other?.peerKinds.map((k) => k.id) ?? [];
          if (!other) {
            const products = [...byProduct.keys()].join(', ');
            const why = `names a peer kind of product ${ref.product}, which no catalog in use has`;
            fault(c, path, `${why}: pass its catalog (catalogs, --catalog); products in use: ${products}`);
          } else if (!kinds.includes(ref.kind)) {
            const theirs = kinds.length ? `: ${kinds.join(', ')}` : ' (it has none)';
            fault(c, path, `must be a peer kind of product ${ref.product}${theirs}`, didYouMean(ref.kind, kinds));
          }
        }
      }),
    );
  }
}

/**
 * The catalogs one resolution uses: the built-in products and the user's, in that order, checked
 * against each other (unique product ids, options fields, role, row, peer kind and broadcast ids,
 * preset names; flows naming roles that exist, and other products' peer kinds that exist). Rows keep the order of the catalogs
 * and, within one, of the file.
 */
export class CatalogSet {
  /** Every row, built-in products first. */
  readonly rows: readonly CatalogRow[];
  private readonly roleById = new Map<string, CatalogRoleInfo>();
  private readonly rowIndex = new Map<string, number>();
  private readonly kindById = new Map<string, CatalogPeerKindInfo>();
  private readonly presetByName = new Map<string, CatalogPresetInfo>();
  // Values derived from the set alone (its declaration schema), each built on first use: the set
  // never changes, so every reader gets the same value, and it goes when the set goes.
  private readonly derived = new Map<symbol, unknown>();

  /**
   * @param catalogs the loaded catalogs, built-ins first
   * @param order the order in which the catalogs claim their ids, products and names: of two that
   *   clash, the later is at fault, and the error names it (catalogSet() puts the user's catalogs
   *   after the built-in products they leave in place, in the user's order)
   * @throws CatalogError when two catalogs clash or a flow names a role no catalog has
   */
  constructor(
    /** The catalogs, in order. */
    readonly catalogs: readonly ProductCatalog[],
    order: readonly ProductCatalog[] = catalogs,
  ) {
    // Every catalog of the set is checked, in `order` first.
    const checkOrder = [...order, ...catalogs.filter((c) => !order.includes(c))];
    const faults = new Map<ProductCatalog, CatalogProblem[]>();
    const fault: SetFault = (c, path, message, hint) => {
      const list = faults.get(c) ?? [];
      list.push({
        path: pathText(path, '(catalog)'),
        value: valueAt(c.definition, path),
        message,
        ...(hint ? { hint } : {}),
      });
      faults.set(c, list);
    };
    const seconds = claimIds(checkOrder, fault);
    // Listed in the set's order (a replaced built-in product in its place), whatever the claims' order.
    for (const c of catalogs) {
      if (seconds.has(c)) continue;
      for (const r of c.roles) if (!this.roleById.has(r.id)) this.roleById.set(r.id, r);
      for (const k of c.peerKinds) if (!this.kindById.has(k.id)) this.kindById.set(k.id, k);
      for (const p of c.definition.presets ?? [])
        if (!this.presetByName.has(p.name)) this.presetByName.set(p.name, { ...p, product: c.product.id });
    }
    checkFlowRoles(
      checkOrder.filter((c) => !seconds.has(c)),
      this.roleById,
      fault,
    );
    checkFlowPeerRefs(
      checkOrder.filter((c) => !seconds.has(c)),
      fault,
    );
    // Every catalog at fault is named: the first carries the others.
    const [first, ...rest] = faults;
    if (first) {
      const others = rest.map(([c, problems]) => new CatalogError(c.source, problems));
      throw new CatalogError(first[0].source, first[1], others);
    }
    this.rows = catalogs.flatMap((c) => c.rows);
    this.rows.forEach((r, i) => this.rowIndex.set(r.id, i));
  }

  /** The role with this id, if a catalog of the set has it. */
  role(id: string): CatalogRoleInfo | undefined {
    return this.roleById.get(id);
  }

  /** Every role id, in catalog order. */
  get roleIds(): readonly string[] {
    return [...this.roleById.keys()];
  }

  /** The peer kind with this id, if a catalog of the set has it. */
  peerKind(id: string): CatalogPeerKindInfo | undefined {
    return this.kindById.get(id);
  }

  /** Every peer kind, in catalog order. */
  get peerKindIds(): readonly string[] {
    return [...this.kindById.keys()];
  }

  /** The catalog of a product. */
  catalog(product: string): ProductCatalog | undefined {
    return this.catalogs.find((c) => c.product.id === product);
  }

  /** The row with this id, if a catalog of the set has it. */
  row(id: string): CatalogRow | undefined {
    const i = this.rowIndex.get(id);
    return i === undefined ? undefined : this.rows[i];
  }

  /** Orders row ids as the catalogs list them (for sorting). */
  readonly rowOrder = (a: string, b: string): number =>
    (this.rowIndex.get(a) ?? Infinity) - (this.rowIndex.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0);

  /** Every preset, in catalog order. */
  get presets(): readonly CatalogPresetInfo[] {
    return [...this.presetByName.values()];
  }

  /** The preset with this name, if a catalog of the set has it. */
  preset(name: string): CatalogPresetInfo | undefined {
    return this.presetByName.get(name);
  }

  /**
   * A value derived from this set alone, built by `build` the first time `key` is asked for and
   * kept with the set (the declaration schema of lib/model/declaration-schema.ts). @internal
   */
  derive<T>(key: symbol, build: (set: CatalogSet) => T): T {
    if (!this.derived.has(key)) this.derived.set(key, build(this));
    return this.derived.get(key) as T;
  }
}

/**
 * A catalog written in TypeScript, checked at once: the typed way to write a catalog in a CDK app or
 * Pulumi program (`catalogs: [defineCatalog({ product: ..., roles: [...], rows: [...] })]`).
 * @throws CatalogError naming every faulty field, its value and what is allowed
 */
export function defineCatalog(definition: CatalogDefinition): ProductCatalog {
  // Named by its product id, as loadCatalog() names a catalog without a file.
  return loadCatalog(definition);
}
