import {
  ArgumentError,
  GROUP_TAG,
  PortplanError,
  azurePeerPrefix,
  parseCidr,
  placeCloudRules,
  type Resolution,
} from '../model';
import type { ArmSecurityRule, AzureNetwork } from '../azure';
import { SERVICE_TAGS, isServiceTag } from '../azure/rules';
import {
  azureSitePackets,
  serviceTagAddresses,
  type AzureRuleContext,
  type AzureSitePackets,
  type NsgPackets,
} from '../azure/site-packets';
import { azureAdmittedFlows } from '../azure/plan';
import {
  asNsgRule,
  withAdminRules,
  type AdminPackets,
  type AdminRule,
  type AdminSitePackets,
} from '../azure/admin-rules';
import {
  PacketSpace,
  TEXT_ORDER,
  difference,
  differenceEach,
  intersection,
  isEmpty,
  noPackets,
  packets,
  union,
  type PacketSet,
} from '../packets';
import { flowPackets, hostView, planPackets, ruleViewWith, type PeerAddresses } from './plan-packets';
import { flowCheck, sortExtra, surplusOf, type ExtraRule, type SiteReport } from './site';

/**
 * `portplan verify azure` on Azure's own JSON, with no SDK: an NSG as `az network nsg show` prints
 * it (or as `az group export` writes it), the ASGs as `az network asg list` prints them, compiled
 * into packet sets (lib/azure/site-packets: first match by priority, Azure's default rules, service
 * tags, ASGs) and compared with the plan's flows as packet sets.
 *
 * Shapes, from the REST API (Network Security Groups - Get, Application Security Groups - List,
 * api-version 2024-05-01: https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/get,
 * https://learn.microsoft.com/rest/api/virtualnetwork/application-security-groups/list) as the Azure
 * CLI flattens them (`properties` lifted into the object), and from the ARM template reference
 * (https://learn.microsoft.com/azure/templates/microsoft.network/networksecuritygroups), where each
 * rule's fields stay under `properties`.
 * @packageDocumentation
 */

