import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRules } from '../../lib/aws/plan';
import { run } from '../../lib/cli/main';
import { planAzureRules, AZURE_LIMITS } from '../../lib/azure/plan';
import { PRESETS, resolve } from '../../lib/model';
import type { SiteReport } from '../../lib/verify/site';

// The real bin, as users run it (`npm test` builds dist/ first).
const ROOT = join(__dirname, '../..');
const FIX = join(ROOT, 'test/fixtures/azure');
const dir = mkdtempSync(join(tmpdir(), 'portplan-verify-cli-'));

function portplan(args: string[], env: NodeJS.ProcessEnv = process.env, node: string[] = []) {
  const r = spawnSync(process.execPath, [...node, join(ROOT, 'bin/portplan.js'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const azure = (component: string, ...more: string[]) => [
  'verify',
  'azure',
  '--file',
  join(FIX, `${component}-declaration.json`),
  '--nsg',
  join(FIX, `${component}-nsg.json`),
  '--asgs',
  join(FIX, 'asgs.json'),
  '--address-space',
  '10.40.0.0/16',
  ...more,
];
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('portplan verify azure', () => {
  test('the NSG as planned: exit 0, a table with every flow allowed', () => {
    const r = portplan(azure('sum'));
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(/^Azure: as planned: (\d+) flows, \1 allowed, 0 blocked; 0 extra rules/);
  });

  test('drift: exit 1; --json names the extra rule', () => {
    const r = portplan(azure('serverprotect', '--json'));
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as SiteReport & { version: number };
    expect(report.version).toBe(2);
    expect(report.extra.map((e) => e.rule.split(' ')[0])).toEqual(['allow-rdp-from-bastion']);
  });

  test('an ARM export needs no --asgs', () => {
    const r = portplan([
      'verify',
      'azure',
      '--file',
      join(FIX, 'serverprotect-declaration.json'),
      '--nsg',
      join(FIX, 'serverprotect-export.json'),
      '--address-space',
      '10.40.0.0/16',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as SiteReport).extra).toHaveLength(1);
  });

  test("an ARM export naming ASGs of another resource group, with that group's ASGs (same names in both groups)", () => {
    const list = (name: string) => JSON.parse(readFileSync(join(FIX, name), 'utf8')) as unknown[];
    const asgs = file('asgs-both.json', JSON.stringify([...list('asgs.json'), ...list('asgs-external.json')]));
    for (const given of [join(FIX, 'asgs-external.json'), asgs]) {
      const r = portplan([
        'verify',
        'azure',
        '--file',
        join(FIX, 'serverprotect-declaration.json'),
        '--nsg',
        join(FIX, 'serverprotect-export-external.json'),
        '--asgs',
        given,
        '--address-space',
        '10.40.0.0/16',
        '--json',
      ]);
      expect([r.code, r.err]).toEqual([1, '']);
      const report = JSON.parse(r.out) as SiteReport;
      expect(report.flows.every((f) => f.status === 'allowed')).toBe(true);
      expect(report.extra.map((e) => e.rule.split(' ')[0])).toEqual(['allow-rdp-from-bastion']);
      for (const g of report.groups) expect(g.id).toMatch(/\/resourcegroups\/portplan-asgs\//);
    }
  });

  test('Virtual Network Manager admin rules before the NSG: a Deny blocks a planned flow, an AlwaysAllow is extra', () => {
    const rules = file(
      'admin-rules.json',
      JSON.stringify({
        value: [
          {
            name: 'no-ssh',
            properties: {
              priority: 10,
              direction: 'Inbound',
              access: 'Deny',
              protocol: 'Tcp',
              destinationPortRanges: ['22'],
            },
          },
          {
            name: 'rdp-everywhere',
            priority: 20,
            direction: 'Inbound',
            access: 'AlwaysAllow',
            protocol: 'Tcp',
            sources: [{ addressPrefix: 'Internet', addressPrefixType: 'ServiceTag' }],
            destinationPortRanges: ['3389'],
          },
        ],
      }),
    );
    const planned = portplan(azure('sum', '--json'));
    expect(planned.code).toBe(0);
    const r = portplan(azure('sum', '--admin-rules', rules, '--json'));
    expect([r.code, r.err]).toEqual([1, '']);
    const report = JSON.parse(r.out) as SiteReport;
    const ssh = report.flows.filter((f) => f.status !== 'allowed');
    expect(ssh.length).toBeGreaterThan(0);
    for (const f of ssh) {
      expect(f.protocol).toBe('tcp');
      expect(JSON.stringify(f)).toContain('admin rule no-ssh');
    }
    // Every other flow is as the NSG alone leaves it.
    const before = JSON.parse(planned.out) as SiteReport;
    expect(report.flows.filter((f) => f.status === 'allowed').length).toBe(before.flows.length - ssh.length);
    expect(report.extra.map((e) => [e.rule, e.worldOpen, e.ports])).toEqual([
      ['admin rule rdp-everywhere (priority 20)', true, '3389'],
    ]);
    // A bad file: the file, the rule and the field.
    const bad = file(
      'admin-bad.json',
      JSON.stringify([{ name: 'x', priority: 0, direction: 'Inbound', access: 'Deny', protocol: 'Tcp' }]),
    );
    const refused = portplan(azure('sum', '--admin-rules', bad));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`${bad}: [0].priority must be a whole number from 1 to 4096`);
  });

  test('a world-open rule added in the portal: exit 1, reported first', () => {
    const nsg = JSON.parse(readFileSync(join(FIX, 'sum-nsg.json'), 'utf8')) as { securityRules: unknown[] };
    nsg.securityRules.push({
      name: 'rdp',
      priority: 100,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      sourceAddressPrefix: '*',
      sourcePortRange: '*',
      destinationPortRange: '3389',
      destinationAddressPrefix: '*',
    });
    const r = portplan([
      'verify',
      'azure',
      '--file',
      join(FIX, 'sum-declaration.json'),
      '--nsg',
      file('open.json', JSON.stringify(nsg)),
      '--asgs',
      join(FIX, 'asgs.json'),
      '--address-space',
      '10.40.0.0/16',
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/1 extra rule \(1 world-open\)/);
    expect(r.out).toMatch(/\| \* \| inbound \| \* \(WORLD\) \| Tcp \| 3389 \| rdp \(priority 100\) \|/);
  });

  test('--service-tags: a rule from a service tag admits its published ranges; without them, none', () => {
    const nsg = JSON.parse(readFileSync(join(FIX, 'sum-nsg.json'), 'utf8')) as { securityRules: unknown[] };
    nsg.securityRules.push({
      name: 'from-storage',
      priority: 101,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      sourceAddressPrefix: 'Storage.WestEurope',
      sourcePortRange: '*',
      destinationPortRange: '8443',
      destinationAddressPrefix: '*',
    });
    const args = [
      'verify',
      'azure',
      '--file',
      join(FIX, 'sum-declaration.json'),
      '--nsg',
      file('storage.json', JSON.stringify(nsg)),
      '--asgs',
      join(FIX, 'asgs.json'),
      '--address-space',
      '10.40.0.0/16',
      '--json',
    ];
    const without = portplan(args);
    expect([without.code, without.err]).toEqual([0, '']);
    expect((JSON.parse(without.out) as SiteReport).unknownServiceTags).toEqual(['Storage.WestEurope']);
    const text = portplan(args.filter((a) => a !== '--json'));
    expect(text.out).toContain(
      'Not checked: rules naming the service tags Storage.WestEurope, whose ranges were not given',
    );
    // The shape of `az network list-service-tags --location westeurope -o json`.
    const tags = file(
      'tags.json',
      JSON.stringify({
        values: [{ name: 'Storage.WestEurope', properties: { addressPrefixes: ['20.38.96.0/23', '20.47.8.0/24'] } }],
      }),
    );
    const withTags = portplan([...args, '--service-tags', tags]);
    expect([withTags.code, withTags.err]).toEqual([1, '']);
    const report = JSON.parse(withTags.out) as SiteReport;
    expect(report.unknownServiceTags).toBeUndefined();
    expect(report.extra.map((e) => [e.rule, e.worldOpen, e.ports])).toEqual([
      ['from-storage (priority 101)', false, '8443'],
    ]);
    const bad = portplan([...args, '--service-tags', file('tags-bad.json', JSON.stringify({ value: [] }))]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("tags-bad.json: must be Azure's service tags JSON");
  });

  test('malformed JSON: exit 2, the file with line and column', () => {
    const r = portplan([
      'verify',
      'azure',
      '--preset',
      'serverprotect',
      '--nsg',
      file('bad.json', '{\n  "name": "x",\n  oops\n}'),
      '--asgs',
      join(FIX, 'asgs.json'),
      '--address-space',
      '10.40.0.0/16',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^portplan: --nsg: .*bad\.json is not valid JSON at line 3, column 3: /);
  });

  test('usage errors exit 2 naming the option: no address space, an unknown ASG, no --asgs', () => {
    const none = portplan([
      'verify',
      'azure',
      '--file',
      join(FIX, 'sum-declaration.json'),
      '--nsg',
      join(FIX, 'sum-nsg.json'),
      '--asgs',
      join(FIX, 'asgs.json'),
    ]);
    expect([none.code, none.err]).toEqual([2, expect.stringContaining("'--address-space <cidr>' not specified")]);
    const unknown = portplan(azure('sum', '--group', 'workstation=nope'));
    expect([unknown.code, unknown.err]).toEqual([
      2,
      expect.stringMatching(/^portplan: --group: an ASG of the --asgs file: .* \(got "workstation=nope"\)/),
    ]);
    const noAsgs = portplan([
      'verify',
      'azure',
      '--file',
      join(FIX, 'sum-declaration.json'),
      '--nsg',
      join(FIX, 'sum-nsg.json'),
      '--address-space',
      '10.40.0.0/16',
    ]);
    expect([noAsgs.code, noAsgs.err]).toEqual([
      2,
      expect.stringMatching(/^portplan: --asgs: the output of az network asg list/),
    ]);
  });
});

describe('portplan verify aws', () => {
  // No credentials anywhere: no variables, no files, no instance metadata.
  const bare: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
  };

  test('--help names the credentials variables, the optional package and the exit codes', () => {
    const r = portplan(['verify', 'aws', '--help']);
    expect(r.code).toBe(0);
    for (const s of [
      '--vpc <vpc-id>',
      '--group <name=sg-id>',
      'AWS_ACCESS_KEY_ID',
      'AWS_PROFILE',
      'AWS_REGION',
      'AWS_ENDPOINT_URL',
      '@aws-sdk/client-ec2',
      '1 drift',
    ])
      expect(r.out).toContain(s);
  });

  test('no credentials: exit 2, one line naming the variables', () => {
    const r = portplan(['verify', 'aws', '--preset', 'serverprotect', '--vpc', 'vpc-0123456789abcdef0'], bare);
    expect(r.code).toBe(2);
    const lines = r.err.split('\n').filter((l) => l.startsWith('portplan:'));
    expect(lines).toEqual([
      'portplan: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
        '(and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE for a profile of ~/.aws/config',
    ]);
  });

  test('no region: exit 2 naming AWS_REGION', () => {
    const noRegion: NodeJS.ProcessEnv = { ...bare, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
    delete noRegion.AWS_REGION;
    const r = portplan(['verify', 'aws', '--preset', 'serverprotect', '--vpc', 'vpc-0123456789abcdef0'], noRegion);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^portplan: no AWS region: set AWS_REGION/m);
  });

  test('without the SDK installed: exit 2 saying what to install', () => {
    const hide = file(
      'hide-sdk.js',
      `const M = require('module'); const orig = M._resolveFilename;
M._resolveFilename = function (request, ...rest) {
  if (request !== '@aws-sdk/client-ec2') return orig.call(this, request, ...rest);
  const e = new Error("Cannot find module '" + request + "'");
  e.code = 'MODULE_NOT_FOUND';
  throw e;
};`,
    );
    const r = portplan(['verify', 'aws', '--preset', 'serverprotect', '--vpc', 'vpc-0123456789abcdef0'], bare, [
      '--require',
      hide,
    ]);
    expect([r.code, r.err]).toEqual([
      2,
      'portplan: portplan verify aws reads security groups with the AWS SDK, which is not installed: ' +
        'npm install @aws-sdk/client-ec2@^3\n',
    ]);
    // The other commands do not need it.
    expect(portplan(['report', '--preset', 'serverprotect'], bare, ['--require', hide]).code).toBe(0);
  });

  test('neither --vpc nor --group, or a malformed --group: exit 2 before any API call', () => {
    const r = portplan(['verify', 'aws', '--preset', 'serverprotect'], bare);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/^portplan: --vpc: give --vpc <vpc-id>, or --group/)]);
    const g = portplan(['verify', 'aws', '--preset', 'serverprotect', '--group', 'console'], bare);
    expect([g.code, g.err]).toEqual([
      2,
      expect.stringMatching(/^portplan: --group: must be <group>=<security group id>/),
    ]);
  });
});

// A stand-in for the EC2 Query API (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html)
// that answers DescribeSecurityGroups for one VPC and DescribeSecurityGroupRules for its groups,
// as EC2 does: a VPC id it does not know has no groups.
interface FakeGroup {
  readonly id: string;
  readonly group?: string;
  readonly rules?: readonly {
    readonly egress: boolean;
    readonly protocol: string;
    readonly ports: [number, number];
    readonly from?: string;
    readonly cidr?: string;
  }[];
}
function fakeEc2(
  vpc: string,
  groups: readonly FakeGroup[],
): Promise<{ server: Server; endpoint: string; calls: string[] }> {
  const calls: string[] = [];
  const xml = (action: string, body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `<requestId>1</requestId>${body}</${action}Response>`;
  const groupXml = (g: FakeGroup) =>
    `<item><groupId>${g.id}</groupId><groupName>${g.id}</groupName><vpcId>${vpc}</vpcId><ipPermissions/>` +
    `<ipPermissionsEgress/><tagSet>${g.group ? `<item><key>portplan:group</key><value>${g.group}</value></item>` : ''}</tagSet></item>`;
  const ruleXml = (g: FakeGroup) =>
    (g.rules ?? [])
      .map(
        (r, i) =>
          `<item><securityGroupRuleId>sgr-${g.id}-${i}</securityGroupRuleId><groupId>${g.id}</groupId>` +
          `<isEgress>${r.egress}</isEgress><ipProtocol>${r.protocol}</ipProtocol><fromPort>${r.ports[0]}</fromPort>` +
          `<toPort>${r.ports[1]}</toPort>${r.cidr ? `<cidrIpv4>${r.cidr}</cidrIpv4>` : ''}` +
          `${r.from ? `<referencedGroupInfo><groupId>${r.from}</groupId></referencedGroupInfo>` : ''}</item>`,
      )
      .join('');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const q = new URLSearchParams(body);
      calls.push(q.get('Action') ?? '');
      res.setHeader('content-type', 'text/xml');
      if (q.get('Action') === 'DescribeSecurityGroupRules')
        return res.end(
          xml(
            'DescribeSecurityGroupRules',
            `<securityGroupRuleSet>${groups.map(ruleXml).join('')}</securityGroupRuleSet>`,
          ),
        );
      // Every filter must hold, as EC2 combines them; a filter holds when any of its values does.
      const filters = [1, 2, 3]
        .filter((n) => q.get(`Filter.${n}.Name`) !== null)
        .map((n) => ({
          name: q.get(`Filter.${n}.Name`)!,
          values: [...q.entries()].filter(([k]) => k.startsWith(`Filter.${n}.Value.`)).map(([, v]) => v),
        }));
      const holds = (g: FakeGroup) =>
        filters.length > 0 &&
        filters.every(
          (f) =>
            (f.name === 'vpc-id' && f.values.includes(vpc)) ||
            (f.name === 'group-id' && f.values.includes(g.id)) ||
            (f.name === 'tag:portplan:group' && g.group !== undefined && f.values.includes(g.group)),
        );
      const byId = [...q.entries()].filter(([k]) => k.startsWith('GroupId.')).map(([, v]) => v);
      // As EC2 answers GroupIds with an id it does not have: the whole call fails, naming one id.
      const unknown = byId.find((id) => !groups.some((g) => g.id === id));
      if (unknown) {
        res.statusCode = 400;
        return res.end(
          `<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>The security group '${unknown}' does not exist</Message></Error></Errors><RequestID>r</RequestID></Response>`,
        );
      }
      res.end(
        xml(
          'DescribeSecurityGroups',
          `<securityGroupInfo>${groups
            .filter((g) => byId.includes(g.id) || holds(g))
            .map(groupXml)
            .join('')}</securityGroupInfo>`,
        ),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls }),
    ),
  );
}

// The bin, not waited for synchronously: the stand-in EC2 answers from this process.
function portplanAsync(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/portplan.js'), ...args], { cwd: ROOT, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // stderr keeps only portplan's own lines: the SDK may add notices of its own (Node.js versions).
    child.on('close', (code) =>
      resolve({
        code,
        out,
        err: err
          .split(/(?<=\n)/)
          .filter((l) => l.startsWith('portplan:'))
          .join(''),
      }),
    );
  });
}

