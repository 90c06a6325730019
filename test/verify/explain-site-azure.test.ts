import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { resolve, type Declaration, type Resolution } from '../../lib/model';
import {
  describePacket,
  difference,
  inSpace,
  intersection,
  isEmpty,
  packets,
  union,
  witness,
  type PacketSet,
} from '../../lib/packets';
import type { AdminRule } from '../../lib/azure/admin-rules';
import { rulePackets } from '../../lib/azure/site-packets';
import {
  applyAzureChanges,
  explainAzureSite,
  type AzureNsgChange,
  type AzureRuleChange,
} from '../../lib/verify/explain-azure';
import type { PairQuery } from '../../lib/verify/explain-pair';
import type { SiteAnswer } from '../../lib/verify/explain-site';
import { flowPackets, planPackets, ruleView } from '../../lib/verify/plan-packets';
import {
  adminDecisions,
  asgsOfGroups,
  azureSiteModel,
  readAsgs,
  readNsg,
  type AzureSiteOptions,
  type NsgInput,
} from '../../lib/verify/site-azure';

// The example program's NSGs as Azure returns them are the site as planned; each case drifts one
// the way a change made in Azure would (an Allow rule deleted, a port range taken out of it, a Deny
// put before it), asks explain about each pair of the plan, applies the changes it suggests and
// compiles the NSG again: it must then let through exactly what it did as planned.
const DIR = join(__dirname, '../fixtures/azure');
const json = (name: string): unknown => JSON.parse(readFileSync(join(DIR, name), 'utf8'));
const NETWORK = { addressSpace: ['10.40.0.0/16'] };
const asgs = readAsgs(json('asgs.json'), 'asgs.json');
type Rule = Record<string, unknown>;

interface Site {
  readonly resolution: Resolution;
  readonly raw: Rule[];
  readonly nsg: NsgInput;
  readonly groups: Record<string, string>;
}
function site(component: string): Site {
  const resolution = resolve(json(`${component}-declaration.json`) as Declaration);
  const raw = (json(`${component}-nsg.json`) as { securityRules: Rule[] }).securityRules;
  const nsg = readNsg({ name: `${component}-nsg`, securityRules: raw }, `${component}-nsg.json`);
  const names = resolution.declaration.groups.map((g) => g.name);
  return { resolution, raw, nsg, groups: asgsOfGroups(names, asgs, [], nsg) };
}

const changesOf = (a: SiteAnswer<AzureRuleChange>): AzureRuleChange[] =>
  a.directions.flatMap((d) => d.flows.flatMap((f) => f.gaps.flatMap((g) => g.changes)));

/** Asks about each pair of the plan in turn, making the changes each answer suggests; all changes made. */
function repair(s: Site, nsg: NsgInput, options: AzureSiteOptions = {}): { nsg: NsgInput; changes: AzureRuleChange[] } {
  const pairs = new Map<string, [string, string]>();
  for (const f of s.resolution.flows) pairs.set(JSON.stringify([f.from.name, f.to.name]), [f.from.name, f.to.name]);
  let now = nsg;
  const changes: AzureRuleChange[] = [];
  for (const [from, to] of pairs.values()) {
    const made = changesOf(explainAzureSite(s.resolution, { from, to }, NETWORK, now, s.groups, options));
    changes.push(...made);
    now = applyAzureChanges(now, made);
  }
  return { nsg: now, changes };
}

function differs(a: PacketSet, b: PacketSet): string | undefined {
  const moved = inSpace(b, a.space);
  const w = witness(difference(a, moved)) ?? witness(difference(moved, a));
  return w && describePacket(w);
}

const COMPONENTS = ['sum', 'sum7', 'serverprotect'];

