// The typed APIs `npm run generate` writes from the built-in catalogs (lib/model/catalogs/*.json):
// the product group interfaces of the spec (appended to lib/model/builtin.generated.ts), the product
// constructs' props (lib/cdk/products.generated.ts), and the Pulumi components' enums, arguments
// and classes (lib/pulumi/schema-types.generated.ts). Names and documentation come from each
// catalog's `api` fields (lib/model/catalog-format.ts), derived from its other fields when absent;
// a role added to a catalog file reaches every one of these files with no other edit.
import type {
  CatalogDefinition,
  CatalogOptionDefinition,
  CatalogPeerKind,
  CatalogRole,
} from '../lib/model/catalog-format';
import { optionsBlockTypes } from '../lib/model/declaration-schema';

/** `words-of:an id` in PascalCase (`WordsOfAnId`); a leading digit is kept. */
export const pascal = (s: string): string =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => `${w[0].toUpperCase()}${w.slice(1)}`)
    .join('');

const lowerFirst = (s: string): string => `${s[0].toLowerCase()}${s.slice(1)}`;
const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A one-paragraph doc comment, with a `@default` tag when given: on one line when it fits. */
export function comment(indent: string, text: string, def?: string): string {
  const escape = (t: string) => t.replace(/\*\//g, '*\\/').replace(/(^|\s)@/g, '$1\\@');
  const tag = def === undefined ? '' : `@default ${escape(def)}`;
  const one = `${indent}/** ${escape(text)}${tag ? ` ${tag}` : ''} */`;
  if (one.length <= 120) return one;
  return [`${indent}/**`, `${indent} * ${escape(text)}`, ...(tag ? [`${indent} * ${tag}`] : []), `${indent} */`].join(
    '\n',
  );
}

/** A product's API names and texts, with the defaults of the catalog format filled in. */
export interface ProductApi {
  readonly id: string;
  readonly typeName: string;
  readonly doc: string;
  readonly optionsField: string;
  readonly optionsType: string;
  readonly optionsDoc: string;
  readonly defaultOptionsDoc: string;
  readonly peersDoc: string;
  readonly roles: readonly RoleApi[];
  readonly options: readonly OptionApi[];
}

/** A role's API names and texts. */
export interface RoleApi {
  readonly id: string;
  readonly typeName: string;
  readonly doc: string;
  readonly groupsField: string;
  readonly groupsDoc: string;
  readonly defaultGroups: readonly string[];
}

/** An option's API texts and, for a choice, its enum. */
export interface OptionApi {
  readonly name: string;
  readonly doc: string;
  readonly defaultDoc?: string;
  readonly valueType: string;
  readonly enum?: EnumApi;
}

/** An enum: `as const` object and type of the same name, one member per value. */
export interface EnumApi {
  readonly name: string;
  readonly doc: string;
  readonly aliasDoc: string;
  readonly members: readonly { readonly name: string; readonly value: string; readonly doc: string }[];
}

function roleApi(product: string, r: CatalogRole): RoleApi {
  const a = r.api ?? {};
  return {
    id: r.id,
    typeName: a.typeName ?? pascal(r.id),
    doc: a.doc ?? `${r.label}.`,
    groupsField: a.groupsField ?? `${lowerFirst(pascal(r.id.slice(product.length + 1)))}Groups`,
    groupsDoc: a.groupsDoc ?? `Names of the groups of role ${r.id} (${r.label}).`,
    defaultGroups: a.defaultGroups ?? [],
  };
}

function defaultDoc(o: CatalogOptionDefinition): string {
  if (o.type === 'pinnedPort') return `- port ${o.base} and its fallback range`;
  if (o.type === 'choice') return o.default === undefined ? '- unset' : q(o.default);
  return String(o.default);
}

function optionApi(product: CatalogDefinition, o: CatalogOptionDefinition): OptionApi {
  const a = o.api ?? {};
  const doc = a.doc ?? o.description;
  const base = { name: o.name, doc, defaultDoc: a.defaultDoc ?? defaultDoc(o) };
  if (o.type !== 'choice') return { ...base, valueType: o.type === 'flag' ? 'boolean' : 'number' };
  const name = a.typeName ?? `${pascal(product.product.id)}${pascal(o.name)}`;
  const members = o.values.map((value, i) => {
    const m = a.values?.[i];
    const derived = pascal(value);
    return {
      name: m?.name ?? (/^[A-Z]/.test(derived) ? derived : `${pascal(o.name)}${derived}`),
      value,
      doc: m?.doc ?? `\`${value}\`.`,
    };
  });
  if (a.values && a.values.length !== o.values.length) {
    throw new Error(`option ${o.name}: api.values has ${a.values.length} members for ${o.values.length} values`);
  }
  const typeDoc = a.typeDoc ?? doc;
  return { ...base, valueType: name, enum: { name, doc: typeDoc, aliasDoc: a.aliasDoc ?? typeDoc, members } };
}

/** The API of each catalog's product, in catalog order. */
export function productApis(catalogs: readonly CatalogDefinition[]): ProductApi[] {
  return catalogs.map((c) => {
    const a = c.product.api ?? {};
    const optionsField = c.product.optionsField ?? lowerFirst(pascal(c.product.id));
    const kinds = (c.peerKinds ?? []).map((k) => k.label).join(', ');
    return {
      id: c.product.id,
      typeName: a.typeName ?? pascal(c.product.id),
      doc: a.doc ?? c.product.name,
      optionsField,
      optionsType: optionsBlockTypes(c.product.name, optionsField).name,
      optionsDoc: a.optionsDoc ?? `Options of ${c.product.name}.`,
      defaultOptionsDoc: a.defaultOptionsDoc ?? '- every option at its own default',
      peersDoc: a.peersDoc ?? (kinds ? `Peers: ${kinds}.` : 'Peers of the kinds its rows reach.'),
      roles: c.roles.map((r) => roleApi(c.product.id, r)),
      options: (c.options ?? []).map((o) => optionApi(c, o)),
    };
  });
}

/** The peer kinds' enum members. */
export function peerKindMembers(catalogs: readonly CatalogDefinition[]): EnumApi['members'] {
  return catalogs.flatMap((c) =>
    (c.peerKinds ?? []).map((k: CatalogPeerKind) => ({
      name: k.api?.typeName ?? pascal(k.id),
      value: k.id,
      doc: k.api?.doc ?? `${k.label[0].toUpperCase()}${k.label.slice(1)}.`,
    })),
  );
}

/**
 * Names that must be unique for the generated code to compile: enum members within an enum,
 * groups fields within a product, type names across the file.
 * @throws Error naming the clashing name and where it was used
 */
export function checkUnique(what: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${what}: ${n} is used twice; give one of them another api name in its catalog`);
    seen.add(n);
  }
}

/** An enum as the component analyzer reads it: the object first, then its type of the same name. */
export function enumSource(e: EnumApi): string[] {
  checkUnique(
    `enum ${e.name}`,
    e.members.map((m) => m.name),
  );
  return [
    comment('', e.doc),
    `export const ${e.name} = {`,
    ...e.members.flatMap((m) => [comment('  ', m.doc), `  ${m.name}: ${q(m.value)},`]),
    '} as const;',
    comment('', e.aliasDoc),
    `export type ${e.name} = (typeof ${e.name})[keyof typeof ${e.name}];`,
    '',
  ];
}

/** The product group interfaces of the spec (`ServerProtectGroups`), for builtin.generated.ts. */
export function groupInterfaces(products: readonly ProductApi[]): string[] {
  return products.flatMap((p) => {
    checkUnique(
      `${p.typeName}Groups`,
      p.roles.map((r) => r.groupsField),
    );
    return [
      comment('', `The ${p.doc} part of a declaration, as the product constructs take it.`),
      `export interface ${p.typeName}Groups {`,
      ...p.roles.flatMap((r) => [
        comment('  ', r.groupsDoc, `[${r.defaultGroups.map(q).join(', ')}]`),
        `  readonly ${r.groupsField}?: readonly string[];`,
      ]),
      comment('  ', p.peersDoc, '[]'),
      '  readonly peers?: readonly PeerDeclaration[];',
      `  /** @default ${p.defaultOptionsDoc} */`,
      `  readonly options?: ${p.optionsType};`,
      "  /** @default 'default' */",
      "  readonly egress?: 'default' | 'restricted';",
      '}',
      '',
    ];
  });
}

/** Each built-in role's groups field and default group names, for the spec's product declarations. */
export function roleGroupsTable(products: readonly ProductApi[]): string[] {
  const roles = products.flatMap((p) => p.roles);
  return [
    "/** The product argument that lists each built-in role's groups, and the groups it names when left out. */",
    'export const BUILTIN_ROLE_GROUPS = {',
    ...roles.map(
      (r) => `  ${q(r.id)}: { field: ${q(r.groupsField)}, defaults: [${r.defaultGroups.map(q).join(', ')}] },`,
    ),
    '} as const;',
    '',
  ];
}

/** The product constructs' props, lib/cdk/products.generated.ts, before formatting. */
export function cdkPropsSource(products: readonly ProductApi[]): string {
  return [
    '// Generated by `npm run generate` from the built-in catalogs (lib/model/catalogs/*.json): DO NOT MODIFY.',
    '// Edit the catalog files and run `npm run generate`; the constructs themselves are in products.ts.',
    `import type { ${products.map((p) => `${p.typeName}Groups`).join(', ')} } from '../model';`,
    "import type { ProductProps } from './products';",
    '',
    ...products.flatMap((p) => [
      `/** Properties of the \`${p.typeName}\` construct. */`,
      `export interface ${p.typeName}Props extends ProductProps, ${p.typeName}Groups {}`,
      '',
    ]),
  ].join('\n');
}

// The outputs every component declares (the analyzer reads each class's own fields as its outputs),
// and its TypeScript-only getters.
const COMPONENT_FIELDS = `  /**
   * One ASG per role group, by group name: put the hosts' NICs in them (and, for a role with two or
   * more groups, in the role's ASG of \`roleApplicationSecurityGroups\` as well).
   */
  readonly applicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  /**
   * One ASG per role with two or more groups, by role id: every NIC of those groups joins it too.
   * The rules every group of the role needs alike name it, once, so the NSG's rules do not grow
   * with the number of groups.
   */
  readonly roleApplicationSecurityGroups: Readonly<Record<string, network.ApplicationSecurityGroup>>;
  /** The NSG the component created; undefined with \`existingNetworkSecurityGroup\`. */
  readonly networkSecurityGroup?: network.NetworkSecurityGroup;
  /** The standalone rules added to an existing NSG. */
  readonly securityRules: network.SecurityRule[];
  /** Every rule's priority by rule name: pass it back as \`previousPriorities\` on the next deployment. */
  readonly priorities: Readonly<Record<string, number>>;

  /** The resolved flows and warnings (TypeScript only: not in the package schema). */
  get resolution(): Resolution {
    return planOf(this).resolution;
  }

  /** The NSG rules, as planned: names, priorities, ports (TypeScript only: not in the package schema). */
  get rules(): readonly AzureRule[] {
    return planOf(this).rules;
  }
`;

const COMPONENT_BODY = `    let outputs: pulumi.Inputs;
    ({
      applicationSecurityGroups: this.applicationSecurityGroups,
      roleApplicationSecurityGroups: this.roleApplicationSecurityGroups,
      networkSecurityGroup: this.networkSecurityGroup,
      securityRules: this.securityRules,
      priorities: this.priorities,
      outputs,
    } = createResources(this, name, args, plan));
    this.registerOutputs(outputs);`;

interface ComponentShape {
  readonly name: string;
  readonly doc: string[];
  readonly ctorDoc: string[];
  readonly args: string;
  readonly plan: string;
}

function componentClass(c: ComponentShape): string[] {
  return [
    ...c.doc,
    `export class ${c.name} extends pulumi.ComponentResource {`,
    COMPONENT_FIELDS,
    ...c.ctorDoc,
    `  constructor(name: string, args: ${c.args}, opts?: pulumi.ComponentResourceOptions) {`,
    `    const plan = ${c.plan};`,
    `    super('portplan:index:${c.name}', name, {}, componentOptions('${c.name}', opts));`,
    COMPONENT_BODY,
    '  }',
    '}',
    '',
  ];
}

const PORTPLAN: ComponentShape = {
  name: 'PortPlan',
  doc: [
    '/**',
    ' * Application security groups for the role groups of a declaration, and NSG rules that allow',
    ' * exactly the flows `resolve()` gives between them (`portplan:index:PortPlan`). For hosts with roles',
    " * from both products, give one PortPlan both products' groups (`mergeDeclarations(",
    ' * serverProtectDeclaration(...), smartUpdateManagerDeclaration(...))`): two components would each',
    " * deny the other's flows.",
    ' */',
  ],
  ctorDoc: [
    '  /**',
    '   * Plans the rules (throwing before anything is registered), then creates the resources. The',
    '   * TypeScript constructor also takes `catalogs` ({@link CatalogArgs}): read here, not declared in',
    '   * `PortPlanArgs`, so that the package schema leaves it out.',
    '   */',
  ],
  args: 'PortPlanArgs',
  plan: 'planComponent(name, args, args.declaration, (args as PortPlanArgs & CatalogArgs).catalogs)',
};

function productComponent(p: ProductApi): ComponentShape {
  return {
    name: p.typeName,
    doc: [comment('', `${p.doc} on Azure (\`portplan:index:${p.typeName}\`).`)],
    ctorDoc: ['  /** Plans the rules (throwing before anything is registered), then creates the resources. */'],
    args: `${p.typeName}Args`,
    plan: `planComponent(name, args, ${lowerFirst(p.typeName)}Declaration(args))`,
  };
}

function productArgs(p: ProductApi): string[] {
  return [
    comment(
      '',
      `Arguments of {@link ${p.typeName}}: the spec's \`${p.typeName}Groups\` and the common Azure arguments.`,
    ),
    `export interface ${p.typeName}Args extends AzureCommonArgs {`,
    ...p.roles.flatMap((r) => [
      comment('  ', r.groupsDoc, `[${r.defaultGroups.map(q).join(', ')}]`),
      `  readonly ${r.groupsField}?: string[];`,
    ]),
    comment('  ', p.peersDoc, '[]'),
    '  readonly peers?: PeerDeclaration[];',
    `  /** @default ${p.defaultOptionsDoc} */`,
    `  readonly options?: ${p.optionsType};`,
    "  /** @default 'default' */",
    '  readonly egress?: Egress;',
    '}',
    '',
  ];
}

function optionsInterface(p: ProductApi): string[] {
  return [
    comment('', p.optionsDoc),
    `export interface ${p.optionsType} {`,
    ...p.options.flatMap((o) => [comment('  ', o.doc, o.defaultDoc), `  ${o.name}?: ${o.valueType};`]),
    '}',
    '',
  ];
}

function declarationInterface(products: readonly ProductApi[]): string[] {
  return [
    "/** Role groups, peers and options, as the spec's `resolve()` takes them (the spec's `Declaration`). */",
    'export interface Declaration {',
    '  /** The role groups; at least one. */',
    '  groups: GroupDeclaration[];',
    '  /** External peers. @default [] */',
    '  peers?: PeerDeclaration[];',
    ...products.flatMap((p) => [`  /** @default ${p.defaultOptionsDoc} */`, `  ${p.optionsField}?: ${p.optionsType};`]),
    "  /** @default 'default' */",
    '  egress?: Egress;',
    '}',
    '',
  ];
}

const PULUMI_HEADER = [
  '// Generated by `npm run generate` from the built-in catalogs (lib/model/catalogs/*.json): DO NOT MODIFY.',
  '// Edit the catalog files and run `npm run generate`. The part of the components that the catalogs',
  "// decide, in the shapes Pulumi's component analyzer accepts (args.ts says which): the components,",
  '// their product arguments, the role, peer kind and option enums. The components come first: the',
  '// analyzer analyzes a component when it reaches its class, and the interfaces it has read by then',
  "// would give the package schema's types descriptions they do not have. Each component extends",
  '// ComponentResource itself and declares its outputs as its own fields, as the analyzer requires;',
  '// what it does is in component.ts.',
];

/** lib/pulumi/schema-types.generated.ts, before formatting. */
export function pulumiSource(catalogs: readonly CatalogDefinition[]): string {
  const products = productApis(catalogs);
  const roles = products.flatMap((p) => p.roles);
  const enums = products.flatMap((p) => p.options.flatMap((o) => (o.enum ? [o.enum] : [])));
  checkUnique('the generated Pulumi types', [
    ...['PortPlan', 'RoleId', 'PeerKind', 'Declaration'],
    ...products.flatMap((p) => [p.typeName, `${p.typeName}Args`, p.optionsType]),
    ...enums.map((e) => e.name),
  ]);
  const declarations = products.map((p) => `${lowerFirst(p.typeName)}Declaration`);
  return [
    ...PULUMI_HEADER,
    "import * as pulumi from '@pulumi/pulumi';",
    "import type * as network from '@pulumi/azure-native/network';",
    `import { ${declarations.join(', ')}, type Resolution } from '../model';`,
    "import type { AzureRule } from '../azure';",
    "import type { AzureCommonArgs, CatalogArgs, Egress, GroupDeclaration, PeerDeclaration, PortPlanArgs } from './args';",
    "import { componentOptions, createResources, planComponent, planOf } from './component';",
    '',
    ...componentClass(PORTPLAN),
    ...products.flatMap((p) => componentClass(productComponent(p))),
    ...enumSource({
      name: 'RoleId',
      doc: "The role a group of hosts plays: one value per role of the spec's `ROLE_IDS`.",
      aliasDoc: "A role id such as `serverprotect:console` or `sum:target:linux` (the spec's `RoleId`).",
      members: roles.map((r) => ({ name: r.typeName, value: r.id, doc: r.doc })),
    }),
    ...enumSource({
      name: 'PeerKind',
      doc: "What an external peer is; decides which rows reach it (the spec's `PEER_KINDS`).",
      aliasDoc: "The kind of an external peer (the spec's `PeerKind`).",
      members: peerKindMembers(catalogs),
    }),
    ...enums.flatMap(enumSource),
    ...products.flatMap(optionsInterface),
    ...declarationInterface(products),
    ...products.flatMap(productArgs),
  ].join('\n');
}