/** Azure JSON that is not an NSG or an ASG list as documented (code `AZURE_INPUT`). */
export class AzureInputError extends PortplanError {
  /** Always `AZURE_INPUT`. */
  readonly code = 'AZURE_INPUT';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An NSG's user rules, with every ASG reference reduced to {@link asgKey}. */
export interface NsgInput {
  /** The NSG's name. */
  readonly name: string;
  /** Its security rules (not the default ones, which the evaluator adds). */
  readonly rules: readonly ArmSecurityRule[];
}

/** An ASG: its key ({@link asgKey}), name and tags. */
export interface AsgInput {
  /** The ASG's resource id in lower case ({@link asgKey}): how rules and `--group` name it. */
  readonly key: string;
  /** Its name as written. */
  readonly name: string;
  /** Its tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Where an ARM export's own subscription and resource group stand in a resource id: the export
 * does not say which they are (`resourceId('type', name)` means "this deployment's"), and `<`
 * and `>` are in no subscription id or resource group name, so such an id never equals another.
 */
const EXPORT_SCOPE = '<export>';

/**
 * An ASG reference as one key: its resource id in lower case. Azure compares resource ids, names
 * and resource groups alike, without regard to case
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules:
 * "resource and resource group names are case-insensitive"), and an ASG is known by its whole id:
 * two ASGs of one name in two resource groups are two ASGs. An ARM export's reference is evaluated
 * first: `[resourceId('Microsoft.Network/applicationSecurityGroups', parameters('p'))]` for an ASG
 * of the exported group (its subscription and group unknown, written `<export>`),
 * `[parameters('..._externalid')]` for one of another group, whose id is the parameter's default
 * value (see {@link readNsg}). A reference that is no resource id (a bare name) is kept as it is,
 * in lower case.
 * @param file the export, for the error
 * @throws AzureInputError when an expression cannot be evaluated, or a parameter it needs has no default value
 */
export function asgKey(ref: string, parameters: Readonly<Record<string, unknown>> = {}, file = 'the export'): string {
  const expr = /^\[(.*)\]$/s.exec(ref.trim());
  const text = expr ? evaluate(expr[1], idParameter(parameters, file)) : ref.trim();
  if (text === undefined) {
    throw new AzureInputError(file, ref, `${file}: cannot evaluate the ASG reference ${ref}`);
  }
  return text.replace(/\/+$/, '').toLowerCase();
}

type ParameterValue = (name: string) => string | undefined;

// A parameter an ASG id needs: its default value. `az group export` writes one only when asked
// (--include-parameter-default-value); without it the id is not in the file.
const idParameter =
  (parameters: Readonly<Record<string, unknown>>, file: string): ParameterValue =>
  (name) => {
    const v = (parameters[name] as Json | undefined)?.defaultValue;
    if (typeof v === 'string') return v;
    throw new AzureInputError(
      file,
      name,
      `${file}: parameter ${name} has no defaultValue, so the ASG it names is unknown; ` +
        'export with az group export --include-parameter-default-value',
    );
  };

// A name's parameter: its default value, else the parameter's own name (what the export calls it).
const nameParameter =
  (parameters: Readonly<Record<string, unknown>>): ParameterValue =>
  (name) => {
    const v = (parameters[name] as Json | undefined)?.defaultValue;
    return typeof v === 'string' ? v : name;
  };

/**
 * The value of an ARM template expression of the forms exports write: string literals,
 * `parameters('p')`, `concat(...)` and `resourceId([subscription], [group], type, names...)`
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource#resourceid);
 * undefined for anything else.
 */
function evaluate(expression: string, parameter: ParameterValue): string | undefined {
  const c = { text: expression, at: 0 };
  const v = term(c, parameter);
  return c.text.slice(c.at).trim() === '' ? v : undefined;
}

interface Cursor {
  readonly text: string;
  at: number;
}

function term(c: Cursor, parameter: ParameterValue): string | undefined {
  const rest = c.text.slice(c.at);
  const literal = /^\s*'((?:[^']|'')*)'/.exec(rest);
  if (literal) {
    c.at += literal[0].length;
    return literal[1].replace(/''/g, "'");
  }
  const call = /^\s*([A-Za-z][A-Za-z0-9]*)\s*\(/.exec(rest);
  if (!call) return undefined;
  c.at += call[0].length;
  const args: (string | undefined)[] = [];
  for (;;) {
    if (/^\s*\)/.test(c.text.slice(c.at))) break;
    args.push(term(c, parameter));
    const sep = /^\s*([,)])/.exec(c.text.slice(c.at));
    if (!sep) return undefined;
    if (sep[1] === ',') c.at += sep[0].length;
  }
  c.at += /^\s*\)/.exec(c.text.slice(c.at))![0].length;
  if (args.some((a) => a === undefined)) return undefined;
  return apply(call[1].toLowerCase(), args as string[], parameter);
}

function apply(fn: string, args: readonly string[], parameter: ParameterValue): string | undefined {
  if (fn === 'parameters' && args.length === 1) return parameter(args[0]);
  if (fn === 'concat') return args.join('');
  if (fn !== 'resourceid') return undefined;
  // resourceId([subscriptionId], [resourceGroupName], resourceType, resourceName1, ...): the type
  // is the first argument with a slash; its segments after the namespace take one name each.
  const t = args.findIndex((a) => a.includes('/'));
  const [namespace, ...types] = t < 0 ? [] : args[t].split('/');
  const names = args.slice(t + 1);
  if (t < 0 || t > 2 || types.length !== names.length) return undefined;
  const [subscription, group] = t === 2 ? args : [EXPORT_SCOPE, args[0] ?? EXPORT_SCOPE];
  const path = types.map((type, i) => `${type}/${names[i]}`).join('/');
  return `/subscriptions/${subscription}/resourceGroups/${t === 0 ? EXPORT_SCOPE : group}/providers/${namespace}/${path}`;
}

/** A resource name of an ARM export: a plain name, or an expression such as `[concat(parameters('n'), '/rule')]`. */
function armName(name: unknown, parameters: Readonly<Record<string, unknown>>): string {
  const s = String(name);
  const expr = /^\[(.*)\]$/s.exec(s);
  return expr ? (evaluate(expr[1], nameParameter(parameters)) ?? s) : s;
}

