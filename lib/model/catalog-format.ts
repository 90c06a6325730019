// The catalog file format: what a product's port table looks like as data (JSON or YAML), for the
// two built-in products (lib/model/catalogs/*.json) and for users' own. The schema below is the one
// place the format is written, field descriptions included: it gives the run-time check of a file's
// shape, the published JSON Schema (schema/catalog.schema.json) and, through `npm run generate`, the
// documented TypeScript interfaces users see (catalog-format.generated.ts, re-exported here;
// schema-types.ts proves they are the types the check accepts). What the shape cannot say (ids that
// must exist, namespaces, ranges across fields) is checked in catalog-set.ts.
import {
  choice,
  described,
  either,
  flag,
  list,
  literal,
  named,
  object,
  optional,
  record,
  tagged,
  text,
  wholeNumber,
  anyObject,
  textForms,
  type ObjectInput,
} from './schema';

export type * from './catalog-format.generated';

/** Host operating systems whose firewall portplan writes rules for. */
export const HOST_OS = ['windows', 'linux'] as const;

// Where text ends up decides what it may hold. Purposes go into AWS rule descriptions and labels
// into group descriptions, which allow only "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html); other text goes into
// Markdown tables, where a `|` or a line break would split a cell.
const AWS_TEXT = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,80}$/;
const AWS_TEXT_MESSAGE =
  'must be 1-80 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (what AWS allows in a description)';
const CELL = /^[^|\r\n]{1,400}$/;
const CELL_MESSAGE = 'must be 1-400 characters on one line, without |';
const cell = text(CELL, CELL_MESSAGE);

