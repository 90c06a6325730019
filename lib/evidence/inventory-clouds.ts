import { ID } from '../model/catalog-format';
import { GROUP_TAG } from '../model/tags';
import { addressRange } from './address';
import { InventoryError } from './errors';
import { GROUP_NAME, GROUP_NAME_TEXT, type InventoryEntry } from './inventory';

/**
 * Inventories from the clouds' own listings, read as the CLIs print them:
 *
 * - AWS: `aws ec2 describe-security-groups` (each group's `portplan:group` tag names the declared
 *   group) and `aws ec2 describe-network-interfaces` (each interface's addresses and prefixes
 *   belong to the groups of its security groups). Shapes: EC2 API reference, SecurityGroup and
 *   NetworkInterface, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroup.html,
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html.
 * - Azure: `az network asg list` (each ASG's `portplan:group` tag) and `az network nic list` (each
 *   IP configuration's private address belongs to the groups of its application security
 *   groups). Shapes: REST API, Network Interfaces - List,
 *   https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/list, as the CLI
 *   flattens them (`properties` lifted into the object); the REST form is read too.
 * @packageDocumentation
 */

/**
 * A `portplan:group` tag's value: a declared group's name, or (on the role-wide group of a role
 * with two or more groups) the role id, which has a colon and so is never a group name. A host of
 * such a role carries both its group's security group or ASG and the role-wide one; its declared
 * group is the first, so role-wide groups map no address. Any other value is refused.
 * @returns the group name, or undefined for a role id
 */
function tagGroup(value: unknown, file: string, where: string): string | undefined {
  if (typeof value === 'string' && GROUP_NAME.test(value)) return value;
  if (typeof value === 'string' && ID.role.test(value)) return undefined;
  throw new InventoryError(
    file,
    where,
    value,
    `${GROUP_NAME_TEXT}; or, on a role-wide group, a role id such as sum:target:linux`,
  );
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON document walked with its path, so every fault names where it is. @internal */
export class At {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  fail(allowed: string): never {
    throw new InventoryError(this.file, this.path || '(document)', this.value, allowed);
  }

  field(name: string): At {
    // The Azure REST form keeps fields under `properties`; the CLI lifts them.
    const own = (o: unknown): unknown => (isObject(o) && Object.hasOwn(o, name) ? o[name] : undefined);
    const v = isObject(this.value) ? (own(this.value) ?? own(this.value.properties)) : undefined;
    return new At(this.file, this.path ? `${this.path}.${name}` : name, v);
  }

  object(): Json {
    return isObject(this.value) ? this.value : this.fail('must be an object');
  }

  /** The elements of an array; `optional`: a missing field reads as empty. */
  items(optional = false): At[] {
    if (this.value === undefined && optional) return [];
    if (!Array.isArray(this.value)) this.fail('must be an array');
    return this.value.map((v, i) => new At(this.file, `${this.path}[${i}]`, v));
  }

  text(): string {
    return typeof this.value === 'string' && this.value !== '' ? this.value : this.fail('must be a non-empty string');
  }

  range(): string {
    const c = addressRange(this.text());
    if (!c) this.fail('must be an IPv4 or IPv6 address or CIDR');
    if (!c.masked) this.fail(`must be a masked CIDR: ${c.text}`);
    return c.text;
  }
}

/**
 * The declared group of each security group tagged `portplan:group` with a group name, by group
 * id, from the JSON of `aws ec2 describe-security-groups`. A role-wide security group (tagged with
 * its role id) is left out: every host in it is in its own group's security group too.
 * @throws InventoryError naming the file, the path and the value when the JSON is not that shape or a tag value is not a group name
 */
export function securityGroupGroups(json: unknown, file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sg of new At(file, '', json).field('SecurityGroups').items()) {
    sg.object();
    const id = sg.field('GroupId').text();
    for (const tag of sg.field('Tags').items(true)) {
      if (tag.field('Key').value !== GROUP_TAG) continue;
      const value = tag.field('Value');
      const group = tagGroup(value.value, file, value.path);
      if (group !== undefined) out.set(id, group);
    }
  }
  return out;
}

