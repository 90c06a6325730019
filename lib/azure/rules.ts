/**
 * Azure Resource Manager's constraints on NSG security rules, as a pure validator: it takes rules in
 * the shape of the ARM `securityRules` properties (flattened, as Pulumi azure-native and ARM
 * templates write them) and lists every property Azure would refuse. No cloud SDK, so the adapter,
 * the tests and a later `verify azure` command share it.
 *
 * Sources, read for API version 2024-05-01 (the constraints are unchanged up to 2025-05-01):
 * - Security Rules - Create Or Update, request body and `SecurityRule` definitions:
 *   https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/create-or-update
 * - Network security groups overview, "Security rules" (name, priority, augmented rules):
 *   https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 * - Application security groups: https://learn.microsoft.com/azure/virtual-network/application-security-groups
 * Where the documents are silent and the constraint is known from an ARM error, the check names the
 * error code.
 */
import { parseCidr } from '../model/cidr';
import { SERVICE_TAG_NAME } from '../model/peer-address';

/** An ASG reference inside a rule: `{ id }`. */
export interface ArmApplicationSecurityGroupRef {
  /** The ASG's resource id. */
  readonly id?: unknown;
}

/** One security rule with its ARM properties flattened, as an NSG's `securityRules` entry. */
export interface ArmSecurityRule {
  /** Unique in the NSG. */
  readonly name?: unknown;
  /** 100-4096, unique per direction. */
  readonly priority?: unknown;
  /** `Inbound` or `Outbound`. */
  readonly direction?: unknown;
  /** `Allow` or `Deny`. */
  readonly access?: unknown;
  /** `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `*`. */
  readonly protocol?: unknown;
  /** At most 140 characters. */
  readonly description?: unknown;
  /** One port, range or `*`. */
  readonly sourcePortRange?: unknown;
  /** Several ports or ranges (no `*`). */
  readonly sourcePortRanges?: unknown;
  /** One port, range or `*`. */
  readonly destinationPortRange?: unknown;
  /** Several ports or ranges (no `*`). */
  readonly destinationPortRanges?: unknown;
  /** One CIDR, address, service tag or `*`. */
  readonly sourceAddressPrefix?: unknown;
  /** Several CIDRs or addresses. */
  readonly sourceAddressPrefixes?: unknown;
  /** ASGs as the source. */
  readonly sourceApplicationSecurityGroups?: unknown;
  /** One CIDR, address, service tag or `*`. */
  readonly destinationAddressPrefix?: unknown;
  /** Several CIDRs or addresses. */
  readonly destinationAddressPrefixes?: unknown;
  /** ASGs as the destination. */
  readonly destinationApplicationSecurityGroups?: unknown;
}

/** One thing Azure would refuse, with the rule and the property it is in. */
export interface RuleFinding {
  /** The rule's name (or `#<index>` when it has none). */
  readonly rule: string;
  /** The ARM property at fault, e.g. `destinationPortRanges`. */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;
  /** What is wrong and what Azure allows. */
  readonly message: string;
}

/** The service tags portplan knows and the evaluator understands (the NSG overview's "Service tags"). */
export const SERVICE_TAGS = ['VirtualNetwork', 'AzureLoadBalancer', 'Internet'] as const;

/**
 * Whether a prefix is a service tag's name: the well-known tags above, or any other tag Azure
 * publishes (`Storage`, `Storage.WestEurope`, `AzureUpdateDelivery`): a name, and a region or
 * other qualifier after a dot (https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags).
 * Which tags exist changes with Azure; an unknown tag is refused by Azure at deployment.
 */
export function isServiceTag(prefix: string): boolean {
  return SERVICE_TAG_NAME.test(prefix);
}

/** Protocol values of the REST API's `SecurityRuleProtocol`. */
export const RULE_PROTOCOLS = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'] as const;

