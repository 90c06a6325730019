import { z } from 'zod';
import { pinChoices, type PinOption } from './catalog';
import type { Declaration, NormalizedDeclaration } from './options';
import { parseCidr } from './cidr';
import { PortplanError, showValue } from './errors';
import { closestMatch } from './suggest';
import { PEER_KINDS, ROLE_IDS, SUM_PROFILES, roleProfiles } from './roles';

/** One thing wrong with a declaration. */
export interface DeclarationProblem {
  /** Where, as a path such as `groups[2].role`. */
  readonly path: string;
  /** The value found there (`undefined` where a value is missing). */
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /** What the value was probably meant to be, as a "did you mean" sentence, if a near name exists. */
  readonly hint?: string;
}

const problemLine = (p: DeclarationProblem): string =>
  `  ${p.path}: ${p.message} (got ${showValue(p.value)})${p.hint ? `; ${p.hint}` : ''}`;

/** The one error every bad declaration throws; `problems` lists each field that is wrong. */
export class DeclarationError extends PortplanError {
  /** Always `DECLARATION`. */
  readonly code = 'DECLARATION';
  /** @param problems every field that is wrong, in schema order; the first gives `path` and `value` */
  constructor(readonly problems: readonly DeclarationProblem[]) {
    super(
      problems[0]?.path ?? '(declaration)',
      problems[0]?.value,
      `invalid portplan declaration:\n${problems.map(problemLine).join('\n')}`,
    );
  }
}

// Names become parts of Azure rule names, which must end with a letter, digit or underscore
// (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork),
// and of CDK construct ids: so a letter first, a letter or digit last.
const NAME = /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const NAME_MESSAGE =
  'must be lower-case letters, digits and dashes, start with a letter, end with a letter or digit, ' +
  'at most 40 characters';
// A missing name falls through to the common wording (`is required`).
const name = z
  .string({ error: (issue) => (issue.input === undefined ? undefined : NAME_MESSAGE) })
  .regex(NAME, NAME_MESSAGE);
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ message }).int(message).min(min, message).max(max, message);
};
const port = wholeNumber(1, 65535);

function pinned(pin: PinOption) {
  const { base, fallback } = pinChoices(pin);
  return port
    .refine((p) => p === base || (p >= fallback[0] && p <= fallback[1]), {
      message: `must be ${base} or one of its fallback ports ${fallback[0]}-${fallback[1]}`,
    })
    .optional();
}

const groupSchema = z.strictObject({
  name,
  role: z.enum(ROLE_IDS, { message: `must be one of ${ROLE_IDS.join(', ')}` }),
});

const CIDR_MESSAGE = 'must be an IPv4 or IPv6 CIDR such as 10.0.9.10/32 or 2001:db8::/64 (no zone index)';

const peerSchema = z.strictObject({
  name,
  kind: z.enum(PEER_KINDS, { message: `must be one of ${PEER_KINDS.join(', ')}` }),
  cidr: z.union([z.cidrv4(), z.cidrv6()], { message: CIDR_MESSAGE }).superRefine((text, ctx) => {
    const c = parseCidr(text);
    if (!c) ctx.addIssue({ code: 'custom', message: CIDR_MESSAGE });
    else if (!c.masked) ctx.addIssue({ code: 'custom', message: `has host bits set; write the network ${c.text} (or the host as /${c.family === 4 ? 32 : 128})` });
  }),
  ports: z.array(port).min(1).max(16).optional(),
  allowAnyAddress: z.boolean().default(false),
});

const serverProtectSchema = z.strictObject({
  communication: z.enum(['tcpip', 'namedPipes']).default('tcpip'),
  localInstall: z.boolean().default(true),
  remoteInstall: z.boolean().default(true),
  consoleEventPort: pinned('consoleEventPort'),
  discoveryPort: pinned('discoveryPort'),
  managementPort: pinned('managementPort'),
  controlManagerAgent: z.enum(['tmi', 'mcp']).optional(),
});

