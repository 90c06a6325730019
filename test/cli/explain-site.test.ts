import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsRuleChange } from '../../lib/verify/explain-aws';
import type { AzureNsgChange, AzureRuleChange } from '../../lib/verify/explain-azure';
import type { SiteAnswer } from '../../lib/verify/explain-site';
import type { DeployedGroup } from '../../lib/verify/site-aws';
import { portplan, portplanAsync } from '../support/cli';
import { exampleSites } from '../verify/aws-templates';

const FIX = join(__dirname, '../fixtures/azure');
const dir = mkdtempSync(join(tmpdir(), 'portplan-explain-site-'));
type Rule = Record<string, unknown>;
const sumNsg = JSON.parse(readFileSync(join(FIX, 'sum-nsg.json'), 'utf8')) as { securityRules: Rule[] };

function nsgFile(name: string, rules: Rule[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ ...sumNsg, securityRules: rules }));
  return path;
}
const azure = (nsg: string, ...more: string[]) =>
  portplan(
    'explain',
    '--file',
    join(FIX, 'sum-declaration.json'),
    '--site',
    'azure',
    '--nsg',
    nsg,
    '--asgs',
    join(FIX, 'asgs.json'),
    '--address-space',
    '10.40.0.0/16',
    ...more,
  );
const PAIR = ['--from', 'workstation', '--to', 'linux-targets'];
const changesOf = <C>(a: SiteAnswer<C>): C[] =>
  a.directions.flatMap((d) => d.flows.flatMap((f) => f.gaps.flatMap((g) => g.changes)));

describe('explain --site azure', () => {
  const deleted = sumNsg.securityRules.filter((r) => r.name !== 'in-workstation-to-linux-targets-tcp');

  test('as deployed: every flow allowed, nothing admitted beyond the rows; exit 0', () => {
    const r = azure(join(FIX, 'sum-nsg.json'), ...PAIR);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/^against the Azure site:\nworkstation -> linux-targets: 3 planned flows, 0 not wholly/);
    expect(r.out).not.toContain('change:');
    expect(r.out).not.toContain('no vendor row requires:');
  });

  test('a deleted rule: each flow blocked, the Allow rule below the Deny that stops it, with its rows', () => {
    const r = azure(nsgFile('deleted.json', deleted), ...PAIR);
    expect(r.code).toBe(0);
    expect(r.out).toContain('  flow workstation -> linux-targets tcp 22 (SUM1): blocked\n    ingress stops:\n');
    expect(r.out).toContain(
      '    change: add to NSG sum-nsg: explain-inbound-3775, priority 3775, Inbound Allow Tcp from workstation ' +
        '(ASG sum-workstation) to linux-targets (ASG sum-linux-targets) ports 22 ' +
        '(blocked by deny-vnet-to-linux-targets (priority 3776))\n',
    );
  });

  test('--json: the rules it suggests, written into the NSG, leave nothing blocked', () => {
    const r = azure(nsgFile('deleted2.json', deleted), ...PAIR, '--json');
    // No admin rules: every change is an NSG's.
    const changes = changesOf(JSON.parse(r.out) as SiteAnswer<AzureNsgChange>);
    expect(changes.map((c) => [c.action, c.rule.destinationPortRange])).toEqual([
      ['add', '22'],
      ['add', '60000-60007'],
      ['add', '62286'],
    ]);
    const fixed = nsgFile('fixed.json', [...deleted, ...changes.map((c) => c.rule as Rule)]);
    const again = JSON.parse(azure(fixed, ...PAIR, '--json').out) as SiteAnswer<AzureRuleChange>;
    expect(again.directions.flatMap((d) => d.flows.map((f) => f.status))).toEqual(Array(7).fill('allowed'));
  });

  test('a rule wider than the rows: what it admits that no vendor row requires, a witness, the rule', () => {
    const wide = sumNsg.securityRules.map((x) =>
      x.name === 'in-workstation-to-linux-targets-tcp'
        ? { ...x, destinationPortRanges: ['22-23', '60000-60007', '62286'] }
        : x,
    );
    const r = azure(nsgFile('wide.json', wide), ...PAIR, '--port', 'tcp/1-100');
    expect(r.out).toContain(
      '  the site admits, and no vendor row requires:\n' +
        '    tcp workstation@10.40.0.0/16 -> linux-targets@10.40.0.0/16 23\n' +
        '    e.g. tcp workstation@10.40.0.0 -> linux-targets@10.40.0.0 23\n' +
        '    admitted by: in-workstation-to-linux-targets-tcp (priority 1570)\n',
    );
  });

  test('--port with ICMP messages: the same question of the site, for those messages alone', () => {
    const r = azure(join(FIX, 'sum-nsg.json'), ...PAIR, '--port', 'icmp:8');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      'against the Azure site:\nworkstation -> linux-targets: the plan opens nothing\n' +
        '  everything else closed by the plan and the site: no vendor row requires it ' +
        '(e.g. icmp workstation@10.40.0.0 -> linux-targets@10.40.0.0 type 8 code 0)\n',
    );
  });

  test('site options: each refused without --site, with the other cloud, or when missing', () => {
    const base = ['explain', '--file', join(FIX, 'sum-declaration.json'), ...PAIR];
    expect(portplan(...base, '--nsg', 'x.json')).toMatchObject({
      code: 2,
      err: expect.stringContaining('portplan: --nsg: --site aws or --site azure before the options of a site'),
    });
    expect(portplan(...base, '--site', 'aws', '--address-space', '10.0.0.0/16')).toMatchObject({
      code: 2,
      err: expect.stringContaining('portplan: --address-space: an option of --site aws'),
    });
    expect(portplan(...base, '--site', 'azure', '--address-space', '10.0.0.0/16')).toMatchObject({
      code: 2,
      err: expect.stringContaining('portplan: --nsg: the NSG for --site azure'),
    });
    expect(portplan(...base, '--site', 'gcp').code).toBe(2);
    // The synchronous run() cannot wait for EC2.
    expect(portplan(...base, '--site', 'aws', '--vpc', 'vpc-1')).toMatchObject({
      code: 2,
      err: expect.stringContaining('a command run through runAsync()'),
    });
  });
});

