// The declaration's schema, in the terms of lib/model/schema.ts, built from the catalogs in use: the
// one source of the run-time check (validate.ts), the published JSON Schema with each field's
// description, and the declaration's TypeScript types (declaration.generated.ts, written from the
// built-in set's schema by `npm run generate`). The roles, peer kinds and options blocks come from the
// catalogs, and so does each option's description: the catalog's own `description`. The built-in
// set's schema is schema/declaration.schema.json. Not part of the package's API: users call
// validate() and declarationJsonSchema().
import { conditionHolds, conditionText, optionOf, optionValueProblem } from './catalog-options';
import type { CatalogSet } from './catalog-set';
import { ID, optionValue, type CatalogOptionDefinition, type OptionValue } from './catalog-format';
import { optionsView } from './group-options';
import { neverRoutedBlock, parseCidr } from './cidr';
import { MAX_ENTRIES_NEEDED, SERVICE_TAG_NAME, prefixListWeight } from './peer-address';
import {
  choice,
  described,
  flag,
  isValid,
  list,
  named,
  object,
  optional,
  record,
  text,
  textForms,
  wholeNumber,
  withDefault,
  type AnyNode,
  type ObjectNode,
  type SchemaDoc,
  type SchemaIssue,
  type SchemaPath,
  type Shape,
} from './schema';
import type { NormalizedDeclaration } from './options';
import { portRangeListText } from './port-ranges';
import type { PortRange } from './resolve';

// Names become parts of Azure rule names, which must end with a letter, digit or underscore
// (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork),
// and of CDK construct ids: so a letter first, a letter or digit last.
const NAME = /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const NAME_MESSAGE =
  'must be lower-case letters, digits and dashes, start with a letter, end with a letter or digit, ' +
  'at most 40 characters';
const name = text(NAME, NAME_MESSAGE);
const port = wholeNumber(1, 65535);

const CIDR_MESSAGE = 'must be an IPv4 or IPv6 CIDR such as 10.0.9.10/32 or 2001:db8::/64 (no zone index)';
// The two forms the published JSON Schema gives editors: an IPv4 and an IPv6 CIDR, with the
// patterns of JSON Schema's usual cidrv4/cidrv6 formats.
const CIDR_V4 =
  '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])' +
  '\\/([0-9]|[1-2][0-9]|3[0-2])$';
const CIDR_V6 =
  '^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|' +
  '([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|' +
  '([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|' +
  '[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$';
const CIDR_FORMS = [
  { type: 'string', format: 'cidrv4', pattern: CIDR_V4 },
  { type: 'string', format: 'cidrv6', pattern: CIDR_V6 },
] as const;
const CIDR_V4_PATTERN = new RegExp(CIDR_V4);

// An IPv6 CIDR's form: a decimal prefix of at most 128 and an address a URL host accepts (the WHATWG
// URL parser reads IPv6 addresses, https://url.spec.whatwg.org/#concept-ipv6-parser). This also
// takes the IPv4-embedded notation (::ffff:10.0.0.1/128), which the published pattern leaves out.
function ipv6Form(t: string): boolean {
  const [address, prefix, ...more] = t.split('/');
  if (more.length || prefix === undefined || `${Number(prefix)}` !== prefix || Number(prefix) > 128) return false;
  try {
    new URL(`http://[${address}]`);
    return true;
  } catch {
    return false;
  }
}

// Either form, and parseCidr must read it (it also refuses a zone index and leading zeros).
const cidr = textForms(CIDR_FORMS, CIDR_MESSAGE, (t) => {
  const c = CIDR_V4_PATTERN.test(t) || ipv6Form(t) ? parseCidr(t) : undefined;
  if (!c) return CIDR_MESSAGE;
  if (c.masked) return undefined;
  return `has host bits set; write the network ${c.text} (or the host as /${c.family === 4 ? 32 : 128})`;
});

const sentence = (v: OptionValue | readonly OptionValue[]): string => (Array.isArray(v) ? v.join(' or ') : String(v));

