// The rules across a catalog's fields, once its shape is right: one named check per rule, run in the
// order of CATALOG_CHECKS, each reporting its faults through the context. The order is the order of
// the problems in a CatalogError, so it is part of the messages users read.
import {
  ID,
  type CatalogCitation,
  type CatalogCondition,
  type CatalogDefinition,
  type CatalogOptionDefinition,
  type CatalogPorts,
} from './catalog-format';
import { optionValueProblem } from './catalog-options';
import { didYouMean, pathText } from './problems';
import type { SchemaIssue, SchemaPath } from './schema';

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

// Declaration fields a product's options block may not take.
const RESERVED_FIELDS = ['groups', 'peers', 'egress'];

const camel = (id: string): string => id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The declaration field of a product's options: `product.optionsField`, else the product id in camelCase. @internal */
export const optionsFieldOf = (c: CatalogDefinition): string => c.product.optionsField ?? camel(c.product.id);

// A name every JavaScript object answers to (`constructor`, `toString`): as an option or an options
// field, a declaration that leaves it out would still seem to set it (to a function), and the
// checks and defaults that read the declaration would go wrong.
const inherited = (name: string): boolean => name in Object.prototype;
const INHERITED_MESSAGE = 'is a name every JavaScript object already has; choose another';

/**
 * A hint for a value of the wrong type, for what hand-written files get wrong: YAML 1.2 (what
 * readCatalogFile reads) takes `on`, `off`, `yes` and `no` as text, not true or false, and `2.4` or
 * `5432` as numbers; JSON and YAML take `"80"` as text. @internal
 */
export function typeHint(expected: SchemaIssue['expected'], value: unknown): string | undefined {
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
 * Records one fault: `value` defaults to what the input holds at `path`; a fault in a key (an
 * unknown option name in a condition) shows the key instead. @internal
 */
export type CatalogFault = (path: SchemaPath, message: string, hint?: string, value?: unknown) => void;

/** What every check reads: the catalog (shape already checked) and the facts the checks share. @internal */
export interface CheckContext {
  /** The catalog, as the shape check returned it. */
  readonly catalog: CatalogDefinition;
  /** The options field the product's options go under in a declaration. */
  readonly optionsField: string;
  /** The catalog's options, by name. */
  readonly options: ReadonlyMap<string, CatalogOptionDefinition>;
  /** The catalog's own peer kinds, in order. */
  readonly kinds: readonly string[];
  /** Records a fault. */
  readonly fault: CatalogFault;
}

/** One rule across a catalog's fields. @internal */
export type CatalogCheck = (ctx: CheckContext) => void;

/** The context of the checks of a catalog whose shape is right. @internal */
export function checkContext(catalog: CatalogDefinition, fault: CatalogFault): CheckContext {
  return {
    catalog,
    optionsField: optionsFieldOf(catalog),
    options: new Map((catalog.options ?? []).map((o) => [o.name, o])),
    kinds: (catalog.peerKinds ?? []).map((k) => k.id),
    fault,
  };
}

/** The options field is a field name no declaration already has and no object inherits. */
export function checkOptionsField({ catalog: c, optionsField, fault }: CheckContext): void {
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
}

/** Ids (names, for options and presets) are unique within each list. */
export function checkUniqueIds({ catalog: c, fault }: CheckContext): void {
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
}

// Names in one list of `api` names that another item of the list already uses: the generated code
// would declare the name twice.
function uniqueNames(names: readonly (string | undefined)[], path: (i: number) => SchemaPath, fault: CatalogFault) {
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === undefined) return;
    const first = seen.get(n);
    if (first === undefined) seen.set(n, i);
    else fault(path(i), `duplicate; ${pathText(path(first))} already uses it`);
  });
}

/**
 * The `api` names the typed APIs are generated with: an enum (`typeName`, `typeDoc`, `aliasDoc`,
 * `values`) only on a choice, one member per value; role, groups field and peer kind names each
 * unique in the catalog.
 */
