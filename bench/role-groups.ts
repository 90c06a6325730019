// A ServerProtect site with n normal-server groups (remote install on, so every pair of normal
// servers talks: SP9), through portplan and hand-written with aws-cdk-lib the way a careful author
// would write it for many groups: one security group per group plus one that every normal server
// carries, with the rules every normal server needs written once on it.
import { Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { Declaration } from '../lib/model';

/** The declaration: a console, an information server and `n` normal-server groups. */
export function serverProtectSite(n: number): Declaration {
  return {
    groups: [
      { name: 'console', role: 'serverprotect:console' },
      { name: 'information-server', role: 'serverprotect:information-server' },
      ...Array.from({ length: n }, (_, i) => ({ name: `normal-${i}`, role: 'serverprotect:normal-server' as const })),
    ],
  };
}

type Rule = [from: ec2.ISecurityGroup, to: ec2.SecurityGroup, port: ec2.Port, description: string];

/** The same site written by hand: the rules of the ServerProtect table, typed in. */
export class HandWrittenServerProtectSite extends Stack {
  constructor(scope: Construct, id: string, n: number) {
    super(scope, id);
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'] });
    const group = (name: string, role: string) => {
      const sg = new ec2.SecurityGroup(this, name, { vpc, description: `ServerProtect ${role} (${name})` });
      Tags.of(sg).add('portplan:role', role);
      return sg;
    };
    const console = group('console', 'serverprotect:console');
    const info = group('information-server', 'serverprotect:information-server');
    const normal = group('all-normal-servers', 'serverprotect:normal-server');
    for (let i = 0; i < n; i++) group(`normal-${i}`, 'serverprotect:normal-server');
    const smb = (from: ec2.ISecurityGroup, to: ec2.SecurityGroup, row: string): Rule[] => [
      [from, to, ec2.Port.tcp(139), row],
      [from, to, ec2.Port.tcp(445), row],
      [from, to, ec2.Port.udpRange(137, 138), row],
    ];
    const rules: Rule[] = [
      [info, console, ec2.Port.tcpRange(1000, 1009), 'SP1'],
      [console, info, ec2.Port.tcpRange(3000, 3009), 'SP2'],
      [console, info, ec2.Port.udpRange(3000, 3009), 'SP2'],
      [console, info, ec2.Port.tcpRange(5005, 5014), 'SP4'],
      [normal, info, ec2.Port.udpRange(3000, 3009), 'SP3'],
      [normal, info, ec2.Port.tcpRange(5005, 5014), 'SP5'],
      [normal, info, ec2.Port.tcp(3628), 'SP6'],
      [info, normal, ec2.Port.tcpRange(5168, 5169), 'SP7'],
      ...smb(normal, info, 'SP8'),
      ...smb(info, normal, 'SP8'),
      ...smb(normal, normal, 'SP9'),
    ];
    for (const [from, to, port, description] of rules) to.connections.allowFrom(from, port, description);
  }
}
