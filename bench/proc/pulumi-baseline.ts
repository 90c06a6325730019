// Whole-process baseline: a Pulumi program that creates the same Azure resources as the example
// program (resource group, application security groups, NSGs with their rules, virtual networks,
// network interfaces)
// straight through @pulumi/azure-native, as a user without portplan would, under the same mocks.
// The resources' inputs are read from the JSON the example program wrote (argv[2]), so both register
// exactly the same resources (argv[3], if given, gets what it registered, for the comparison);
// references between them (ASG and NSG ids) go through real outputs.
import { readFileSync, writeFileSync } from 'node:fs';
import type * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import * as resources from '@pulumi/azure-native/resources';
import { finished, installMocks, type Registration } from './mocks';

type Json = Record<string, unknown>;
type Rules = network.NetworkSecurityGroupArgs['securityRules'];

void (async () => {
  const registered = await installMocks();
  const wanted = (JSON.parse(readFileSync(process.argv[2], 'utf8')) as Registration[]).filter((r) =>
    r.type.startsWith('azure-native:'),
  );
  const of = (type: string) => wanted.filter((r) => r.type === `azure-native:${type}`);
  const [rg] = of('resources:ResourceGroup');
  const group = new resources.ResourceGroup(rg.name, rg.inputs);
  const ids = new Map<string, pulumi.Output<string>>();
  for (const a of of('network:ApplicationSecurityGroup')) {
    const asg = new network.ApplicationSecurityGroup(a.name, { ...a.inputs, resourceGroupName: group.name });
    ids.set(`${a.name}-id`, asg.id);
  }
  const asgs = (list: unknown) => (list as { id: string }[] | undefined)?.map((g) => ({ id: ids.get(g.id)! }));
  for (const n of of('network:NetworkSecurityGroup')) {
    const securityRules = (n.inputs.securityRules as Json[]).map((r) => ({
      ...r,
      sourceApplicationSecurityGroups: asgs(r.sourceApplicationSecurityGroups),
      destinationApplicationSecurityGroups: asgs(r.destinationApplicationSecurityGroups),
    }));
    const nsg = new network.NetworkSecurityGroup(n.name, {
      ...n.inputs,
      resourceGroupName: group.name,
      securityRules: securityRules as unknown as Rules,
    });
    ids.set(`${n.name}-id`, nsg.id);
  }
  const vnets: pulumi.Output<string>[] = [];
  for (const v of of('network:VirtualNetwork')) {
    const subnets = (v.inputs.subnets as Json[]).map((s) => ({
      ...s,
      networkSecurityGroup: { id: ids.get((s.networkSecurityGroup as { id: string }).id)! },
    }));
    const vnet = new network.VirtualNetwork(v.name, { ...v.inputs, resourceGroupName: group.name, subnets });
    ids.set(`${v.name}-id`, vnet.id);
    vnets.push(vnet.id);
  }
  // A NIC's subnet is `<vnet id>/subnets/<name>`, its ASGs by id: both through real outputs.
  const nics: pulumi.Output<string>[] = [];
  for (const n of of('network:NetworkInterface')) {
    const ipConfigurations = (n.inputs.ipConfigurations as Json[]).map((c) => {
      const [vnet, ...rest] = (c.subnet as { id: string }).id.split('/');
      return {
        ...c,
        applicationSecurityGroups: asgs(c.applicationSecurityGroups),
        subnet: { id: ids.get(vnet)!.apply((id) => [id, ...rest].join('/')) },
      };
    });
    const nic = new network.NetworkInterface(n.name, { ...n.inputs, resourceGroupName: group.name, ipConfigurations });
    nics.push(nic.id);
  }
  await finished(registered, [...vnets, ...nics]);
  if (process.argv[3]) writeFileSync(process.argv[3], JSON.stringify(registered));
})();