/**
 * Every address an EC2 network interface carries, as its fields: private IPv4 and IPv6 addresses
 * and the delegated IPv4 and IPv6 prefixes (NetworkInterface in the EC2 API reference).
 */
export function interfaceAddresses(eni: At): At[] {
  const list = (field: string, item: string) =>
    eni
      .field(field)
      .items(true)
      .map((a) => a.field(item));
  return [
    ...list('PrivateIpAddresses', 'PrivateIpAddress'),
    ...list('Ipv6Addresses', 'Ipv6Address'),
    ...list('Ipv4Prefixes', 'Ipv4Prefix'),
    ...list('Ipv6Prefixes', 'Ipv6Prefix'),
  ];
}

/**
 * Inventory entries from the JSON of `aws ec2 describe-network-interfaces`: every private IPv4
 * address, IPv6 address and delegated prefix of an interface belongs to the declared groups of its
 * security groups (by `groups`, from {@link securityGroupGroups} or given). Interfaces in none of
 * those security groups give no entry.
 * @throws InventoryError naming the file, the path and the value when the JSON is not that shape
 */
export function awsInterfaceEntries(
  json: unknown,
  groups: ReadonlyMap<string, string>,
  file: string,
): InventoryEntry[] {
  const out: InventoryEntry[] = [];
  for (const eni of new At(file, '', json).field('NetworkInterfaces').items()) {
    eni.object();
    const names = eni
      .field('Groups')
      .items(true)
      .map((g) => groups.get(g.field('GroupId').text()))
      .filter((g): g is string => g !== undefined);
    if (!names.length) continue;
    for (const r of interfaceAddresses(eni)) {
      const range = r.range();
      for (const group of names) out.push({ range, group, source: `${file} ${r.path}` });
    }
  }
  return out;
}

/** An Azure resource id as a key: resource ids are case-insensitive. */
export const azureIdKey = (id: string): string => id.toLowerCase();

/**
 * The declared group of each ASG tagged `portplan:group` with a group name, by resource id
 * ({@link azureIdKey}), from the JSON of `az network asg list`. A role-wide ASG (tagged with its
 * role id) is left out, as in {@link securityGroupGroups}.
 * @throws InventoryError naming the file, the path and the value when the JSON is not that shape or a tag value is not a group name
 */
export function asgGroups(json: unknown, file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const asg of new At(file, '', json).items()) {
    asg.object();
    const id = asg.field('id').text();
    const tags = asg.field('tags');
    if (tags.value === undefined || tags.value === null) continue;
    const value = tags.object()[GROUP_TAG];
    const group = value === undefined ? undefined : tagGroup(value, file, `${tags.path}["${GROUP_TAG}"]`);
    if (group !== undefined) out.set(azureIdKey(id), group);
  }
  return out;
}

/**
 * Inventory entries from the JSON of `az network nic list`: the private address of every IP
 * configuration belongs to the declared groups of its application security groups (by `groups`,
 * from {@link asgGroups} or given). Configurations in none of those ASGs give no entry.
 * @throws InventoryError naming the file, the path and the value when the JSON is not that shape
 */
export function azureNicEntries(json: unknown, groups: ReadonlyMap<string, string>, file: string): InventoryEntry[] {
  const out: InventoryEntry[] = [];
  for (const nic of new At(file, '', json).items()) {
    nic.object();
    for (const config of nic.field('ipConfigurations').items(true)) {
      config.object();
      const names = config
        .field('applicationSecurityGroups')
        .items(true)
        .map((a) => groups.get(azureIdKey(a.field('id').text())))
        .filter((g): g is string => g !== undefined);
      if (!names.length) continue;
      const address = config.field('privateIPAddress');
      const range = address.range();
      for (const group of names) out.push({ range, group, source: `${file} ${address.path}` });
    }
  }
  return out;
}
