// firewalld's service definitions (firewalld.service(5),
// https://firewalld.org/documentation/man-pages/firewalld.service.html) as a portplan catalog: each
// service a pair of roles (the hosts that offer it, and their clients) and one row whose flows open
// its ports from the clients to the hosts, citing the service's file. What a catalog cannot say is
// refused per service with the reason: connection-tracking helpers, source ports, destination
// addresses, protocols other than TCP and UDP, more separate port ranges than `fixed` lists. `include` is resolved
// as firewalld resolves it: the included services' ports join the service's own.
import type { CatalogDefinition } from './catalog-format';
import { rangeUnion } from './port-ranges';
import type { PortRange } from './resolve';
import { parseServiceXml, XmlFault, type XmlElement } from './service-xml';

/** A service file as read: its path (as the user gave it) and text. */
export interface FirewalldServiceFile {
  /** The path, as given; the service's name is its file name without `.xml`, as firewalld names it. */
  readonly path: string;
  /** The file's text. */
  readonly text: string;
}

/** Why a service is refused: a stable code for programs and tests, and the reason in words. */
export interface FirewalldRefusalReason {
  /** What kind of thing the catalog cannot express. */
  readonly code: FirewalldRefusalCode;
  /** The reason, naming what the file says and what the catalog format allows. */
  readonly message: string;
}

/** The kinds of refusal, each a thing of a service file the catalog format cannot express. */
export type FirewalldRefusalCode =
  | 'file'
  | 'name'
  | 'duplicate'
  | 'helper'
  | 'source-port'
  | 'destination'
  | 'protocol'
  | 'port'
  | 'too-many-ports'
  | 'no-ports'
  | 'include';

/** A service that is not imported, with every reason. */
export interface FirewalldRefusal {
  /** The service's name. */
  readonly service: string;
  /** Its file. */
  readonly file: string;
  /** Why, each thing the catalog cannot express; never empty. */
  readonly reasons: readonly FirewalldRefusalReason[];
}

/** A service that is imported: where it went in the catalog, and the ports its row opens. */
export interface FirewalldImported {
  /** The service's name. */
  readonly service: string;
  /** Its file. */
  readonly file: string;
  /** The role of the hosts that offer it (the listener). */
  readonly role: string;
  /** The role of its clients (the initiator). */
  readonly clientRole: string;
  /** The row's id. */
  readonly row: string;
  /**
   * The ports opened, by protocol, as disjoint ranges ascending (ranges that overlap or touch are
   * one): its own and those of every service it includes.
   */
  readonly ports: {
    /** The TCP ranges. */
    readonly tcp: readonly PortRange[];
    /** The UDP ranges. */
    readonly udp: readonly PortRange[];
  };
  /** The services it includes, directly or through others, by name, sorted. */
  readonly includes: readonly string[];
}

/** What an import made: the catalog (when a service was imported), and each service's outcome. */
export interface FirewalldImport {
  /** The catalog, for loadCatalog(); undefined when no service could be imported. */
  readonly catalog: CatalogDefinition | undefined;
  /** The imported services, in row order. */
  readonly imported: readonly FirewalldImported[];
  /** The refused services, by name. */
  readonly refused: readonly FirewalldRefusal[];
}

/** The product id of an imported catalog: its role ids start with `firewalld:`. */
export const FIREWALLD_PRODUCT = 'firewalld';

/**
 * The most entries one flow of a catalog lists (`fixed` ports, each a port or a range), per
 * protocol. A service whose ports are more separate ranges than that is refused rather than split
 * over flows or rows.
 */
export const MAX_FIXED_PORTS = 32;

/** A service file as read: its content, before includes are resolved. */
interface ServiceDefinition {
  readonly name: string;
  readonly file: string;
  readonly short?: string;
  /** Its own ports, as firewalld writes them (first and last port), by protocol. */
  readonly ranges: { readonly tcp: [number, number][]; readonly udp: [number, number][] };
  readonly includes: readonly string[];
  readonly reasons: FirewalldRefusalReason[];
}

const reason = (code: FirewalldRefusalCode, message: string): FirewalldRefusalReason => ({ code, message });

