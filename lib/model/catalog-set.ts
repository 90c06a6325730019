// Catalogs as data: loading one (shape, then the rules across its fields), and the set of catalogs a
// resolution uses (the built-ins and the user's), with the rules across catalogs. The built-in
// products go through exactly this path (lib/model/builtin.ts).
import type { CatalogRow, Citation, EndpointSpec, FlowTemplate, PortSpec } from './catalog';
import {
  catalogSchema,
  ID,
  type CatalogCondition,
  type CatalogDefinition,
  type CatalogEndpoint,
  type CatalogOptionDefinition,
  type CatalogPorts,
  type HostOs,
} from './catalog-format';
import { PortplanError, showValue } from './errors';
import { isValid, type SchemaIssue, type SchemaPath } from './schema';
import { didYouMean, issueProblem, pathText, valueAt, type DeclarationProblem } from './problems';
import type { ProductId } from './roles';

/**
 * The longest role id a catalog may give. A role id is the value of the `portplan:role` tag
 * portplan writes on every AWS security group and Azure ASG it creates, and both clouds hold at
 * most 256 characters in a tag value (AWS: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions,
 * what cfn-lint checks as E3024; Azure:
 * https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations).
 * The other tag value portplan writes, `portplan:group`, is a group name: 40 characters at most.
 */
export const MAX_ROLE_ID_LENGTH = 256;

const roleIdTooLong = (id: string) =>
  `must be at most ${MAX_ROLE_ID_LENGTH} characters (it has ${id.length}): the value of the portplan:role tag on ` +
  `AWS security groups and Azure ASGs, which hold at most ${MAX_ROLE_ID_LENGTH} ` +
  '(https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions; ' +
  'https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations)';

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

const LOADED = new WeakSet<object>();
// A definition loaded before, by identity: passing the same object to every call checks it once.
const BY_DEFINITION = new WeakMap<object, ProductCatalog>();

// Declaration fields a product's options block may not take.
const RESERVED_FIELDS = ['groups', 'peers', 'egress'];

const camel = (id: string): string => id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

// A name every JavaScript object answers to (`constructor`, `toString`): as an option or an options
// field, a declaration that leaves it out would still seem to set it (to a function), and the
// checks and defaults that read the declaration would go wrong.
const inherited = (name: string): boolean => name in Object.prototype;
const INHERITED_MESSAGE = 'is a name every JavaScript object already has; choose another';

/**
 * A hint for a value of the wrong type, for what hand-written files get wrong: YAML 1.2 (what
 * readCatalogFile reads) takes `on`, `off`, `yes` and `no` as text, not true or false, and `2.4` or
 * `5432` as numbers; JSON and YAML take `"80"` as text.
 */
function typeHint(expected: SchemaIssue['expected'], value: unknown): string | undefined {
  if (expected === 'number' && typeof value === 'string' && /^\s*\d+\s*$/.test(value))
    return `write the number without quotes: ${Number(value)}`;
  if (expected === 'flag' && typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === 'false') return `write ${v} without quotes`;
    if (['on', 'yes', 'y'].includes(v)) return `write true: YAML 1.2 reads ${value} as text`;
    if (['off', 'no', 'n'].includes(v)) return `write false: YAML 1.2 reads ${value} as text`;
  }
  if (expected === 'text' && (typeof value === 'number' || typeof value === 'boolean'))
    return `put it in quotes: unquoted, it is read as ${typeof value === 'number' ? 'a number' : 'true or false'}`;
  return undefined;
}

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

// A hint for a condition's value that an option does not take: a near value of a choice, or the
// value in the type the option has (`"true"`, `on`, `"80"`; `1` for a choice of "1" and "2").
function valueHint(o: CatalogOptionDefinition, v: unknown): string | undefined {
  if (o.type === 'choice') {
    if ((typeof v === 'number' || typeof v === 'boolean') && o.values.includes(String(v)))
      return `put it in quotes: the values of option ${o.name} are text`;
    return didYouMean(v, o.values);
  }
  return typeHint(o.type === 'flag' ? 'flag' : 'number', v);
}