describe.each(COMPONENTS)('%s', (component) => {
  const s = site(component);
  const planned = azureSiteModel(s.resolution, NETWORK, s.nsg, s.groups);
  const needed = planPackets(planned.ctx.space, s.resolution.flows, ruleView);
  // The Allow rules that admit packets of the plan (not the probes', not one the plan lacks).
  const allows = s.raw.flatMap((r, i) =>
    r.access === 'Allow' &&
    r.sourceAddressPrefix !== 'AzureLoadBalancer' &&
    !isEmpty(intersection(rulePackets(planned.ctx, s.nsg.rules[i], 'r'), needed))
      ? [i]
      : [],
  );

  test('as deployed: nothing to change', () => {
    expect(allows.length).toBeGreaterThan(2);
    expect(repair(s, s.nsg).changes).toEqual([]);
  });

  test('a deleted, narrowed or denied Allow rule: the suggested rules restore exactly the planned NSG', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allows), fc.constantFrom('delete', 'narrow', 'deny'), (index, how) => {
        const r = s.raw[index];
        const ranges = (r.destinationPortRanges as string[] | undefined) ?? [String(r.destinationPortRange)];
        const drifted: Rule[] =
          how === 'delete' || (how === 'narrow' && ranges.length < 2)
            ? s.raw.filter((_, i) => i !== index)
            : how === 'narrow'
              ? s.raw.map((x, i) => (i === index ? { ...x, destinationPortRanges: ranges.slice(1) } : x))
              : [...s.raw, { ...r, name: 'deny-drift', access: 'Deny', priority: Number(r.priority) - 1 }];
        const nsg = readNsg({ name: s.nsg.name, securityRules: drifted }, 'drifted');
        const { nsg: fixed, changes } = repair(s, nsg);
        expect(changes.length).toBeGreaterThan(0);
        const after = azureSiteModel(s.resolution, NETWORK, fixed, s.groups);
        // Each added rule admits only packets of the plan, as its rules admit them.
        for (const c of changes.filter((x): x is AzureNsgChange => x.action === 'add')) {
          const added = rulePackets(after.ctx, c.rule, 'added');
          const plan = s.resolution.flows.map((f) => flowPackets(after.ctx.space, f, ruleView));
          expect(plan.some((p) => isEmpty(difference(added, p)))).toBe(true);
          if (how === 'deny') expect(Number(c.rule.priority)).toBeLessThan(Number(r.priority) - 1);
        }
        expect(differs(planned.site.ingress, after.site.ingress)).toBeUndefined();
        expect(differs(planned.site.egress, after.site.egress)).toBeUndefined();
        expect(repair(s, fixed).changes).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  // A deleted Allow rule, and an admin rule over the ports of a planned flow it admitted, from the
  // whole VNet or a /24 of it.
  const ported = s.resolution.flows.filter((f) => !f.icmp && f.from.kind === 'group' && f.to.kind === 'group');
  const admitted = (i: number) =>
    ported.filter(
      (f) =>
        !isEmpty(
          intersection(rulePackets(planned.ctx, s.nsg.rules[i], 'r'), flowPackets(planned.ctx.space, f, ruleView)),
        ),
    );
  const drawn = fc.constantFrom(...allows.filter((i) => admitted(i).length)).chain((index) =>
    fc.record({
      index: fc.constant(index),
      flow: fc.constantFrom(...admitted(index)),
      direction: fc.constantFrom('Inbound' as const, 'Outbound' as const),
      access: fc.constantFrom('Deny' as const, 'AlwaysAllow' as const, 'Allow' as const),
      part: fc.boolean(),
    }),
  );

  test('an admin rule and a drifted NSG: the NSG changes restore the planned NSG under the admin rule', () => {
    fc.assert(
      fc.property(drawn, ({ index, ...a }) => {
        const rule: AdminRule = {
          name: 'drawn',
          priority: 10,
          direction: a.direction,
          access: a.access,
          protocol: a.flow.protocol === 'udp' ? 'Udp' : 'Tcp',
          destinationPortRanges: [`${a.flow.fromPort}-${a.flow.toPort}`],
          ...(a.part ? { sources: [{ addressPrefix: '10.40.0.0/24', addressPrefixType: 'IPPrefix' as const }] } : {}),
        };
        const options = { adminRules: [rule] };
        const nsg = readNsg({ name: s.nsg.name, securityRules: s.raw.filter((_, i) => i !== index) }, 'drifted');
        const { nsg: fixed, changes } = repair(s, nsg, options);
        const want = azureSiteModel(s.resolution, NETWORK, s.nsg, s.groups, options);
        const after = azureSiteModel(s.resolution, NETWORK, fixed, s.groups, options);
        expect(differs(want.site.ingress, after.site.ingress)).toBeUndefined();
        expect(differs(want.site.egress, after.site.egress)).toBeUndefined();
        // What is left is the admin rule's to change, and only when it denies.
        const left = repair(s, fixed, options).changes;
        expect(left.every((c) => c.action === 'change-admin-rule' && c.adminRule === rule)).toBe(true);
        expect(left.length > 0).toBe(a.access === 'Deny');
        // Every NSG rule suggested opens packets the admin rule leaves to the NSG.
        for (const c of changes.filter((x): x is AzureNsgChange => x.action === 'add')) {
          const added = rulePackets(after.ctx, c.rule, 'added');
          const decided = adminDecisions(after.site, c.rule.direction === 'Inbound' ? 'Inbound' : 'Outbound')!;
          expect(isEmpty(difference(added, union(decided.denied, decided.alwaysAllowed)))).toBe(false);
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe('sum: what the suggestion says', () => {
  const s = site('sum');
  const flow = s.resolution.flows.find((f) => f.from.name === 'workstation' && f.to.name === 'linux-targets')!;

  test('a Deny before the Allow: an Allow rule below it, from the ASG to the ASG, naming the Deny', () => {
    const deny = { ...s.raw.find((r) => r.name === 'in-workstation-to-linux-targets-tcp')! };
    const nsg = readNsg(
      { name: 'sum-nsg', securityRules: [...s.raw, { ...deny, name: 'deny-drift', access: 'Deny', priority: 200 }] },
      'x',
    );
    const a = explainAzureSite(s.resolution, { from: flow.from.name, to: flow.to.name }, NETWORK, nsg, s.groups);
    const f = a.directions[0].flows.find((x) => x.fromPort === flow.fromPort && x.protocol === flow.protocol)!;
    expect(f.rows).toEqual(flow.rows);
    expect(f.status).toBe('blocked');
    expect(f.gaps.map((g) => g.changes)).toEqual([
      [
        {
          action: 'add',
          nsg: 'sum-nsg',
          from: 'workstation',
          to: 'linux-targets',
          blockedBy: ['deny-drift (priority 200)'],
          rule: expect.objectContaining({
            name: 'explain-inbound-199',
            priority: 199,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Tcp',
            sourceApplicationSecurityGroups: [{ id: s.groups.workstation }],
            destinationApplicationSecurityGroups: [{ id: s.groups['linux-targets'] }],
          }),
        },
      ],
    ]);
  });

  test('a Deny at the first priority: remove it', () => {
    const deny = { ...s.raw.find((r) => r.name === 'in-workstation-to-linux-targets-tcp')! };
    const rules = [...s.raw, { ...deny, name: 'deny-first', access: 'Deny', priority: 100 }];
    const nsg = readNsg({ name: 'sum-nsg', securityRules: rules }, 'x');
    const a = explainAzureSite(s.resolution, { from: flow.from.name, to: flow.to.name }, NETWORK, nsg, s.groups);
    const f = a.directions[0].flows.find((x) => x.fromPort === flow.fromPort && x.protocol === flow.protocol)!;
    expect(f.gaps[0].changes).toEqual([
      expect.objectContaining({ action: 'remove', rule: expect.objectContaining({ name: 'deny-first' }) }),
    ]);
  });
});

// Virtual Network Manager's security admin rules are evaluated before every NSG: Deny drops,
// AlwaysAllow delivers, Allow (or no match) leaves the packet to the NSGs
// (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins).
describe('sum: admin rules before the NSG', () => {
  const s = site('sum');
  const pair = { from: 'workstation', to: 'linux-targets' };
  // The NSG with the Allow rule of workstation -> linux-targets deleted: its Deny stops the flows.
  const deleted = readNsg(
    { name: 'sum-nsg', securityRules: s.raw.filter((r) => r.name !== 'in-workstation-to-linux-targets-tcp') },
    'x',
  );
  const admin = (r: Pick<AdminRule, 'name' | 'priority' | 'access'> & Partial<AdminRule>): AdminRule => ({
    direction: 'Inbound',
    protocol: 'Tcp',
    ...r,
  });
  const ask = (nsg: NsgInput, adminRules: AdminRule[], port?: PairQuery['port']) =>
    explainAzureSite(s.resolution, { ...pair, ...(port ? { port } : {}) }, NETWORK, nsg, s.groups, { adminRules });
  const ssh = (a: SiteAnswer<AzureRuleChange>) =>
    a.directions[0].flows.find((f) => f.protocol === 'tcp' && f.fromPort === 22)!;

  test('an AlwaysAllow opens a port the NSG denies: allowed, no change; what it admits beyond the plan names it', () => {
    const always = admin({ name: 'ops-ssh', priority: 10, access: 'AlwaysAllow', destinationPortRanges: ['22-23'] });
    const port = { protocol: 'tcp' as const, from: 1, to: 100 };
    expect(ssh(ask(deleted, [], port)).status).toBe('blocked');
    const a = ask(deleted, [always], port);
    expect(ssh(a)).toMatchObject({ status: 'allowed', gaps: [] });
    // Port 23 is no vendor row's: the admin rule admits it; the NSG's rules are never asked.
    expect(a.directions[0].unrequired).toEqual({
      packets: ['tcp workstation@10.40.0.0/16 -> linux-targets@10.40.0.0/16 23'],
      witness: expect.objectContaining({ protocol: 6, port: 23 }),
      rules: ['admin rule ops-ssh (priority 10)'],
    });
    // The flows the admin rule does not open still need the NSG's rule, over their ports only.
    const rest = changesOf(ask(deleted, [always]));
    expect(rest.map((c) => c.action === 'add' && c.rule.destinationPortRange)).toEqual(['60000-60007', '62286']);
  });

  test('a Deny blocks a planned port the NSG allows: the admin rule is the change, no NSG change', () => {
    const deny = admin({ name: 'no-ssh', priority: 20, access: 'Deny', destinationPortRanges: ['22'] });
    const a = ask(s.nsg, [deny]);
    const f = ssh(a);
    expect(f.status).toBe('blocked');
    expect(f.gaps.map((g) => [g.side, g.changes])).toEqual([
      [
        'ingress',
        [
          {
            action: 'change-admin-rule',
            adminRule: deny,
            from: 'workstation',
            to: 'linux-targets',
            blockedBy: ['admin rule no-ssh (priority 20)'],
            nsgBlockedBy: [],
            ports: [{ fromPort: 22, toPort: 22 }],
          },
        ],
      ],
    ]);
    // Every other flow of the pair is as the NSG alone leaves it: allowed.
    expect(changesOf(a)).toHaveLength(1);
    expect(a.directions.flatMap((d) => d.flows.filter((x) => x !== f).map((x) => x.status))).toEqual(
      Array(6).fill('allowed'),
    );
  });

  test('a Deny where the NSG denies too: no NSG change for its packets, the NSG rules behind it named', () => {
    const deny = admin({ name: 'no-ssh', priority: 20, access: 'Deny', destinationPortRanges: ['22'] });
    const changes = changesOf(ask(deleted, [deny]));
    expect(changes[0]).toMatchObject({
      action: 'change-admin-rule',
      blockedBy: ['admin rule no-ssh (priority 20)'],
      nsgBlockedBy: ['deny-vnet-to-linux-targets (priority 3776) of NSG sum-nsg'],
    });
    // The NSG's changes are for the other flows' ports; none opens 22, which the admin rule drops.
    expect(changes.slice(1).map((c) => c.action === 'add' && c.rule.destinationPortRange)).toEqual([
      '60000-60007',
      '62286',
    ]);
  });

  test('a Deny of part of the sources: the NSG change opens the rest, and exactly the Deny stays closed', () => {
    const sources = [{ addressPrefix: '10.40.0.0/24', addressPrefixType: 'IPPrefix' as const }];
    const deny = admin({ name: 'no-ssh-24', priority: 30, access: 'Deny', destinationPortRanges: ['22'], sources });
    const port = { protocol: 'tcp' as const, from: 22, to: 22 };
    const changes = ssh(ask(deleted, [deny], port)).gaps.flatMap((g) => g.changes);
    expect(changes.map((c) => c.action)).toEqual(['change-admin-rule', 'add']);
    const after = azureSiteModel(s.resolution, NETWORK, applyAzureChanges(deleted, changes), s.groups, {
      adminRules: [deny],
    });
    const flow = s.resolution.flows.find((f) => f.to.name === 'linux-targets' && f.fromPort === 22)!;
    const own = flowPackets(after.ctx.space, flow, after.view);
    const stopped = difference(own, after.site.ingress);
    const denied = intersection(own, packets(after.ctx.space, { source: { addresses: ['10.40.0.0/24'] } }));
    expect(isEmpty(denied)).toBe(false);
    expect(differs(stopped, denied)).toBeUndefined();
    // Asked again, only the admin rule is left to change, and the NSG no longer denies behind it.
    const again = ssh(ask(applyAzureChanges(deleted, changes), [deny], port)).gaps.flatMap((g) => g.changes);
    expect(changes[0]).toMatchObject({ nsgBlockedBy: ['deny-vnet-to-linux-targets (priority 3776) of NSG sum-nsg'] });
    expect(again).toEqual([{ ...changes[0], nsgBlockedBy: [] }]);
  });
});
