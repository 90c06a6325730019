// Whole-process baseline: the same two stacks hand-written with aws-cdk-lib (bench/baseline.ts).
import { App } from 'aws-cdk-lib';
import { HandWrittenServerProtect, HandWrittenSmartUpdateManager } from '../baseline';

const app = new App({ outdir: process.env.BENCH_OUTDIR });
new HandWrittenServerProtect(app, 'ServerProtectExample');
new HandWrittenSmartUpdateManager(app, 'SmartUpdateManagerExample');
app.synth();