const sumSchema = z.strictObject({
  profile: z.enum(SUM_PROFILES, { message: `must be one of ${SUM_PROFILES.join(', ')}` }).default('5.x'),
  workstationOs: z.enum(['windows', 'linux']).default('windows'),
  concurrentTargets: wholeNumber(1, 1000).default(8),
  netbiosNameService: z.boolean().default(false),
  webServerPort: pinned('webServerPort'),
  soapPortCount: wholeNumber(1, 100).default(1),
});

const SUM_DEFAULTS = sumSchema.parse({});

export const declarationSchema = z
  .strictObject({
    groups: z.array(groupSchema).min(1, 'needs at least one group'),
    peers: z.array(peerSchema).default([]),
    serverProtect: serverProtectSchema.default(serverProtectSchema.parse({})),
    sum: sumSchema.default(SUM_DEFAULTS),
    egress: z.enum(['default', 'restricted']).default('default'),
  })
  .superRefine((d, ctx) => {
    const seen = new Map<string, string>();
    const unique = (n: string, path: (string | number)[]) => {
      const first = seen.get(n);
      if (first) ctx.addIssue({ code: 'custom', path, message: `duplicate name; ${first} already uses it` });
      else seen.set(n, path.join('.'));
    };
    d.groups.forEach((g, i) => unique(g.name, ['groups', i, 'name']));
    d.peers.forEach((p, i) => {
      unique(p.name, ['peers', i, 'name']);
      if (p.kind === 'administrators' && p.ports) {
        ctx.addIssue({ code: 'custom', path: ['peers', i, 'ports'], message: 'an administrators peer reaches the fixed web UI ports 63001-63002 (SUM7-8); leave ports out' });
      }
      if (/\/0$/.test(p.cidr) && !p.allowAnyAddress) {
        ctx.addIssue({ code: 'custom', path: ['peers', i, 'cidr'], message: 'opens to every address; set allowAnyAddress: true if that is meant' });
      }
    });
    if (d.sum.workstationOs === 'linux') {
      d.groups.forEach((g, i) => {
        if (g.role === 'sum:target:windows') {
          ctx.addIssue({
            code: 'custom', path: ['groups', i, 'role'],
            message: 'a Linux SUM workstation reaches only SSH targets (sum:target:linux, sum:target:integrity); set sum.workstationOs to windows for Windows targets',
          });
        }
      });
    }
    d.groups.forEach((g, i) => {
      const profiles = roleProfiles(g.role);
      if (!profiles.includes(d.sum.profile)) {
        ctx.addIssue({
          code: 'custom', path: ['groups', i, 'role'],
          message: `exists only in the HP SUM ${profiles.join(', ')} table; set sum.profile to ${profiles[0]} or choose a target role of that profile`,
        });
      }
    });
    const cmPeer = d.peers.findIndex((p) => p.kind === 'control-manager');
    if (d.serverProtect.controlManagerAgent && cmPeer < 0) {
      ctx.addIssue({ code: 'custom', path: ['serverProtect', 'controlManagerAgent'], message: 'needs a peer of kind control-manager in peers' });
    }
    if (cmPeer >= 0 && !d.serverProtect.controlManagerAgent) {
      ctx.addIssue({ code: 'custom', path: ['peers', cmPeer, 'kind'], message: 'a control-manager peer needs serverProtect.controlManagerAgent (tmi or mcp)' });
    }
  });

/** JSON-serializable schema of a declaration file, for editors and other tools. */
export function declarationJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(declarationSchema, { io: 'input' }) as Record<string, unknown>;
}

/** Options of the 5.x table that a 7.x+ declaration must not set (its ports are fixed). */
const SUM5_ONLY = ['concurrentTargets', 'netbiosNameService', 'webServerPort', 'soapPortCount'] as const;