// Words of letters and digits joined by single dashes, starting with a letter: the names a role id
// and a row id can carry (firewalld also takes "_", and names that start with a digit or a dash).
const NAME = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$/;
const MARK = /^u\d+$/;

/**
 * The id a service's name becomes in role, row and document ids: one injective scheme. A name of
 * lower-case words is itself, unless its last word looks like a mark (`u` and digits); any other
 * name is its lower-case form, a dash and a mark `u<n>`, `n` the bits of its upper-case letters'
 * positions (`RH-Satellite-6`: `rh-satellite-6-u11`). The mark is always last, so the id reads back
 * to exactly one name. `undefined` for a name no id can carry.
 */
export function serviceCode(name: string): string | undefined {
  if (!NAME.test(name)) return undefined;
  const lower = name.toLowerCase();
  let mask = 0n;
  for (let i = 0; i < name.length; i++) if (name[i] !== lower[i]) mask |= 1n << BigInt(i);
  const last = lower.slice(lower.lastIndexOf('-') + 1);
  return mask === 0n && !MARK.test(last) ? lower : `${lower}-u${mask}`;
}

// The longest id a document of a catalog may have (catalog-format.ts, kindId).
const MAX_DOCUMENT_ID = 40;

function nameReason(name: string): FirewalldRefusalReason | undefined {
  const code = serviceCode(name);
  if (code === undefined)
    return reason(
      'name',
      `the name ${JSON.stringify(name)} is not words of letters and digits joined by single dashes, starting ` +
        'with a letter: role and row ids cannot carry it (rename the file)',
    );
  if (code.length < 2 || code.length > MAX_DOCUMENT_ID)
    return reason('name', `the name's id ${code} is not 2-${MAX_DOCUMENT_ID} characters, as a document id must be`);
  return undefined;
}

// What each element of a service file may carry (firewalld.service(5)); `service`'s `name` is
// deprecated and ignored, as firewalld ignores it.
const ELEMENTS: Readonly<Record<string, { required: readonly string[]; optional: readonly string[] }>> = {
  short: { required: [], optional: [] },
  description: { required: [], optional: [] },
  port: { required: ['port', 'protocol'], optional: [] },
  protocol: { required: ['value'], optional: [] },
  'source-port': { required: ['port', 'protocol'], optional: [] },
  destination: { required: [], optional: ['ipv4', 'ipv6'] },
  include: { required: ['service'], optional: [] },
  helper: { required: ['name'], optional: [] },
  module: { required: ['name'], optional: [] },
};

/** What is wrong with the elements of a service file, by firewalld.service(5); `undefined` when nothing is. */
function checkShape(root: XmlElement): string | undefined {
  if (root.name !== 'service') return `the root element is <${root.name}>, not <service>`;
  const extra = Object.keys(root.attributes).filter((a) => a !== 'version' && a !== 'name');
  if (extra.length) return `<service> has the attribute ${extra[0]} (line ${root.line})`;
  if (root.text.trim()) return `<service> holds text outside its elements (line ${root.line})`;
  for (const e of root.children) {
    // Own names only: `<constructor>` is not an element because every object has that field.
    const spec = Object.hasOwn(ELEMENTS, e.name) ? ELEMENTS[e.name] : undefined;
    if (!spec) return `the element <${e.name}> (line ${e.line}) is not one of firewalld.service(5)`;
    const attrs = Object.keys(e.attributes);
    const unknown = attrs.filter((a) => !spec.required.includes(a) && !spec.optional.includes(a));
    if (unknown.length) return `<${e.name}> has the attribute ${unknown[0]} (line ${e.line})`;
    const missing = spec.required.filter((a) => !attrs.includes(a));
    if (missing.length) return `<${e.name}> lacks the attribute ${missing[0]} (line ${e.line})`;
    if (e.children.length) return `<${e.name}> holds the element <${e.children[0].name}> (line ${e.line})`;
    if (e.name !== 'short' && e.name !== 'description' && e.text.trim())
      return `<${e.name}> holds text (line ${e.line})`;
  }
  const once = ['short', 'description'].find((n) => root.children.filter((e) => e.name === n).length > 1);
  return once ? `<${once}> given more than once` : undefined;
}

