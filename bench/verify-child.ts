// One `verify` measurement in a fresh Node process, printed as one JSON line. Run by bench/verify.ts
// (precompiled, so no compiler in the process); the cloud's answers are built here, as EC2 and
// `az network nsg show` would give them:
//   verify-child.js aws <groups> <vpc rules> check|floor
//     verify aws of scaleDeclaration(groups) deployed as planned, in a VPC whose other groups
//     bring its rules to <vpc rules>; `floor` compiles the plan's deployed rules into packet sets
//     one by one (reading the input), with no set operation between them
//   verify-child.js azure <groups> <wide rules> deny|allow check|floor
//     verify azure of the same plan's NSG with <wide rules> more rules of 1024-65535, each from its
//     own /24, below the plan's band; `floor` compiles each rule of the NSG alone
import { performance } from 'node:perf_hooks';
import { planRules } from '../lib/aws/plan';
import { awsRulePackets } from '../lib/aws/site-packets';
import { AZURE_LIMITS, planAzureRules, securityRuleArgs } from '../lib/azure/plan';
import { rulePackets } from '../lib/azure/site-packets';
import { cloudGroupNames, placeCloudRules, resolve, type Resolution } from '../lib/model';
import { PacketSpace } from '../lib/packets';
import { verifyAwsSite, type DeployedGroup } from '../lib/verify/site-aws';
import { asgKey, asgsOfGroups, readNsg, verifyAzureSite } from '../lib/verify/site-azure';
import { scaleDeclaration } from './scale';

interface Result {
  /** Wall milliseconds of the work, modules loaded and input built. */
  workMs: number;
  /** CPU milliseconds of the work. */
  cpuMs: number;
  /** Peak resident memory, MB. */
  maxRssMb: number;
  /** Rules the check reads (AWS: of the plan's groups; Azure: of the NSG). */
  rules: number;
  /** Flows checked, and whether drift was found (check only). */
  flows?: number;
  drift?: boolean;
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function measure(work: () => Omit<Result, 'workMs' | 'cpuMs' | 'maxRssMb'>): Result {
  const [t0, c0] = [performance.now(), cpu()];
  const r = work();
  return { ...r, workMs: performance.now() - t0, cpuMs: cpu() - c0, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

const sg = (g: string) => `sg-${g}`;

/** The plan's groups as EC2 gives them, then the VPC's other groups (50 rules each) up to `vpcRules`. */
function awsSite(r: Resolution, vpcRules: number): DeployedGroup[] {
  const plan = planRules(r);
  const planned: DeployedGroup[] = [...plan.groups, ...plan.roleGroups].map((g) => ({
    groupId: sg(g.name),
    ingress: plan.rules
      .filter((x) => x.group === g.name && x.direction === 'inbound')
      .map((x) => ({
        ipProtocol: x.protocol,
        fromPort: x.fromPort,
        toPort: x.toPort,
        ...(x.remote.kind === 'group'
          ? { referencedGroupId: sg(x.remote.name) }
          : x.remote.kind === 'cidr'
            ? { cidrIpv4: x.remote.cidr }
            : { prefixListId: x.remote.prefixList.id }),
      })),
    egress: [{ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }],
  }));
  const count = planned.reduce((n, g) => n + g.ingress.length + g.egress.length, 0);
  const others: DeployedGroup[] = [];
  for (let i = 0; count + others.length * 50 < vpcRules; i++) {
    others.push({
      groupId: `sg-other-${i}`,
      ingress: Array.from({ length: 49 }, (_, k) => ({
        ipProtocol: 'tcp',
        fromPort: 1000 + k,
        toPort: 1000 + k,
        cidrIpv4: `10.${(i >> 8) & 255}.${i & 255}.0/24`,
      })),
      egress: [{ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }],
    });
  }
  return [...planned, ...others];
}

function aws(n: number, vpcRules: number, mode: string): Result {
  const r = resolve(scaleDeclaration(n));
  const groups = awsSite(r, vpcRules);
  const ids = Object.fromEntries(cloudGroupNames(r).map((g) => [g, sg(g)]));
  const mine = new Set(Object.values(ids));
  const site = groups.filter((g) => mine.has(g.groupId));
  const rules = site.reduce((k, g) => k + g.ingress.length + g.egress.length, 0);
  if (mode === 'floor') {
    const names = r.declaration.groups.map((g) => g.name);
    const ctx = { space: new PacketSpace(names), carriers: new Map(names.map((g) => [sg(g), [g]])) };
    return measure(() => {
      for (const g of site)
        for (const direction of ['ingress', 'egress'] as const)
          for (const [i, rule] of g[direction].entries()) awsRulePackets(ctx, g.groupId, direction, rule, `r${i}`);
      return { rules };
    });
  }
  return measure(() => {
    const report = verifyAwsSite(r, ids, groups);
    return { rules, flows: report.flows.length, drift: report.drift };
  });
}

function azure(n: number, wide: number, access: string, mode: string): Result {
  const r = resolve(scaleDeclaration(n));
  const plan = planAzureRules(r.declaration, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
  const names = cloudGroupNames(r);
  const asgId = (g: string) => `/subscriptions/s/applicationSecurityGroups/asg-${g.replace(/:/g, '_')}`;
  const asgs = names.map((g) => ({ key: asgKey(asgId(g)), name: `asg-${g}`, tags: { 'portplan:group': g } }));
  const rules: Record<string, unknown>[] = plan.rules.map(
    (x) => securityRuleArgs(x, asgId) as unknown as Record<string, unknown>,
  );
  for (let i = 0; i < wide; i++)
    rules.push({
      name: `wide-${i}`,
      priority: 3000 + i,
      direction: 'Inbound',
      access: access === 'allow' ? 'Allow' : 'Deny',
      protocol: 'Tcp',
      sourcePortRange: '*',
      destinationPortRange: '1024-65535',
      sourceAddressPrefix: `172.${16 + (i >> 8)}.${i & 255}.0/24`,
      destinationAddressPrefix: '*',
    });
  const nsg = readNsg({ name: 'nsg', securityRules: rules }, 'nsg.json');
  const groups = asgsOfGroups(names, asgs, [], nsg);
  const network = { addressSpace: ['10.40.0.0/16'] };
  if (mode === 'floor') {
    const roles = new Map(placeCloudRules(r).roleGroups.map((g) => [g.name, g.groups]));
    const members = new Map(Object.entries(groups).map(([g, key]) => [key, roles.get(g) ?? [g]]));
    const space = new PacketSpace(r.declaration.groups.map((g) => g.name));
    const ctx = { space, virtualNetwork: network.addressSpace, members };
    return measure(() => {
      for (const rule of nsg.rules) rulePackets(ctx, rule, String(rule.name));
      return { rules: nsg.rules.length };
    });
  }
  return measure(() => {
    const report = verifyAzureSite(r, network, nsg, groups);
    return { rules: nsg.rules.length, flows: report.flows.length, drift: report.drift };
  });
}

const [cloud, ...args] = process.argv.slice(2);
const result =
  cloud === 'aws'
    ? aws(Number(args[0]), Number(args[1]), args[2])
    : cloud === 'azure'
      ? azure(Number(args[0]), Number(args[1]), args[2], args[3])
      : undefined;
if (!result) throw new Error(`unknown cloud ${cloud}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