function reduceAsgs(rule: Json, parameters: Readonly<Record<string, unknown>>, file: string): ArmSecurityRule {
  const out: Json = { ...rule };
  for (const f of ['sourceApplicationSecurityGroups', 'destinationApplicationSecurityGroups']) {
    const v = rule[f];
    if (Array.isArray(v)) {
      out[f] = v.map((a: unknown) => ({ id: asgKey(String((a as Json)?.id ?? ''), parameters, file) }));
    }
  }
  return out as ArmSecurityRule;
}

/**
 * Reads an NSG: the output of `az network nsg show` (rules flattened, under `securityRules`) or
 * an ARM template from `az group export` (rules under `properties`, nested in the NSG resource or
 * as `networkSecurityGroups/securityRules` resources). With several NSGs in an export, `name` chooses.
 * An export holds the resources of one resource group; a rule naming an ASG of another group names
 * it through a parameter `<type>_<name>_externalid` whose default value is the ASG's resource id
 * (`[parameters('applicationSecurityGroups_web_externalid')]`, as Microsoft's exported templates
 * show, e.g. https://learn.microsoft.com/azure/data-explorer/security-network-migrate-vnet-to-private-endpoint;
 * export templates: https://learn.microsoft.com/azure/azure-resource-manager/templates/export-template-cli).
 * @throws AzureInputError naming the file and what it lacks
 */
export function readNsg(json: unknown, file: string, name?: string): NsgInput {
  if (isObject(json) && Array.isArray(json.securityRules)) {
    const rules = json.securityRules.map((r: unknown) => reduceAsgs(r as Json, {}, file));
    return { name: String(json.name ?? ''), rules };
  }
  if (isObject(json) && Array.isArray(json.resources)) {
    const parameters = (isObject(json.parameters) ? json.parameters : {}) as Json;
    const resources = json.resources.filter(isObject);
    const nsgs = resources.filter((r) => String(r.type).toLowerCase() === 'microsoft.network/networksecuritygroups');
    const chosen = name ? nsgs.filter((r) => armName(r.name, parameters).toLowerCase() === name.toLowerCase()) : nsgs;
    if (chosen.length !== 1) {
      throw new ArgumentError(
        '--nsg-name',
        name,
        `the name of one NSG of ${file}: ${nsgs.map((r) => armName(r.name, parameters)).join(', ') || 'it has none'}`,
      );
    }
    const nsg = chosen[0];
    const nsgName = armName(nsg.name, parameters);
    const rules = new Map<string, ArmSecurityRule>();
    const add = (r: Json, ruleName: string) => {
      if (!isObject(r.properties))
        throw new AzureInputError(file, r, `${file}: rule ${ruleName} has no properties object (ARM template shape)`);
      rules.set(ruleName, reduceAsgs({ name: ruleName, ...r.properties }, parameters, file));
    };
    const nested = (
      isObject(nsg.properties) && Array.isArray(nsg.properties.securityRules) ? nsg.properties.securityRules : []
    ) as Json[];
    for (const r of nested) add(r, armName(r.name, parameters));
    // Standalone rules are resources named `<nsg>/<rule>`; an export often has both forms of a rule.
    for (const r of resources.filter(
      (x) => String(x.type).toLowerCase() === 'microsoft.network/networksecuritygroups/securityrules',
    )) {
      const [owner, ruleName] = armName(r.name, parameters).split('/');
      if (owner.toLowerCase() === nsgName.toLowerCase() && ruleName) add(r, ruleName);
    }
    return { name: nsgName, rules: [...rules.values()] };
  }
  throw new AzureInputError(
    file,
    undefined,
    `${file}: not an NSG: expected the output of az network nsg show (a securityRules array) ` +
      'or of az group export (a resources array)',
  );
}

/**
 * Reads ASGs: the output of `az network asg list` (an array of ASGs with `id`, `name`, `tags`),
 * or the ASG resources of an ARM template export (ids in the export's own resource group, as its
 * rules' `resourceId()` references have them).
 * @throws AzureInputError when the JSON is neither
 */
