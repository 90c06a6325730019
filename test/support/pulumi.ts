import * as pulumi from '@pulumi/pulumi';
import type { AzureRule } from '../../lib/pulumi';
import type { Endpoint, Resolution } from '../../lib/spec';

export type Registered = pulumi.runtime.MockResourceArgs;

/** Installs Pulumi's mocks and records every registered resource. */
export async function recordResources(): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args);
        return { id: `${args.name}-id`, state: { ...args.inputs, id: `${args.name}-id` } };
      },
      call: (args) => args.inputs,
    },
    'portplan-example',
    'test',
    false,
  );
  return registered;
}

/** Waits until every resource an Azure component registered (ASGs, NSG, standalone rules) is registered. */
export async function settleComponent(plan: {
  readonly applicationSecurityGroups: Readonly<Record<string, { readonly id: pulumi.Output<string> }>>;
  readonly networkSecurityGroup?: { readonly id: pulumi.Output<string> };
  readonly securityRules: readonly { readonly id: pulumi.Output<string> }[];
}): Promise<void> {
  await Promise.all([
    ...Object.values(plan.applicationSecurityGroups).map((a) => settle(a.id)),
    ...(plan.networkSecurityGroup ? [settle(plan.networkSecurityGroup.id)] : []),
    ...plan.securityRules.map((r) => settle(r.id)),
  ]);
}

export const settle = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

type Json = Record<string, unknown>;

/** NSG rules as lines `direction access source destination protocol ports`, ASGs named by group. */
export function ruleLines(rules: readonly Json[], asgIds: ReadonlyMap<string, string>): string[] {
  const side = (asgs: unknown, prefix: unknown) =>
    Array.isArray(asgs)
      ? asgs.map((a: Json) => asgIds.get(String(a.id)) ?? `unknown:${String(a.id)}`).join('+')
      : String(prefix);
  const ports = (r: Json) =>
    ((r.destinationPortRanges as string[] | undefined) ?? [String(r.destinationPortRange)]).join(',');
  return rules
    .map(
      (r) =>
        `${r.direction} ${r.access} ${side(r.sourceApplicationSecurityGroups, r.sourceAddressPrefix)} ${side(r.destinationApplicationSecurityGroups, r.destinationAddressPrefix)} ${r.protocol} ${ports(r)}`,
    )
    .sort();
}

/**
 * The rules a resolution calls for, computed from the flows alone: per direction, source,
 * destination and protocol one allow rule with every range. With `deny`: per group an inbound
 * VirtualNetwork deny and (unless `loadBalancer` is false) an AzureLoadBalancer allow, and with
 * restricted egress an outbound deny of everything else.
 */
export function expectedLines(resolution: Resolution, deny: boolean, loadBalancer = true): string[] {
  const d = resolution.declaration;
  const name = (e: Endpoint) => (e.kind === 'group' ? e.name : e.cidr);
  const rules = new Map<string, string[]>();
  const add = (key: string, range: string) => rules.set(key, [...(rules.get(key) ?? []), range]);
  for (const f of resolution.flows) {
    const range = f.fromPort === f.toPort ? `${f.fromPort}` : `${f.fromPort}-${f.toPort}`;
    const proto = f.protocol === 'tcp' ? 'Tcp' : 'Udp';
    if (f.to.kind === 'group') add(`Inbound Allow ${name(f.from)} ${name(f.to)} ${proto}`, range);
    if (d.egress === 'restricted' && f.from.kind === 'group')
      add(`Outbound Allow ${name(f.from)} ${name(f.to)} ${proto}`, range);
  }
  const lines = [...rules].map(([k, ranges]) => `${k} ${ranges.join(',')}`);
  if (deny) {
    for (const g of d.groups) {
      lines.push(`Inbound Deny VirtualNetwork ${g.name} * *`);
      if (loadBalancer) lines.push(`Inbound Allow AzureLoadBalancer ${g.name} * *`);
      if (d.egress === 'restricted') lines.push(`Outbound Deny ${g.name} * * *`);
    }
  }
  return lines.sort();
}

export const byPriority = (rules: readonly AzureRule[]) => new Map(rules.map((r) => [r.name, r.priority]));