describe('portplan verify aws against an EC2 endpoint', () => {
  const VPC = 'vpc-0aaaaaaaaaaaaaaaa';
  const env = (endpoint: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: dir,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
  });
  let ec2: { server: Server; endpoint: string; calls: string[] } | undefined;
  afterEach(() => ec2?.server.close());

  test('a VPC without the groups: exit 2 naming the VPC and every group not found, not --group', async () => {
    ec2 = await fakeEc2(VPC, []);
    const r = await portplanAsync(
      ['verify', 'aws', '--preset', 'serverprotect', '--vpc', 'vpc-0bbbbbbbbbbbbbbbb'],
      env(ec2.endpoint),
    );
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toBe(
      "portplan: --vpc: the VPC of the plan's security groups: no security group of vpc-0bbbbbbbbbbbbbbbb " +
        'is tagged portplan:group=<name> for the declared groups console, information-server, normal-servers; ' +
        'check the VPC id, or give --group <name>=sg-... for each (got "vpc-0bbbbbbbbbbbbbbbb")\n',
    );
  });

  test('a VPC with some of the groups: every one missing named', async () => {
    ec2 = await fakeEc2(VPC, [{ id: 'sg-1', group: 'console' }, { id: 'sg-9' }]);
    const r = await portplanAsync(['verify', 'aws', '--preset', 'serverprotect', '--vpc', VPC], env(ec2.endpoint));
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `no security group of ${VPC} is tagged portplan:group=<name> for the declared groups ` +
        'information-server, normal-servers;',
    );
  });

  test('--group for some groups only: exit 2 naming every group without one', async () => {
    ec2 = await fakeEc2(VPC, [{ id: 'sg-11111111' }]);
    const r = await portplanAsync(
      ['verify', 'aws', '--preset', 'serverprotect', '--group', 'console=sg-11111111'],
      env(ec2.endpoint),
    );
    expect([r.code, r.err]).toEqual([
      2,
      'portplan: --group: a security group for every declared group: give --group <name>=sg-... for each ' +
        '(groups information-server, normal-servers) (got ["console=sg-11111111"])\n',
    ]);
  });

  test('--group ids EC2 does not have: exit 2 naming every such pair as given, before any check', async () => {
    ec2 = await fakeEc2(VPC, [{ id: 'sg-11111111', group: 'console' }]);
    const args = ['verify', 'aws', '--preset', 'serverprotect', '--group', 'console=sg-11111111'];
    const missing = ['--group', 'information-server=sg-22222222', '--group', 'normal-servers=sg-33333333'];
    const r = await portplanAsync([...args, ...missing], env(ec2.endpoint));
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toBe(
      'portplan: --group: ids of security groups that exist in this account and region: EC2 has none with the id of ' +
        'information-server=sg-22222222, normal-servers=sg-33333333 ' +
        '(got "information-server=sg-22222222 normal-servers=sg-33333333")\n',
    );
  });

  test('a --group value that is no security group id: exit 2 naming the pair, without asking EC2', async () => {
    const r = await portplanAsync(
      ['verify', 'aws', '--preset', 'serverprotect', '--group', 'console=sg-nope'],
      env('http://127.0.0.1:9'),
    );
    expect([r.code, r.err]).toEqual([
      2,
      'portplan: --group: a security group id after "=": sg- and 8 or 17 hexadecimal digits (got "console=sg-nope")\n',
    ]);
  });

  test('the text table: blocked flows first, then the allowed ones, each in plan order', async () => {
    const { flows } = resolve(PRESETS.serverprotect);
    const ids: Record<string, string> = { console: 'sg-1', 'information-server': 'sg-2', 'normal-servers': 'sg-3' };
    // Only the plan's first flow is allowed; EC2's allow-all egress on every group.
    const first = flows[0];
    const egress = [{ egress: true, protocol: '-1', ports: [-1, -1] as [number, number], cidr: '0.0.0.0/0' }];
    ec2 = await fakeEc2(
      VPC,
      Object.entries(ids).map(([group, id]) => ({
        id,
        group,
        rules: [
          ...egress,
          ...(group === first.to.name
            ? [
                {
                  egress: false,
                  protocol: first.protocol,
                  ports: [first.fromPort, first.toPort] as [number, number],
                  from: ids[first.from.name],
                },
              ]
            : []),
        ],
      })),
    );
    const r = await portplanAsync(['verify', 'aws', '--preset', 'serverprotect', '--vpc', VPC], env(ec2.endpoint));
    expect(r.code).toBe(1);
    const statuses = r.out
      .split('\n')
      .filter((l) => /^\| (allowed|blocked) \|/.test(l))
      .map((l) => l.split(' | ')[0].slice(2));
    expect(statuses).toEqual([...new Array<string>(flows.length - 1).fill('blocked'), 'allowed']);
    // The plan's groups by tag, then their rules: two calls, whatever else the VPC holds.
    expect(ec2.calls).toEqual(['DescribeSecurityGroups', 'DescribeSecurityGroupRules']);
    expect(r.out).toContain(`| allowed | ${first.from.name} | ${first.to.name} | ${first.protocol} |`);
  });
});