/**
 * Checks a catalog (a parsed JSON or YAML file, or a {@link CatalogDefinition}) and makes it ready
 * for resolution. Checks everything that needs no other catalog: the shape, unique ids, role ids in
 * the product's namespace, conditions and port rules naming options of the right type with values
 * they allow, port ranges (a counted range within 65535), citations naming a document, every flow
 * with a group on one side, `peer` ports only with a peer on the other, flows and `requiresPeer`
 * naming the catalog's own peer kinds. The roles flows name (of any catalog in use) are checked
 * once the catalog joins a set (see {@link catalogSet}). The result is kept for the input object:
 * a definition changed after loading is not checked again; load a new object instead.
 * @param input the catalog
 * @param source its file name, named in every error
 * @default source - the product id
 * @throws CatalogError naming every faulty field, its value and what is allowed
 */
export function loadCatalog(input: unknown, source?: string): ProductCatalog {
  if (typeof input === 'object' && input !== null) {
    if (LOADED.has(input)) return input as ProductCatalog;
    const cached = BY_DEFINITION.get(input);
    if (cached && (source === undefined || cached.source === source)) return cached;
  }
  const issues: SchemaIssue[] = [];
  const checked = catalogSchema.check(input, [], issues);
  const name = source ?? sourceOf(input);
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
  const c = checked as CatalogDefinition;
  const problems: CatalogProblem[] = [];
  // `value` defaults to what the input holds at `path`; a fault in a key (an unknown option name
  // in a condition) shows the key instead.
  const fault = (path: SchemaPath, message: string, hint?: string, value: unknown = valueAt(input, path)) =>
    problems.push({
      path: pathText(path, '(catalog)'),
      value,
      message,
      ...(hint ? { hint } : {}),
    });

  const productId = c.product.id;
  const optionsField = c.product.optionsField ?? camel(productId);
  const explicit = c.product.optionsField !== undefined;
  const fieldPath = explicit ? ['product', 'optionsField'] : ['product', 'id'];
  const field = `${explicit ? 'names' : 'makes'} the options field ${optionsField}`;
  const fix = explicit ? 'choose another' : 'set product.optionsField to another name';
  if (RESERVED_FIELDS.includes(optionsField)) {
    fault(fieldPath, `${field}, a field of every declaration; ${fix}`);
  } else if (inherited(optionsField)) {
    fault(fieldPath, `${field}, a name every JavaScript object already has; ${fix}`);
  } else if (!ID.option.test(optionsField)) {
    // Only a product id with two dashes in a row gets here (`a--b` makes `a-B`).
    fault(fieldPath, `${field}, which is not a field name (a letter, then letters and digits); ${fix}`);
  }

  const unique = (items: readonly { readonly id?: string; readonly name?: string }[] | undefined, list: string) => {
    const seen = new Map<string, number>();
    items?.forEach((item, i) => {
      const key = item.id ?? item.name ?? '';
      const first = seen.get(key);
      if (first !== undefined)
        fault([list, i, item.id !== undefined ? 'id' : 'name'], `duplicate; ${list}[${first}] already uses it`);
      else seen.set(key, i);
    });
  };
  unique(c.documents, 'documents');
  unique(c.roles, 'roles');
  unique(c.peerKinds, 'peerKinds');
  unique(c.options, 'options');
  unique(c.broadcasts, 'broadcasts');
  unique(c.rows, 'rows');
  unique(c.presets, 'presets');

  c.documents.forEach((d, i) => {
    if (d.url === undefined && d.reference === undefined)
      fault(['documents', i], 'needs a url or a reference (where to read the copy the rows cite)');
  });
  c.roles.forEach((r, i) => {
    if (r.id.length > MAX_ROLE_ID_LENGTH) fault(['roles', i, 'id'], roleIdTooLong(r.id));
    if (!r.id.startsWith(`${productId}:`)) {
      // `shpo:web` or `web-shop:web` in a catalog of `shop`: the same role in the product's namespace.
      const own = `${productId}:${r.id.slice(r.id.indexOf(':') + 1)}`;
      fault(
        ['roles', i, 'id'],
        `must be in the product's namespace: start with ${productId}:`,
        `did you mean "${own}"?`,
      );
    }
  });
  (c.broadcasts ?? []).forEach((b, i) => {
    if (b.id === 'netbios')
      fault(['broadcasts', i, 'id'], 'must not be netbios: it is built in, and flows name it as it is');
  });
  const kinds = (c.peerKinds ?? []).map((k) => k.id);

  const options = new Map((c.options ?? []).map((o) => [o.name, o]));
  const checkCondition = (when: CatalogCondition | undefined, path: SchemaPath, self?: string) => {
    for (const [k, v] of Object.entries(when ?? {})) {
      const o = options.get(k);
      if (k === self) {
        fault([...path, k], `must not be the option itself: name the options that allow ${k}`);
        continue;
      }
      if (!o) {
        const allowed = [...options.keys()].filter((n) => n !== self);
        fault(
          [...path, k],
          `must name an option of the product${allowed.length ? `: ${allowed.join(', ')}` : ' (it has none)'}`,
          didYouMean(k, allowed),
          k,
        );
        continue;
      }
      for (const [j, one] of (Array.isArray(v) ? v : [v]).entries()) {
        const wrong = optionValueProblem(o, one);
        if (wrong)
          fault(
            Array.isArray(v) ? [...path, k, j] : [...path, k],
            `${wrong} (the values of option ${k})`,
            valueHint(o, one),
          );
      }
    }
  };
  (c.options ?? []).forEach((o, i) => {
    const path = ['options', i];
    if (inherited(o.name)) fault([...path, 'name'], INHERITED_MESSAGE);
    checkCondition(o.when, [...path, 'when'], o.name);
    if (o.type === 'choice' && o.default !== undefined && !o.values.includes(o.default)) {
      fault(
        [...path, 'default'],
        `must be one of the option's values: ${o.values.join(', ')}`,
        didYouMean(o.default, o.values),
      );
    }
    if (o.type === 'choice' && o.requiresPeer !== undefined) {
      if (!kinds.includes(o.requiresPeer)) {
        fault(
          [...path, 'requiresPeer'],
          `must be one of the catalog's own peerKinds${kinds.length ? `: ${kinds.join(', ')}` : ' (it has none)'}`,
          didYouMean(o.requiresPeer, kinds),
        );
      }
      // crossFieldIssues reads the option with its default filled in: a default would make every
      // declaration need the peer, and unset is how a declaration says it has none.
      if (o.default !== undefined) {
        fault([...path, 'default'], `must be left out with requiresPeer: unset means no ${o.requiresPeer} peer`);
      }
    }
    if (o.type === 'count') {
      if (o.min > o.max) fault([...path, 'min'], `must not be above max (${o.max})`);
      else if (o.default < o.min || o.default > o.max) fault([...path, 'default'], `must be from ${o.min} to ${o.max}`);
    }
    if (o.type === 'pinnedPort' && o.fallback[0] > o.fallback[1]) {
      fault([...path, 'fallback'], 'must be [first, last] with first not above last');
    }
  });
  c.roles.forEach((r, i) => r.requires?.forEach((q, j) => checkCondition(q.when, ['roles', i, 'requires', j, 'when'])));

  const documents = new Set(c.documents.map((d) => d.id));
  const broadcasts = new Set(['netbios', ...(c.broadcasts ?? []).map((b) => b.id)]);
  const portsOf = (p: CatalogPorts, path: SchemaPath): PortSpec | undefined => {
    switch (p.kind) {
      case 'fixed':
        return { kind: 'fixed', ports: p.ports };
      case 'peer':
        return { kind: 'peer', defaults: p.defaults };
      case 'fallback': {
        const o = options.get(p.pin);
        if (o?.type !== 'pinnedPort') {
          fault(
            [...path, 'pin'],
            `must name a pinnedPort option of the product${typedOptions('pinnedPort')}`,
            didYouMean(p.pin, typedNames('pinnedPort')),
          );
          return undefined;
        }
        return { kind: 'fallback', base: o.base, fallback: [o.fallback[0], o.fallback[1]], pin: p.pin, optionsField };
      }
      case 'counted': {
        const o = options.get(p.count);
        if (o?.type !== 'count') {
          fault(
            [...path, 'count'],
            `must name a count option of the product${typedOptions('count')}`,
            didYouMean(p.count, typedNames('count')),
          );
          return undefined;
        }
        if (p.base + o.max - 1 > 65535) {
          fault(
            [...path, 'base'],
            `must be at most ${65536 - o.max}: with ${p.count} at its max of ${o.max}, the ports would run past 65535`,
          );
          return undefined;
        }
        return { kind: 'counted', base: p.base, count: p.count, optionsField };
      }
    }
  };
  function typedNames(type: string): string[] {
    return [...options.values()].filter((o) => o.type === type).map((o) => o.name);
  }
  function typedOptions(type: string): string {
    const names = typedNames(type);
    return names.length ? `: ${names.join(', ')}` : ` (it has none)`;
  }
  const endpointOf = (e: CatalogEndpoint): EndpointSpec => ('peer' in e ? { peer: e.peer } : { roles: e.roles });

  const documentTitle = new Map(c.documents.map((d) => [d.id, d.title]));
  const rows: CatalogRow[] = [];
  c.rows.forEach((r, i) => {
    const path = ['rows', i];
    checkCondition(r.when, [...path, 'when']);
    if (!documents.has(r.citation.document)) {
      fault(
        [...path, 'citation', 'document'],
        `must be the id of one of documents: ${[...documents].join(', ')}`,
        didYouMean(r.citation.document, documents),
      );
    }
    const flows: FlowTemplate[] = [];
    r.flows.forEach((f, j) => {
      const flowPath = [...path, 'flows', j];
      // A peer kind is its catalog's: another product's kind comes with that product's rules (a
      // Control Manager peer needs serverProtect.controlManagerAgent), so a catalog declares its own.
      for (const side of ['listener', 'initiator'] as const) {
        const e = f[side];
        if ('peer' in e && !kinds.includes(e.peer)) {
          fault(
            [...flowPath, side, 'peer'],
            `must be one of the catalog's own peerKinds${kinds.length ? `: ${kinds.join(', ')}` : ' (it has none)'}`,
            didYouMean(e.peer, kinds),
          );
        }
      }
      // A rule lives on a group: between two peers there is nothing to put it on (placeRules skips it).
      if ('peer' in f.listener && 'peer' in f.initiator) {
        fault(
          [...flowPath, 'initiator'],
          'must be { roles: [role ids] }: the listener is a peer, and a flow needs a group',
        );
      }
      // Peer ports are the ports a declared peer names (or the defaults): with no peer on either
      // side, no peer could name them.
      if (f.ports.kind === 'peer' && !('peer' in f.listener) && !('peer' in f.initiator)) {
        fault(
          [...flowPath, 'ports', 'kind'],
          'must not be peer here: peer ports are the ports a peer of the flow names, and neither side is a peer; use fixed',
        );
      }
      const ports = portsOf(f.ports, [...flowPath, 'ports']);
      if (f.broadcast !== undefined && !broadcasts.has(f.broadcast)) {
        fault(
          [...flowPath, 'broadcast'],
          `must be netbios or one of broadcasts: ${[...broadcasts].slice(1).join(', ') || '(none)'}`,
          didYouMean(f.broadcast, broadcasts),
        );
      }
      if (!ports) return;
      flows.push({
        listener: endpointOf(f.listener),
        initiator: endpointOf(f.initiator),
        protocol: f.protocol,
        ports,
        ...(f.broadcast !== undefined ? { broadcast: f.broadcast } : {}),
      });
    });
    const when = r.when ?? {};
    const citation: Citation = {
      document: documentTitle.get(r.citation.document) ?? r.citation.document,
      row: r.id,
      ...(r.citation.note !== undefined ? { note: r.citation.note } : {}),
    };
    rows.push({
      id: r.id,
      product: productId,
      purpose: r.purpose,
      condition: r.condition,
      when,
      optionsField,
      applies: (d) => conditionHolds(when, d, optionsField),
      flows,
      citation,
    });
  });
  if (problems.length) throw new CatalogError(name, problems);

  const loaded: ProductCatalog = {
    source: name,
    definition: c,
    product: { id: productId, name: c.product.name, optionsField, documents: c.documents },
    roles: c.roles.map((r) => ({
      id: r.id,
      product: productId,
      label: r.label,
      hostOs: r.hostOs,
      requires: r.requires ?? [],
    })),
    peerKinds: (c.peerKinds ?? []).map((k) => ({
      id: k.id,
      product: productId,
      label: k.label,
      reachedWith: k.reachedWith ?? reachedWith(c, k.id),
    })),
    options: c.options ?? [],
    rows,
  };
  LOADED.add(loaded);
  if (typeof input === 'object' && input !== null) BY_DEFINITION.set(input, loaded);
  return loaded;
}