/** A port or range as firewalld writes it: `22`, `5900-5903`; undefined when it is neither. */
function portRange(text: string): [number, number] | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  // firewalld takes the two ends in either order (firewall/functions.py, getPortRange).
  return [Math.min(a, b), Math.max(a, b)];
}

// The reasons of one <port>: a protocol other than TCP or UDP, a port name, port 0, past 65535.
function addPort(def: ServiceDefinition, e: XmlElement): void {
  const { port, protocol } = e.attributes;
  if (port === '') {
    // firewalld reads a port element without a port as the whole protocol (firewall/core/io/service.py).
    def.reasons.push(protocolReason(protocol, e.line));
    return;
  }
  if (protocol !== 'tcp' && protocol !== 'udp') {
    def.reasons.push(
      reason('protocol', `<port> ${port}/${protocol} (line ${e.line}): catalog flows are TCP or UDP ports`),
    );
    return;
  }
  const range = portRange(port);
  if (!range) {
    def.reasons.push(
      reason('port', `<port> ${JSON.stringify(port)} (line ${e.line}) is not a port number or a range of them`),
    );
    return;
  }
  if (range[0] < 1 || range[1] > 65535) {
    def.reasons.push(reason('port', `<port> ${port} (line ${e.line}) is outside 1-65535, the ports a catalog opens`));
    return;
  }
  def.ranges[protocol].push(range);
}

const protocolReason = (protocol: string, line: number): FirewalldRefusalReason =>
  reason(
    'protocol',
    `opens all of IP protocol ${protocol} (line ${line}): catalog flows are TCP or UDP ports, not whole protocols`,
  );

// Everything a service element says that a catalog row cannot.
function elementReason(e: XmlElement): FirewalldRefusalReason | undefined {
  const a = e.attributes;
  switch (e.name) {
    case 'protocol':
      return protocolReason(a.value, e.line);
    case 'source-port':
      return reason(
        'source-port',
        `<source-port> ${a.port}/${a.protocol} (line ${e.line}): a catalog flow opens listening ports, from any source port`,
      );
    case 'destination': {
      const to = ['ipv4', 'ipv6'].flatMap((k) => (a[k] ? [a[k]] : [])).join(' and ');
      return reason(
        'destination',
        `<destination> ${to} (line ${e.line}): the service is for those addresses only, and a catalog flow cannot ` +
          "name the listener's address (its group's hosts are the destination)",
      );
    }
    case 'helper':
    case 'module':
      return reason(
        'helper',
        `<${e.name}> ${a.name} (line ${e.line}): a connection-tracking helper opens ports found in the traffic at ` +
          'run time, which no fixed rule can',
      );
    default:
      return undefined;
  }
}

/** Reads one file; its faults are reasons of the service, never exceptions. */
function readService(file: FirewalldServiceFile, name: string): ServiceDefinition {
  const def: ServiceDefinition = {
    name,
    file: file.path,
    ranges: { tcp: [], udp: [] },
    includes: [],
    reasons: [],
  };
  const named = nameReason(name);
  if (named) def.reasons.push(named);
  let root: XmlElement;
  try {
    root = parseServiceXml(file.text);
  } catch (e) {
    if (!(e instanceof XmlFault)) throw e;
    def.reasons.push(reason('file', `not a firewalld service file: ${e.message}`));
    return def;
  }
  const shape = checkShape(root);
  if (shape) {
    def.reasons.push(reason('file', `not a firewalld service file: ${shape}`));
    return def;
  }
  const includes: string[] = [];
  let short: string | undefined;
  for (const e of root.children) {
    if (e.name === 'short') short = e.text.replace(/\s+/g, ' ').trim();
    else if (e.name === 'port') addPort(def, e);
    else if (e.name === 'include') includes.push(e.attributes.service);
    else {
      const r = elementReason(e);
      if (r) def.reasons.push(r);
    }
  }
  return { ...def, ...(short ? { short } : {}), includes: [...new Set(includes)] };
}

/** The service name of a file: its file name without `.xml`, as firewalld names it. */
export function serviceName(path: string): string {
  const base = path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
  return base.endsWith('.xml') ? base.slice(0, -4) : base;
}