// Zod has filled the defaults by the time refinements run, so options the user set are read from the
// input. A default value passes, so a normalized declaration validates again unchanged.
function profileProblems(input: unknown, d: NormalizedDeclaration): DeclarationProblem[] {
  if (d.sum.profile !== '7.x+') return [];
  const sum = (valueAt(input, ['sum']) ?? {}) as Record<string, unknown>;
  return SUM5_ONLY.filter((k) => sum[k] !== undefined && sum[k] !== SUM_DEFAULTS[k]).map((k) => ({
    path: `sum.${k}`, value: sum[k], message: 'applies to sum.profile 5.x only; the 7.x+ table has fixed ports',
  }));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

const OBJECTS: Record<string, z.ZodObject> = {
  '': declarationSchema,
  groups: groupSchema,
  peers: peerSchema,
  serverProtect: serverProtectSchema,
  sum: sumSchema,
};

function allowedKeys(path: readonly PropertyKey[]): string[] {
  const object = OBJECTS[path.filter((k) => typeof k === 'string').join('.')];
  return object ? Object.keys(object.shape) : [];
}

function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text || '(declaration)';
}

// The project's wording for every check that has no message of its own in the schemas above
// (those keep theirs: zod asks this map only when the schema gives none). Each says what is allowed.
const wording: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return TYPE_WORDS[issue.expected] ?? `must be ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small': {
      const entries = issue.minimum === 1 ? 'entry' : 'entries';
      if (issue.origin === 'array') return `needs at least ${issue.minimum} ${entries}`;
      const unit = issue.origin === 'string' ? ' characters long' : '';
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}${unit}`;
    }
    case 'too_big': {
      if (issue.origin === 'array') return `has more than ${issue.maximum} entries`;
      const unit = issue.origin === 'string' ? ' characters long' : '';
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}${unit}`;
    }
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an entry that is not allowed';
    case 'invalid_union':
      return 'matches none of the allowed forms';
    case 'custom':
      return 'is not allowed';
    default:
      return 'is not allowed';
  }
};

const TYPE_WORDS: Readonly<Record<string, string>> = {
  boolean: 'must be true or false',
  number: 'must be a number',
  string: 'must be text',
  array: 'must be a list',
  object: 'must be an object (a mapping of field names to values)',
};

/** "did you mean" for a mistyped choice or field name, if one is near. */
function hintFor(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  if (issue.code === 'invalid_value' && typeof value === 'string') {
    const near = closestMatch(value, issue.values.map((v) => String(v)));
    return near === undefined ? undefined : `did you mean ${JSON.stringify(near)}?`;
  }
  if (issue.code !== 'unrecognized_keys') return undefined;
  const allowed = allowedKeys(issue.path);
  const near = issue.keys.flatMap((k) => {
    const m = closestMatch(k, allowed);
    return m === undefined ? [] : [{ k, m }];
  });
  if (!near.length) return undefined;
  if (issue.keys.length === 1) return `did you mean ${near[0].m}?`;
  return `did you mean ${near.map(({ k, m }) => `${m} (for ${k})`).join(', ')}?`;
}

/**
 * Checks a declaration and fills in the defaults.
 * @throws DeclarationError naming every bad field, its value and what is allowed
 */
export function validate(input: Declaration | unknown): NormalizedDeclaration {
  const result = declarationSchema.safeParse(input, { error: wording });
  if (result.success) {
    const d = result.data as NormalizedDeclaration;
    const problems = profileProblems(input, d);
    if (problems.length) throw new DeclarationError(problems);
    return d;
  }
  throw new DeclarationError(
    result.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const message = keys.length
        ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}; allowed: ${allowedKeys(issue.path).join(', ')}`
        : issue.message;
      const value = keys.length ? keys : valueAt(input, issue.path);
      const hint = hintFor(issue, value);
      return { path: pathText(issue.path), value, message, ...(hint ? { hint } : {}) };
    }),
  );
}