/**
 * What an option of a product's options block means, for the declaration's JSON Schema and types:
 * the catalog's own description, then what values it takes and when it may be set. An option with a
 * default value gets it from its node; the others say what leaving them unset does. @internal
 */
export function optionDoc(o: CatalogOptionDefinition, optionsField: string): SchemaDoc {
  const only = o.when
    ? ` Only when ${Object.entries(o.when)
        .map(([k, v]) => `${optionsField}.${k} is ${sentence(v)}`)
        .join(' and ')}.`
    : '';
  const pin = o.type === 'pinnedPort' ? ` ${o.base} or one of ${o.fallback[0]}-${o.fallback[1]}.` : '';
  const count = o.type === 'count' ? ` From ${o.min} to ${o.max}.` : '';
  const description = `${o.description}${pin}${count}${only}`;
  if (o.type === 'pinnedPort')
    return {
      description,
      defaultNote: `${o.base} and the whole fallback range ${o.fallback[0]}-${o.fallback[1]} are opened`,
    };
  return o.type === 'choice' && o.default === undefined ? { description, defaultNote: 'unset' } : { description };
}

/**
 * The TypeScript types of a product's options block, with their doc comments: as declared
 * (`ServerProtectOptions`), and with every default filled in (`NormalizedServerProtectOptions`).
 * The declared type's doc is also the block's JSON Schema description. @internal
 */
export function optionsBlockTypes(
  productName: string,
  optionsField: string,
): { readonly name: string; readonly doc: string; readonly output: { readonly name: string; readonly doc: string } } {
  const name = `${optionsField[0].toUpperCase()}${optionsField.slice(1)}Options`;
  return {
    name,
    doc: `Options of ${productName} (the declaration's \`${optionsField}\` field).`,
    output: { name: `Normalized${name}`, doc: `{@link ${name}} with every default filled in.` },
  };
}

// One option as a schema node: its default filled in, or optional where it has none.
function optionNode(o: CatalogOptionDefinition, optionsField: string): AnyNode {
  return described(optionValueNode(o), optionDoc(o, optionsField));
}

function optionValueNode(o: CatalogOptionDefinition): AnyNode {
  switch (o.type) {
    case 'flag':
      return withDefault(flag(), o.default) as AnyNode;
    case 'choice':
      return (
        o.default === undefined ? optional(choice(o.values)) : withDefault(choice(o.values), o.default)
      ) as AnyNode;
    case 'count':
      return withDefault(wholeNumber(o.min, o.max), o.default) as AnyNode;
    case 'pinnedPort': {
      // The same rule a catalog's conditions are checked by; its message names the ports allowed.
      const message = optionValueProblem(o, undefined) ?? '';
      return optional(
        wholeNumber(1, 65535, { test: (p) => optionValueProblem(o, p) === undefined, message }),
      ) as AnyNode;
    }
  }
}

/** Every option of an object schema at its default: the object's output for `{}`. */
function defaultsOf(node: ObjectNode<Shape>): Record<string, unknown> {
  const v = node.check({}, [], []);
  // Unreachable: every option without a default is optional (the catalog loader sees to that).
  if (!isValid(v)) throw new Error('portplan internal error: an options schema does not accept {}');
  return v as Record<string, unknown>;
}

/** The declaration schema of a catalog set, and the rules across its fields. @internal */
export interface DeclarationSchema {
  /** The schema: the one source of the run-time check and the JSON Schema. */
  readonly node: ObjectNode<Shape>;
  /** The rules across fields, checked once every field is valid (one-field faults come first). */
  readonly crossFieldIssues: (d: NormalizedDeclaration) => SchemaIssue[];
  /** Options set where their product's condition does not allow them (`sum.concurrentTargets` under 7.x+). */
  readonly optionIssues: (input: unknown, d: NormalizedDeclaration) => SchemaIssue[];
}

// The key the schema is kept under with its set (CatalogSet.derive).
const SCHEMA: unique symbol = Symbol('portplan.declarationSchema');

/** The declaration schema of a catalog set, built once per set and kept with it. @internal */
export function declarationSchemaOf(set: CatalogSet): DeclarationSchema {
  return set.derive(SCHEMA, build);
}

