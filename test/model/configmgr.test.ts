// The example catalog of a real vendor table, Microsoft Configuration Manager's "Ports used in
// Configuration Manager" (examples/catalogs/configmgr.yaml), through resolve, the Azure plan (the
// ARM rule validator) and the host firewall: the dynamic RPC range, a flow either side opens, ICMP
// echo, a broadcast, and PXE set on one distribution point group only. Its CDK stack is in the
// validation suite (test/cdk/validation.test.ts, VarietyConfigMgr: aws-cdk-lib validation, cfn-lint).
import { resolve } from '../../lib/model';
import { planAzure, securityRuleArgs } from '../../lib/azure/plan';
import { validateSecurityRules, type ArmSecurityRule } from '../../lib/azure/rules';
import { planHost } from '../../lib/host';
import { CONFIGMGR_CATALOG, CONFIGMGR_DECLARATION } from '../support/configmgr-catalog';

const resolution = resolve(CONFIGMGR_DECLARATION, { catalogs: [CONFIGMGR_CATALOG] });
const between = (from: string, to: string) => resolution.flows.filter((f) => f.from.name === from && f.to.name === to);

test('every flow cites a row of the table; the document is cited on every row', () => {
  expect(resolution.flows.length).toBeGreaterThan(0);
  const rows = new Set(CONFIGMGR_CATALOG.definition.rows.map((r) => r.id));
  for (const f of resolution.flows) for (const r of f.rows) expect(rows.has(r)).toBe(true);
});

test('PXE opens on the group that sets it only, DHCP to TFTP and the dynamic range; the broadcast warns', () => {
  const pxe = between('clients', 'dp-pxe').filter((f) => f.rows.includes('CM6'));
  expect(pxe.map((f) => [f.protocol, f.fromPort, f.toPort])).toEqual([
    ['udp', 67, 69],
    ['udp', 4011, 4011],
    ['udp', 49152, 65535],
  ]);
  expect(between('clients', 'dp').some((f) => f.rows.includes('CM6'))).toBe(false);
  expect(resolution.warnings.map((w) => w.code)).toContain('broadcast-configmgr-pxe-dhcp');
});

test('the management point and the site server open RPC, SMB and the dynamic range to each other', () => {
  const ports = (from: string, to: string) => between(from, to).map((f) => `${f.protocol} ${f.fromPort}-${f.toPort}`);
  expect(ports('mp', 'site-server')).toEqual(['tcp 135-135', 'tcp 445-445', 'tcp 49152-65535']);
  expect(ports('site-server', 'mp')).toEqual(ports('mp', 'site-server'));
});

test('wake-up proxy: ICMP echo requests between clients, written exactly where the target can', () => {
  const echo = between('clients', 'clients').filter((f) => f.protocol === 'icmp');
  expect(echo.map((f) => f.icmp)).toEqual([{ type: 8 }]);
  const host = planHost(resolution, { role: 'configmgr:client', os: 'windows' });
  expect(host.rules.some((r) => r.protocol === 'icmp')).toBe(true);
  const azure = planAzure(resolution, { band: { from: 100, to: 4096 }, denyOtherVnetTraffic: true });
  // Each rule in the shape the component registers it, ASGs by an id of the group's name.
  const arm = azure.rules.map((r) => securityRuleArgs(r, (g) => ({ id: `asg-${g}` })) as unknown as ArmSecurityRule);
  expect(validateSecurityRules(arm)).toEqual([]);
  // Azure's Icmp has no type: the rule is wider than echo requests, and the plan says so.
  expect(azure.warnings.some((w) => w.code === 'azure-icmp-wider')).toBe(true);
  expect(azure.rules.filter((r) => r.protocol === 'Icmp')).toHaveLength(1);
});
