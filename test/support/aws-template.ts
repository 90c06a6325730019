import type { SecurityGroupModel, SecurityGroupRuleModel } from '../../lib/aws/evaluator';

/**
 * Reads the security groups of synthesized CloudFormation templates into the evaluator's model.
 * Strict on purpose: a property of a security group resource or rule it does not know, a rule with
 * no remote or two, or a group reference it cannot follow throws, so a template that would not
 * deploy as intended fails the test instead of being read as "no rule".
 *
 * Property names are those of the CloudFormation reference:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html,
 * .../aws-properties-ec2-securitygroup-ingress.html, .../aws-properties-ec2-securitygroup-egress.html,
 * .../aws-resource-ec2-securitygroupingress.html, .../aws-resource-ec2-securitygroupegress.html.
 */

type Json = Record<string, unknown>;

/** A synthesized template with the name of its stack. */
export interface NamedTemplate {
  readonly stack: string;
  readonly template: Json;
}

const RULE_COMMON = ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6', 'Description'];
const INLINE_INGRESS = [...RULE_COMMON, 'SourceSecurityGroupId', 'SourceSecurityGroupOwnerId', 'SourcePrefixListId'];
const INLINE_EGRESS = [...RULE_COMMON, 'DestinationSecurityGroupId', 'DestinationPrefixListId'];
const KNOWN = {
  'AWS::EC2::SecurityGroup': [
    'GroupDescription',
    'GroupName',
    'VpcId',
    'Tags',
    'SecurityGroupIngress',
    'SecurityGroupEgress',
  ],
  'AWS::EC2::SecurityGroupIngress': ['GroupId', ...INLINE_INGRESS],
  'AWS::EC2::SecurityGroupEgress': ['GroupId', ...INLINE_EGRESS],
} as const;

class TemplateReadError extends Error {}

function fail(where: string, what: string): never {
  throw new TemplateReadError(`${where}: ${what}`);
}