/** Every service `name` includes, directly or through others, with the include path to each. */
function reach(name: string, defs: ReadonlyMap<string, ServiceDefinition>): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const queue: string[][] = [[name]];
  while (queue.length) {
    const path = queue.shift()!;
    for (const next of defs.get(path[path.length - 1])?.includes ?? []) {
      if (paths.has(next)) continue;
      const to = [...path, next];
      paths.set(next, to);
      if (next !== name) queue.push(to);
    }
  }
  return paths;
}

// Why the services a service includes keep it out: missing, a cycle, refused themselves.
function includeReasons(
  def: ServiceDefinition,
  paths: ReadonlyMap<string, string[]>,
  defs: ReadonlyMap<string, ServiceDefinition>,
): FirewalldRefusalReason[] {
  const out: FirewalldRefusalReason[] = [];
  for (const [other, path] of paths) {
    const via = path.length > 2 ? ` (through ${path.slice(1, -1).join(', ')})` : '';
    const found = defs.get(other);
    if (other === def.name)
      out.push(reason('include', `includes itself: ${path.join(' -> ')}; firewalld refuses such a cycle too`));
    else if (!found)
      out.push(
        reason(
          'include',
          `includes ${other}${via}, whose file is not among those given (give ${other}.xml or its directory)`,
        ),
      );
    else if (found.reasons.length)
      out.push(
        reason('include', `includes ${other}${via}, which is refused: ${found.reasons.map((r) => r.code).join(', ')}`),
      );
    // A service in a cycle of its own is refused for it; so is every service that includes it.
    else {
      // A service on the same cycle as this one is said once, as the cycle.
      const theirs = reach(other, defs);
      if (theirs.has(other) && !theirs.has(def.name))
        out.push(reason('include', `includes ${other}${via}, which includes itself`));
    }
  }
  return out;
}

const rangeText = ([a, b]: readonly [number, number]) => (a === b ? `${a}` : `${a}-${b}`);
// A range as a catalog's fixed entry: a single port as its number, a range as `"a-b"`.
const fixedEntry = (r: PortRange): number | string =>
  r.fromPort === r.toPort ? r.fromPort : `${r.fromPort}-${r.toPort}`;

/** The outcome of one service once includes are known: its ports, or every reason it is refused. */
function settle(
  def: ServiceDefinition,
  defs: ReadonlyMap<string, ServiceDefinition>,
): { ports: FirewalldImported['ports']; includes: string[] } | FirewalldRefusalReason[] {
  const paths = reach(def.name, defs);
  const reasons = [...def.reasons, ...includeReasons(def, paths, defs)];
  if (reasons.length) return reasons;
  const includes = [...paths.keys()].sort();
  const all = [def, ...includes.map((n) => defs.get(n)!)];
  const ports = { tcp: [] as PortRange[], udp: [] as PortRange[] };
  for (const protocol of ['tcp', 'udp'] as const) {
    const ranges = all.flatMap((d) => d.ranges[protocol]);
    const union = rangeUnion(ranges.map(([fromPort, toPort]) => ({ fromPort, toPort })));
    if (union.length <= MAX_FIXED_PORTS) ports[protocol] = union;
    else
      reasons.push(
        reason(
          'too-many-ports',
          `opens ${union.length} separate ${protocol} port ranges (${ranges.map(rangeText).join(', ')}), and a ` +
            `catalog's fixed ports list at most ${MAX_FIXED_PORTS} ports or ranges per flow`,
        ),
      );
  }
  if (!reasons.length && !ports.tcp.length && !ports.udp.length)
    reasons.push(reason('no-ports', 'opens no TCP or UDP port, own or included: a row would open nothing'));
  return reasons.length ? reasons : { ports, includes };
}

// Where text goes decides what it may hold (catalog-format.ts): purposes and labels into AWS
// descriptions, titles and notes into Markdown cells.
const AWS_TEXT = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,80}$/;
const CELL = /^[^|\r\n]{1,400}$/;

type CatalogRow = CatalogDefinition['rows'][number];
type CatalogFlow = CatalogRow['flows'][number];