export function readAsgs(json: unknown, file: string): AsgInput[] {
  const tags = (t: unknown) =>
    isObject(t) ? Object.fromEntries(Object.entries(t).map(([k, v]) => [k, String(v)])) : {};
  if (Array.isArray(json)) {
    return json
      .filter(isObject)
      .map((a) => ({ key: asgKey(String(a.id ?? a.name), {}, file), name: String(a.name), tags: tags(a.tags) }));
  }
  if (isObject(json) && Array.isArray(json.resources)) {
    const parameters = (isObject(json.parameters) ? json.parameters : {}) as Json;
    return json.resources
      .filter(isObject)
      .filter((r) => String(r.type).toLowerCase() === 'microsoft.network/applicationsecuritygroups')
      .map((r) => {
        const name = armName(r.name, parameters);
        // The export's own resource group, as resourceId() in its rules names it.
        const key = asgKey(
          `[resourceId('Microsoft.Network/applicationSecurityGroups', '${name.replace(/'/g, "''")}')]`,
        );
        return { key, name, tags: tags(r.tags) };
      });
  }
  throw new AzureInputError(
    file,
    undefined,
    `${file}: not a list of ASGs: expected the output of az network asg list (an array) or of az group export`,
  );
}

/** The tag the Pulumi component writes on each ASG it creates: the model's {@link GROUP_TAG}. */
export const ASG_GROUP_TAG = GROUP_TAG;

/**
 * The ASG `--group <name>=<value>` names: by resource id (any case), or by name when the name is
 * one ASG's; a name ASGs of several resource groups share must be given as an id.
 */
function givenAsg(pair: string, value: string, asgs: readonly AsgInput[]): string {
  const byId = value.includes('/') || value.startsWith('[');
  const key = byId ? asgKey(value) : undefined;
  const found = [
    ...new Set(
      asgs.filter((a) => (byId ? a.key === key : a.name.toLowerCase() === value.toLowerCase())).map((a) => a.key),
    ),
  ];
  if (!found.length) {
    const known = asgs.map((a) => (byId ? a.key : a.name)).join(', ');
    throw new ArgumentError('--group', pair, `an ASG of the --asgs file: ${known}`);
  }
  if (found.length > 1) {
    throw new ArgumentError(
      '--group',
      pair,
      `one ASG: ${value} is the name of ${found.join(' and ')}; give its resource id`,
    );
  }
  return found[0];
}

/**
 * The ASG of each declared group: `--group name=<asg name or id>`, else the one ASG tagged
 * `portplan:group=<name>` (of several, the one the NSG's rules name).
 * @throws ArgumentError for a malformed pair, an undeclared name, an unknown ASG, a group with no
 *   ASG or a tag on two ASGs
 */
export function asgsOfGroups(
  names: readonly string[],
  asgs: readonly AsgInput[],
  given: readonly string[],
  nsg?: NsgInput,
): Record<string, string> {
  // A resource group may hold the ASGs of several components with the same group names: the
  // ones the NSG's rules name are this component's.
  const referenced = new Set(
    (nsg?.rules ?? []).flatMap((r) => [...sideKeys(r, 'source'), ...sideKeys(r, 'destination')]),
  );
  const out: Record<string, string> = {};
  for (const pair of given) {
    const m = /^([^=]+)=(.+)$/.exec(pair);
    if (!m) throw new ArgumentError('--group', pair, 'must be <group>=<ASG name or id>');
    if (!names.includes(m[1]))
      throw new ArgumentError('--group', pair, `a declared group name before "=": ${names.join(', ')}`);
    out[m[1]] = givenAsg(pair, m[2], asgs);
  }
  for (const name of names) {
    if (out[name] !== undefined) continue;
    const all = asgs.filter((a) => a.tags[ASG_GROUP_TAG] === name);
    const tagged = all.length > 1 && nsg ? all.filter((a) => referenced.has(`asg:${a.key}`)) : all;
    if (tagged.length > 1)
      throw new ArgumentError(
        '--group',
        name,
        `one ASG tagged ${ASG_GROUP_TAG}=${name} (found ${tagged.map((a) => a.name).join(', ')}); choose with --group`,
      );
    if (!tagged.length)
      throw new ArgumentError(
        '--group',
        name,
        `an ASG for every declared group: tag one ${ASG_GROUP_TAG}=${name}, or give --group ${name}=<ASG name>`,
      );
    out[name] = tagged[0].key;
  }
  return out;
}