// A role of the set. A role whose product no catalog in use has is most often a catalog left out
// (`--catalog` forgotten): say that, rather than list every role.
function roleNode(set: CatalogSet): AnyNode {
  const roles = choice(set.roleIds);
  const products = new Set(set.catalogs.map((c) => c.product.id));
  return {
    ...roles,
    check: (value, path, issues) => {
      const product = typeof value === 'string' ? /^([a-z][a-z0-9-]*):/.exec(value)?.[1] : undefined;
      if (product === undefined || products.has(product)) return roles.check(value, path, issues);
      issues.push({
        path,
        message: `names product ${product}, which no catalog in use has: pass its catalog (catalogs, --catalog); products in use: ${[...products].join(', ')}`,
      });
      return roles.check(value, path, []);
    },
  } as AnyNode;
}

// A product's options block: each option documented by the catalog, every default filled in.
function optionsBlock(c: CatalogSet['catalogs'][number]): AnyNode {
  const field = c.product.optionsField;
  const types = optionsBlockTypes(c.product.name, field);
  const options = object(Object.fromEntries(c.options.map((o) => [o.name, optionNode(o, field)])));
  // Its default, every option at its own, is published whole: JSON Schema `default`, `@default {...}`.
  return described(
    withDefault(named(types.name, options, types.doc, types.output), defaultsOf(options)),
    types.doc,
  ) as AnyNode;
}

function groupSchema(set: CatalogSet): AnyNode {
  return named(
    'GroupDeclaration',
    object({
      name: described(
        name,
        'Unique name: lower-case letters, digits and dashes, starting with a letter and ending with a letter ' +
          'or digit, at most 40 characters.',
      ),
      role: described(
        named('RoleId', roleNode(set)),
        "The role the group's hosts play: a role id of a built-in product or of a catalog in use.",
      ),
      options: described(optional(record(ID.option, "must be an option name of the role's product", optionValue)), {
        description:
          "Options of the role's product for this group alone, over the product's options block (one repository " +
          'server on Windows, another on Linux). A row between two groups reads each option of its condition from ' +
          'the ends that set it (both must meet it where both do), else from the block; a port option is read ' +
          'from the listener, then the initiator, then the block. Options that need a peer are set in the block.',
        defaultNote: "the product's options block",
        examples: [{ workstationOs: 'linux' }],
      }),
    }),
    'A group of hosts that play one role. A host with several roles joins several groups.',
  ) as AnyNode;
}

// Prefix list ids are `pl-` and hexadecimal digits
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ManagedPrefixList.html); names are at
// most 255 characters, and may not start with `com.amazonaws` unless AWS manages the list
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateManagedPrefixList.html).
const prefixListSchema = named(
  'PeerPrefixList',
  object({
    id: described(optional(text(/^pl-[0-9a-f]{8,17}$/, 'must be a prefix list id: pl- and 8 to 17 hex digits')), {
      description: "The prefix list's id. Give an `id` or a `name`.",
      defaultNote: 'none: the list is named by `name`',
      examples: ['pl-0123456789abcdef0'],
    }),
    name: described(
      optional(
        text(
          /^com\.amazonaws\.[a-z0-9.-]{1,240}$/,
          'must be the name of an AWS-managed prefix list, com.amazonaws.<region>.<service> (a list of your own is named by id)',
        ),
      ),
      {
        description:
          "An AWS-managed prefix list's name, looked up at synthesis in the stack's account and region " +
          '(`PrefixList.fromLookup`). Give an `id` or a `name`.',
        defaultNote: 'none: the list is named by `id`',
        examples: ['com.amazonaws.eu-west-1.s3'],
      },
    ),
    maxEntries: described(optional(wholeNumber(1, 1000)), {
      description:
        "The list's maximum entries: each rule that names the list counts as that many rules against the " +
        'security group quota (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html).',
      defaultNote: "an AWS-managed list's documented weight; required otherwise",
    }),
    family: described(optional(choice(['IPv4', 'IPv6'])), {
      description: "The list's address family, whose rule quota its rules count against.",
      defaultNote: 'IPv6 for an AWS-managed `ipv6.` list, else IPv4',
    }),
  }),
  'An AWS managed prefix list, by id or, for a list AWS manages, by name.',
) as AnyNode;