export function checkApiNames({ catalog: c, fault }: CheckContext): void {
  (c.options ?? []).forEach((o, i) => {
    const api = o.api ?? {};
    const enumFields = (['typeName', 'typeDoc', 'aliasDoc', 'values'] as const).filter((f) => api[f] !== undefined);
    if (o.type !== 'choice') {
      for (const f of enumFields) fault(['options', i, 'api', f], 'only a choice option has an enum; remove it');
    } else if (api.values && api.values.length !== o.values.length) {
      fault(['options', i, 'api', 'values'], `needs one member per value of the option (${o.values.length}), in order`);
    } else if (api.values) {
      uniqueNames(
        api.values.map((v) => v.name),
        (j) => ['options', i, 'api', 'values', j, 'name'],
        fault,
      );
    }
  });
  uniqueNames(
    c.roles.map((r) => r.api?.typeName),
    (i) => ['roles', i, 'api', 'typeName'],
    fault,
  );
  uniqueNames(
    c.roles.map((r) => r.api?.groupsField),
    (i) => ['roles', i, 'api', 'groupsField'],
    fault,
  );
  uniqueNames(
    (c.peerKinds ?? []).map((k) => k.api?.typeName),
    (i) => ['peerKinds', i, 'api', 'typeName'],
    fault,
  );
}

/** Every document says where to read it. */
export function checkDocumentSources({ catalog: c, fault }: CheckContext): void {
  c.documents.forEach((d, i) => {
    if (d.url === undefined && d.reference === undefined)
      fault(['documents', i], 'needs a url or a reference (where to read the copy the rows cite)');
  });
}

/** Role ids fit a tag value and are in the product's namespace. */
export function checkRoleIds({ catalog: c, fault }: CheckContext): void {
  const productId = c.product.id;
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
}

/** No broadcast of the catalog's takes the built-in one's id. */
export function checkBroadcastIds({ catalog: c, fault }: CheckContext): void {
  (c.broadcasts ?? []).forEach((b, i) => {
    if (b.id === 'netbios')
      fault(['broadcasts', i, 'id'], 'must not be netbios: it is built in, and flows name it as it is');
  });
}

/**
 * A condition names options of the product (not `self`, the option it guards) with values they take.
 * @internal
 */
export function checkCondition(
  { options, fault }: CheckContext,
  when: CatalogCondition | undefined,
  path: SchemaPath,
  self?: string,
): void {
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
}

// `must be one of the catalog's own peerKinds: a, b`, or that it has none.
const ownKinds = (kinds: readonly string[]): string =>
  `must be one of the catalog's own peerKinds${kinds.length ? `: ${kinds.join(', ')}` : ' (it has none)'}`;

/**
 * Each option: a name no object inherits, a condition over the other options, a choice's default
 * among its values, `requiresPeer` naming an own peer kind (and no default with it), a count's
 * bounds, a pinned port's fallback range.
 */
