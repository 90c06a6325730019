import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { resolve, type Declaration, type Resolution } from '../../lib/model';
import { describePacket, difference, inSpace, intersection, isEmpty, witness, type PacketSet } from '../../lib/packets';
import { rulePackets } from '../../lib/azure/site-packets';
import {
  applyAzureChanges,
  explainAzureSite,
  type AzureNsgChange,
  type AzureRuleChange,
} from '../../lib/verify/explain-azure';
import type { SiteAnswer } from '../../lib/verify/explain-site';
import { flowPackets, planPackets, ruleView } from '../../lib/verify/plan-packets';
import { asgsOfGroups, azureSiteModel, readAsgs, readNsg, type NsgInput } from '../../lib/verify/site-azure';

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
function repair(s: Site, nsg: NsgInput): { nsg: NsgInput; changes: AzureRuleChange[] } {
  const pairs = new Map<string, [string, string]>();
  for (const f of s.resolution.flows) pairs.set(JSON.stringify([f.from.name, f.to.name]), [f.from.name, f.to.name]);
  let now = nsg;
  const changes: AzureRuleChange[] = [];
  for (const [from, to] of pairs.values()) {
    const made = changesOf(explainAzureSite(s.resolution, { from, to }, NETWORK, now, s.groups));
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