const WORLD = ['*', 'Internet', '0.0.0.0/0', '::/0'];
type Side = 'source' | 'destination';

/** A rule side as keys: `asg:<key>` for each ASG, else each prefix (masked when a CIDR, when `masked`). */
function sideKeys(rule: ArmSecurityRule, side: Side, masked = true): string[] {
  const asgs = rule[`${side}ApplicationSecurityGroups`];
  if (Array.isArray(asgs) && asgs.length) return asgs.map((a: { id?: unknown }) => `asg:${String(a.id)}`);
  const plural = rule[`${side}AddressPrefixes`];
  const prefixes =
    Array.isArray(plural) && plural.length ? plural.map(String) : [String(rule[`${side}AddressPrefix`] ?? '')];
  return masked ? prefixes.map((p) => (p.includes('/') ? (parseCidr(p)?.text ?? p) : p)) : prefixes;
}

function portRanges(rule: ArmSecurityRule): [number, number][] | '*' {
  const plural = rule.destinationPortRanges;
  const list = Array.isArray(plural) && plural.length ? plural.map(String) : [String(rule.destinationPortRange ?? '*')];
  if (list.includes('*')) return '*';
  return list.map((r) => {
    const [lo, hi = lo] = r.split('-').map(Number);
    return [lo, hi];
  });
}

/** What else the Azure check may be told about the site. */
export interface AzureSiteOptions {
  /**
   * The NSG of the NICs' subnet, when the NICs have one of their own too (`nsg`): every NSG on the
   * path must allow a packet.
   */
  readonly subnetNsg?: NsgInput;
  /** The ranges of service tags other than VirtualNetwork, Internet and AzureLoadBalancer, by tag. */
  readonly serviceTags?: Readonly<Record<string, readonly string[]>>;
  /**
   * Azure Virtual Network Manager's security admin rules of the VNet, evaluated before the NSGs
   * (lib/azure/admin-rules.ts); none by default.
   */
  readonly adminRules?: readonly AdminRule[];
}

// What the NSGs let through, with the VNet's admin rules evaluated first when there are any.
function sitePackets(
  ctx: AzureRuleContext,
  nsgs: readonly (readonly ArmSecurityRule[])[],
  options: AzureSiteOptions,
): AzureSitePackets | AdminSitePackets {
  const site = azureSitePackets(ctx, ctx.space.classes, nsgs);
  return options.adminRules?.length ? withAdminRules(ctx, site, ctx.space.classes, options.adminRules) : site;
}

/**
 * The addresses of a peer as this site's rules name it: a service tag's ranges (VirtualNetwork and
 * AzureLoadBalancer as the site's evaluation reads them, any other tag as given in `serviceTags`),
 * else its CIDR.
 */
function azurePeerAddresses(ctx: AzureRuleContext): PeerAddresses {
  return (p) => {
    const prefix = azurePeerPrefix(p);
    if (!isServiceTag(prefix)) return [prefix];
    const ranges = serviceTagAddresses(ctx, prefix);
    if (ranges) return ranges;
    throw new ArgumentError(
      'serviceTags',
      prefix,
      `the ranges of peer ${p.name}'s service tag ${prefix} (verify azure --service-tags <Azure's service tags JSON file>)`,
    );
  };
}

/** The class of the NICs of an ASG the plan lacks: a name no declared group has (they have no colon). */
const unplannedAsg = (key: string): string => `unplanned:${key}`;