const serviceTag = text(
  SERVICE_TAG_NAME,
  'must be an Azure service tag such as Storage, Storage.WestEurope or AzureUpdateDelivery',
);

function peerSchema(set: CatalogSet): AnyNode {
  return named(
    'PeerDeclaration',
    object({
      name: described(name, 'Unique name among groups and peers, same form as a group name.'),
      kind: described(
        named('PeerKind', choice(set.peerKindIds)),
        'What the peer is, a peer kind of a built-in product or of a catalog in use; decides which rows reach it.',
      ),
      cidr: described(optional(cidr), {
        description:
          "The peer's address range, IPv4 or IPv6 CIDR such as `10.0.9.10/32`. A peer gives a `cidr`, a " +
          '`prefixList` or a `serviceTag`, or several: each target takes the form it can write (AWS a prefix list, ' +
          'else the CIDR; Azure a service tag, else the CIDR; host firewalls and flow logs the CIDR only) and ' +
          'refuses a peer that has none of its forms.',
        defaultNote: 'none: the peer needs a prefixList or a serviceTag',
        examples: ['10.0.9.10/32', '2001:db8::/64'],
      }),
      prefixList: described(optional(prefixListSchema), {
        description:
          'An AWS managed prefix list as the peer (a service behind a CDN, an AWS service): AWS rules name it ' +
          'instead of a CIDR. Other targets refuse a peer with only a prefix list.',
        defaultNote: 'none',
      }),
      serviceTag: described(optional(serviceTag), {
        description:
          'An Azure service tag as the peer (`Storage.WestEurope`, `AzureUpdateDelivery`): Azure rules name it ' +
          'instead of a CIDR (https://learn.microsoft.com/azure/virtual-network/service-tags-overview). Other ' +
          'targets refuse a peer with only a service tag. `Internet` and `VirtualNetwork` need `allowAnyAddress`.',
        defaultNote: 'none',
        examples: ['Storage.WestEurope', 'AzureUpdateDelivery'],
      }),
      ports: described(optional(list(port, { min: 1, max: 16 })), {
        description:
          "The peer's service ports, for kinds whose ports vary (Control Manager web site with `mcp`, update " +
          'source or proxy, mail, SNMP).',
        defaultNote: "the row's documented ports",
      }),
      allowAnyAddress: described(
        withDefault(flag(), false),
        'Allow a CIDR of prefix length 0 (the whole address space), or the service tags `Internet` and ' +
          '`VirtualNetwork` (every address, the whole virtual network). Least privilege forbids them unless set.',
      ),
    }),
    'A host outside the products that the user names by address, prefix list or service tag.',
    { name: 'NormalizedPeer', doc: 'A validated peer: `allowAnyAddress` is filled in.' },
  ) as AnyNode;
}

function build(set: CatalogSet): DeclarationSchema {
  const products = Object.fromEntries(set.catalogs.map((c) => [c.product.optionsField, optionsBlock(c)]));
  const node = named(
    'Declaration',
    object({
      groups: described(
        list(groupSchema(set), { min: 1, minMessage: 'needs at least one group' }),
        'The role groups; at least one.',
      ) as AnyNode,
      peers: described(
        withDefault(list(peerSchema(set)), []),
        'The hosts outside the products that the user names by address (a Control Manager, a mail server).',
      ) as AnyNode,
      ...products,
      egress: described(
        withDefault(choice(['default', 'restricted']), 'default'),
        "`default` keeps the cloud's egress (AWS allows all outbound); `restricted` adds the matching egress " +
          "rule on the initiator's group for every flow.",
      ) as AnyNode,
    }),
    'What a user declares: the role groups, the external peers and the options of each product.',
    { name: 'NormalizedDeclaration', doc: 'A validated declaration with every default filled in.' },
  );
  return { node, crossFieldIssues: (d) => crossFieldIssues(set, d), optionIssues: (i, d) => optionIssues(set, i, d) };
}