/** Id patterns, shared with the checks across fields. @internal */
export const ID = {
  product: /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/,
  role: /^[a-z][a-z0-9-]*(?::[a-z0-9][a-z0-9-]*)+$/,
  row: /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/,
  name: /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
  option: /^[a-z][a-zA-Z0-9]{0,39}$/,
  peerRef: /^(?:[a-z][a-z0-9-]{0,22}[a-z0-9]:)?[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
} as const;

const id = (pattern: RegExp, what: string) => text(pattern, what);
const productId = id(ID.product, 'must be 2-24 lower-case letters, digits and dashes, starting with a letter');
const roleId = id(
  ID.role,
  'must be the product id, a colon and lower-case words (letters, digits, dashes) separated by colons, such as shop:web',
);
const kindId = id(ID.name, 'must be 2-40 lower-case letters, digits and dashes, starting with a letter');
const optionName = id(ID.option, 'must be a letter, then letters and digits (camelCase), at most 40 characters');
const port = wholeNumber(1, 65535);
const ports = list(port, { min: 1, max: 32 });
// A range of fixed ports, as vendors and firewalld write it: "49152-65535", first port first.
const RANGE_MESSAGE =
  'must be a port (a whole number from 1 to 65535) or a range of ports in quotes such as "49152-65535", first port first';
/** The text of a range of fixed ports: `2500-3300`. @internal */
export const PORT_RANGE = /^([0-9]{1,5})-([0-9]{1,5})$/;
const portRange = textForms([{ type: 'string', pattern: PORT_RANGE.source }], RANGE_MESSAGE, (t) => {
  const m = PORT_RANGE.exec(t);
  const [a, b] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  return a >= 1 && a <= b && b <= 65535 ? undefined : RANGE_MESSAGE;
});
// Numbers (and numbers in quotes) are told what a port is, other text what a range is.
const portOrRange = either([port, portRange], RANGE_MESSAGE);
const fixedPort: typeof portOrRange = {
  ...portOrRange,
  check: (value, path, issues) =>
    typeof value === 'string' && !/^\s*\d+\s*$/.test(value)
      ? portRange.check(value, path, issues)
      : port.check(value, path, issues),
};
const fixedPorts = list(fixedPort, { min: 1, max: 32 });
const VALUE_MESSAGE = 'must be text (one line, 1-80 characters), a whole number from 0 to 65535, or true or false';
/** A value an option may take: the values of conditions and of a group's own options. @internal */
export const optionValue = named(
  'OptionValue',
  either([text(/^[^\r\n]{1,80}$/, ''), wholeNumber(0, 65535), flag()], VALUE_MESSAGE),
  'A value an option may take, and a condition may test.',
);
const condition = named(
  'CatalogCondition',
  record(
    ID.option,
    'must be an option name of the product',
    either([optionValue, list(optionValue, { min: 1 })], `${VALUE_MESSAGE}, or a list of such values`),
  ),
  {
    description:
      "A condition over a product's options: every named option has the given value, or one of the listed " +
      'values. `{}` (or no condition) always holds; an option without a default that the declaration leaves ' +
      'unset matches nothing.',
    examples: [{ profile: '5.x', netbiosNameService: true }],
  },
);

// Names and documentation for the typed APIs `npm run generate` writes from the built-in catalogs
// (scripts/api-types.ts): the Pulumi components' enums, arguments and classes and the product
// constructs' props. Enum member names (`ServerProtectConsole`) and argument field names
// (`consoleGroups`) are API: a catalog states them so that they never change with a label. The
// spec itself reads none of these fields; each has a default derived from the catalog's other data.
const typeName = text(
  /^[A-Z][A-Za-z0-9]{0,39}$/,
  'must be a PascalCase name: an upper-case letter, then letters and digits, at most 40 characters',
);
const apiText = (description: string, defaultNote: string) => described(optional(cell), { description, defaultNote });
const apiName = (description: string, defaultNote: string) =>
  described(optional(typeName), { description, defaultNote });
const api = <S extends Parameters<typeof object>[0]>(name: string, doc: string, shape: S) =>
  described(optional(named(name, object(shape), doc)), {
    description: 'Names and documentation for the typed APIs generated from the catalog.',
    defaultNote: 'derived from the other fields',
  });
const API = {
  product: api('CatalogProductApi', "The product's typed APIs: component and construct names and documentation.", {
    typeName: apiName(
      "The name of the product's component and construct (`ServerProtect`).",
      'the product id in PascalCase',
    ),
    doc: apiText("The component's and construct's summary.", "the product's name"),
    optionsDoc: apiText("The summary of the product's options type.", "options of the product's name"),
    defaultOptionsDoc: apiText('What leaving the options out means.', 'every option at its own default'),
    peersDoc: apiText("The documentation of the product's `peers` argument.", 'peers of the kinds its rows reach'),
  }),
  role: api('CatalogRoleApi', "The role's typed APIs: its enum member and its groups argument.", {
    typeName: apiName('The enum member of the role (`ServerProtectConsole`).', 'the role id in PascalCase'),
    doc: apiText("The enum member's documentation.", 'the label'),
    groupsField: described(optional(optionName), {
      description: 'The product argument that lists the groups of the role (`consoleGroups`).',
      defaultNote: 'the role id after the product, in camelCase, then `Groups`',
    }),
    groupsDoc: apiText("The groups argument's documentation.", 'names of the groups of the label'),
    defaultGroups: described(optional(list(kindId, { unique: true })), {
      description: 'The group names the product argument takes when left out.',
      defaultNote: 'none',
    }),
  }),
  peerKind: api('CatalogPeerKindApi', "The peer kind's typed APIs: its enum member.", {
    typeName: apiName('The enum member of the kind (`ControlManager`).', 'the kind id in PascalCase'),
    doc: apiText("The enum member's documentation.", 'the label'),
  }),
  option: api('CatalogOptionApi', "The option's typed APIs: its argument and, for a choice, its enum.", {
    doc: apiText("The argument's documentation.", 'the description'),
    defaultDoc: apiText('What leaving the argument out means.', 'the default value'),
    typeName: apiName("A choice's enum name (`SumProfile`).", 'the product and option names in PascalCase'),
    typeDoc: apiText("The enum's documentation.", 'the documentation of the argument'),
    aliasDoc: apiText("The documentation of the enum's value type.", "the enum's documentation"),
    values: described(
      optional(
        list(
          named(
            'CatalogChoiceApi',
            object({
              name: described(typeName, 'The enum member (`Sum7xPlus`).'),
              doc: described(cell, "The member's documentation."),
            }),
            "A choice value's enum member.",
          ),
          { min: 1 },
        ),
      ),
      {
        description: "A choice's enum members, one per value in the values' order.",
        defaultNote: 'each value in PascalCase',
      },
    ),
  }),
};

// What every kind of option has.
const common = {
  name: described(
    optionName,
    "The option's name in the declaration's options block; not a name every JavaScript object has (`toString`).",
  ),
  description: described(
    cell,
    "What the option means, for documentation, `portplan catalog show` and the declaration's JSON Schema.",
  ),
  when: described(optional(condition), {
    description: "The option may be set only when this condition holds (`{ profile: '5.x' }`).",
    defaultNote: 'always',
  }),
  reason: described(optional(cell), {
    description: 'Why it may not be set otherwise, appended to the error.',
    defaultNote: 'none',
  }),
  api: API.option,
};
const optionSchema = named(
  'CatalogOptionDefinition',
  tagged('type', {
    flag: named(
      'FlagOptionDefinition',
      object({
        ...common,
        type: literal('flag'),
        default: described(flag(), 'The value when the declaration sets none.'),
      }),
      'A flag: `true` or `false`.',
    ),
    choice: named(
      'ChoiceOptionDefinition',
      object({
        ...common,
        type: literal('choice'),
        values: described(
          list(text(/^[a-zA-Z0-9][a-zA-Z0-9.+_-]{0,39}$/, 'must be a word of letters, digits and .+_-'), {
            min: 1,
            unique: true,
          }),
          'The allowed values, each once.',
        ),
        default: described(optional(text(/^.{1,40}$/, 'must be one of the values')), {
          description: 'The value when the declaration sets none.',
          defaultNote: 'unset: conditions on the option do not hold',
        }),
        requiresPeer: described(optional(kindId), {
          description:
            'Setting the option needs a peer of this kind, and such a peer needs the option set: one of the ' +
            "catalog's own `peerKinds`, on an option without a `default` (unset means no such peer).",
          defaultNote: 'no peer',
        }),
      }),
      'A choice: one of a list of words.',
    ),
    pinnedPort: named(
      'PinnedPortOptionDefinition',
      object({
        ...common,
        type: literal('pinnedPort'),
        base: described(port, 'The port used when it is free.'),
        fallback: described(
          list(port, { min: 2, max: 2 }),
          'First and last port tried when the base port is taken; the first is not above the last.',
        ),
      }),
      "A pinned port: a listener's port that is `base` when free, else one of a fallback range; the user may pin it.",
    ),
    count: named(
      'CountOptionDefinition',
      object({
        ...common,
        type: literal('count'),
        min: described(wholeNumber(1, 65535), 'The smallest count.'),
        max: described(wholeNumber(1, 65535), 'The largest count.'),
        default: described(wholeNumber(1, 65535), 'The count when the declaration sets none.'),
      }),
      'A count: how many consecutive ports a listener may take.',
    ),
  }),
  "An option of a product, set in the declaration's options block of the product.",
);

const endpoint = named(
  'CatalogEndpoint',
  either(
    [
      object({ roles: described(list(roleId, { min: 1 }), 'Every declared group of these roles.') }),
      object({
        peer: described(
          id(ID.peerRef, 'must be a peer kind id, or a product id, a colon and a peer kind id (serverprotect:mail)'),
          "Every declared peer of this kind: one of the catalog's own `peerKinds`, or another catalog's as " +
            '`<product id>:<kind>` (`serverprotect:mail`), that catalog being in use.',
        ),
      }),
    ],
    'must be { roles: [role ids] } or { peer: peer kind }',
  ),
  'One side of a flow in a catalog: groups of some roles, or peers of one kind.',
);

const portsSchema = named(
  'CatalogPorts',
  tagged('kind', {
    fixed: described(
      object({
        kind: literal('fixed'),
        ports: described(
          fixedPorts,
          'The ports: at most 32 entries, each a port (`445`) or a range of ports in quotes, first port first ' +
            '(`"49152-65535"`). Entries that overlap or touch open their union (`[8000, "8001-8010"]` is ' +
            '8000-8010): one AWS rule and one Azure port-range entry per run of consecutive ports.',
        ),
      }),
      'Always exactly these ports.',
    ),
    fallback: described(
      object({ kind: literal('fallback'), pin: described(optionName, 'The `pinnedPort` option.') }),
      "The pinned-port option's base port and fallback range, or the port the user pinned.",
    ),
    counted: described(
      object({
        kind: literal('counted'),
        base: described(port, 'The first port.'),
        count: described(optionName, 'The `count` option.'),
      }),
      '`base` and the next ports, as many as a `count` option says.',
    ),
    peer: described(
      object({ kind: literal('peer'), defaults: described(ports, 'The documented ports.') }),
      "The peer's own `ports`, or these when the peer names none.",
    ),
  }),
  "How a flow's ports are found.",
);

const listener = described(endpoint, 'The side that accepts the connection (gets the inbound rule).');
const initiator = described(endpoint, 'The side that opens the connection.');
const broadcast = described(optional(kindId), {
  description: "The broadcast the flow relies on: `netbios`, or one of the catalog's `broadcasts`.",
  defaultNote: 'none',
});
const direction = described(optional(choice(['one-way', 'both'])), {
  description:
    '`both`: either side may open the connection to the ports on the other (peer to peer): the flow resolves ' +
    'into both directed flows, each citing the row, with each listener reading the ports for itself.',
  defaultNote: '`one-way`: the initiator opens it to the listener',
});
const portFlow = <P extends 'tcp' | 'udp'>(protocol: P, what: string) =>
  described(
    object({
      listener,
      initiator,
      protocol: literal(protocol),
      direction,
      ports: described(portsSchema, 'The listening ports; `kind: peer` only when one side is a peer.'),
      broadcast,
    }),
    what,
  );
// ICMP messages by type and code (https://www.iana.org/assignments/icmp-parameters,
// https://www.iana.org/assignments/icmpv6-parameters): both are 0-255.
const icmpMessage = named(
  'CatalogIcmpMessage',
  object({
    type: described(optional(wholeNumber(0, 255)), {
      description: 'The message type, 0-255 (`8`: echo request).',
      defaultNote: 'every type',
    }),
    code: described(optional(wholeNumber(0, 255)), {
      description: 'The code, 0-255, of the message type; only with a `type`.',
      defaultNote: 'every code of the type',
    }),
  }),
  'ICMP messages by type and code.',
);
const icmpFlow = <P extends 'icmp' | 'icmpv6'>(protocol: P, what: string) =>
  described(
    object({
      listener,
      initiator,
      protocol: literal(protocol),
      direction,
      icmp: described(optional(icmpMessage), {
        description:
          'The messages the initiator sends: a `type` alone is every code of it, no `icmp` every message. ' +
          'AWS writes the type and code; an Azure rule has neither (its protocol Icmp is ICMP and ICMPv6, ' +
          'every message), so there the rule is wider and the plan warns.',
        defaultNote: 'every message',
      }),
      broadcast,
    }),
    what,
  );

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6'] as const;
const flowVariants = tagged('protocol', {
  tcp: portFlow('tcp', 'TCP to the listening ports.'),
  udp: portFlow('udp', 'UDP to the listening ports.'),
  icmp: icmpFlow('icmp', 'ICMP (IPv4) messages.'),
  icmpv6: icmpFlow('icmpv6', 'ICMPv6 messages.'),
});
// A flow whose protocol is missing or unknown is checked with every field it may have, so that its
// other faults are reported with the protocol's (fields a YAML merge key left out, a misspelt field).
const anyFlow = object({
  listener,
  initiator,
  protocol: choice(PROTOCOLS),
  direction,
  ports: optional(portsSchema),
  icmp: optional(icmpMessage),
  broadcast,
});
const knownProtocol = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  (PROTOCOLS as readonly unknown[]).includes((value as Record<string, unknown>).protocol);

const flowSchema = named(
  'CatalogFlow',
  {
    ...flowVariants,
    check: (value, path, issues) =>
      knownProtocol(value)
        ? flowVariants.check(value, path, issues)
        : (anyFlow.check(value, path, issues) as unknown as ReturnType<typeof flowVariants.check>),
  } satisfies typeof flowVariants,
  "One connection a row requires: the initiator opens it to the listener's ports, or sends it ICMP " +
    'messages. At least one side is groups of roles (a firewall rule needs a group to carry it).',
);

const citationSchema = named(
  'CatalogCitation',
  object({
    document: described(kindId, "The id of one of the catalog's `documents`."),
    section: described(optional(cell), {
      description: 'The section, table or page of the document the row comes from.',
      defaultNote: 'the document as a whole',
    }),
    note: described(optional(cell), {
      description: 'What the row takes from elsewhere, or decides where the document is silent.',
      defaultNote: 'none',
    }),
  }),
  'Where a row comes from.',
);

const rowSchema = named(
  'CatalogRowDefinition',
  object({
    id: described(
      id(ID.row, 'must be upper-case letters and digits, in parts joined by dashes, such as SP4 or SUM7-1'),
      'The row id, unique across every catalog in use: upper-case letters, digits and dashes (`SP4`, `SHOP2`).',
    ),
    purpose: described(
      text(AWS_TEXT, AWS_TEXT_MESSAGE),
      'What the row is for, in the characters AWS allows in a rule description.',
    ),
    condition: described(cell, 'When the row applies, in words.'),
    when: described(optional(condition), {
      description: "When the row applies, over the product's options.",
      defaultNote: 'always',
    }),
    citation: described(
      either(
        [citationSchema, list(citationSchema, { min: 1, max: 16 })],
        'must be a citation { document, section, note } or a list of 1-16 of them',
      ),
      'Where the row comes from: one citation, or a list of them (several documents, or sections of one); every row has one.',
    ),
    flows: described(list(flowSchema, { min: 1 }), 'The connections the row requires.'),
  }),
  'One row of a port table.',
);

const productSchema = named(
  'CatalogProduct',
  object({
    id: described(
      productId,
      'The product id: lower-case letters, digits and dashes. Every role id of the catalog starts with it ' +
        'and a colon (`shop:web`).',
    ),
    name: described(cell, "The product's name and release, as tables and reports print it."),
    optionsField: described(optional(optionName), {
      description:
        "The declaration field that holds the product's options (`serverProtect`, `sum`): a letter, then " +
        "letters and digits; not `groups`, `peers`, `egress`, nor another product's.",
      defaultNote: 'the product id in camelCase (`my-shop` makes `myShop`)',
    }),
    api: API.product,
  }),
  'The product a catalog describes.',
);

const documentSchema = named(
  'CatalogDocument',
  object({
    id: described(kindId, 'The id rows cite it by.'),
    title: described(cell, "The document's title."),
    version: described(optional(cell), {
      description: 'The product release the document covers.',
      defaultNote: 'not stated',
    }),
    url: described(optional(text(/^https?:\/\/\S{1,2000}$/, 'must be an http or https URL')), {
      description: 'Where to read it. At least one of `url` and `reference` is required.',
      defaultNote: 'none',
    }),
    reference: described(optional(cell), {
      description: 'An identifier of the copy that was read (an article number, a file name).',
      defaultNote: 'none',
    }),
    retrieved: described(optional(text(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date such as 2026-11-30')), {
      description: 'When it was read, as an ISO date (`2026-11-30`).',
      defaultNote: 'not stated',
    }),
  }),
  "A document the catalog's rows cite: the vendor's port table, or the team's own design note.",
);

const roleSchema = named(
  'CatalogRole',
  object({
    id: described(
      roleId,
      'The role id: the product id, a colon, then lower-case words (`shop:web`, `sum:target:linux`).',
    ),
    label: described(
      text(AWS_TEXT, AWS_TEXT_MESSAGE),
      'A short label for security group descriptions, diagrams and tables; only the characters AWS allows ' +
        'in a group description.',
    ),
    hostOs: described(
      list(named('HostOs', choice(HOST_OS), 'A host operating system.'), { unique: true }),
      'The host operating systems whose firewall portplan writes for the role, each once; empty for appliances.',
    ),
    hostOsOption: described(optional(optionName), {
      description:
        'A `choice` option whose values are among `hostOs`: a group of the role runs the OS its options give ' +
        "(the group's own, else the block's); unset, any of `hostOs`.",
      defaultNote: 'every OS of `hostOs`',
    }),
    requires: described(
      optional(
        list(
          named(
            'RoleRequirement',
            object({
              when: described(condition, "The condition over the product's options."),
              message: described(
                cell,
                'What the user is told when a group of the role is declared and the condition does not hold.',
              ),
            }),
            'A condition a declaration must meet to have a group of the role, and what to tell the user otherwise.',
          ),
          { min: 1 },
        ),
      ),
      { description: 'Conditions under which the role may be declared.', defaultNote: 'always' },
    ),
    api: API.role,
  }),
  'A role a group of hosts can play.',
);

const peerKindSchema = named(
  'CatalogPeerKind',
  object({
    id: described(
      kindId,
      "The kind's id, unique across every catalog in use (`control-manager`, `shop-payment-gateway`). Only " +
        "this catalog's flows reach peers of the kind.",
    ),
    label: described(cell, 'What such a peer is.'),
    reachedWith: described(optional(cell), {
      description: 'What a declaration needs for a flow to reach such a peer, for the "unused peer" warning.',
      defaultNote: 'the roles of its rows',
    }),
    api: API.peerKind,
  }),
  'A kind of external host the user names by address (a Control Manager, a mail server).',
);

const broadcastSchema = named(
  'CatalogBroadcast',
  object({
    id: described(
      kindId,
      'The id flows name (`discovery`), unique across every catalog in use and not `netbios` (built in); ' +
        "the warning's code is `broadcast-<id>`.",
    ),
    message: described(cell, 'What the user is told: what does not work in the cloud, and what to do instead.'),
  }),
  'A broadcast a flow relies on, which no VPC or VNet carries: resolving such a flow warns.',
);

const presetSchema = named(
  'CatalogPreset',
  object({
    name: described(kindId, "The preset's name, unique across every catalog in use."),
    description: described(cell, 'What the preset deploys.'),
    declaration: described(
      anyObject('must be a declaration (an object with groups)'),
      'The declaration, checked against every catalog in use.',
    ),
  }),
  'A named example declaration, for `--preset` and as a starting point to copy.',
);

/** The schema of a catalog file. @internal */
export const catalogSchema = named(
  'CatalogDefinition',
  object({
    $schema: described(optional(text(/^.{1,400}$/, 'must be the path or URL of the catalog JSON Schema')), {
      description: 'The JSON Schema of the file, for editors: its path or URL.',
      defaultNote: 'none',
      examples: ['./node_modules/portplan/schema/catalog.schema.json'],
    }),
    product: described(productSchema, 'The product: its id, name and options field.'),
    documents: described(list(documentSchema, { min: 1 }), 'The documents the rows cite.'),
    roles: described(list(roleSchema, { min: 1 }), 'The roles groups of hosts can play.'),
    peerKinds: described(optional(list(peerKindSchema)), {
      description: 'The kinds of external peers the rows reach.',
      default: [],
    }),
    options: described(optional(list(optionSchema)), {
      description: "The product's options, in the order the declaration schema lists them.",
      default: [],
    }),
    broadcasts: described(optional(list(broadcastSchema)), {
      description: 'Broadcasts the flows rely on.',
      default: [],
    }),
    rows: described(list(rowSchema, { min: 1 }), 'The rows of the port table.'),
    presets: described(optional(list(presetSchema)), { description: 'Example declarations.', default: [] }),
  }),
  "A product's port table as data: what a catalog file (JSON or YAML) holds.",
);

/** What the catalog schema accepts. @internal */
export type CatalogInput = ObjectInput<typeof catalogSchema.shape>;

/** The JSON Schema of a catalog file (JSON or YAML), for editors and other tools. */
export function catalogJsonSchema(): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...catalogSchema.json() };
}