/** The packet space and rule context of a site: a class per declared group, each ASG's members. */
function azureContext(
  resolution: Resolution,
  network: AzureNetwork,
  groupAsgs: Readonly<Record<string, string>>,
  nsgs: readonly (readonly ArmSecurityRule[])[],
  options: AzureSiteOptions,
): AzureRuleContext {
  const placement = placeCloudRules(resolution);
  const names = resolution.declaration.groups.map((g) => g.name);
  const members = new Map<string, string[]>();
  // A NIC of a group joins the group's ASG and its role's, where the role has one.
  for (const n of names) members.set(groupAsgs[n], [...(members.get(groupAsgs[n]) ?? []), n]);
  for (const role of placement.roleGroups) members.set(groupAsgs[role.name], [...role.groups]);
  // NICs of ASGs the rules name but the plan lacks sit behind the NSG too: a class for each.
  const known = new Set(Object.values(groupAsgs));
  const unplanned = [
    ...new Set(
      // Only the ASG keys are wanted (a CIDR's masked text starts with a digit or a colon, never `asg:`).
      nsgs.flatMap((rules) =>
        rules.flatMap((r) => [...sideKeys(r, 'source', false), ...sideKeys(r, 'destination', false)]),
      ),
    ),
  ]
    .filter((k) => k.startsWith('asg:') && !known.has(k.slice(4)))
    .map((k) => k.slice(4))
    .sort();
  for (const key of unplanned) members.set(key, [unplannedAsg(key)]);
  const virtualNetwork = network.addressSpace.map((s) => {
    const c = parseCidr(s);
    if (!c) throw new ArgumentError('--address-space', s, 'an IPv4 or IPv6 CIDR, e.g. 10.40.0.0/16');
    return c.text;
  });
  return {
    space: new PacketSpace([...names, ...unplanned.map(unplannedAsg)], { order: TEXT_ORDER }),
    virtualNetwork,
    members,
    serviceTags: new Map(Object.entries(options.serviceTags ?? {})),
  };
}

/**
 * The admin rules' decisions in one direction, when the site was compiled with admin rules
 * ({@link AzureSiteOptions.adminRules}); undefined otherwise.
 */
export function adminDecisions(site: AzureSitePackets, direction: 'Inbound' | 'Outbound'): AdminPackets | undefined {
  const key = direction === 'Inbound' ? 'adminInbound' : 'adminOutbound';
  return key in site ? (site as AdminSitePackets)[key] : undefined;
}

/** How a report names an admin rule, apart from the NSGs' rules. */
export const adminRuleName = (rule: AdminRule): string => `admin rule ${rule.name}`;

/** The names of the rules that deny any of the packets, in processing order: admin rules first. */
function denying(parts: readonly NsgPackets[], missing: PacketSet, adminRules?: AdminPackets): string | undefined {
  if (isEmpty(missing)) return undefined;
  const byAdmin = (adminRules?.decisions ?? [])
    .filter((d) => d.rule.access === 'Deny' && !isEmpty(intersection(d.decided, missing)))
    .map((d) => adminRuleName(d.rule));
  const names = byAdmin.concat(
    parts.flatMap((p) =>
      p.decisions
        .filter((d) => d.rule.access !== 'Allow' && !isEmpty(intersection(d.decided, missing)))
        .map((d) => String(d.rule.name)),
    ),
  );
  return names.length ? [...new Set(names)].join(', ') : undefined;
}

/** A user Allow rule as a row of the report's extra rules, with its surplus; `groupOf` names each group's ASG key (`asg:<key>`). */
function azureExtra(
  r: ArmSecurityRule,
  groupOf: ReadonlyMap<string, string>,
  surplus: Pick<ExtraRule, 'surplus' | 'witness'>,
  sources = sideKeys(r, 'source'),
): ExtraRule {
  const show = (k: string) => groupOf.get(k) ?? (k.startsWith('asg:') ? `ASG ${k.slice(4)}` : k);
  const dir = r.direction === 'Outbound' ? 'outbound' : 'inbound';
  const destinations = sideKeys(r, 'destination');
  const ranges = portRanges(r);
  const [own, remote] = dir === 'inbound' ? [destinations, sources] : [sources, destinations];
  return {
    group: own.map(show).join(', '),
    direction: dir,
    remote: remote.map(show).join(', '),
    protocol: String(r.protocol),
    ports: ranges === '*' ? 'all' : ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(','),
    ...(typeof r.description === 'string' && r.description ? { description: r.description } : {}),
    rule: `${String(r.name)} (priority ${String(r.priority)})`,
    worldOpen: remote.some((k) => WORLD.includes(k)),
    ...surplus,
  };
}

