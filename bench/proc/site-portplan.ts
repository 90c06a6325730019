// Whole-process benchmark: a ServerProtect site of n normal-server groups (argv[2]) through portplan,
// with the defaults (AWS's default quotas, every synth-time check), synthesized without template
// validation (BENCH_OUTDIR: where the assembly goes).
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PortPlan } from '../../lib/cdk';
import { serverProtectSite } from '../role-groups';

const app = new App({
  outdir: process.env.BENCH_OUTDIR,
  builtinCloudFormationValidation: false,
} as ConstructorParameters<typeof App>[0]);
const stack = new Stack(app, 'Site');
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'] });
new PortPlan(stack, 'Plan', { vpc, declaration: serverProtectSite(Number(process.argv[2])) });
app.synth();
