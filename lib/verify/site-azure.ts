import {
  ArgumentError,
  GROUP_TAG,
  PortplanError,
  parseCidr,
  cidrContains,
  placeCloudRules,
  roleGroupOf,
  type Cidr,
  type Endpoint,
  type Resolution,
  type RuleParty,
} from '../model';
import { evaluateFlow, type AzureEndpoint, type AzureNetwork } from '../azure';
import type { ArmSecurityRule } from '../azure';
import {
  firstAddress,
  flowCheck,
  portPieces,
  sortExtra,
  type BlockedBy,
  type BlockedPorts,
  type ExtraRule,
  type SiteReport,
} from './site';

/**
 * `portplan verify azure` on Azure's own JSON, with no SDK: an NSG as `az network nsg show` prints
 * it (or as `az group export` writes it), the ASGs as `az network asg list` prints them. Every
 * planned flow goes through the NSG evaluator ({@link evaluateFlow}, Azure's default rules
 * included); every user allow rule no flow needs is reported.
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

const hostText = (family: 4 | 6, n: bigint): string => {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_v, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return parseCidr(`${groups.join(':')}/128`)!.text.replace(/\/128$/, '');
};

/**
 * One NIC address per group and family inside the VNet's address space (NICs live there), avoiding
 * every peer's range, so only rules naming the group's ASG or a range the VNet shares admit it.
 */
function nicAddresses(count: number, space: readonly Cidr[], peers: readonly Cidr[]): Record<4 | 6, string[]> {
  const out: Record<4 | 6, string[]> = { 4: [], 6: [] };
  for (const family of [4, 6] as const) {
    const bits = family === 4 ? 32 : 128;
    const ranges = space.filter((c) => c.family === family);
    // Outside every peer's range where the space has room; where a peer covers the whole space (a
    // broad administrators' range), inside it, since the NICs are in the VNet all the same.
    for (const avoidPeers of [true, false]) {
      for (const range of ranges) {
        const size = 1n << BigInt(bits - range.prefix);
        // Azure keeps the first four addresses of a subnet: start after them. A range a peer covers
        // has no room outside it; at most 65,536 addresses of a range are tried.
        const covered = avoidPeers && peers.some((p) => cidrContains(p, range));
        const end = size < 65540n ? size : 65540n;
        for (let i = 4n; !covered && i < end && out[family].length < count; i++) {
          const address = hostText(family, range.network + i);
          const host = parseCidr(`${address}/${bits}`)!;
          if (out[family].includes(address) || (avoidPeers && peers.some((p) => cidrContains(p, host)))) continue;
          out[family].push(address);
        }
      }
    }
  }
  return out;
}

const WORLD = ['*', 'Internet', '0.0.0.0/0', '::/0'];
type Side = 'source' | 'destination';

