import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { PortPlan, ServerProtect } from '../../lib/cdk';
import { PRESETS } from '../../lib/model';
import { testApp } from '../support/cdk';

// A warning's stack trace (recorded with the metadata entry unless the app disables traces) shows
// where it came from: the user's code that created the construct, never portplan's own modules.
const THIS_FILE = __filename;
const PORTPLAN_CODE = [join(__dirname, '../../lib') + '/', join(__dirname, '../../dist') + '/'];

// The warnings of a synthesized stack, as the cloud assembly has them.
function warnings(app: App, stack: Stack) {
  return app
    .synth()
    .getStackByName(stack.stackName)
    .findMetadataByType('aws:cdk:warning')
    .map((m) => ({ data: String(m.data), trace: m.trace ?? [] }));
}

const vpcOf = (stack: Stack) =>
  ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'] });

// A user's construct that creates the plan inside it, as a stack does.
class Site extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new PortPlan(this, 'Plan', { vpc: vpcOf(this), declaration: PRESETS.serverprotect });
  }
}

class MyServerProtect extends ServerProtect {}

test.each<[string, (app: App) => Stack]>([
  [
    'PortPlan',
    (app) => {
      const stack = new Stack(app, 'Direct');
      new PortPlan(stack, 'Plan', { vpc: vpcOf(stack), declaration: PRESETS['smart-update-manager'] });
      return stack;
    },
  ],
  [
    'ServerProtect (a construct of portplan built on PortPlan)',
    (app) => {
      const stack = new Stack(app, 'Product');
      new ServerProtect(stack, 'ServerProtect', { vpc: vpcOf(stack) });
      return stack;
    },
  ],
  ['PortPlan inside a construct of the user', (app) => new Site(app, 'Site')],
  [
    "a user's subclass of ServerProtect",
    (app) => {
      const stack = new Stack(app, 'Subclass');
      new MyServerProtect(stack, 'ServerProtect', { vpc: vpcOf(stack) });
      return stack;
    },
  ],
])('%s: every warning traced from the code that created it, no frame in portplan', (_name, build) => {
  const app = testApp();
  const stack = build(app);
  const found = warnings(app, stack);
  expect(found.map((w) => w.data)).toContainEqual(expect.stringContaining('[ack: portplan:netbios-broadcast]'));
  for (const w of found) {
    expect(w.trace.length).toBeGreaterThan(0);
    expect(w.trace.filter((frame) => PORTPLAN_CODE.some((dir) => frame.includes(dir)))).toEqual([]);
    // The first frame is the line of this file that said `new`.
    expect(w.trace[0]).toContain(THIS_FILE);
  }
});

test('an app that disables stack traces gets none for portplan warnings either', () => {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:disable-stack-trace': true },
  } as ConstructorParameters<typeof App>[0]);
  const stack = new Stack(app, 'NoTrace');
  new ServerProtect(stack, 'ServerProtect', { vpc: vpcOf(stack) });
  const found = warnings(app, stack);
  expect(found.length).toBeGreaterThan(0);
  for (const w of found) expect(w.trace).toEqual([]);
});
