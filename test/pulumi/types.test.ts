import * as pulumi from '@pulumi/pulumi';
import type { NetworkSecurityGroup } from '@pulumi/azure-native/network';
import { PortPlan, ServerProtect, SmartUpdateManager } from '../../lib/pulumi';
import { recordResources } from '../support/pulumi';

// What the compiler accepts is the point here (npm run typecheck); the run confirms it at run time.
test('networkSecurityGroup is typed as set when the component creates the NSG, and as optional otherwise', async () => {
  await recordResources();
  const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined);
  const created = new ServerProtect('types-created', { resourceGroupName: 'rg' });
  const id: pulumi.Output<string> = created.networkSecurityGroup.id; // no `!`: the type says it is set
  expect(id).toBeDefined();
  const existing = new SmartUpdateManager('types-existing', {
    resourceGroupName: 'rg',
    linuxTargetGroups: ['linux'],
    existingNetworkSecurityGroup: { name: 'user-nsg-types', priorityBand: { from: 2000, to: 2999 } },
  });
  // @ts-expect-error with an existing NSG the component creates none: the property may be undefined
  const none: NetworkSecurityGroup = existing.networkSecurityGroup;
  expect(none).toBeUndefined();
  expect(created).toBeInstanceOf(ServerProtect);
  expect(existing).toBeInstanceOf(SmartUpdateManager);
  expect(created).not.toBeInstanceOf(PortPlan);
  warn.mockRestore();
});
