// Whole-process benchmark: the ServerProtect site of n normal-server groups (argv[2]) written by hand
// with aws-cdk-lib (bench/role-groups.ts), synthesized without template validation.
import { App } from 'aws-cdk-lib';
import { HandWrittenServerProtectSite } from '../role-groups';

const app = new App({
  outdir: process.env.BENCH_OUTDIR,
  builtinCloudFormationValidation: false,
} as ConstructorParameters<typeof App>[0]);
new HandWrittenServerProtectSite(app, 'Site', Number(process.argv[2]));
app.synth();
