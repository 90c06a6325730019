// verify azure on a site built from the plan of a catalog with ICMP and ICMPv6 flows: the plan's
// Icmp rules (every message, as documented) are what the site is checked against, so a fresh site
// has every flow allowed and no extra rule; an Icmp rule removed blocks its flows.
import { AZURE_LIMITS, planAzure, securityRuleArgs } from '../../lib/azure/plan';
import { resolve } from '../../lib/model';
import { asgKey, readNsg, verifyAzureSite } from '../../lib/verify/site-azure';
import { ICMP_CATALOG, ICMP_DECLARATION } from '../support/icmp-catalog';

const r = resolve(ICMP_DECLARATION, { catalogs: [ICMP_CATALOG] });
const plan = planAzure(r, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
const asgId = (g: string) =>
  `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/${g}`;
const groups = Object.fromEntries(r.declaration.groups.map((g) => [g.name, asgKey(asgId(g.name))]));
const nsgOf = (keep: (name: string) => boolean) =>
  readNsg(
    { name: 'nsg', securityRules: plan.rules.filter((x) => keep(x.name)).map((x) => securityRuleArgs(x, asgId)) },
    'nsg.json',
  );
const NETWORK = { addressSpace: ['10.40.0.0/16', 'fd00:40::/48'] };

test('a site as planned: every ICMP flow allowed, the wider Icmp rules not extra', () => {
  const report = verifyAzureSite(
    r,
    NETWORK,
    nsgOf(() => true),
    groups,
  );
  expect(report.flows.map((f) => [f.from, f.to, f.protocol, f.status])).toEqual([
    ['nodes', 'monitors', 'icmpv6', 'allowed'],
    ['monitors', 'nodes', 'icmp', 'allowed'],
    ['monitors', 'nodes', 'tcp', 'allowed'],
    ['probe', 'nodes', 'icmp', 'allowed'],
  ]);
  expect(report.extra).toEqual([]);
  expect(report.drift).toBe(false);
});

test('the inbound Icmp rule from the monitors removed: echo requests blocked at ingress, with a witness', () => {
  const report = verifyAzureSite(
    r,
    NETWORK,
    nsgOf((n) => n !== 'in-monitors-to-nodes-icmp'),
    groups,
  );
  const echo = report.flows.find((f) => f.protocol === 'icmp' && f.from === 'monitors')!;
  expect(echo.status).toBe('blocked');
  expect(echo.blocked.map((b) => b.side)).toEqual(['ingress']);
  expect(echo.blocked[0].witness).toMatchObject({ protocol: 1, icmpType: 8 });
  expect(report.drift).toBe(true);
});