/** A rule side as keys: `asg:<key>` for each ASG, else each prefix (masked when a CIDR). */
function sideKeys(rule: ArmSecurityRule, side: Side): string[] {
  const asgs = rule[`${side}ApplicationSecurityGroups`];
  if (Array.isArray(asgs) && asgs.length) return asgs.map((a: { id?: unknown }) => `asg:${String(a.id)}`);
  const plural = rule[`${side}AddressPrefixes`];
  const prefixes =
    Array.isArray(plural) && plural.length ? plural.map(String) : [String(rule[`${side}AddressPrefix`] ?? '')];
  return prefixes.map((p) => (p.includes('/') ? (parseCidr(p)?.text ?? p) : p));
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

/**
 * Checks an NSG and its ASGs against a resolution.
 * - Model: one NIC per declared group, member of that group's ASG only, behind the NSG, at an
 *   address of the VNet's space outside every peer's range (inside one only where a peer covers
 *   the whole space); each peer at the first address of its
 *   CIDR with no NSG of its own; the flow is asked for every piece of its port range.
 * - Extra: every Allow rule of the NSG that carries something no planned flow needs (a source,
 *   destination, protocol and port combination the spec's `placeRules()` does not have). Deny
 *   rules, and Allow rules from `AzureLoadBalancer` (health probes: NSG overview, "Azure platform
 *   considerations"), open nothing to a flow's peers and are not reported.
 * @param groupAsgs each declared group's ASG key ({@link asgsOfGroups})
 * @throws ArgumentError for an address space that is not a CIDR, or none of a family a flow needs
 */
export function verifyAzureSite(
  resolution: Resolution,
  network: AzureNetwork,
  nsg: NsgInput,
  groupAsgs: Readonly<Record<string, string>>,
): SiteReport {
  const placement = placeCloudRules(resolution);
  const names = resolution.declaration.groups.map((g) => g.name);
  // Every ASG the site has: the declared groups' and each role-wide one (a role with two or more groups).
  const holders = [...names, ...placement.roleGroups.map((r) => r.name)];
  // A NIC of a group joins the group's ASG and its role's, where the role has one.
  const joined = (name: string): string[] => {
    const role = roleGroupOf(placement, name);
    return role ? [groupAsgs[name], groupAsgs[role.name]] : [groupAsgs[name]];
  };
  const space = network.addressSpace.map((s) => {
    const c = parseCidr(s);
    if (!c) throw new ArgumentError('--address-space', s, 'an IPv4 or IPv6 CIDR, e.g. 10.40.0.0/16');
    return c;
  });
  const peers = resolution.declaration.peers.map((p) => parseCidr(p.cidr)!);
  const nics = nicAddresses(names.length, space, peers);
  const endpoint = (e: Endpoint, other: Endpoint): AzureEndpoint => {
    if (e.kind === 'peer') return { address: firstAddress(e.cidr) };
    const family = other.kind === 'peer' && other.cidr.includes(':') ? 6 : 4;
    const address = nics[family][names.indexOf(e.name)];
    if (address === undefined) {
      throw new ArgumentError(
        '--address-space',
        network.addressSpace,
        `an IPv${family} range of the VNet with room for every group (the flow ${e.name} - ${other.name} needs one)`,
      );
    }
    return { address, applicationSecurityGroups: joined(e.name), nsg: nsg.rules };
  };

  const flows = resolution.flows.map((flow) => {
    const bounds = nsg.rules.flatMap((r) => {
      const p = portRanges(r);
      return p === '*' ? [] : p.map(([fromPort, toPort]) => ({ fromPort, toPort }));
    });
    const blocked: BlockedPorts[] = [];
    for (const [from, to] of portPieces(flow.fromPort, flow.toPort, bounds)) {
      const v = evaluateFlow(network, endpoint(flow.from, flow.to), endpoint(flow.to, flow.from), {
        protocol: flow.protocol === 'tcp' ? 'Tcp' : 'Udp',
        port: from,
      });
      if (v.allowed) continue;
      const by: BlockedBy[] = [
        ...(v.outbound?.access === 'Deny' ? [{ side: 'egress' as const, rule: v.outbound.rule }] : []),
        ...(v.inbound?.access === 'Deny' ? [{ side: 'ingress' as const, rule: v.inbound.rule }] : []),
      ];
      blocked.push({ fromPort: from, toPort: to, by });
    }
    return flowCheck(flow, blocked);
  });

  const planned = new Set<string>();
  const key = (e: RuleParty) => (e.kind === 'peer' ? (parseCidr(e.cidr)?.text ?? e.cidr) : `asg:${groupAsgs[e.name]}`);
  for (const p of placement.rules) {
    const [from, to] = p.direction === 'inbound' ? [p.remote, p.holder] : [p.holder, p.remote];
    for (let port = p.fromPort; port <= p.toPort; port++)
      planned.add([p.direction, key(from), key(to), p.protocol, port].join('|'));
  }
  const groupOf = new Map(Object.entries(groupAsgs).map(([n, k]) => [`asg:${k}`, n]));
  const show = (k: string) => groupOf.get(k) ?? (k.startsWith('asg:') ? `ASG ${k.slice(4)}` : k);
  const extra: ExtraRule[] = [];
  for (const r of nsg.rules) {
    if (r.access !== 'Allow') continue;
    const sources = sideKeys(r, 'source');
    if (sources.every((s) => s === 'AzureLoadBalancer')) continue;
    const dir = r.direction === 'Outbound' ? 'outbound' : 'inbound';
    const protocols = r.protocol === '*' ? ['tcp', 'udp', 'other'] : [String(r.protocol).toLowerCase()];
    const ranges = portRanges(r);
    const destinations = sideKeys(r, 'destination');
    // A rule is needed when every source, destination, protocol and port it names is a planned
    // flow's; `*` ports or protocols beyond TCP and UDP never are.
    const needed =
      ranges !== '*' &&
      sources.every((s) =>
        destinations.every((d) =>
          protocols.every((pr) =>
            ranges.every(
              ([lo, hi]) =>
                hi - lo < 65536 &&
                Array.from({ length: hi - lo + 1 }, (_v, i) => lo + i).every((port) =>
                  planned.has([dir, s, d, pr, port].join('|')),
                ),
            ),
          ),
        ),
      );
    if (needed) continue;
    const [own, remote] = dir === 'inbound' ? [destinations, sources] : [sources, destinations];
    extra.push({
      group: own.map(show).join(', '),
      direction: dir,
      remote: remote.map(show).join(', '),
      protocol: String(r.protocol),
      ports: ranges === '*' ? 'all' : ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(','),
      ...(typeof r.description === 'string' && r.description ? { description: r.description } : {}),
      rule: `${String(r.name)} (priority ${String(r.priority)})`,
      worldOpen: remote.some((k) => WORLD.includes(k)),
    });
  }
  const sorted = sortExtra(extra, holders);
  return {
    cloud: 'azure',
    groups: holders.map((name) => ({ name, id: groupAsgs[name] })),
    flows,
    extra: sorted,
    drift: sorted.length > 0 || flows.some((f) => f.status === 'blocked'),
  };
}
