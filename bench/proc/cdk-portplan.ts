// Whole-process benchmark: the ServerProtect and HP SUM 5.x example stacks through portplan's
// product constructs, synthesized as `cdk synth` would (CDK_VALIDATION decides template validation).
import { App } from 'aws-cdk-lib';
import { ServerProtectExample, SmartUpdateManagerExample } from '../../examples/cdk/stacks';

const app = new App({ outdir: process.env.BENCH_OUTDIR });
new ServerProtectExample(app, 'ServerProtectExample');
new SmartUpdateManagerExample(app, 'SmartUpdateManagerExample');
app.synth();