/** The catalog's parts for one imported service. */
function serviceParts(def: ServiceDefinition, imported: FirewalldImported) {
  const code = serviceCode(def.name)!;
  const title = `firewalld service ${def.name}${def.short ? `: ${def.short}` : ''}`;
  const purpose = def.short ? `${def.short} (firewalld ${def.name})` : '';
  const includes = imported.includes.length
    ? `its ports with those of the services it includes: ${imported.includes.join(', ')}`
    : '';
  const flows: CatalogFlow[] = (['tcp', 'udp'] as const).flatMap((protocol) =>
    imported.ports[protocol].length
      ? [
          {
            listener: { roles: [imported.role] },
            initiator: { roles: [imported.clientRole] },
            protocol,
            ports: { kind: 'fixed' as const, ports: imported.ports[protocol].map(fixedEntry) },
          },
        ]
      : [],
  );
  return {
    document: {
      id: code,
      title: CELL.test(title) ? title : `firewalld service ${def.name}`,
      reference: CELL.test(def.file) ? def.file : `${def.name}.xml`,
    },
    roles: [
      { id: imported.role, label: `firewalld service ${def.name}`, hostOs: ['linux' as const, 'windows' as const] },
      {
        id: imported.clientRole,
        label: `client of firewalld service ${def.name}`,
        hostOs: ['linux' as const, 'windows' as const],
      },
    ],
    row: {
      id: imported.row,
      purpose: AWS_TEXT.test(purpose) ? purpose : `firewalld service ${def.name}`,
      condition: 'always',
      citation: { document: code, ...(includes && CELL.test(includes) ? { note: includes } : {}) },
      flows,
    } satisfies CatalogRow,
  };
}

/** The catalog of the imported services, in the order given. */
function catalogOf(
  imported: readonly FirewalldImported[],
  defs: ReadonlyMap<string, ServiceDefinition>,
): CatalogDefinition {
  const parts = imported.map((i) => serviceParts(defs.get(i.service)!, i));
  return {
    product: { id: FIREWALLD_PRODUCT, name: 'firewalld service definitions' },
    documents: parts.map((p) => p.document),
    roles: parts.flatMap((p) => p.roles),
    rows: parts.map((p) => p.row),
  };
}

// Reads every file, refusing a name given twice (two directories with the same service).
function readAll(files: readonly FirewalldServiceFile[]): Map<string, ServiceDefinition> {
  const defs = new Map<string, ServiceDefinition>();
  for (const f of files) {
    const name = serviceName(f.path);
    const def = readService(f, name);
    const first = defs.get(name);
    if (first) {
      const twice = reason('duplicate', `given twice: ${first.file} and ${f.path}; give one file per service`);
      first.reasons.push(twice);
      continue;
    }
    defs.set(name, def);
  }
  return defs;
}

/**
 * firewalld service definition files as a portplan catalog (product `firewalld`). Each service
 * that a catalog can express becomes two roles, `firewalld:<id>` (the hosts that offer it) and
 * `firewalld:<id>:client` (the hosts that reach it), and one row `FIREWALLD-<ID>` whose flows open
 * its TCP and UDP ports, its own and those of every service it includes, from the clients to the
 * hosts, citing its file. `<id>` is the service's name as an id (`serviceCode`: lower case, with a mark for capitals). Every other service
 * is refused with each reason; nothing is dropped in silence.
 * @param files the service files; a service's name is its file name without `.xml`
 * @returns the catalog (rows by service name) and every service's outcome
 */
export function importFirewalldServices(files: readonly FirewalldServiceFile[]): FirewalldImport {
  const defs = readAll(files);
  const imported: FirewalldImported[] = [];
  const refused: FirewalldRefusal[] = [];
  const names = [...defs.keys()].sort();
  for (const name of names) {
    const def = defs.get(name)!;
    const outcome = settle(def, defs);
    if (Array.isArray(outcome)) {
      refused.push({ service: name, file: def.file, reasons: outcome });
      continue;
    }
    const code = serviceCode(name)!;
    imported.push({
      service: name,
      file: def.file,
      role: `${FIREWALLD_PRODUCT}:${code}`,
      clientRole: `${FIREWALLD_PRODUCT}:${code}:client`,
      row: `${FIREWALLD_PRODUCT.toUpperCase()}-${code.toUpperCase()}`,
      ...outcome,
    });
  }
  return { catalog: imported.length ? catalogOf(imported, defs) : undefined, imported, refused };
}