function checkKeys(where: string, value: Json, known: readonly string[]): void {
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length) {
    fail(where, `properties the parser does not know: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  }
}

/** The key of a created group: stack and logical id. */
export function createdGroupId(stack: string, logicalId: string): string {
  return `${stack}/${logicalId}`;
}

/**
 * Every security group of the templates, with inline and separate rules merged onto their group.
 * Groups created in a template are keyed `stack/LogicalId`; imported groups by their `sg-` id;
 * `Fn::ImportValue` follows the exporting template's `Outputs`.
 */
export function parseSecurityGroups(templates: readonly NamedTemplate[]): SecurityGroupModel[] {
  const exports = new Map<string, { stack: string; value: unknown }>();
  for (const t of templates) {
    for (const o of Object.values((t.template.Outputs ?? {}) as Record<string, Json>)) {
      const name = (o.Export as Json | undefined)?.Name;
      if (typeof name === 'string') exports.set(name, { stack: t.stack, value: o.Value });
    }
  }
  const groupRef = (stack: string, ref: unknown, where: string): string => {
    if (typeof ref === 'string') {
      return /^sg-[0-9a-f]{8,17}$/.test(ref) ? ref : fail(where, `not a security group id: ${ref}`);
    }
    const r = ref as Json;
    const getAtt = r['Fn::GetAtt'] as unknown[] | undefined;
    if (Array.isArray(getAtt) && getAtt[1] === 'GroupId' && typeof getAtt[0] === 'string') {
      const res = (templates.find((t) => t.stack === stack)!.template.Resources as Record<string, Json>)[getAtt[0]];
      if (res?.Type !== 'AWS::EC2::SecurityGroup') {
        fail(where, `Fn::GetAtt of ${getAtt[0]}, which is not a security group here`);
      }
      return createdGroupId(stack, getAtt[0]);
    }
    const imported = r['Fn::ImportValue'];
    if (typeof imported === 'string') {
      const e = exports.get(imported) ?? fail(where, `Fn::ImportValue ${imported}: no template exports it`);
      return groupRef(e.stack, e.value, `${where} (export ${imported})`);
    }
    return fail(where, `a group reference the parser cannot follow: ${JSON.stringify(ref)}`);
  };
  const rule = (stack: string, p: Json, direction: 'ingress' | 'egress', where: string): SecurityGroupRuleModel => {
    const ref = direction === 'ingress' ? p.SourceSecurityGroupId : p.DestinationSecurityGroupId;
    const list = direction === 'ingress' ? p.SourcePrefixListId : p.DestinationPrefixListId;
    const remotes = [p.CidrIp, p.CidrIpv6, ref, list].filter((x) => x !== undefined);
    if (remotes.length !== 1) {
      fail(where, `a rule names exactly one of CidrIp, CidrIpv6, a group or a prefix list (found ${remotes.length})`);
    }
    if (typeof p.IpProtocol !== 'string' && typeof p.IpProtocol !== 'number') fail(where, 'IpProtocol missing');
    const port = (v: unknown, name: string) =>
      v === undefined ? undefined : typeof v === 'number' ? v : fail(where, `${name} is not a number`);
    return {
      ipProtocol: String(p.IpProtocol),
      fromPort: port(p.FromPort, 'FromPort'),
      toPort: port(p.ToPort, 'ToPort'),
      ...(p.CidrIp !== undefined ? { cidrIpv4: String(p.CidrIp) } : {}),
      ...(p.CidrIpv6 !== undefined ? { cidrIpv6: String(p.CidrIpv6) } : {}),
      ...(ref !== undefined ? { referencedGroupId: groupRef(stack, ref, where) } : {}),
      ...(list !== undefined ? { prefixListId: String(list) } : {}),
      ...(p.Description !== undefined ? { description: String(p.Description) } : {}),
    };
  };
  const groups = new Map<string, { ingress: SecurityGroupRuleModel[]; egress: SecurityGroupRuleModel[] }>();
  const group = (id: string) => groups.get(id) ?? groups.set(id, { ingress: [], egress: [] }).get(id)!;
  for (const t of templates) {
    for (const [id, res] of Object.entries((t.template.Resources ?? {}) as Record<string, Json>)) {
      const type = String(res.Type);
      if (!type.startsWith('AWS::EC2::SecurityGroup')) continue;
      const where = `${t.stack}/${id} (${type})`;
      if (!(type in KNOWN)) fail(where, 'a security group resource type the parser does not know');
      const p = (res.Properties ?? {}) as Json;
      checkKeys(where, p, KNOWN[type as keyof typeof KNOWN]);
      if (type === 'AWS::EC2::SecurityGroup') {
        const g = group(createdGroupId(t.stack, id));
        ((p.SecurityGroupIngress ?? []) as Json[]).forEach((r, i) => {
          checkKeys(`${where} SecurityGroupIngress[${i}]`, r, INLINE_INGRESS);
          g.ingress.push(rule(t.stack, r, 'ingress', `${where} SecurityGroupIngress[${i}]`));
        });
        // A group created without egress rules gets EC2's allow-all IPv4 egress rule, which only
        // egress rules of the group resource itself replace (separate egress resources do not):
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html
        if (!((p.SecurityGroupEgress ?? []) as Json[]).length) {
          g.egress.push({ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', description: 'EC2 default egress' });
        }
        ((p.SecurityGroupEgress ?? []) as Json[]).forEach((r, i) => {
          checkKeys(`${where} SecurityGroupEgress[${i}]`, r, INLINE_EGRESS);
          g.egress.push(rule(t.stack, r, 'egress', `${where} SecurityGroupEgress[${i}]`));
        });
      } else {
        const direction = type === 'AWS::EC2::SecurityGroupIngress' ? 'ingress' : 'egress';
        if (p.GroupId === undefined) fail(where, 'GroupId missing');
        group(groupRef(t.stack, p.GroupId, where))[direction].push(rule(t.stack, p, direction, where));
      }
    }
  }
  return [...groups].map(([groupId, g]) => ({ groupId, ...g }));
}

/** A host a template creates (an instance, a network interface or a launch template) and its groups. */
export interface TemplateHost {
  /** `stack/LogicalId`. */
  readonly name: string;
  /** The resource type. */
  readonly type: string;
  /** Its security groups, keyed as {@link parseSecurityGroups} keys them, in template order. */
  readonly securityGroupIds: string[];
}

/**
 * The hosts of one template with the security groups on their interfaces: `SecurityGroupIds` and
 * `NetworkInterfaces[].GroupSet` of an `AWS::EC2::Instance`, `GroupSet` of an
 * `AWS::EC2::NetworkInterface`, `SecurityGroupIds` and `NetworkInterfaces[].Groups` of an
 * `AWS::EC2::LaunchTemplate`'s data. Groups by name (`SecurityGroups`) or a reference it cannot
 * follow fail the read.
 */
export function parseHosts(t: NamedTemplate): TemplateHost[] {
  const resources = (t.template.Resources ?? {}) as Record<string, Json>;
  const ref = (v: unknown, where: string): string => {
    if (typeof v === 'string' && /^sg-[0-9a-f]{8,17}$/.test(v)) return v;
    const getAtt = (v as Json | undefined)?.['Fn::GetAtt'] as unknown[] | undefined;
    if (
      Array.isArray(getAtt) &&
      getAtt[1] === 'GroupId' &&
      typeof getAtt[0] === 'string' &&
      resources[getAtt[0]]?.Type === 'AWS::EC2::SecurityGroup'
    )
      return createdGroupId(t.stack, getAtt[0]);
    return fail(where, `a security group reference the parser cannot follow: ${JSON.stringify(v)}`);
  };
  const ids = (list: unknown, where: string) =>
    list === undefined
      ? []
      : Array.isArray(list)
        ? list.map((v, i) => ref(v, `${where}[${i}]`))
        : fail(where, 'not a list');
  const out: TemplateHost[] = [];
  for (const [id, res] of Object.entries(resources)) {
    const type = String(res.Type);
    const where = `${t.stack}/${id} (${type})`;
    const p = (res.Properties ?? {}) as Json;
    let groups: string[];
    if (type === 'AWS::EC2::NetworkInterface') groups = ids(p.GroupSet, `${where} GroupSet`);
    else if (type === 'AWS::EC2::Instance' || type === 'AWS::EC2::LaunchTemplate') {
      const data = type === 'AWS::EC2::Instance' ? p : ((p.LaunchTemplateData ?? {}) as Json);
      if (data.SecurityGroups !== undefined) fail(where, 'security groups by name are not modelled');
      const nics = (data.NetworkInterfaces ?? []) as Json[];
      const key = type === 'AWS::EC2::Instance' ? 'GroupSet' : 'Groups';
      groups = [
        ...ids(data.SecurityGroupIds, `${where} SecurityGroupIds`),
        ...nics.flatMap((n, i) => ids(n[key], `${where} NetworkInterfaces[${i}].${key}`)),
      ];
    } else continue;
    out.push({ name: `${t.stack}/${id}`, type, securityGroupIds: groups });
  }
  return out;
}
