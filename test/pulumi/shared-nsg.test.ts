import * as pulumi from '@pulumi/pulumi';
import { ServerProtect, type ServerProtectArgs } from '../../lib/pulumi';

// Two components adding rules to one existing NSG: refused when their bands overlap. One NSG is a
// resource group and a name, compared as Azure compares names (without regard to case); the check
// sees the components of one Pulumi program, never those of another program in the same process.

const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, id: `${args.name}-id` } }),
  call: (args) => args.inputs,
};
beforeAll(() => jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined));
// Each test is a program of its own: its mocks, and, as the Automation API does after a run, a
// disconnect that waits for the program's registrations before the next one starts.
beforeEach(() => pulumi.runtime.setMocks(mocks, 'portplan-shared', 'stack'));
afterEach(() => pulumi.runtime.disconnect());
const nextProgram = async (stack: string) => {
  await pulumi.runtime.disconnect();
  await pulumi.runtime.setMocks(mocks, 'portplan-shared', stack);
};

const args = (
  resourceGroupName: pulumi.Input<string>,
  name: pulumi.Input<string>,
  from: number,
  to: number,
): ServerProtectArgs => ({ resourceGroupName, existingNetworkSecurityGroup: { name, priorityBand: { from, to } } });
// The NSG as this component names it: the same NSG, in any case.
const OVERLAP = /a band not overlapping 1000-1999, which component one already uses in NSG web-nsg/i;

describe('one NSG is a resource group and a name, as Azure compares them', () => {
  test('app-nsg in rg-one and app-nsg in rg-two are two NSGs: overlapping bands are fine', () => {
    new ServerProtect('one', args('rg-one', 'app-nsg', 1000, 1999));
    expect(() => new ServerProtect('two', args('rg-two', 'app-nsg', 1500, 2500))).not.toThrow();
  });

  test('web-nsg and WEB-NSG in one resource group (rg and RG) are one NSG: overlapping bands are refused', () => {
    new ServerProtect('one', args('rg', 'web-nsg', 1000, 1999));
    expect(() => new ServerProtect('two', args('RG', 'WEB-NSG', 1500, 2500))).toThrow(OVERLAP);
  });

  test('bands apart on one NSG are fine: the check refuses overlaps only', () => {
    new ServerProtect('one', args('rg', 'web-nsg', 1000, 1999));
    expect(() => new ServerProtect('two', args('rg', 'Web-Nsg', 2000, 2999))).not.toThrow();
  });

  test('a resource group given as one Output for both: one NSG; as two Outputs: not known to be one', () => {
    const rg = pulumi.output('rg');
    new ServerProtect('one', args(rg, 'web-nsg', 1000, 1999));
    expect(() => new ServerProtect('two', args(rg, 'web-nsg', 1500, 2500))).toThrow(OVERLAP);
    expect(() => new ServerProtect('three', args(pulumi.output('rg'), 'web-nsg', 1500, 2500))).not.toThrow();
  });
});

describe('the check is one Pulumi program wide', () => {
  test('two programs in one process, each under its own setMocks and stack: neither sees the other', async () => {
    new ServerProtect('one', args('rg', 'web-nsg', 1000, 1999));
    await nextProgram('another-stack');
    expect(() => new ServerProtect('two', args('rg', 'web-nsg', 1500, 2500))).not.toThrow();
    // ...while two components of that second program do see each other.
    expect(() => new ServerProtect('three', args('rg', 'web-nsg', 2000, 2100))).toThrow(
      /a band not overlapping 1500-2500, which component two already uses in NSG web-nsg/,
    );
  });

  // A program as the Automation API runs it: in its own root stack resource
  // (@pulumi/pulumi automation/server.ts runs each inline program in runInPulumiStack). An error
  // inside it would escape the test, so each component's construction is caught and reported.
  const attempt = (make: () => unknown): string => {
    try {
      make();
      return 'created';
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  const program = async (...components: [string, number, number][]) => {
    const results: string[] = [];
    await pulumi.runtime.runInPulumiStack(async () => {
      for (const [name, from, to] of components) {
        results.push(attempt(() => new ServerProtect(name, args('rg', 'web-nsg', from, to))));
      }
      return {};
    });
    return results;
  };

  test('programs run in their own stack resources, even under one set of mocks: apart; within one: together', async () => {
    expect(await program(['a1', 1000, 1999], ['a2', 1500, 2500])).toEqual([
      'created',
      expect.stringMatching(/a band not overlapping 1000-1999, which component a1 already uses in NSG web-nsg/),
    ]);
    expect(await program(['b1', 1500, 2500])).toEqual(['created']);
    await nextProgram('stack-c');
    expect(await program(['c1', 1200, 1300], ['c2', 1400, 1500])).toEqual(['created', 'created']);
  });
});
