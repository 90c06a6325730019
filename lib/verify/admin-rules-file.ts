import type { AdminRule, AdminRuleAddress } from '../azure/admin-rules';
import { AzureInputError } from './site-azure';

/**
 * Azure Virtual Network Manager's security admin rules as Azure prints them: the effective admin
 * rules of a VNet (`az network manager list-effective-security-admin-rule`, REST "List Network
 * Manager Effective Security Admin Rules",
 * https://learn.microsoft.com/rest/api/networkmanager/list-network-manager-effective-security-admin-rules/list),
 * or the rules of one rule collection (`az network manager security-admin-config rule-collection
 * rule list`, https://learn.microsoft.com/rest/api/networkmanager/admin-rules/list). Either is a
 * list, or an object whose `value` is the list; a rule's fields sit on it or under `properties`
 * (the REST shape). Nothing else is read, and nothing is guessed: a missing field is an error
 * naming the file, the rule and the field.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const DIRECTIONS = ['Inbound', 'Outbound'] as const;
const ACCESS = ['Allow', 'AlwaysAllow', 'Deny'] as const;
const PROTOCOLS = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', 'Any'] as const;
const PREFIX_TYPES = ['IPPrefix', 'ServiceTag'] as const;

function oneOf<T extends string>(file: string, at: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new AzureInputError(
    at,
    value,
    `${file}: ${at} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`,
  );
}

function addresses(file: string, at: string, value: unknown): AdminRuleAddress[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AzureInputError(at, value, `${file}: ${at} must be a list of addresses`);
  return value.map((a: unknown, i) => {
    const where = `${at}[${i}]`;
    if (!isObject(a) || typeof a.addressPrefix !== 'string')
      throw new AzureInputError(where, a, `${file}: ${where} must be an object with an addressPrefix`);
    return {
      addressPrefix: a.addressPrefix,
      addressPrefixType: oneOf(file, `${where}.addressPrefixType`, a.addressPrefixType ?? 'IPPrefix', PREFIX_TYPES),
    };
  });
}

function portList(file: string, at: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string'))
    throw new AzureInputError(at, value, `${file}: ${at} must be a list of port ranges as text ("80", "1024-65535")`);
  return value as string[];
}

function readRule(file: string, raw: unknown, i: number): AdminRule {
  const at = `[${i}]`;
  if (!isObject(raw)) throw new AzureInputError(at, raw, `${file}: ${at} must be an admin rule (an object)`);
  const p = isObject(raw.properties) ? { ...raw, ...raw.properties } : raw;
  const priority = p.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1 || priority > 4096)
    throw new AzureInputError(
      `${at}.priority`,
      priority,
      `${file}: ${at}.priority must be a whole number from 1 to 4096`,
    );
  const name = typeof p.name === 'string' ? p.name : typeof p.id === 'string' ? p.id : `rule ${i}`;
  return {
    name,
    priority,
    direction: oneOf(file, `${at}.direction`, p.direction, DIRECTIONS),
    access: oneOf(file, `${at}.access`, p.access, ACCESS),
    protocol: oneOf(file, `${at}.protocol`, p.protocol, PROTOCOLS),
    sources: addresses(file, `${at}.sources`, p.sources),
    destinations: addresses(file, `${at}.destinations`, p.destinations),
    sourcePortRanges: portList(file, `${at}.sourcePortRanges`, p.sourcePortRanges),
    destinationPortRanges: portList(file, `${at}.destinationPortRanges`, p.destinationPortRanges),
  };
}

/**
 * The security admin rules of a file Azure wrote: a VNet's effective admin rules
 * (`az network manager list-effective-security-admin-rule -o json`) or one rule collection's
 * (`az network manager security-admin-config rule-collection rule list -o json`); a list, or an
 * object whose `value` is the list, each rule's fields on it or under `properties`.
 * @param json the parsed file
 * @param file its name, for messages
 * @throws AzureInputError naming the file, the rule and the field
 */
export function readAdminRules(json: unknown, file: string): AdminRule[] {
  const list = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.value) ? json.value : undefined;
  if (!list)
    throw new AzureInputError(
      file,
      undefined,
      `${file}: not a list of admin rules: expected the output of az network manager list-effective-security-admin-rule (a list, or an object with value)`,
    );
  return list.map((raw: unknown, i) => readRule(file, raw, i));
}