// Virtual Network Manager's security admin rules, as az network manager
// list-effective-security-admin-rule prints them, before the NSG
// (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins).
describe('explain --site azure --admin-rules', () => {
  const deleted = sumNsg.securityRules.filter((r) => r.name !== 'in-workstation-to-linux-targets-tcp');
  const adminFile = (name: string, rules: Rule[]) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ value: rules }));
    return path;
  };
  const inbound = (name: string, priority: number, access: string, ports: string[]): Rule => ({
    name,
    properties: { priority, direction: 'Inbound', access, protocol: 'Tcp', destinationPortRanges: ports },
  });
  const ssh = (a: SiteAnswer<AzureRuleChange>) => a.directions[0].flows.find((f) => f.fromPort === 22)!;

  test('an AlwaysAllow opens port 22, which the NSG denies: allowed, and named for what it admits beyond the plan', () => {
    const nsg = nsgFile('admin-deleted.json', deleted);
    const without = JSON.parse(azure(nsg, ...PAIR, '--json').out) as SiteAnswer<AzureRuleChange>;
    expect(ssh(without).status).toBe('blocked');
    const rules = adminFile('always.json', [inbound('ops-ssh', 10, 'AlwaysAllow', ['22-23'])]);
    const r = azure(nsg, ...PAIR, '--port', 'tcp/1-100', '--admin-rules', rules);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('  flow workstation -> linux-targets tcp 22 (SUM1): allowed\n');
    expect(r.out).not.toContain('change:');
    expect(r.out).toContain(
      '  the site admits, and no vendor row requires:\n' +
        '    tcp workstation@10.40.0.0/16 -> linux-targets@10.40.0.0/16 23\n' +
        '    e.g. tcp workstation@10.40.0.0 -> linux-targets@10.40.0.0 23\n' +
        '    admitted by: admin rule ops-ssh (priority 10)\n',
    );
  });

  test('a Deny blocks planned port 22: blocked by the admin rule, which is the change; no NSG change', () => {
    const rules = adminFile('deny.json', [inbound('no-ssh', 20, 'Deny', ['22'])]);
    const r = azure(join(FIX, 'sum-nsg.json'), ...PAIR, '--admin-rules', rules);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(
      '  flow workstation -> linux-targets tcp 22 (SUM1): blocked\n    ingress stops:\n' +
        '      tcp workstation@10.40.0.0/16 -> linux-targets@10.40.0.0/16 22\n' +
        '      e.g. tcp workstation@10.40.0.0 -> linux-targets@10.40.0.0 22\n' +
        '    change: change admin rule no-ssh (priority 20, Inbound Deny) in the Virtual Network Manager ' +
        'security admin configuration: it is evaluated before every NSG, so no NSG change opens these packets\n',
    );
    expect(r.out).not.toContain('add to NSG');
    // Where the NSG denies too, its Deny is named behind the admin rule, and still no NSG change opens 22.
    const both = azure(nsgFile('admin-deleted2.json', deleted), ...PAIR, '--admin-rules', rules, '--json');
    const changes = changesOf(JSON.parse(both.out) as SiteAnswer<AzureRuleChange>);
    expect(
      changes.map((c) => (c.action === 'change-admin-rule' ? c.nsgBlockedBy : c.rule.destinationPortRange)),
    ).toEqual([['deny-vnet-to-linux-targets (priority 3776) of NSG sum-nsg'], '60000-60007', '62286']);
  });

  test('refused for --site aws, and a bad file named with its rule and field (the reader of verify azure)', () => {
    const rules = adminFile('deny2.json', [inbound('no-ssh', 20, 'Deny', ['22'])]);
    const base = ['explain', '--file', join(FIX, 'sum-declaration.json'), ...PAIR];
    expect(portplan(...base, '--site', 'aws', '--vpc', 'vpc-1', '--admin-rules', rules)).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        `portplan: --admin-rules: an option of --site aws; --admin-rules is an option of --site azure (got "${rules}")\n`,
      ),
    });
    expect(portplan(...base, '--admin-rules', rules)).toMatchObject({
      code: 2,
      err: expect.stringContaining('portplan: --admin-rules: --site aws or --site azure before the options of a site'),
    });
    const bad = adminFile('bad.json', [inbound('maybe', 20, 'Maybe', ['22'])]);
    expect(azure(join(FIX, 'sum-nsg.json'), ...PAIR, '--admin-rules', bad)).toMatchObject({
      code: 2,
      err: `portplan: ${bad}: [0].access must be one of Allow, AlwaysAllow, Deny (got "Maybe")\n`,
    });
    const missing = join(dir, 'none.json');
    expect(azure(join(FIX, 'sum-nsg.json'), ...PAIR, '--admin-rules', missing)).toMatchObject({
      code: 2,
      err: expect.stringContaining(`--admin-rules`),
    });
  });

  test('--help lists --admin-rules for azure', () => {
    const r = portplan('explain', '--help');
    expect(r.out.replace(/\s+/g, ' ')).toContain(
      "--admin-rules <file> azure: the VNet's Virtual Network Manager security admin rules, evaluated before the NSG",
    );
  });
});

