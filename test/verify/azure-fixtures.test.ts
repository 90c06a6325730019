import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { recordResources, settle, type Registered } from '../support/pulumi';
import { ASG_RESOURCE_GROUP, asgList, groupExport, nsgShow } from './azure-render';

// The Azure fixtures of test/verify are the example program's registrations, rendered as Azure
// returns them. This test keeps them in step with the program: it fails when they differ.
// PORTPLAN_UPDATE_FIXTURES=1 npx jest test/verify/azure-fixtures.test.ts writes them anew.
const DIR = join(__dirname, '../fixtures/azure');
const COMPONENTS = [
  ['serverprotect', 'serverprotect'],
  ['sum', 'smart-update-manager'],
  ['sum7', 'smart-update-manager-7'],
] as const;

let registered: Registered[];
// The program must load after the mocks.
// eslint-disable-next-line @typescript-eslint/consistent-type-imports
type Program = typeof import('../../examples/pulumi/index');
let program: Program;

beforeAll(async () => {
  jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined);
  registered = await recordResources();
  program = await import('../../examples/pulumi/index');
  await Promise.all([
    settle(program.vnetId),
    settle(program.serverProtectNsgId),
    settle(program.smartUpdateManagerNsgId),
    settle(program.smartUpdateManager7NsgId),
  ]);
});

function files(): Record<string, unknown> {
  const out: Record<string, unknown> = {
    'asgs.json': asgList(registered),
    'serverprotect-export.json': groupExport(registered, 'serverprotect'),
    // The same NSG with its ASGs in a resource group of their own, and that group's ASG list.
    'serverprotect-export-external.json': groupExport(registered, 'serverprotect', ASG_RESOURCE_GROUP),
    'asgs-external.json': asgList(registered, ASG_RESOURCE_GROUP),
  };
  const components = {
    serverprotect: program.serverProtect,
    sum: program.smartUpdateManager,
    sum7: program.smartUpdateManager7,
  };
  for (const [name, subnet] of COMPONENTS) {
    out[`${name}-nsg.json`] = nsgShow(registered, name, subnet);
    out[`${name}-declaration.json`] = components[name].resolution.declaration;
  }
  return out;
}

test('the fixtures are the example program as Azure returns it', () => {
  const want = files();
  for (const [name, content] of Object.entries(want)) {
    const text = `${JSON.stringify(content, null, 2)}\n`;
    if (process.env.PORTPLAN_UPDATE_FIXTURES === '1') writeFileSync(join(DIR, name), text);
    expect([name, readFileSync(join(DIR, name), 'utf8')]).toEqual([name, text]);
  }
  expect(Object.keys(want)).toHaveLength(10);
});
