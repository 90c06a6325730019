import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, resolve, type Declaration, type Resolution } from '../../lib/model';
import {
  AzureInputError,
  asgsOfGroups,
  readAsgs,
  readNsg,
  verifyAzureSite,
  type NsgInput,
} from '../../lib/verify/site-azure';
import { siteReportText } from '../../lib/verify/site';

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
    expect(r.groups.every((g) => g.id.startsWith(`${component}-`))).toBe(true);
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
  expect(verifyAzureSite(resolution, NETWORK, nsg, groups)).toEqual(fromShow);
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
      { fromPort: 22, toPort: 22, by: [{ side: 'ingress', rule: 'deny-vnet-to-linux-targets' }] },
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
        .every((f) => f.to === 'linux-targets' && f.blocked[0].by[0].rule === 'deny-vnet-to-linux-targets'),
    ).toBe(true);
    expect(r.flows.filter((f) => f.status === 'blocked').length).toBeGreaterThan(0);
  });

  test('RDP from the Internet and a rule between two groups are extra, world-open first', () => {
    const asg = (name: string) => [
      {
        id: `/subscriptions/x/resourceGroups/portplan-example/providers/Microsoft.Network/applicationSecurityGroups/${
          name
        }`,
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
    expect(
      asgsOfGroups(
        names,
        asgs,
        ['workstation=/subscriptions/x/providers/Microsoft.Network/applicationSecurityGroups/SUM7-workstation'],
        site('sum').nsg,
      ).workstation,
    ).toBe(id.key);
    expect(() => asgsOfGroups(names, asgs, ['workstation=nope'])).toThrow(ArgumentError);
    expect(() => asgsOfGroups(names, asgs, ['console=sum-workstation'])).toThrow(/a declared group name/);
    expect(() => asgsOfGroups(names, asgs, [])).toThrow(/one ASG tagged portplan:group=workstation \(found /);
    expect(() => asgsOfGroups(['other'], asgs, [])).toThrow(/tag one portplan:group=other/);
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
    expect(() => verifyAzureSite(s.resolution, { addressSpace: ['fd00::/64'] }, s.nsg, s.groups)).toThrow(
      /IPv4 range of the VNet/,
    );
  });
});
