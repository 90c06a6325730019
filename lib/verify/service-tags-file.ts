import { parseCidr } from '../model/cidr';
import { AzureInputError } from './site-azure';

/**
 * Azure's service tags and their address ranges as Azure publishes them: the output of
 * `az network list-service-tags --location <region> -o json` (REST "Service Tags - List",
 * https://learn.microsoft.com/rest/api/virtualnetwork/service-tags/list), or the weekly
 * "Azure IP Ranges and Service Tags" file
 * (https://learn.microsoft.com/azure/virtual-network/service-tags-overview#discover-service-tags-by-using-downloadable-json-files).
 * Both are an object whose `values` list each tag as `{ name, properties: { addressPrefixes } }`.
 * The answer is keyed by tag name, each range masked as the checks read it.
 * @param file the file's name, for errors
 * @throws AzureInputError naming the file, the entry and the field when the shape is not that
 */
export function readServiceTags(json: unknown, file: string): Record<string, string[]> {
  const values = typeof json === 'object' && json !== null ? (json as { values?: unknown }).values : undefined;
  if (!Array.isArray(values))
    throw new AzureInputError(
      'values',
      values,
      `${file}: must be Azure's service tags JSON, an object with a values list (az network list-service-tags -o json)`,
    );
  const out: Record<string, string[]> = {};
  values.forEach((v: unknown, i) => {
    const at = `values[${i}]`;
    const entry = (typeof v === 'object' && v !== null ? v : {}) as {
      name?: unknown;
      properties?: { addressPrefixes?: unknown };
    };
    const prefixes = entry.properties?.addressPrefixes;
    if (typeof entry.name !== 'string' || !Array.isArray(prefixes))
      throw new AzureInputError(at, v, `${file}: ${at} must be { name, properties: { addressPrefixes: [...] } }`);
    out[entry.name] = prefixes.map((p: unknown, j) => {
      const c = typeof p === 'string' ? parseCidr(p) : undefined;
      if (!c)
        throw new AzureInputError(
          `${at}.properties.addressPrefixes[${j}]`,
          p,
          `${file}: ${at} (${entry.name}): addressPrefixes[${j}] must be an IPv4 or IPv6 CIDR`,
        );
      return c.text;
    });
  });
  return out;
}
