import * as pulumi from '@pulumi/pulumi';
import type { AzureRule } from '../../lib/pulumi';
import type { Endpoint, Resolution } from '../../lib/model';

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

/**
 * NSG rules as lines `direction access source destination protocol ports`, ASGs named by group. An
 * ASG that stands for several groups (a role-wide ASG, which every NIC of a role's groups joins)
 * gives one line per member, as Azure applies the rule to each; lines of one direction, access,
 * source, destination and protocol are merged, their ports in port order.
 * @param asgIds each ASG's id: the group it is, or the groups whose NICs join it
 */
export function ruleLines(rules: readonly Json[], asgIds: ReadonlyMap<string, string | readonly string[]>): string[] {
  const side = (asgs: unknown, prefix: unknown): string[] =>
    Array.isArray(asgs)
      ? asgs.flatMap((a: Json) => asgIds.get(String(a.id)) ?? `unknown:${String(a.id)}`)
      : [String(prefix)];
  const ports = (r: Json) => (r.destinationPortRanges as string[] | undefined) ?? [String(r.destinationPortRange)];
  const merged = new Map<string, string[]>();
  for (const r of rules) {
    for (const src of side(r.sourceApplicationSecurityGroups, r.sourceAddressPrefix))
      for (const dst of side(r.destinationApplicationSecurityGroups, r.destinationAddressPrefix)) {
        const key = `${r.direction} ${r.access} ${src} ${dst} ${r.protocol}`;
        merged.set(key, [...(merged.get(key) ?? []), ...ports(r)]);
      }
  }
  const first = (range: string) => (range === '*' ? -1 : Number(range.split('-')[0]));
  return [...merged].map(([k, p]) => `${k} ${[...p].sort((a, b) => first(a) - first(b)).join(',')}`).sort();
}

/**
 * The ASG ids a component registered, for {@link ruleLines}: a group's ASG by its `portplan:group`
 * tag; a role-wide ASG (tagged with a role id) by the declaration's groups of that role.
 */
export function asgMembers(
  component: string,
  registered: readonly { type: string; name: string; inputs: Json }[],
  resolution: Resolution,
): Map<string, string | readonly string[]> {
  const out = new Map<string, string | readonly string[]>();
  for (const r of registered) {
    if (r.type !== 'azure-native:network:ApplicationSecurityGroup' || !r.name.startsWith(`${component}-`)) continue;
    const tag = String((r.inputs.tags as Json)['portplan:group']);
    const members = resolution.declaration.groups.filter((g) => g.role === tag).map((g) => g.name);
    out.set(`${r.name}-id`, tag.includes(':') ? members : tag);
  }
  return out;
}

/**
 * The rules a resolution calls for, computed from the flows alone: per direction, source,
 * destination and protocol one allow rule with every range. With `deny`: per group an inbound
 * VirtualNetwork deny and (unless `loadBalancer` is false) an AzureLoadBalancer allow, and with
 * restricted egress an outbound deny of everything else.
 */
export function expectedLines(resolution: Resolution, deny: boolean, loadBalancer = true): string[] {
  const d = resolution.declaration;
  const name = (e: Endpoint) => (e.kind === 'group' ? e.name : (e.serviceTag ?? e.cidr!));
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
