import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, resolve, type Declaration, type Resolution } from '../../lib/model';
import {
  AzureInputError,
  asgKey,
  asgsOfGroups,
  readAsgs,
  readNsg,
  verifyAzureSite,
  type NsgInput,
} from '../../lib/verify/site-azure';
import { siteReportText } from '../../lib/verify/site';
import { asgId } from './azure-render';

// The fixtures are the example program's NSGs and ASGs as Azure returns them (azure-fixtures.test.ts
// keeps them in step); each drift variant edits the JSON as an out-of-band change in Azure would.
const DIR = join(__dirname, '../fixtures/azure');
const json = (name: string): unknown => JSON.parse(readFileSync(join(DIR, name), 'utf8'));
const NETWORK = { addressSpace: ['10.40.0.0/16'] };
const asgs = readAsgs(json('asgs.json'), 'asgs.json');

type Rule = Record<string, unknown>;
function site(
  component: string,
  edit: (rules: Rule[]) => Rule[] = (r) => r,
): { resolution: Resolution; nsg: NsgInput; groups: Record<string, string> } {
  const resolution = resolve(json(`${component}-declaration.json`) as Declaration);
  const raw = json(`${component}-nsg.json`) as { securityRules: Rule[] };
  const nsg = readNsg({ ...raw, securityRules: edit(raw.securityRules) }, `${component}-nsg.json`);
  return {
    resolution,
    nsg,
    groups: asgsOfGroups(
      resolution.declaration.groups.map((g) => g.name),
      asgs,
      [],
      nsg,
    ),
  };
}
const check = (s: ReturnType<typeof site>) => verifyAzureSite(s.resolution, NETWORK, s.nsg, s.groups);

test.each(['sum', 'sum7'])(
  '%s as deployed: every flow allowed; probe allows and denies are not extra; no drift',
  (component) => {
    const s = site(component);
    expect(s.nsg.rules.some((r) => r.sourceAddressPrefix === 'AzureLoadBalancer' && r.access === 'Allow')).toBe(true);
    expect(s.nsg.rules.some((r) => r.access === 'Deny')).toBe(true);
    const r = check(s);
    expect(r.flows.filter((f) => f.status !== 'allowed')).toEqual([]);
    expect(r.extra).toEqual([]);
    expect(r.drift).toBe(false);
    expect(r.flows.length).toBeGreaterThan(5);
    // Groups found by their portplan:group tag, among ASGs of three components with the same group names.
    expect(r.groups.every((g) => g.id === asgKey(asgId(`${component}-${g.name}`)))).toBe(true);
  },
);

test("serverprotect: the program's RDP rule from the bastion subnet is the one rule no flow needs", () => {
  const r = check(site('serverprotect'));
  expect(r.flows.every((f) => f.status === 'allowed')).toBe(true);
  expect(r.extra).toEqual([
    expect.objectContaining({
      group: 'normal-servers',
      direction: 'inbound',
      remote: '10.40.250.0/26',
      protocol: 'Tcp',
      ports: '3389',
      worldOpen: false,
    }),
  ]);
  expect(r.extra[0].rule).toMatch(/^allow-rdp-from-bastion \(priority \d+\)$/);
});

test('an ARM template export (rules under properties, names through parameters) reads as the same NSG', () => {
  const fromShow = check(site('serverprotect'));
  const exported = json('serverprotect-export.json');
  const nsg = readNsg(exported, 'serverprotect-export.json');
  const exportAsgs = readAsgs(exported, 'serverprotect-export.json');
  const resolution = resolve(json('serverprotect-declaration.json') as Declaration);
  const groups = asgsOfGroups(
    resolution.declaration.groups.map((g) => g.name),
    exportAsgs,
    [],
    nsg,
  );
  expect(nsg.rules).toHaveLength(site('serverprotect').nsg.rules.length);
  // The same report but for the ids: an export does not name its own subscription and resource group.
  const exportId = (name: string) =>
    `/subscriptions/<export>/resourcegroups/<export>/providers/microsoft.network/applicationsecuritygroups/${name}`;
  expect(verifyAzureSite(resolution, NETWORK, nsg, groups)).toEqual({
    ...fromShow,
    groups: fromShow.groups.map((g) => ({ ...g, id: exportId(`serverprotect-${g.name}`) })),
  });
});

