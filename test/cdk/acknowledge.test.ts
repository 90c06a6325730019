import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations as CdkAnnotations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ServerProtect } from '../../lib/cdk';
import { testStack } from '../support/cdk';

// docs/cdk.md tells users to acknowledge a portplan warning in code; this is that code, as the page writes it.
test('the acknowledgement docs/cdk.md shows is the one tested here', () => {
  expect(readFileSync(join(__dirname, '../../docs/cdk.md'), 'utf8')).toContain(
    "Annotations.of(sp).acknowledgeWarning('portplan:netbios-broadcast', 'names resolve through Route 53');",
  );
});

test('a portplan warning acknowledged on the construct is gone from the stack, the others stay', () => {
  const { stack, vpc } = testStack();
  const sp = new ServerProtect(stack, 'ServerProtect', { vpc });
  const warnings = () =>
    Annotations.fromStack(stack)
      .findWarning('*', Match.anyValue())
      .map((w) => String(w.entry.data));
  expect(warnings().some((w) => w.includes('[ack: portplan:netbios-broadcast]'))).toBe(true);
  CdkAnnotations.of(sp).acknowledgeWarning('portplan:netbios-broadcast', 'names resolve through Route 53');
  expect(warnings().some((w) => w.includes('[ack: portplan:netbios-broadcast]'))).toBe(false);
  expect(warnings().some((w) => w.includes('[ack: portplan:broadcast-discovery]'))).toBe(true);
});