// NSG overview, "Security rules", Name: up to 80 characters; begins with a word character, ends with
// a word character or `_`; contains word characters, `.`, `-` or `_` (word character: [A-Za-z0-9_]).
const NAME = /^\w(?:[\w.-]{0,78}\w)?$/;

/** Whether Azure accepts `name` as a security rule name (NSG overview, "Security rules"). */
export function isValidRuleName(name: string): boolean {
  return NAME.test(name);
}

/** Whether `text` is a port (`445`) or range (`3000-3009`) inside 0-65535, low <= high; never `*`. */
export function isPortRange(text: string): boolean {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= hi && hi <= 65535;
}

/** Whether `text` is an address or a masked CIDR (IPv4 or IPv6): Azure refuses host bits in a prefix. */
export function isAddressPrefix(text: string): boolean {
  const cidr = parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  return cidr !== undefined && cidr.masked;
}

const present = (v: unknown) => v !== undefined && v !== null;
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

/**
 * Every finding for the rules of one NSG (an empty list when Azure would take them all). Checks
 * each rule's properties, then names unique in the NSG and priorities unique per direction.
 */
export function validateSecurityRules(rules: readonly ArmSecurityRule[]): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const names = new Map<string, number>();
  const priorities = new Map<string, string>();
  rules.forEach((r, i) => {
    const rule = typeof r.name === 'string' ? r.name : `#${i}`;
    const add = (field: string, value: unknown, message: string) => findings.push({ rule, field, value, message });

    // Name pattern and length: NSG overview, "Security rules".
    if (typeof r.name !== 'string' || !isValidRuleName(r.name)) {
      add(
        'name',
        r.name,
        'at most 80 characters: word characters, ".", "-", "_"; starting with a word character, ending with one or "_"',
      );
    } else {
      // "A unique name within the network security group" (NSG overview).
      if (names.has(r.name.toLowerCase()))
        add('name', r.name, `the name is already used by rule #${names.get(r.name.toLowerCase())}`);
      names.set(r.name.toLowerCase(), i);
    }
    // REST API: direction, access and protocol are required enums.
    if (r.direction !== 'Inbound' && r.direction !== 'Outbound') add('direction', r.direction, 'Inbound or Outbound');
    if (r.access !== 'Allow' && r.access !== 'Deny') add('access', r.access, 'Allow or Deny');
    if (!(RULE_PROTOCOLS as readonly unknown[]).includes(r.protocol))
      add('protocol', r.protocol, `one of ${RULE_PROTOCOLS.join(', ')}`);
    // REST API, properties.priority: "between 100 and 4096 ... unique for each rule in the collection";
    // the default rules' 65000-65500 are Azure's alone. Unique per direction: ARM answers
    // SecurityRulesConflictingPriority only for two rules of one direction.
    if (typeof r.priority !== 'number' || !Number.isInteger(r.priority) || r.priority < 100 || r.priority > 4096) {
      add('priority', r.priority, 'a whole number from 100 to 4096');
    } else if (typeof r.direction === 'string') {
      const key = `${r.direction}:${r.priority}`;
      const other = priorities.get(key);
      if (other !== undefined)
        add('priority', r.priority, `${r.direction} priority ${r.priority} is already taken by rule ${other}`);
      else priorities.set(key, rule);
    }
    // REST API, properties.description: "Restricted to 140 chars".
    if (present(r.description) && (typeof r.description !== 'string' || r.description.length > 140)) {
      add('description', r.description, 'a text of at most 140 characters');
    }
    for (const side of ['source', 'destination'] as const) {
      checkPorts(r, side, add);
      checkAddresses(r, side, add);
    }
  });
  return findings;
}

type Add = (field: string, value: unknown, message: string) => void;