// The peer kinds that no row lets a peer choose ports for (every flow to or from them has fixed
// ports): a peer of such a kind that names ports is refused, told the ports and rows it gets.
function fixedPeerPorts(set: CatalogSet): Map<string, { ports: PortRange[]; rows: string[] }> {
  const out = new Map<string, { ports: PortRange[]; rows: string[] } | null>();
  for (const row of set.rows)
    for (const f of row.flows)
      for (const e of [f.listener, f.initiator]) {
        if (!('peer' in e) || out.get(e.peer) === null) continue;
        if (f.ports.kind !== 'fixed') {
          out.set(e.peer, null);
          continue;
        }
        const entry = out.get(e.peer) ?? { ports: [], rows: [] };
        entry.ports.push(...f.ports.ports);
        if (!entry.rows.includes(row.id)) entry.rows.push(row.id);
        out.set(e.peer, entry);
      }
  return new Map([...out].filter((e): e is [string, { ports: PortRange[]; rows: string[] }] => e[1] !== null));
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

// A group's own options: options of its role's product, with values they take, none that needs a peer.
function groupOptionIssues(
  c: CatalogSet['catalogs'][number],
  own: Readonly<Record<string, unknown>> | undefined,
  i: number,
): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const names = c.options.map((o) => o.name);
  for (const [k, v] of Object.entries(own ?? {})) {
    const path = ['groups', i, 'options', k];
    const o = c.options.find((x) => x.name === k);
    if (!o) {
      const allowed = names.length ? `its options: ${names.join(', ')}` : 'it has none';
      issues.push({ path, message: `is not an option of product ${c.product.id}, the role's product; ${allowed}` });
    } else if (o.type === 'choice' && o.requiresPeer !== undefined) {
      const where = `${c.product.optionsField}.${k}`;
      issues.push({ path, message: `needs a ${o.requiresPeer} peer: set it for the whole declaration, in ${where}` });
    } else {
      const wrong = optionValueProblem(o, v);
      if (wrong) issues.push({ path, message: wrong });
    }
  }
  return issues;
}

// Each group: its own options, its role's requirements and the options' own conditions, read with
// the group's options over the block.
function groupIssues(set: CatalogSet, d: NormalizedDeclaration): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  d.groups.forEach((g, i) => {
    const role = set.role(g.role);
    const c = role && set.catalog(role.product);
    if (!role || !c) return;
    // The group's own options are checked, then its role's requirements read them.
    issues.push(...groupOptionIssues(c, g.options, i));
    const view = optionsView(d, c.product.optionsField, g.options);
    for (const q of role.requires) {
      if (!conditionHolds(q.when, view, c.product.optionsField))
        issues.push({ path: ['groups', i, 'role'], message: q.message });
    }
    for (const o of c.options) {
      if (!o.when || g.options?.[o.name] === undefined || conditionHolds(o.when, view, c.product.optionsField))
        continue;
      const reason = o.reason ? `; ${o.reason}` : '';
      const message = `applies to ${conditionText(o.when, c.product.optionsField)} only${reason}`;
      issues.push({ path: ['groups', i, 'options', o.name], message });
    }
  });
  return issues;
}

