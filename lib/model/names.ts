/**
 * portplan's one naming scheme. Every name built from user strings (group and peer names, role
 * ids) for any target — Azure security rule names, CDK construct ids, firewalld services, nftables
 * chains, Windows Firewall rules — comes from {@link composeName}, so that distinct inputs never
 * share a name and every name fits its target's characters and length.
 *
 * A name is a template of fixed words (portplan's own: `in`, `to`, `tcp`, port numbers) and user
 * parts, joined by the target's joiner. A user part is written as it is when it is *plain*: words
 * of lower-case letters and digits, joined by single dashes (and colons, in role ids), none of
 * which is a word the template puts between two user parts (`to` in `in-a-to-b-tcp`). Any other
 * part is *escaped*: the target's escape mark, then the part with its dashes and colons rewritten
 * to characters that neither plain parts nor fixed words contain. So the words between user parts
 * always find them again, and the name reads back to exactly one input: the scheme is injective.
 * Most names users write are plain, so their names are what portplan has always written.
 *
 * A name longer than its target allows keeps a prefix and ends in a hash of the whole name (the
 * target's hash mark, then 12 base-32 digits of its SHA-256); the planners check every namespace
 * for duplicates, so even a hash collision is an error, never a shared name.
 * @packageDocumentation
 */
import type * as Crypto from 'node:crypto';
import { PortplanError } from './errors';

/** The rules of one kind of name: characters, length and how a user part is escaped. */
export interface NameTarget {
  /** What the name is, for error messages (`Azure security rule name`). */
  readonly label: string;
  /** The longest name the target accepts. */
  readonly maxLength: number;
  /** Every name the target accepts matches this. */
  readonly valid: RegExp;
  /** Joins the words of a name. */
  readonly joiner: string;
  /** Written for a colon (in role ids), in plain and escaped parts. */
  readonly colon: string;
  /** Starts an escaped part; no plain part or fixed word starts with it. */
  readonly escape: string;
  /** Written for a dash inside an escaped part. */
  readonly dash: string;
  /** Starts the hash of a shortened name; no plain or escaped part starts with it. */
  readonly hash: string;
  /** Whether the target compares names without regard to case (Azure does). */
  readonly caseInsensitive: boolean;
  /** Where the target's rules are documented. */
  readonly source: string;
}

/** Names of the targets portplan writes. */
export type NameTargetId = 'azureRule' | 'cdkId' | 'firewalldService' | 'nftChain' | 'windowsRule';

/** The name rules of every target. */
export const NAME_TARGETS: Readonly<Record<NameTargetId, NameTarget>> = {
  azureRule: {
    label: 'Azure security rule name',
    maxLength: 80,
    valid: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/,
    joiner: '-',
    colon: '_',
    escape: '.',
    dash: '.',
    hash: '_',
    caseInsensitive: true,
    source: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork',
  },
  cdkId: {
    // CloudFormation logical ids come from construct paths with a hash of the path, so unique
    // construct ids make unique logical ids (aws-cdk-lib core/lib/private/uniqueid.ts).
    label: 'CDK construct id',
    maxLength: 255,
    valid: /^[A-Za-z0-9_.:-]{1,255}$/,
    joiner: '-',
    colon: '_',
    escape: '.',
    dash: '.',
    hash: '_',
    caseInsensitive: false,
    source: 'https://docs.aws.amazon.com/cdk/v2/guide/identifiers.html',
  },
  firewalldService: {
    // firewalld takes letters, digits, "_" and "-" in a service name (firewall/core/io/service.py,
    // ADDITIONAL_ALNUM_CHARS), and keeps it as the file name NAME.xml; no dot, so upper-case
    // letters mark escapes (user strings are lower case, and file names are case-sensitive).
    label: 'firewalld service name',
    maxLength: 128,
    valid: /^[A-Za-z0-9_-]{1,128}$/,
    joiner: '-',
    colon: '_',
    escape: 'X',
    dash: 'D',
    hash: 'H',
    caseInsensitive: false,
    source: 'https://firewalld.org/documentation/man-pages/firewalld.service.html',
  },
  nftChain: {
    // nft identifiers: a letter, "_" or "." first, then letters, digits, "/", "-", "_" and "."
    // (nftables scanner, `string`); chain names hold up to 256 bytes (NFT_CHAIN_MAXNAMELEN).
    label: 'nftables chain name',
    maxLength: 256,
    valid: /^[A-Za-z_.][A-Za-z0-9/_.-]{0,255}$/,
    joiner: '_',
    colon: '_',
    escape: '.',
    dash: '.',
    hash: '.',
    caseInsensitive: false,
    source: 'https://wiki.nftables.org/wiki-nftables/index.php/Configuring_chains',
  },
  windowsRule: {
    // New-NetFirewallRule -Name: the rule's unique id; Windows compares it without regard to case.
    label: 'Windows Firewall rule name',
    maxLength: 255,
    valid: /^[A-Za-z0-9_.:-]{1,255}$/,
    joiner: '-',
    colon: '_',
    escape: '.',
    dash: '.',
    hash: '_',
    caseInsensitive: true,
    source: 'https://learn.microsoft.com/powershell/module/netsecurity/new-netfirewallrule',
  },
};

