import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { PortPlan } from '../../lib/cdk';
import type { ResolvedFlow } from '../../lib/spec';

/** An app for unit tests; the built-in template validation runs in the CLI synth test instead. */
export function testApp(): App {
  return new App({ builtinCloudFormationValidation: false } as ConstructorParameters<typeof App>[0]);
}

export function testStack(app = testApp(), id = 'Test'): { app: App; stack: Stack; vpc: ec2.IVpc } {
  const stack = new Stack(app, id);
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'] });
  return { app, stack, vpc };
}

/** A rule as `direction group peer protocol from-to`; peers are group names or CIDRs. */
export type RuleLine = string;

type Json = Record<string, unknown>;

// CDK's own egress rules of a created group: allow-all (IPv4, IPv6) and the "no traffic" placeholder.
const CDK_DEFAULT_EGRESS = [
  'Disallow all traffic',
  'Allow all outbound traffic by default',
  'Allow all outbound ipv6 traffic by default',
];

/**
 * Every security group rule in a template, inline or separate, with security groups named by
 * their portplan group name, so a template can be compared with resolve() flows.
 */
export function templateRules(template: Template, plan: PortPlan): RuleLine[] {
  const stack = Stack.of(plan);
  const names = new Map<string, string>();
  for (const g of plan.groups) names.set(JSON.stringify(stack.resolve(g.securityGroup.securityGroupId)), g.name);
  const name = (ref: unknown) => names.get(JSON.stringify(ref)) ?? `unknown:${JSON.stringify(ref)}`;
  const line = (dir: string, group: string, peer: string, r: Json) =>
    `${dir} ${group} ${peer} ${r.IpProtocol} ${r.FromPort}-${r.ToPort}`;
  const out: RuleLine[] = [];
  for (const [id, res] of Object.entries(
    template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>,
  )) {
    const p = res.Properties;
    if (res.Type === 'AWS::EC2::SecurityGroup') {
      const group = name({ 'Fn::GetAtt': [id, 'GroupId'] });
      for (const r of (p.SecurityGroupIngress as Json[] | undefined) ?? [])
        out.push(line('in', group, String(r.CidrIp ?? r.CidrIpv6 ?? name(r.SourceSecurityGroupId)), r));
      for (const r of (p.SecurityGroupEgress as Json[] | undefined) ?? []) {
        if (CDK_DEFAULT_EGRESS.includes(String(r.Description))) continue;
        out.push(line('out', group, String(r.CidrIp ?? r.CidrIpv6 ?? name(r.DestinationSecurityGroupId)), r));
      }
    }
    if (res.Type === 'AWS::EC2::SecurityGroupIngress')
      out.push(line('in', name(p.GroupId), String(p.CidrIp ?? p.CidrIpv6 ?? name(p.SourceSecurityGroupId)), p));
    if (res.Type === 'AWS::EC2::SecurityGroupEgress') {
      out.push(line('out', name(p.GroupId), String(p.CidrIp ?? p.CidrIpv6 ?? name(p.DestinationSecurityGroupId)), p));
    }
  }
  return out.sort();
}

/** The rules the flows of a plan call for: ingress on the listener, egress on the initiator when restricted. */
export function expectedRules(plan: PortPlan): RuleLine[] {
  const d = plan.resolution.declaration;
  const endpoint = (e: ResolvedFlow['from']) =>
    e.kind === 'group' ? e.name : (d.peers.find((p) => p.name === e.name)?.cidr ?? '?');
  const out: RuleLine[] = [];
  for (const f of plan.resolution.flows) {
    if (plan.skippedFlows.includes(f)) continue;
    const range = `${f.protocol} ${f.fromPort}-${f.toPort}`;
    if (f.to.kind === 'group') out.push(`in ${f.to.name} ${endpoint(f.from)} ${range}`);
    if (d.egress === 'restricted' && f.from.kind === 'group') out.push(`out ${f.from.name} ${endpoint(f.to)} ${range}`);
  }
  return out.sort();
}