describe('an ARM export whose NSG names ASGs of another resource group', () => {
  // `az group export` of portplan-example, whose rules name the ASGs of portplan-asgs as
  // [parameters('..._externalid')], the ids as default values; portplan-asgs holds ASGs with the
  // same names and tags as portplan-example's (asgs-external.json: az network asg list -g portplan-asgs).
  const file = 'serverprotect-export-external.json';
  const nsg = readNsg(json(file), file);
  const external = readAsgs(json('asgs-external.json'), 'asgs-external.json');
  const both = [...asgs, ...external];
  const resolution = resolve(json('serverprotect-declaration.json') as Declaration);
  const names = resolution.declaration.groups.map((g) => g.name);
  const inGroup = (group: string) => (a: { name: string; key: string }) =>
    a.key.includes(`/resourcegroups/${group}/`) && a.name.startsWith('serverprotect-');

  test("the tags find the ASGs the NSG names, in their own resource group; the report is the same NSG's", () => {
    const groups = asgsOfGroups(names, both, [], nsg);
    expect(Object.keys(groups).sort()).toEqual([...names].sort());
    for (const key of Object.values(groups))
      expect(external.filter(inGroup('portplan-asgs')).map((a) => a.key)).toContain(key);
    expect(verifyAzureSite(resolution, NETWORK, nsg, groups)).toEqual({
      ...check(site('serverprotect')),
      groups: names.map((name) => ({ name, id: groups[name] })),
    });
  });

  test('--group by resource id, in any case: no portplan rule is extra', () => {
    const given = names.map((n) => {
      const a = external.find((x) => x.tags['portplan:group'] === n && inGroup('portplan-asgs')(x))!;
      return `${n}=${a.key.toUpperCase()}`;
    });
    const r = verifyAzureSite(resolution, NETWORK, nsg, asgsOfGroups(names, both, given, nsg));
    expect(r.flows.every((f) => f.status === 'allowed')).toBe(true);
    expect(r.extra.map((e) => e.rule.split(' ')[0])).toEqual(['allow-rdp-from-bastion']);
  });

  test("--group naming the same-named ASGs of the NSG's own group: no rule names them, so every allow rule is extra", () => {
    const given = names.map(
      (n) => `${n}=${asgs.find((x) => x.tags['portplan:group'] === n && inGroup('portplan-example')(x))!.key}`,
    );
    const r = verifyAzureSite(resolution, NETWORK, nsg, asgsOfGroups(names, both, given, nsg));
    const allows = nsg.rules.filter((x) => x.access === 'Allow' && x.sourceAddressPrefix !== 'AzureLoadBalancer');
    expect(r.extra).toHaveLength(allows.length);
    expect(allows.length).toBeGreaterThan(3);
  });

  test('resource ids compare as Azure compares them: without regard to case, resource group and all', () => {
    const id = '/subscriptions/s1/resourceGroups/RG-One/providers/Microsoft.Network/applicationSecurityGroups/Web';
    expect(asgKey(id)).toBe(asgKey(id.toLowerCase()));
    expect(asgKey(id)).not.toBe(asgKey(id.replace('RG-One', 'rg-two')));
    expect(asgKey(id)).not.toBe(asgKey(id.replace('/s1/', '/s2/')));
    const parameters = { p_externalid: { defaultValue: id, type: 'String' } };
    expect(asgKey("[parameters('p_externalid')]", parameters)).toBe(asgKey(id));
  });

  test('an _externalid parameter with no default value: an error naming the parameter and the export option', () => {
    const bare = { ...(json(file) as Record<string, unknown>) };
    const parameters = { ...(bare.parameters as Record<string, Record<string, unknown>>) };
    parameters.applicationSecurityGroups_serverprotect_console_externalid = { type: 'String' };
    expect(() => readNsg({ ...bare, parameters }, file)).toThrow(AzureInputError);
    expect(() => readNsg({ ...bare, parameters }, file)).toThrow(
      /applicationSecurityGroups_serverprotect_console_externalid has no defaultValue.*--include-parameter-default-value/,
    );
  });
});