// The roles on the other side of the flows that reach a peer kind, for the unused-peer warning.
function reachedWith(c: CatalogDefinition, kind: string): string {
  const roles = new Set<string>();
  for (const r of c.rows)
    for (const f of r.flows) {
      const [peer, other] = 'peer' in f.listener ? [f.listener, f.initiator] : [f.initiator, f.listener];
      if ('peer' in peer && peer.peer === kind && 'roles' in other) other.roles.forEach((x) => roles.add(x));
    }
  return roles.size ? `a group of role ${[...roles].join(' or ')}` : 'a row that reaches it';
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

/**
 * The catalogs one resolution uses: the built-in products and the user's, in that order, checked
 * against each other (unique product ids, options fields, role, row, peer kind and broadcast ids,
 * preset names; flows naming roles that exist). Rows keep the order of the catalogs
 * and, within one, of the file.
 */
export class CatalogSet {
  /** Every row, built-in products first. */
  readonly rows: readonly CatalogRow[];
  private readonly roleById = new Map<string, CatalogRoleInfo>();
  private readonly rowIndex = new Map<string, number>();
  private readonly kindById = new Map<string, CatalogPeerKindInfo>();
  private readonly presetByName = new Map<string, CatalogPresetInfo>();

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
    const fault = (c: ProductCatalog, path: SchemaPath, message: string, hint?: string) => {
      const list = faults.get(c) ?? [];
      list.push({
        path: pathText(path, '(catalog)'),
        value: valueAt(c.definition, path),
        message,
        ...(hint ? { hint } : {}),
      });
      faults.set(c, list);
    };
    const owner = new Map<string, string>();
    const claim = (c: ProductCatalog, what: string, key: string, path: SchemaPath): boolean => {
      const first = owner.get(`${what}\u0000${key}`);
      if (first !== undefined) fault(c, path, `duplicate ${what}; catalog ${first} already has it`);
      else owner.set(`${what}\u0000${key}`, c.source);
      return first === undefined;
    };
    // A second catalog of a product clashes in every id: its product id says it all.
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
    // Listed in the set's order (a replaced built-in product in its place), whatever the claims' order.
    for (const c of catalogs) {
      if (seconds.has(c)) continue;
      for (const r of c.roles) if (!this.roleById.has(r.id)) this.roleById.set(r.id, r);
      for (const k of c.peerKinds) if (!this.kindById.has(k.id)) this.kindById.set(k.id, k);
      for (const p of c.definition.presets ?? [])
        if (!this.presetByName.has(p.name)) this.presetByName.set(p.name, { ...p, product: c.product.id });
    }
    const roles = [...this.roleById.keys()];
    for (const c of checkOrder) {
      if (seconds.has(c)) continue;
      c.definition.rows.forEach((r, i) =>
        r.flows.forEach((f, j) => {
          for (const side of ['listener', 'initiator'] as const) {
            const e = f[side];
            const path = ['rows', i, 'flows', j, side];
            // Peer kinds are the catalog's own, checked by loadCatalog().
            if (!('peer' in e))
              e.roles.forEach((role, k) => {
                if (!this.roleById.has(role))
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
