// The baseline: the ServerProtect and HP SUM 5.x example stacks written by hand with aws-cdk-lib,
// as a user without portplan would write them from the two port tables: the same VPC, groups and
// rules (separate SG-to-SG rules through `connections`), ports typed in from the tables.
import { Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

// The same VPC as examples/cdk/stacks.ts's exampleVpc, written here so that the baseline loads no
// portplan module (the whole-process benchmark times what each side loads).
function exampleVpc(scope: Construct): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    restrictDefaultSecurityGroup: true,
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'hosts', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  vpc.addFlowLog('FlowLog');
  return vpc;
}

type Rule = [from: ec2.SecurityGroup, to: ec2.SecurityGroup, port: ec2.Port, description: string];

function group(scope: Construct, vpc: ec2.IVpc, name: string, role: string, label: string): ec2.SecurityGroup {
  const sg = new ec2.SecurityGroup(scope, name, { vpc, description: `${label} (${name})` });
  Tags.of(sg).add('portplan:role', role);
  return sg;
}

const allow = (rules: Rule[]) =>
  rules.forEach(([from, to, port, description]) => to.connections.allowFrom(from, port, description));

/** ServerProtect: console, information server, normal servers; SP1-SP9 with default options. */
export class HandWrittenServerProtect extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const vpc = exampleVpc(this);
    const console = group(this, vpc, 'console', 'serverprotect:console', 'ServerProtect management console');
    const info = group(
      this,
      vpc,
      'information-server',
      'serverprotect:information-server',
      'ServerProtect information server',
    );
    const normal = group(this, vpc, 'normal-servers', 'serverprotect:normal-server', 'ServerProtect normal server');
    const smb = (from: ec2.SecurityGroup, to: ec2.SecurityGroup, row: string): Rule[] => [
      [from, to, ec2.Port.tcp(139), row],
      [from, to, ec2.Port.tcp(445), row],
      [from, to, ec2.Port.udpRange(137, 138), row],
    ];
    allow([
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
    ]);
  }
}

/** HP SUM 5.x: a Windows workstation, Windows and Linux targets; SUM1, SUM2, SUM4-SUM7. */
export class HandWrittenSmartUpdateManager extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const vpc = exampleVpc(this);
    const ws = group(this, vpc, 'workstation', 'sum:workstation', 'HP SUM workstation');
    const windows = group(this, vpc, 'windows-targets', 'sum:target:windows', 'HP SUM target (Windows)');
    const linux = group(this, vpc, 'linux-targets', 'sum:target:linux', 'HP SUM target (Linux)');
    allow([
      [ws, linux, ec2.Port.tcp(22), 'SUM1'],
      [ws, windows, ec2.Port.tcp(139), 'SUM2'],
      [ws, windows, ec2.Port.tcp(445), 'SUM2'],
      [ws, windows, ec2.Port.udp(138), 'SUM2'],
      ...[windows, linux].flatMap((t): Rule[] => [
        [ws, t, ec2.Port.tcpRange(60000, 60007), 'SUM4'],
        [t, ws, ec2.Port.tcpRange(60000, 60007), 'SUM4'],
        [t, ws, ec2.Port.tcpRange(61000, 61007), 'SUM5'],
        [ws, t, ec2.Port.tcp(62286), 'SUM6'],
        [t, ws, ec2.Port.tcp(80), 'SUM7'],
        [t, ws, ec2.Port.tcpRange(63000, 63005), 'SUM7'],
      ]),
    ]);
  }
}
