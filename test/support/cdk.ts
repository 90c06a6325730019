import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { PortPlan } from '../../lib/cdk';
import type { ResolvedFlow } from '../../lib/model';

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
 * their portplan group name, so a template can be compared with resolve() flows. A rule on or
 * naming a role-wide group (a role with two or more groups) stands for each group of the role, as
 * AWS applies it to every host that carries the group: it is written out once per pair of members.
 */
export function templateRules(template: Template, plan: PortPlan): RuleLine[] {
  const stack = Stack.of(plan);
  const members = new Map<string, string[]>();
  const add = (sg: ec2.ISecurityGroup, name: string) => {
    const key = JSON.stringify(stack.resolve(sg.securityGroupId));
    members.set(key, [...(members.get(key) ?? []), name]);
  };
  for (const g of plan.groups) {
    add(g.securityGroup, g.name);
    if (g.roleSecurityGroup) add(g.roleSecurityGroup, g.name);
  }
  const names = (ref: unknown) => members.get(JSON.stringify(ref)) ?? [`unknown:${JSON.stringify(ref)}`];
  const out: RuleLine[] = [];
  const push = (dir: string, group: unknown, r: Json, peerRef: unknown) => {
    const peers =
      r.CidrIp !== undefined || r.CidrIpv6 !== undefined ? [String(r.CidrIp ?? r.CidrIpv6)] : names(peerRef);
    for (const g of names(group))
      for (const peer of peers) out.push(`${dir} ${g} ${peer} ${r.IpProtocol} ${r.FromPort}-${r.ToPort}`);
  };
  for (const [id, res] of Object.entries(
    template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>,
  )) {
    const p = res.Properties;
    const self = { 'Fn::GetAtt': [id, 'GroupId'] };
    if (res.Type === 'AWS::EC2::SecurityGroup') {
      for (const r of (p.SecurityGroupIngress as Json[] | undefined) ?? [])
        push('in', self, r, r.SourceSecurityGroupId);
      for (const r of (p.SecurityGroupEgress as Json[] | undefined) ?? []) {
        if (CDK_DEFAULT_EGRESS.includes(String(r.Description))) continue;
        push('out', self, r, r.DestinationSecurityGroupId);
      }
    }
    if (res.Type === 'AWS::EC2::SecurityGroupIngress') push('in', p.GroupId, p, p.SourceSecurityGroupId);
    if (res.Type === 'AWS::EC2::SecurityGroupEgress') push('out', p.GroupId, p, p.DestinationSecurityGroupId);
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