// A peer's address forms: at least one; a prefix list by id or by name, of a known weight; no
// range that opens every address (or the whole virtual network) unless allowAnyAddress says so.
function peerAddressIssues(
  p: NormalizedDeclaration['peers'][number],
  i: number,
  issue: (path: SchemaPath, message: string) => void,
): void {
  if (p.cidr === undefined && p.prefixList === undefined && p.serviceTag === undefined) {
    issue(['peers', i], 'needs an address: a cidr, a prefixList (AWS) or a serviceTag (Azure)');
  }
  if (p.cidr !== undefined && /\/0$/.test(p.cidr) && !p.allowAnyAddress) {
    issue(['peers', i, 'cidr'], 'opens to every address; set allowAnyAddress: true if that is meant');
  }
  // A peer's range inside a block no peer can be in (link-local, loopback, multicast...).
  const c = p.cidr === undefined ? undefined : parseCidr(p.cidr);
  const never = c && neverRoutedBlock(c);
  if (never) issue(['peers', i, 'cidr'], `is inside ${never.block} (${never.why}); give the peer's own addresses`);
  const wide = p.serviceTag === undefined ? undefined : WIDE_TAGS.get(p.serviceTag.toLowerCase());
  if (wide && !p.allowAnyAddress) {
    issue(['peers', i, 'serviceTag'], `${p.serviceTag} is ${wide}; set allowAnyAddress: true if that is meant`);
  }
  const pl = p.prefixList;
  if (pl && (pl.id === undefined) === (pl.name === undefined)) {
    issue(['peers', i, 'prefixList'], 'needs exactly one of id (any prefix list) or name (an AWS-managed list)');
  } else if (pl && prefixListWeight(pl) === undefined) {
    issue(['peers', i, 'prefixList', 'maxEntries'], `is required: ${MAX_ENTRIES_NEEDED}`);
  }
}

// The service tags that name every address or the whole virtual network
// (https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags),
// by lower-case name: Azure reads tag names in any case.
const WIDE_TAGS: ReadonlyMap<string, string> = new Map([
  ['internet', 'every address outside the virtual network'],
  ['virtualnetwork', 'the whole virtual network and everything connected to it'],
]);

function crossFieldIssues(set: CatalogSet, d: NormalizedDeclaration): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const issue = (path: SchemaPath, message: string) => issues.push({ path, message });
  const seen = new Map<string, string>();
  const unique = (n: string, path: SchemaPath) => {
    const first = seen.get(n);
    if (first) issue(path, `duplicate name; ${first} already uses it`);
    else seen.set(n, path.join('.'));
  };
  const fixed = fixedPeerPorts(set);
  d.groups.forEach((g, i) => unique(g.name, ['groups', i, 'name']));
  d.peers.forEach((p, i) => {
    unique(p.name, ['peers', i, 'name']);
    const f = fixed.get(p.kind);
    if (f && p.ports) {
      issue(
        ['peers', i, 'ports'],
        `${article(p.kind)} ${p.kind} peer reaches the fixed ports ${portRangeListText(f.ports)} (${f.rows.join(', ')}); leave ports out`,
      );
    }
    peerAddressIssues(p, i, issue);
  });
  issues.push(...groupIssues(set, d));
  for (const c of set.catalogs) {
    const field = c.product.optionsField;
    for (const o of c.options) {
      if (o.type !== 'choice' || o.requiresPeer === undefined) continue;
      const kind = o.requiresPeer;
      const peer = d.peers.findIndex((p) => p.kind === kind);
      const value = optionOf(d, field, o.name);
      if (value !== undefined && peer < 0) issue([field, o.name], `needs a peer of kind ${kind} in peers`);
      if (peer >= 0 && value === undefined) {
        issue(
          ['peers', peer, 'kind'],
          `${article(kind)} ${kind} peer needs ${field}.${o.name} (${o.values.join(' or ')})`,
        );
      }
    }
  }
  return issues;
}

const defaultOf = (o: CatalogOptionDefinition): unknown => ('default' in o ? o.default : undefined);

// The defaults are filled in by the time this runs, so options the user set are read from the
// input. A default value passes, so a normalized declaration validates again unchanged.
function optionIssues(set: CatalogSet, input: unknown, d: NormalizedDeclaration): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const c of set.catalogs) {
    const field = c.product.optionsField;
    for (const o of c.options) {
      const given = optionOf(input, field, o.name);
      if (!o.when || given === undefined || given === defaultOf(o)) continue;
      if (conditionHolds(o.when, d, field)) continue;
      issues.push({
        path: [field, o.name],
        message: `applies to ${conditionText(o.when, field)} only${o.reason ? `; ${o.reason}` : ''}`,
      });
    }
  }
  return issues;
}