describe('drift in sum', () => {
  const base = site('sum');
  const flow = base.resolution.flows.find(
    (f) => f.from.name === 'workstation' && f.to.name === 'linux-targets' && f.fromPort === 22,
  )!;

  test('a deleted allow rule: its flows are blocked, by the portplan deny that now decides', () => {
    const r = check(site('sum', (rules) => rules.filter((x) => x.name !== 'in-workstation-to-linux-targets-tcp')));
    const blocked = r.flows.filter((f) => f.status === 'blocked');
    expect(blocked.map((f) => [f.from, f.to, f.protocol])).toEqual(
      base.resolution.flows
        .filter((f) => f.from.name === 'workstation' && f.to.name === 'linux-targets' && f.protocol === 'tcp')
        .map(() => ['workstation', 'linux-targets', 'tcp']),
    );
    expect(blocked.find((f) => f.fromPort === flow.fromPort)!.blocked).toEqual([
      expect.objectContaining({
        side: 'ingress',
        rule: 'deny-vnet-to-linux-targets',
        ports: [{ fromPort: 22, toPort: 22 }],
        packets: ['tcp workstation@10.40.0.0/16 -> linux-targets@10.40.0.0/16 22'],
      }),
    ]);
    expect(r.extra).toEqual([]);
  });

  test('a deny moved above the allows blocks flows and names the deny', () => {
    const r = check(
      site('sum', (rules) => rules.map((x) => (x.name === 'deny-vnet-to-linux-targets' ? { ...x, priority: 101 } : x))),
    );
    expect(
      r.flows
        .filter((f) => f.status === 'blocked')
        .every((f) => f.to === 'linux-targets' && f.blocked[0].rule === 'deny-vnet-to-linux-targets'),
    ).toBe(true);
    expect(r.flows.filter((f) => f.status === 'blocked').length).toBeGreaterThan(0);
  });

  test('RDP from the Internet and a rule between two groups are extra, world-open first', () => {
    const asg = (name: string) => [
      {
        id: asgId(name),
      },
    ];
    const r = check(
      site('sum', (rules) => [
        ...rules,
        {
          name: 'z-between',
          priority: 200,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourcePortRange: '*',
          destinationPortRange: '8080',
          sourceApplicationSecurityGroups: asg('sum-linux-targets'),
          destinationApplicationSecurityGroups: asg('sum-windows-targets'),
        },
        {
          name: 'a-rdp',
          priority: 210,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourcePortRange: '*',
          destinationPortRange: '3389',
          sourceAddressPrefix: 'Internet',
          destinationApplicationSecurityGroups: asg('sum-workstation'),
          description: 'RDP',
        },
      ]),
    );
    expect(r.extra.map((e) => [e.rule, e.group, e.remote, e.ports, e.worldOpen])).toEqual([
      ['a-rdp (priority 210)', 'workstation', 'Internet', '3389', true],
      ['z-between (priority 200)', 'windows-targets', 'linux-targets', '8080', false],
    ]);
    expect(siteReportText(r)).toMatch(/^Azure: DRIFT: .* 2 extra rules \(1 world-open\)/);
  });

  test('a planned rule widened by one port is reported, with all its ports', () => {
    const r = check(
      site('sum', (rules) =>
        rules.map((x) =>
          x.name === 'in-workstation-to-windows-targets-udp' ? { ...x, destinationPortRanges: ['138-139'] } : x,
        ),
      ),
    );
    expect(r.extra.map((e) => [e.group, e.remote, e.ports])).toEqual([['windows-targets', 'workstation', '138-139']]);
    expect(r.flows.every((f) => f.status === 'allowed')).toBe(true);
  });
});