function checkPorts(r: ArmSecurityRule, side: 'source' | 'destination', add: Add): void {
  const one = `${side}PortRange` as const;
  const many = `${side}PortRanges` as const;
  const single = r[one];
  const plural = list(r[many]);
  // A rule gives its ports either as one value or as a list: the REST API documents the singular and
  // plural properties as alternatives. It does not say what ARM does with both; the validator refuses
  // both, and neither (a rule must match some port).
  if (present(single) && plural && plural.length > 0) add(many, plural, `give ${one} or ${many}, not both`);
  if (!present(single) && (!plural || plural.length === 0))
    add(one, single, `give ${one} ("*", a port or a range) or a non-empty ${many}`);
  if (present(single) && (typeof single !== 'string' || (single !== '*' && !isPortRange(single)))) {
    add(one, single, '"*", a port or a range "low-high" inside 0-65535');
  }
  if (present(r[many]) && !plural) add(many, r[many], 'a list of ports or ranges');
  for (const p of plural ?? []) {
    // "*" is accepted only in the singular property: in the list ARM answers
    // SecurityRuleInvalidPortRange ("Value should be an integer OR integer range with '-' delimiter").
    if (p === '*')
      add(many, p, `"*" is allowed only in ${one}, not in ${many} (ARM error SecurityRuleInvalidPortRange)`);
    else if (typeof p !== 'string' || !isPortRange(p))
      add(many, p, 'each entry a port or a range "low-high" inside 0-65535');
  }
}

function checkAddresses(r: ArmSecurityRule, side: 'source' | 'destination', add: Add): void {
  const one = `${side}AddressPrefix` as const;
  const many = `${side}AddressPrefixes` as const;
  const asgField = `${side}ApplicationSecurityGroups` as const;
  const single = r[one];
  const plural = list(r[many]);
  const asgs = list(r[asgField]);
  // One kind of source and one of destination: a prefix, a list of prefixes or ASGs, the REST API's
  // three alternatives (the NSG overview: source or destination is "Any, an individual IP address, a
  // CIDR block, a service tag, or an application security group"). The validator refuses a mix.
  const kinds = [present(single), (plural?.length ?? 0) > 0, (asgs?.length ?? 0) > 0].filter(Boolean).length;
  if (kinds === 0) add(one, single, `give ${one}, ${many} or ${asgField}`);
  if (kinds > 1)
    add(side, { [one]: single, [many]: plural, [asgField]: asgs }, `give only one of ${one}, ${many} and ${asgField}`);
  if (present(single)) {
    // "*", a service tag, an address or a CIDR (REST API, sourceAddressPrefix). The documents do not
    // say whether host bits are refused; portplan's spec requires masked prefixes everywhere, so a
    // rule says exactly the range it matches.
    const ok = typeof single === 'string' && (single === '*' || isServiceTag(single) || isAddressPrefix(single));
    if (!ok)
      add(one, single, `"*", a service tag (${SERVICE_TAGS.join(', ')}, Storage...), an address or a masked CIDR`);
  }
  if (present(r[many]) && !plural) add(many, r[many], 'a list of addresses or masked CIDRs');
  for (const p of plural ?? []) {
    // Augmented rules take several addresses and ranges, not service tags (NSG overview,
    // "Augmented security rules"), nor "*".
    if (typeof p !== 'string' || !isAddressPrefix(p))
      add(many, p, `each entry an address or a masked CIDR (no "*", no service tag: use ${one})`);
  }
  if (present(r[asgField]) && !asgs) add(asgField, r[asgField], 'a list of { id } references');
  for (const a of asgs ?? []) {
    if (typeof a !== 'object' || a === null || !present((a as ArmApplicationSecurityGroupRef).id))
      add(asgField, a, 'each entry an { id } reference to an ASG');
  }
  // Augmented rules cannot name several ASGs on one side (NSG overview, "Augmented security rules").
  // The ASG page adds that ASGs on both sides of a rule must have their NICs in one VNet; that is
  // membership, not a rule property, and cannot be checked here.
  if ((asgs?.length ?? 0) > 1) add(asgField, asgs, 'one application security group per side of a rule');
}