/**
 * The user Allow rules that admit packets no planned flow needs, with exactly those packets: what
 * the rule decides (first match) beyond the flows as the plan's rules admit them, and outbound
 * under `egress: default` beyond everything the groups send. Allow rules from `AzureLoadBalancer`
 * (health probes: NSG overview, "Azure platform considerations") open nothing to a flow's peers
 * and are not reported.
 */
function azureExtraRules(
  resolution: Resolution,
  ctx: AzureRuleContext,
  site: AzureSitePackets | AdminSitePackets,
  groupAsgs: Readonly<Record<string, string>>,
): ExtraRule[] {
  const names = resolution.declaration.groups.map((g) => g.name);
  // An Icmp rule admits every ICMP and ICMPv6 message: as planned, not extra.
  const needed = planPackets(ctx.space, azureAdmittedFlows(resolution.flows), ruleViewWith(azurePeerAddresses(ctx)));
  const sends =
    resolution.declaration.egress !== 'restricted'
      ? packets(ctx.space, { source: { classes: names } })
      : noPackets(ctx.space);
  const neededOut = union(needed, sends);
  const groupOf = new Map(Object.entries(groupAsgs).map(([n, k]) => [`asg:${k}`, n]));
  const out: ExtraRule[] = [];
  for (const [parts, want, key] of [
    [site.inbound, needed, 'Inbound'],
    [site.outbound, neededOut, 'Outbound'],
  ] as const) {
    const first = adminDecisions(site, key);
    // What the admin rules decide never reaches the NSGs: an NSG rule's surplus is the rest of it.
    const decidedFirst = first ? union(first.alwaysAllowed, first.denied) : noPackets(ctx.space);
    for (const d of first?.decisions ?? []) {
      if (d.rule.access !== 'AlwaysAllow') continue;
      const surplus = surplusOf(difference(d.decided, want));
      if (surplus) out.push(azureExtra(asNsgRule(d.rule, d.rule.name), groupOf, surplus));
    }
    const reported = parts
      .flatMap((p) => p.decisions)
      .filter((d) => !d.builtin && d.rule.access === 'Allow')
      .map((d) => ({ d, sources: sideKeys(d.rule, 'source') }))
      .filter(({ sources }) => !sources.every((s) => s === 'AzureLoadBalancer'));
    // Each rule less one set: the rules of a wide NSG share most parts, whose differences are made once.
    const surpluses = differenceEach(
      reported.map(({ d }) => d.decided),
      union(decidedFirst, want),
    );
    reported.forEach(({ d, sources }, i) => {
      const surplus = surplusOf(surpluses[i]);
      if (surplus) out.push(azureExtra(d.rule, groupOf, surplus, sources));
    });
  }
  return out;
}

/**
 * Checks an NSG and its ASGs against a resolution, as packet sets.
 * - Site: a host class per declared group, whose NICs are members of the group's ASG and its
 *   role's, at addresses of the VNet's space, behind the NSG (and the subnet's, where given).
 * - Flows: every packet of the flow: a peer is an outside host at every address of its CIDR, with
 *   no NSG of its own. Each side's shortfall is the flow's packets it does not let through, with
 *   the rules that deny them and a witness.
 * - Extra: every user Allow rule that admits packets no planned flow needs, with exactly those.
 * @param groupAsgs each declared group's ASG key ({@link asgsOfGroups})
 * @throws ArgumentError for an address space that is not a CIDR, or none of a family a flow needs
 */
