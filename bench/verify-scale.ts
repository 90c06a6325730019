// A standalone measurement, not part of `npm run bench`: the in-process time of verify aws on a
// scaleDeclaration(n) plan deployed as planned, and of verify azure with 1,000 extra rules of
// 1024-65535 (`azure`: deny rules, `azure-allow`: allow rules, each reported with its surplus).
// npx ts-node --transpile-only bench/verify-scale.ts aws|azure|azure-allow <groups>
import { performance } from 'node:perf_hooks';
import { planRules } from '../lib/aws/plan';
import { AZURE_LIMITS, planAzureRules, securityRuleArgs } from '../lib/azure/plan';
import { cloudGroupNames, resolve } from '../lib/model';
import { verifyAwsSite, type DeployedGroup } from '../lib/verify/site-aws';
import { asgKey, asgsOfGroups, readNsg, verifyAzureSite } from '../lib/verify/site-azure';
import { scaleDeclaration } from './scale';

const [mode, nText] = process.argv.slice(2);
const n = Number(nText);
const r = resolve(scaleDeclaration(n));
const sg = (g: string) => `sg-${g}`;
if (mode === 'aws') {
  const plan = planRules(r);
  const groups: DeployedGroup[] = [...plan.groups, ...plan.roleGroups].map((g) => ({
    groupId: sg(g.name),
    ingress: plan.rules
      .filter((x) => x.group === g.name && x.direction === 'inbound')
      .map((x) => ({
        ipProtocol: x.protocol,
        fromPort: x.fromPort,
        toPort: x.toPort,
        ...(x.remote.kind === 'group' ? { referencedGroupId: sg(x.remote.name) } : { cidrIpv4: x.remote.cidr }),
      })),
    egress: [{ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }],
  }));
  const ids = Object.fromEntries(cloudGroupNames(r).map((g) => [g, sg(g)]));
  const t = performance.now();
  const report = verifyAwsSite(r, ids, groups);
  const ms = performance.now() - t;
  console.log(JSON.stringify({ mode, n, flows: report.flows.length, drift: report.drift, ms: Math.round(ms) }));
} else {
  const plan = planAzureRules(r.declaration, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
  const names = cloudGroupNames(r);
  const asgId = (g: string) => `/subscriptions/s/applicationSecurityGroups/asg-${g.replace(/:/g, '_')}`;
  const asgs = names.map((g) => ({ key: asgKey(asgId(g)), name: `asg-${g}`, tags: { 'portplan:group': g } }));
  const rules: Record<string, unknown>[] = plan.rules.map(
    (x) => securityRuleArgs(x, asgId) as unknown as Record<string, unknown>,
  );
  // 1,000 wide-range rules, each from its own /24, denied below the plan's band.
  for (let i = 0; i < 1000; i++)
    rules.push({
      name: `wide-${i}`,
      priority: 3000 + i,
      direction: 'Inbound',
      access: mode === 'azure-allow' ? 'Allow' : 'Deny',
      protocol: 'Tcp',
      sourcePortRange: '*',
      destinationPortRange: '1024-65535',
      sourceAddressPrefix: `172.${16 + (i >> 8)}.${i & 255}.0/24`,
      destinationAddressPrefix: '*',
    });
  const nsg = readNsg({ name: 'nsg', securityRules: rules }, 'nsg.json');
  const groups = asgsOfGroups(names, asgs, [], nsg);
  const t = performance.now();
  const report = verifyAzureSite(r, { addressSpace: ['10.40.0.0/16'] }, nsg, groups);
  const ms = performance.now() - t;
  console.log(
    JSON.stringify({
      mode,
      n,
      rules: rules.length,
      flows: report.flows.length,
      drift: report.drift,
      ms: Math.round(ms),
    }),
  );
}