// A stand-in for the two EC2 Query API calls verify and explain make
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html): every group, tagged
// with its declared group, whatever the filters (one VPC holds only the plan's groups).
function fakeEc2(groups: readonly DeployedGroup[], names: Record<string, string>): Promise<Server> {
  const tag = (id: string) => Object.entries(names).find(([, v]) => v === id)?.[0] ?? '';
  const xml = (action: string, body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `<requestId>1</requestId>${body}</${action}Response>`;
  const group = (g: DeployedGroup) =>
    `<item><groupId>${g.groupId}</groupId><groupName>${g.groupId}</groupName><vpcId>vpc-1</vpcId>` +
    `<tagSet><item><key>portplan:group</key><value>${tag(g.groupId)}</value></item></tagSet></item>`;
  const rules = (g: DeployedGroup) =>
    (['ingress', 'egress'] as const)
      .flatMap((side) =>
        g[side].map(
          (r, i) =>
            `<item><securityGroupRuleId>${r.ruleId ?? `sgr-${side}-${i}`}</securityGroupRuleId><groupId>${g.groupId}</groupId>` +
            `<isEgress>${side === 'egress'}</isEgress><ipProtocol>${r.ipProtocol}</ipProtocol>` +
            `<fromPort>${r.fromPort ?? -1}</fromPort><toPort>${r.toPort ?? -1}</toPort>` +
            (r.cidrIpv4 ? `<cidrIpv4>${r.cidrIpv4}</cidrIpv4>` : '') +
            (r.cidrIpv6 ? `<cidrIpv6>${r.cidrIpv6}</cidrIpv6>` : '') +
            (r.referencedGroupId
              ? `<referencedGroupInfo><groupId>${r.referencedGroupId}</groupId></referencedGroupInfo>`
              : '') +
            '</item>',
        ),
      )
      .join('');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'text/xml');
      if (new URLSearchParams(body).get('Action') === 'DescribeSecurityGroupRules')
        return res.end(
          xml(
            'DescribeSecurityGroupRules',
            `<securityGroupRuleSet>${groups.map(rules).join('')}</securityGroupRuleSet>`,
          ),
        );
      res.end(xml('DescribeSecurityGroups', `<securityGroupInfo>${groups.map(group).join('')}</securityGroupInfo>`));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('explain --site aws against an EC2 endpoint', () => {
  const site = exampleSites().ServerProtectExample;
  const ids = Object.fromEntries(Object.entries(site.groupIds).map(([n], i) => [n, `sg-0000000${i + 1}`]));
  const rename = (id: string | undefined) =>
    id === undefined ? undefined : ids[Object.entries(site.groupIds).find(([, v]) => v === id)![0]];
  const groups: DeployedGroup[] = site.groups.map((g) => ({
    groupId: rename(g.groupId)!,
    ingress: g.ingress.map((r) => ({
      ...r,
      ...(r.referencedGroupId ? { referencedGroupId: rename(r.referencedGroupId) } : {}),
    })),
    egress: g.egress.map((r) => ({
      ...r,
      ...(r.referencedGroupId ? { referencedGroupId: rename(r.referencedGroupId) } : {}),
    })),
  }));
  const declaration = join(dir, 'serverprotect.json');
  writeFileSync(declaration, JSON.stringify(site.resolution.declaration));
  const saved = { ...process.env };
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    process.env = { ...saved };
  });

  test('a narrowed rule: widen it, by its id, to the flow ports; --json the same', async () => {
    const info = groups.find((g) => g.groupId === ids['information-server'])!;
    const at = info.ingress.findIndex((r) => r.referencedGroupId === ids.console && r.fromPort === 5005);
    const narrowed = info.ingress.map((r, i) =>
      i === at ? { ...r, toPort: 5009, ruleId: 'sgr-0aaaaaaaaaaaaaaaa' } : r,
    );
    server = await fakeEc2(
      groups.map((g) => (g === info ? { ...g, ingress: narrowed } : g)),
      ids,
    );
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const args = [
      'explain',
      '--file',
      declaration,
      '--from',
      'console',
      '--to',
      'information-server',
      '--site',
      'aws',
      '--vpc',
      'vpc-1',
    ];
    const r = await portplanAsync(...args);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('  flow console -> information-server tcp 5005-5014 (SP4): partial\n    ingress stops:\n');
    expect(r.out).toContain(
      `    change: widen inbound rule sgr-0aaaaaaaaaaaaaaaa of information-server (${ids['information-server']}): ` +
        `tcp 5005-5009 from ${ids.console} -> tcp 5005-5014 from ${ids.console} (console)\n`,
    );
    const j = await portplanAsync(...args, '--port', 'tcp/5005-5014', '--json');
    const [change] = changesOf(JSON.parse(j.out) as SiteAnswer<AwsRuleChange>);
    expect(change).toMatchObject({
      action: 'widen',
      direction: 'ingress',
      rule: { ipProtocol: 'tcp', fromPort: 5005, toPort: 5014, referencedGroupId: ids.console },
      replaces: { ruleId: 'sgr-0aaaaaaaaaaaaaaaa', fromPort: 5005, toPort: 5009 },
    });
  });
});