export function verifyAzureSite(
  resolution: Resolution,
  network: AzureNetwork,
  nsg: NsgInput,
  groupAsgs: Readonly<Record<string, string>>,
  options: AzureSiteOptions = {},
): SiteReport {
  const placement = placeCloudRules(resolution);
  const names = resolution.declaration.groups.map((g) => g.name);
  // Every ASG the site has: the declared groups' and each role-wide one (a role with two or more groups).
  const holders = [...names, ...placement.roleGroups.map((r) => r.name)];
  const { ctx, site, view } = azureSiteModel(resolution, network, nsg, groupAsgs, options);
  const flows = resolution.flows.map((flow) => {
    const all = flowPackets(ctx.space, flow, view);
    if (isEmpty(all)) {
      const peer = [flow.from, flow.to].find((e) => e.kind === 'peer');
      const family = peer?.kind === 'peer' && peer.cidr?.includes(':') ? 6 : 4;
      throw new ArgumentError(
        '--address-space',
        network.addressSpace,
        `an IPv${family} range of the VNet for the groups' NICs (the flow ${flow.from.name} - ${flow.to.name} needs one)`,
      );
    }
    const egress = difference(all, site.egress);
    const ingress = difference(all, site.ingress);
    return flowCheck(flow, all, [
      { side: 'egress', missing: egress, rule: denying(site.outbound, egress, adminDecisions(site, 'Outbound')) },
      { side: 'ingress', missing: ingress, rule: denying(site.inbound, ingress, adminDecisions(site, 'Inbound')) },
    ]);
  });
  const extra = sortExtra(azureExtraRules(resolution, ctx, site, groupAsgs), holders);
  const unknown = unknownServiceTags(ctx, [nsg, ...(options.subnetNsg ? [options.subnetNsg] : [])]);
  return {
    cloud: 'azure',
    groups: holders.map((name) => ({ name, id: groupAsgs[name] })),
    flows,
    extra,
    drift: extra.length > 0 || flows.some((f) => f.status !== 'allowed'),
    ...(unknown.length ? { unknownServiceTags: unknown } : {}),
  };
}

/**
 * The service tags the NSGs' rules name beyond VirtualNetwork, AzureLoadBalancer and Internet whose
 * ranges were not given: the compile reads such a rule as admitting nothing, which the report says.
 */
function unknownServiceTags(ctx: AzureRuleContext, nsgs: readonly NsgInput[]): string[] {
  const named = nsgs.flatMap((n) => n.rules.flatMap((r) => [...sideKeys(r, 'source'), ...sideKeys(r, 'destination')]));
  const known = (t: string) => (SERVICE_TAGS as readonly string[]).includes(t) || ctx.serviceTags?.has(t);
  return [...new Set(named.filter((t) => t !== '*' && isServiceTag(t) && !known(t)))].sort();
}

/** An NSG compiled once: what `explain --site azure` compares the plan with. */
export interface AzureSiteModel {
  /** The space, ASG members and VNet the rules compile against. */
  readonly ctx: AzureRuleContext;
  /** The NSGs' rules, the NIC's NSG first. */
  readonly nsgs: readonly (readonly ArmSecurityRule[])[];
  /**
   * What the NSGs let in and out, rule by rule, with the admin rules evaluated first when there are
   * any ({@link adminDecisions}).
   */
  readonly site: AzureSitePackets | AdminSitePackets;
  /** The plan's flows as hosts of this site ({@link hostView} at the VNet's addresses). */
  readonly view: ReturnType<typeof hostView>;
}

/**
 * The site as {@link verifyAzureSite} compiles it (the one compile of both `verify azure` and
 * `explain --site azure`), for questions other than the whole check.
 * @throws ArgumentError as verifyAzureSite does for an address space that is not a CIDR
 */
export function azureSiteModel(
  resolution: Resolution,
  network: AzureNetwork,
  nsg: NsgInput,
  groupAsgs: Readonly<Record<string, string>>,
  options: AzureSiteOptions = {},
): AzureSiteModel {
  const nsgs = [nsg, ...(options.subnetNsg ? [options.subnetNsg] : [])].map((n) => n.rules);
  const ctx = azureContext(resolution, network, groupAsgs, nsgs, options);
  return {
    ctx,
    nsgs,
    site: sitePackets(ctx, nsgs, options),
    view: hostView(ctx.virtualNetwork, azurePeerAddresses(ctx)),
  };
}