test.each([
  [
    ['verify', '--help'],
    ['aws', 'azure'],
  ],
  [
    ['verify', 'azure', '--help'],
    [
      '--nsg <file>',
      '--asgs <file>',
      '--address-space <cidr>',
      'az network nsg show',
      'az network asg list',
      '1 drift',
    ],
  ],
  [
    ['report', '--help'],
    ['--format <format>', '"md"', '"csv"', '"json"'],
  ],
])('%s', (args, words) => {
  const r = portplan(args);
  expect(r.code).toBe(0);
  for (const w of words) expect(r.out).toContain(w);
});

test('run() (synchronous) refuses verify aws with exit 2 instead of leaving EC2 calls behind', () => {
  const err: string[] = [];
  const argv = ['verify', 'aws', '--preset', 'serverprotect', '--vpc', 'vpc-1'];
  const code = run(
    argv,
    () => undefined,
    (t) => err.push(t),
  );
  expect(code).toBe(2);
  expect(err.join('')).toMatch(/runAsync/);
});

test('the CLI loads no cloud SDK and no construct library (the report uses the pure planners only)', () => {
  const script = `require('./dist/lib/cli/main.js');
const loaded = Object.keys(require.cache).filter((k) => /node_modules\\/(aws-cdk-lib|constructs|@pulumi|@aws-sdk)\\//.test(k));
process.stdout.write(JSON.stringify(loaded));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: ROOT });
  expect([r.status, JSON.parse(r.stdout)]).toEqual([0, []]);
});

describe('portplan report', () => {
  const r = resolve(PRESETS['smart-update-manager-7']);

  test.each(['md', 'csv', 'json'])('--format %s is byte-identical run after run', (format) => {
    const a = portplan(['report', '--preset', 'smart-update-manager-7', '--format', format]);
    const b = portplan(['report', '--preset', 'smart-update-manager-7', '--format', format]);
    expect(a.code).toBe(0);
    expect(a.out.length).toBeGreaterThan(1000);
    expect(b.out).toBe(a.out);
  });

  test('json: every AWS rule and every Azure rule the planners make, with rows and documents', () => {
    const out = JSON.parse(portplan(['report', '--preset', 'smart-update-manager-7', '--format', 'json']).out) as {
      version: number;
      aws: { rows: string[]; document: string; origin: string }[];
      azure: { name: string; priority: number; origin: string; rows: string[]; document: string }[];
    };
    const aws = planRules(r);
    const az = planAzureRules(r.declaration, { band: AZURE_LIMITS.priority, denyOtherVnetTraffic: true });
    expect(out.version).toBe(1);
    expect(out.aws.filter((x) => x.origin === 'flow').map((x) => x.rows)).toEqual(aws.rules.map((x) => x.rows));
    expect(out.aws.filter((x) => x.origin === 'default-egress')).toHaveLength(
      aws.groups.filter((g) => g.defaultEgress.length).length * 2,
    );
    expect(out.azure.map((x) => [x.name, x.priority, x.origin])).toEqual(
      az.rules.map((x) => [x.name, x.priority, x.origin]),
    );
    for (const x of [...out.aws, ...out.azure].filter((y) => y.rows.length))
      expect(x.document).toMatch(/, row (SP|SUM)\d+/);
  });

  test('md: one section per cloud, tables with the review columns; csv: a header and one line per rule', () => {
    const md = portplan(['report', '--preset', 'smart-update-manager-7']).out;
    expect(md.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## AWS security group rules',
      '## Azure NSG rules',
    ]);
    expect(md).toContain(
      '| name | direction | access | group | source | destination | protocol | ports | origin | rows | purpose | ' +
        'condition | document |',
    );
    expect(md).toContain('| name | priority | direction |');
    const csv = portplan(['report', '--preset', 'smart-update-manager-7', '--format', 'csv']).out.split('\r\n');
    expect(csv[0]).toBe(
      'cloud,name,priority,direction,access,group,source,destination,protocol,ports,origin,rows,' +
        'purpose,condition,document',
    );
    const json = JSON.parse(portplan(['report', '--preset', 'smart-update-manager-7', '--format', 'json']).out) as {
      aws: unknown[];
      azure: unknown[];
    };
    expect(csv.filter((l) => l !== '')).toHaveLength(1 + json.aws.length + json.azure.length);
  });

  test('AWS rule names: a single port written once (tcp-139), a range as from-to; one name per rule', () => {
    const out = JSON.parse(portplan(['report', '--preset', 'serverprotect', '--format', 'json']).out) as {
      aws: { name: string; protocol: string; ports: string; origin: string }[];
    };
    const rules = out.aws.filter((x) => x.origin === 'flow' && x.name !== 'inline');
    expect(rules.length).toBeGreaterThan(5);
    for (const x of rules) expect(x.name.endsWith(`-${x.protocol}-${x.ports}`)).toBe(true);
    expect(rules.map((x) => x.name)).toContain('in-information-server-from-normal-servers-tcp-139');
    expect(rules.map((x) => x.name)).toContain('in-console-from-information-server-tcp-1000-1009');
    expect(rules.filter((x) => !x.ports.includes('-')).length).toBeGreaterThan(0);
    expect(new Set(rules.map((x) => x.name)).size).toBe(rules.length);
  });

  test('an unknown format: exit 2', () => {
    expect(portplan(['report', '--preset', 'serverprotect', '--format', 'xml']).code).toBe(2);
  });
});