/** A user string in a name: a group or peer name, or a role id. */
export interface UserPart {
  /** The string as the user wrote it. */
  readonly user: string;
}

/** One element of a name template: a fixed word of portplan's, or a user string. */
export type NamePart = string | number | UserPart;

/** A user string as a template element. */
export const user = (text: string): UserPart => ({ user: text });

const isUser = (p: NamePart): p is UserPart => typeof p === 'object';

// Words of lower-case letters and digits, joined by single dashes or colons: what a plain part is.
const PLAIN = /^[a-z0-9]+(?:[-:][a-z0-9]+)*$/;

/** The fixed words a template puts between two user parts: a plain part must not contain them. */
function separators(parts: readonly NamePart[]): Set<string> {
  const users = parts.map((p, i) => (isUser(p) ? i : -1)).filter((i) => i >= 0);
  const out = new Set<string>();
  for (let i = (users[0] ?? parts.length) + 1; i < (users[users.length - 1] ?? -1); i++) {
    if (!isUser(parts[i])) out.add(String(parts[i]));
  }
  return out;
}

/** One user string as it appears in a name of `target`: as it is when plain, else escaped. */
export function encodePart(target: NameTarget, text: string, reserved: ReadonlySet<string>): string {
  const colons = text.replace(/:/g, target.colon);
  const words = text.split(/[-:]/);
  if (PLAIN.test(text) && !words.some((w) => reserved.has(w))) return colons;
  return target.escape + colons.replace(/-/g, target.dash);
}

/** 12 base-32 digits of the SHA-256 of `text`: the tail of a shortened name. */
function digest(text: string): string {
  // Loaded when a name is shortened: most commands shorten none and start without its load time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof Crypto;
  const hex = createHash('sha256').update(text).digest('hex').slice(0, 15);
  return BigInt(`0x${hex}`).toString(32).padStart(12, '0').slice(-12);
}

/**
 * The name of a template for a target: fixed words as they are, user strings encoded by
 * {@link encodePart}, joined by the target's joiner; shortened with a hash when too long.
 */
export function composeName(target: NameTarget, parts: readonly NamePart[]): string {
  const reserved = separators(parts);
  const name = parts.map((p) => (isUser(p) ? encodePart(target, p.user, reserved) : String(p))).join(target.joiner);
  if (name.length <= target.maxLength) return name;
  const tail = `${target.joiner}${target.hash}${digest(name)}`;
  // The kept prefix ends on a letter or digit, which every target accepts last.
  const head = name.slice(0, target.maxLength - tail.length).replace(/[^A-Za-z0-9]+$/, '');
  return head + tail;
}

/** The key under which a target tells two names apart (lower case where it ignores case). */
export const nameKey = (target: NameTarget, name: string): string =>
  target.caseInsensitive ? name.toLowerCase() : name;

/**
 * Two inputs whose names coincide on a target (code `NAME_COLLISION`): only a shortened name can
 * (two hashes alike), or a name of the user's own beside portplan's. Thrown before anything is created.
 */
export class NameCollisionError extends PortplanError {
  /** Always `NAME_COLLISION`. */
  readonly code = 'NAME_COLLISION';
}

/**
 * Checks that `names` are distinct on `target` (compared as the target compares them).
 * @param names each name with what it names, for the error
 * @throws NameCollisionError naming both holders of a shared name
 */
export function checkDistinct(target: NameTarget, names: readonly { name: string; what: string }[]): void {
  const seen = new Map<string, string>();
  for (const { name, what } of names) {
    const first = seen.get(nameKey(target, name));
    if (first !== undefined) {
      throw new NameCollisionError(
        'name',
        name,
        `${target.label} ${name} would name both ${first} and ${what}; rename one of them`,
      );
    }
    seen.set(nameKey(target, name), what);
  }
}