export function checkOptionDefinitions(ctx: CheckContext): void {
  const { catalog: c, kinds, fault } = ctx;
  (c.options ?? []).forEach((o, i) => {
    const path = ['options', i];
    if (inherited(o.name)) fault([...path, 'name'], INHERITED_MESSAGE);
    checkCondition(ctx, o.when, [...path, 'when'], o.name);
    if (o.type === 'choice' && o.default !== undefined && !o.values.includes(o.default)) {
      fault(
        [...path, 'default'],
        `must be one of the option's values: ${o.values.join(', ')}`,
        didYouMean(o.default, o.values),
      );
    }
    if (o.type === 'choice' && o.requiresPeer !== undefined) {
      if (!kinds.includes(o.requiresPeer)) {
        fault([...path, 'requiresPeer'], ownKinds(kinds), didYouMean(o.requiresPeer, kinds));
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
}

/** The conditions under which roles may be declared; an OS option is a choice among the role's OSes. */
export function checkRoleRequirements(ctx: CheckContext): void {
  const { options, fault } = ctx;
  ctx.catalog.roles.forEach((r, i) => {
    r.requires?.forEach((q, j) => checkCondition(ctx, q.when, ['roles', i, 'requires', j, 'when']));
    if (r.hostOsOption === undefined) return;
    const o = options.get(r.hostOsOption);
    const choices = [...options.values()].filter((x) => x.type === 'choice').map((x) => x.name);
    if (o?.type !== 'choice') {
      const allowed = choices.length ? `: ${choices.join(', ')}` : ' (it has none)';
      fault(
        ['roles', i, 'hostOsOption'],
        `must name a choice option of the product${allowed}`,
        didYouMean(r.hostOsOption, choices),
      );
    } else if (o.values.some((v) => !(r.hostOs as readonly string[]).includes(v))) {
      const hostOs = r.hostOs.length ? r.hostOs.join(', ') : 'none: an appliance';
      fault(
        ['roles', i, 'hostOsOption'],
        `must name an option whose values are among the role's hostOs (${hostOs}); ${o.name} takes ${o.values.join(', ')}`,
      );
    }
  });
}

type Row = CatalogDefinition['rows'][number];
type Flow = Row['flows'][number];

/** One rule on one flow of a row, at `path` (`rows[i].flows[j]`). @internal */
export type FlowCheck = (ctx: CheckContext, f: Flow, path: SchemaPath) => void;

/**
 * A peer kind is its catalog's: another product's kind comes with that product's rules (a Control
 * Manager peer needs serverProtect.controlManagerAgent), so a catalog declares its own.
 */
export const checkFlowPeerKinds: FlowCheck = ({ catalog: c, kinds, fault }, f, path) => {
  for (const side of ['listener', 'initiator'] as const) {
    const e = f[side];
    if (!('peer' in e)) continue;
    // Another product's kind (`serverprotect:mail`) is checked once the catalog joins a set.
    const ref = peerRef(e.peer);
    if (ref.product !== undefined && ref.product !== c.product.id) continue;
    if (!kinds.includes(ref.kind)) {
      const hint = didYouMean(ref.kind, kinds);
      fault([...path, side, 'peer'], `${ownKinds(kinds)}, or another product's as <product id>:<kind>`, hint);
    }
  }
};

/** A flow's peer reference: a kind of the catalog's own, or `<product id>:<kind>`. @internal */
export function peerRef(text: string): { readonly product?: string; readonly kind: string } {
  const colon = text.indexOf(':');
  return colon < 0 ? { kind: text } : { product: text.slice(0, colon), kind: text.slice(colon + 1) };
}

/** A rule lives on a group: between two peers there is nothing to put it on (placeRules skips it). */
export const checkFlowHasGroup: FlowCheck = ({ fault }, f, path) => {
  if ('peer' in f.listener && 'peer' in f.initiator) {
    fault([...path, 'initiator'], 'must be { roles: [role ids] }: the listener is a peer, and a flow needs a group');
  }
};

/**
 * Peer ports are the ports a declared peer names (or the defaults): with no peer on either side, no
 * peer could name them.
 */
export const checkFlowPeerPorts: FlowCheck = ({ fault }, f, path) => {
  if ('ports' in f && f.ports.kind === 'peer' && !('peer' in f.listener) && !('peer' in f.initiator)) {
    fault(
      [...path, 'ports', 'kind'],
      'must not be peer here: peer ports are the ports a peer of the flow names, and neither side is a peer; use fixed',
    );
  }
};

/** Fallback and counted ports name an option of the right type; a counted range stays within 65535. */
export const checkFlowPortOptions: FlowCheck = ({ options, fault }, f, path) => {
  if (!('ports' in f)) return;
  const p: CatalogPorts = f.ports;
  const typed = (type: string): string[] => [...options.values()].filter((o) => o.type === type).map((o) => o.name);
  const listed = (type: string): string => (typed(type).length ? `: ${typed(type).join(', ')}` : ` (it has none)`);
  const at = [...path, 'ports'];
  if (p.kind === 'fallback' && options.get(p.pin)?.type !== 'pinnedPort') {
    fault(
      [...at, 'pin'],
      `must name a pinnedPort option of the product${listed('pinnedPort')}`,
      didYouMean(p.pin, typed('pinnedPort')),
    );
  }
  if (p.kind === 'counted') {
    const o = options.get(p.count);
    if (o?.type !== 'count') {
      fault(
        [...at, 'count'],
        `must name a count option of the product${listed('count')}`,
        didYouMean(p.count, typed('count')),
      );
    } else if (p.base + o.max - 1 > 65535) {
      fault(
        [...at, 'base'],
        `must be at most ${65536 - o.max}: with ${p.count} at its max of ${o.max}, the ports would run past 65535`,
      );
    }
  }
};

/** An ICMP code is a code of one type: without a type, every message is meant already. */
export const checkFlowIcmp: FlowCheck = ({ fault }, f, path) => {
  if ('icmp' in f && f.icmp?.code !== undefined && f.icmp.type === undefined) {
    fault(
      [...path, 'icmp', 'code'],
      'must come with a type: a code is one of a message type (icmp: { type: 3, code: 4 })',
    );
  }
};

/** A flow's broadcast is the built-in one or one of the catalog's. */
export const checkFlowBroadcast: FlowCheck = ({ catalog: c, fault }, f, path) => {
  const broadcasts = new Set(['netbios', ...(c.broadcasts ?? []).map((b) => b.id)]);
  if (f.broadcast !== undefined && !broadcasts.has(f.broadcast)) {
    fault(
      [...path, 'broadcast'],
      `must be netbios or one of broadcasts: ${[...broadcasts].slice(1).join(', ') || '(none)'}`,
      didYouMean(f.broadcast, broadcasts),
    );
  }
};

/** The checks of each flow of each row, in order. @internal */
export const FLOW_CHECKS: readonly FlowCheck[] = [
  checkFlowPeerKinds,
  checkFlowHasGroup,
  checkFlowPeerPorts,
  checkFlowPortOptions,
  checkFlowIcmp,
  checkFlowBroadcast,
];

/** A row's citations as a list: the one it gives, or its list. @internal */
export const citationsOf = (r: Row): readonly CatalogCitation[] => {
  const c = r.citation;
  return 'document' in c ? [c] : c;
};

/** Each row: its condition, its citations naming a document, then each of its flows ({@link FLOW_CHECKS}). */
export function checkRows(ctx: CheckContext): void {
  const { catalog: c, fault } = ctx;
  const documents = new Set(c.documents.map((d) => d.id));
  c.rows.forEach((r, i) => {
    const path = ['rows', i];
    checkCondition(ctx, r.when, [...path, 'when']);
    citationsOf(r).forEach((cite, k) => {
      if (documents.has(cite.document)) return;
      fault(
        [...path, 'citation', ...('document' in r.citation ? [] : [k]), 'document'],
        `must be the id of one of documents: ${[...documents].join(', ')}`,
        didYouMean(cite.document, documents),
      );
    });
    r.flows.forEach((f, j) => {
      for (const check of FLOW_CHECKS) check(ctx, f, [...path, 'flows', j]);
    });
  });
}

/** The rules across a catalog's fields, by name, in the order they run. @internal */
export const CATALOG_CHECKS: readonly (readonly [name: string, check: CatalogCheck])[] = [
  ['options field', checkOptionsField],
  ['unique ids', checkUniqueIds],
  ['document sources', checkDocumentSources],
  ['role ids', checkRoleIds],
  ['broadcast ids', checkBroadcastIds],
  ['option definitions', checkOptionDefinitions],
  ['role requirements', checkRoleRequirements],
  ['rows', checkRows],
  ['api names', checkApiNames],
];
