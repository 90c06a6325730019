// The declaration's schema, in the terms of lib/spec/schema.ts: the one source of the run-time check
// (validate.ts), the published JSON Schema and the declaration types (schema-types.ts proves them
// equal to options.ts). Not part of the package's API: users call validate() and
// declarationJsonSchema().
import { pinChoices, type PinOption } from './catalog';
import { parseCidr } from './cidr';
import { PEER_KINDS, ROLE_IDS, SUM_PROFILES, roleProfiles } from './roles';
import {
  choice,
  flag,
  isValid,
  list,
  object,
  optional,
  text,
  textForms,
  wholeNumber,
  withDefault,
  type ObjectInput,
  type ObjectOutput,
  type SchemaIssue,
  type SchemaPath,
} from './schema';

// Names become parts of Azure rule names, which must end with a letter, digit or underscore
// (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork),
// and of CDK construct ids: so a letter first, a letter or digit last.
const NAME = /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const NAME_MESSAGE =
  'must be lower-case letters, digits and dashes, start with a letter, end with a letter or digit, ' +
  'at most 40 characters';
const name = text(NAME, NAME_MESSAGE);
const port = wholeNumber(1, 65535);

function pinned(pin: PinOption) {
  const { base, fallback } = pinChoices(pin);
  return optional(
    wholeNumber(1, 65535, {
      test: (p) => p === base || (p >= fallback[0] && p <= fallback[1]),
      message: `must be ${base} or one of its fallback ports ${fallback[0]}-${fallback[1]}`,
    }),
  );
}

const groupSchema = object({ name, role: choice(ROLE_IDS) });

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

const peerSchema = object({
  name,
  kind: choice(PEER_KINDS),
  cidr,
  ports: optional(list(port, { min: 1, max: 16 })),
  allowAnyAddress: withDefault(flag(), false),
});

const serverProtectSchema = object({
  communication: withDefault(choice(['tcpip', 'namedPipes']), 'tcpip'),
  localInstall: withDefault(flag(), true),
  remoteInstall: withDefault(flag(), true),
  consoleEventPort: pinned('consoleEventPort'),
  discoveryPort: pinned('discoveryPort'),
  managementPort: pinned('managementPort'),
  controlManagerAgent: optional(choice(['tmi', 'mcp'])),
});

const sumSchema = object({
  profile: withDefault(choice(SUM_PROFILES), '5.x'),
  workstationOs: withDefault(choice(['windows', 'linux']), 'windows'),
  concurrentTargets: withDefault(wholeNumber(1, 1000), 8),
  netbiosNameService: withDefault(flag(), false),
  webServerPort: pinned('webServerPort'),
  soapPortCount: withDefault(wholeNumber(1, 100), 1),
});

/** Every option of an object schema at its default: the object's output for `{}`. */
function defaultsOf<N extends { check: (v: unknown, p: SchemaPath, i: SchemaIssue[]) => unknown }>(node: N) {
  const v = node.check({}, [], []);
  if (!isValid(v)) throw new Error('an options schema does not accept {}');
  return v as Exclude<ReturnType<N['check']>, symbol>;
}

/** The HP SUM options at their defaults. @internal */
export const SUM_DEFAULTS = defaultsOf(sumSchema);

/**
 * The declaration's schema: the one source of the run-time check, the published JSON Schema
 * ({@link declarationJsonSchema}) and the declaration types (proved equal in schema-types.ts). @internal
 */
export const declarationSchema = object({
  groups: list(groupSchema, { min: 1, minMessage: 'needs at least one group' }),
  peers: withDefault(list(peerSchema), []),
  serverProtect: withDefault(serverProtectSchema, defaultsOf(serverProtectSchema)),
  sum: withDefault(sumSchema, SUM_DEFAULTS),
  egress: withDefault(choice(['default', 'restricted']), 'default'),
});

/** What the declaration schema accepts. @internal */
export type DeclarationInput = ObjectInput<typeof declarationSchema.shape>;
/** What the declaration schema returns. @internal */
export type DeclarationOutput = ObjectOutput<typeof declarationSchema.shape>;

/** The rules across fields, checked once every field is valid (one-field faults come first). @internal */
export function crossFieldIssues(d: DeclarationOutput): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const issue = (path: SchemaPath, message: string) => issues.push({ path, message });
  const seen = new Map<string, string>();
  const unique = (n: string, path: SchemaPath) => {
    const first = seen.get(n);
    if (first) issue(path, `duplicate name; ${first} already uses it`);
    else seen.set(n, path.join('.'));
  };
  d.groups.forEach((g, i) => unique(g.name, ['groups', i, 'name']));
  d.peers.forEach((p, i) => {
    unique(p.name, ['peers', i, 'name']);
    if (p.kind === 'administrators' && p.ports) {
      issue(
        ['peers', i, 'ports'],
        'an administrators peer reaches the fixed web UI ports 63001-63002 (SUM7-8); leave ports out',
      );
    }
    if (/\/0$/.test(p.cidr) && !p.allowAnyAddress) {
      issue(['peers', i, 'cidr'], 'opens to every address; set allowAnyAddress: true if that is meant');
    }
  });
  if (d.sum.workstationOs === 'linux') {
    d.groups.forEach((g, i) => {
      if (g.role === 'sum:target:windows') {
        issue(
          ['groups', i, 'role'],
          'a Linux SUM workstation reaches only SSH targets (sum:target:linux, sum:target:integrity); ' +
            'set sum.workstationOs to windows for Windows targets',
        );
      }
    });
  }
  d.groups.forEach((g, i) => {
    const profiles = roleProfiles(g.role);
    if (!profiles.includes(d.sum.profile)) {
      issue(
        ['groups', i, 'role'],
        `exists only in the HP SUM ${profiles.join(', ')} table; ` +
          `set sum.profile to ${profiles[0]} or choose a target role of that profile`,
      );
    }
  });
  const cmPeer = d.peers.findIndex((p) => p.kind === 'control-manager');
  if (d.serverProtect.controlManagerAgent && cmPeer < 0) {
    issue(['serverProtect', 'controlManagerAgent'], 'needs a peer of kind control-manager in peers');
  }
  if (cmPeer >= 0 && !d.serverProtect.controlManagerAgent) {
    issue(['peers', cmPeer, 'kind'], 'a control-manager peer needs serverProtect.controlManagerAgent (tmi or mcp)');
  }
  return issues;
}