describe('inputs', () => {
  const names = ['workstation', 'windows-targets', 'linux-targets'];
  test('--group by ASG name or resource id; unknown ASGs and undeclared names are argument errors', () => {
    const id = asgs.find((a) => a.name === 'sum7-workstation')!;
    const nsg = site('sum').nsg;
    // By resource id in any case, or by a name one ASG has.
    expect(asgsOfGroups(names, asgs, [`workstation=${asgId('SUM7-workstation').toUpperCase()}`], nsg).workstation).toBe(
      id.key,
    );
    expect(asgsOfGroups(names, asgs, ['workstation=SUM7-Workstation'], nsg).workstation).toBe(id.key);
    // An id is a whole id: the same name in another subscription or resource group is another ASG.
    const elsewhere = '/subscriptions/x/providers/Microsoft.Network/applicationSecurityGroups/sum7-workstation';
    expect(() => asgsOfGroups(names, asgs, [`workstation=${elsewhere}`])).toThrow(
      /an ASG of the --asgs file: \/subscriptions\//,
    );
    expect(() => asgsOfGroups(names, asgs, ['workstation=nope'])).toThrow(ArgumentError);
    expect(() => asgsOfGroups(names, asgs, ['console=sum-workstation'])).toThrow(/a declared group name/);
    expect(() => asgsOfGroups(names, asgs, [])).toThrow(/one ASG tagged portplan:group=workstation \(found /);
    expect(() => asgsOfGroups(['other'], asgs, [])).toThrow(/tag one portplan:group=other/);
  });

  test('--group by a name ASGs of two resource groups share: refused, asking for the resource id', () => {
    const external = readAsgs(json('asgs-external.json'), 'asgs-external.json');
    expect(() => asgsOfGroups(names, [...asgs, ...external], ['workstation=sum7-workstation'])).toThrow(
      /one ASG: sum7-workstation is the name of \/subscriptions\/.*\/resourcegroups\/portplan-example\/.* and \/subscriptions\/.*\/resourcegroups\/portplan-asgs\/.*; give its resource id/,
    );
  });

  test('JSON that is not an NSG or an ASG list is refused, naming the file and the shapes expected', () => {
    expect(() => readNsg({ foo: 1 }, 'x.json')).toThrow(AzureInputError);
    expect(() => readNsg({ foo: 1 }, 'x.json')).toThrow(
      /x\.json: not an NSG: expected the output of az network nsg show/,
    );
    expect(() => readAsgs({}, 'a.json')).toThrow(/a\.json: not a list of ASGs/);
  });

  test('an address space with no room for a flow family, or not a CIDR, is an argument error', () => {
    const s = site('sum');
    expect(() => verifyAzureSite(s.resolution, { addressSpace: ['10.40.0.0/33'] }, s.nsg, s.groups)).toThrow(
      /--address-space/,
    );
    // A VNet of IPv6 only carries the flows between groups over IPv6.
    const v6 = verifyAzureSite(s.resolution, { addressSpace: ['fd00::/64'] }, s.nsg, s.groups);
    expect(v6.flows.every((f) => f.status === 'allowed')).toBe(true);
    const peered = resolve({
      groups: [{ name: 'workstation', role: 'sum:workstation' }],
      peers: [{ name: 'admins', kind: 'administrators', cidr: '192.168.50.0/24' }],
      sum: { profile: '7.x+' },
    });
    expect(() => verifyAzureSite(peered, { addressSpace: ['fd00::/64'] }, s.nsg, { workstation: 'w' })).toThrow(
      /IPv4 range of the VNet/,
    );
  });
});
