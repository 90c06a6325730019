// `portplan evidence` and `portplan learn` through the CLI: what they print, their exit codes, and
// untrusted input (huge lines, damaged gzip, JSON of the wrong types) reported with file and line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { run, runAsync } from '../../lib/cli/main';
import { EVIDENCE_JSON_VERSION, Inventory, collectEvidence, parseHostsFile, readFlowLogs } from '../../lib/evidence';
import { PRESETS, loadCatalog, resolve, type Declaration } from '../../lib/model';
import { addressPlan, cloudListings, hostsFile, simulateTraffic, writeAwsLog } from '../support/flowlogs';
import { tempDir } from './helpers';

const dir = tempDir('evidence-cli');
const path = (name: string) => join(dir, name);

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAsync(
    argv,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

const declaration: Declaration = {
  ...PRESETS.serverprotect,
  peers: [{ name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.10/32' }],
  serverProtect: { controlManagerAgent: 'tmi' },
};
const r = resolve(declaration);
const plan = addressPlan(r, 2, true);
const hosts = path('hosts.txt');
const site = path('site.json');
const logs = path('aws.log.gz');
const clean = path('clean.log');

beforeAll(async () => {
  writeFileSync(hosts, hostsFile(plan));
  writeFileSync(site, JSON.stringify(declaration));
  await writeAwsLog(
    logs,
    simulateTraffic(r, plan, { seed: 11, perFlow: 3, drift: 1, noise: 25, scanners: 25, replies: true }),
    {
      gzip: true,
    },
  );
  await writeAwsLog(clean, simulateTraffic(r, plan, { seed: 12, perFlow: 2, replies: true }));
});

describe('portplan evidence', () => {
  test('as planned: exit 0, and the verdict says so', async () => {
    const { code, out } = await cli('evidence', '--file', site, '--hosts', hosts, clean);
    expect(out).toContain('As planned: no planned flow rejected, no unplanned traffic accepted, no malformed input.');
    expect(code).toBe(0);
  });

  test('drift and unplanned traffic: exit 1; the text names them with samples and the rows that would open denied traffic', async () => {
    const { code, out } = await cli('evidence', '--file', site, '--hosts', hosts, logs);
    expect(code).toBe(1);
    expect(out).toMatch(
      /seen and REJECTED \(drift: .*\): \d+ records.* e\.g\. [\d.]+:\d+ -> [\d.]+:\d+\/(tcp|udp) at .*aws\.log\.gz line \d+/,
    );
    expect(out).toMatch(
      /denied 198\.51\.100\.\d+:\d+ -> [\d.]+:10319\/tcp \(outside .* -> information-server\), \d+ records?: matches SP10 /,
    );
    expect(out).toMatch(/accepted .* \(\w[\w-]* -> outside \(192\.0\.2\.80\)\)/);
    expect(out).toContain('Faults in the logs (0)');
  });

  test('the JSON carries the same figures as the library, and Markdown has a section per question', async () => {
    const json = JSON.parse((await cli('evidence', '--file', site, '--hosts', hosts, '--format', 'json', logs)).out);
    const report = await collectEvidence(readFlowLogs(logs), r, new Inventory(parseHostsFile(hostsFile(plan), 'h')));
    expect(json.version).toBe(EVIDENCE_JSON_VERSION);
    expect(json.totals).toEqual(report.totals);
    expect(json.flows.map((f: { status: string }) => f.status)).toEqual(report.flows.map((f) => f.status));
    expect(json.verdict).toMatchObject({ drift: 1, asPlanned: false });
    const md = (await cli('evidence', '--file', site, '--hosts', hosts, '--format', 'md', logs)).out;
    for (const h of [
      '# portplan evidence report',
      '## Planned flows',
      '## Rejected traffic no flow plans',
      '## Accepted traffic no planned flow covers',
      '## Faults in the logs',
    ])
      expect(`\n${md}`).toContain(`\n${h}\n`);
  });

  test('the AWS listings as inventory, role-wide groups included, give the same evidence as the hosts file', async () => {
    const roles = Object.fromEntries(r.declaration.groups.map((g) => [g.name, g.role]));
    const l = cloudListings(plan, { ...roles, 'normal-servers': 'serverprotect:console' });
    writeFileSync(path('enis.json'), JSON.stringify(l.enis));
    writeFileSync(path('sgs.json'), JSON.stringify(l.sgs));
    writeFileSync(path('nics.json'), JSON.stringify(l.nics));
    writeFileSync(path('asgs.json'), JSON.stringify(l.asgs));
    const byHosts = (await cli('evidence', '--file', site, '--hosts', hosts, '--format', 'json', logs)).out;
    const aws = await cli(
      'evidence',
      '--file',
      site,
      '--aws-enis',
      path('enis.json'),
      '--aws-sgs',
      path('sgs.json'),
      '--format',
      'json',
      logs,
    );
    const azure = await cli(
      'evidence',
      '--file',
      site,
      '--azure-nics',
      path('nics.json'),
      '--azure-asgs',
      path('asgs.json'),
      '--format',
      'json',
      logs,
    );
    expect(JSON.parse(aws.out).flows).toEqual(JSON.parse(byHosts).flows);
    // The listings have no rules: the site's groups are named as read, and found to let nothing through.
    const unplanned = JSON.parse(aws.out).acceptedUnplanned as { siteRules: string[] }[];
    expect(unplanned.length).toBeGreaterThan(0);
    expect(unplanned.every((u) => Array.isArray(u.siteRules) && u.siteRules.length === 0)).toBe(true);
    expect(JSON.parse(azure.out).flows).toEqual(JSON.parse(byHosts).flows);
  });

  test('--sql athena prints the query with the plan inside, no logs read', async () => {
    const { code, out } = await cli(
      'evidence',
      '--file',
      site,
      '--hosts',
      hosts,
      '--sql',
      'athena',
      '--table',
      'db.flows',
      '--where',
      `"date" >= DATE '2026-11-01'`,
    );
    expect(code).toBe(0);
    expect(out).toContain('FROM db.flows');
    expect(out).toContain(`AND ("date" >= DATE '2026-11-01')`);
    expect(out).toContain("'console -> information-server tcp 5005-5014 (SP4)'");
  });

  test('a query longer than Athena takes is printed with a warning naming both sizes', async () => {
    // Scattered hosts (every other address): no two of them share a range.
    const many = Array.from(
      { length: 12000 },
      (_, i) => `10.${200 + Math.floor(i / 32000)}.${Math.floor(i / 125) % 250}.${(i % 125) * 2 + 1} console`,
    );
    writeFileSync(path('many.txt'), many.join('\n'));
    const { code, out, err } = await cli('evidence', '--file', site, '--hosts', path('many.txt'), '--sql', 'athena');
    expect(code).toBe(0);
    expect(err).toBe(
      `warning: the query has ${Buffer.byteLength(out)} bytes; Athena takes at most 262144: give the inventory as ranges where hosts share a subnet, or split it\n`,
    );
    const small = await cli('evidence', '--file', site, '--hosts', hosts, '--sql', 'athena');
    expect(small.err).toBe('');
  });

  test('usage faults exit 2 with the option named: no inventory, half a pair, a missing path, the sync entry point', async () => {
    const cases: [string[], RegExp][] = [
      [['evidence', '--file', site, logs], /give an inventory/],
      [['evidence', '--file', site, '--aws-enis', hosts, logs], /give both --aws-enis and --aws-sgs/],
      [
        ['evidence', '--file', site, '--hosts', hosts, path('nope.log')],
        /nope\.log: cannot read the flow log path \(ENOENT\)/,
      ],
      [['evidence', '--file', site, '--hosts', path('none.txt'), logs], /--hosts .*none\.txt: no such file/],
      [['evidence', '--file', site, '--hosts', hosts], /give the flow log files or directories/],
      [
        ['evidence', '--file', site, '--hosts', hosts, '--log-format', '${srcaddr} ${dstaddr}', logs],
        /--log-format.*missing srcport/,
      ],
      [
        ['evidence', '--file', site, '--aws-enis', hosts, '--aws-sgs', hosts, logs],
        /--aws-sgs .*hosts\.txt is not valid JSON: .* at line 1, column \d+/,
      ],
    ];
    for (const [argv, message] of cases) {
      const { code, err } = await cli(...argv);
      expect([code, err]).toEqual([2, expect.stringMatching(message)]);
    }
    const out: string[] = [];
    expect(
      run(
        ['evidence', '--file', site, '--hosts', hosts, logs],
        (t) => out.push(t),
        (t) => out.push(t),
      ),
    ).toBe(2);
    expect(out.join('')).toMatch(/runAsync/);
  });
});

test.each([['evidence'], ['learn']])('%s --help: exit 0, the exit codes, no repository path', async (command) => {
  const r = await cli(command, '--help');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(new RegExp(`^Usage: portplan ${command} `));
  expect(r.out).toMatch(/Exit codes: 0 .*, 1 .*, 2 /s);
  expect(r.out).not.toMatch(/\b(lib|test|examples|scripts|dist|bench|node_modules)\/|npm run|README|\.ts\b/);
});

describe('untrusted input through the CLI: counted, reported with file and line, exit 1', () => {
  const good = '2 1 eni-1 10.100.0.1 10.100.1.1 40000 5005 6 1 60 100 160 ACCEPT OK';

  test('a huge line, a bad port and a damaged gzip file', async () => {
    writeFileSync(path('huge.log'), [good, 'x'.repeat(200_000), good.replace('40000', '4x'), good].join('\n'));
    const gz = gzipSync(Buffer.from(`${good}\n${good}\n`.repeat(2000)));
    writeFileSync(path('bad.log.gz'), Buffer.concat([gz.subarray(0, gz.length / 2), Buffer.alloc(64, 7)]));
    const { code, out } = await cli('evidence', '--file', site, '--hosts', hosts, path('huge.log'), path('bad.log.gz'));
    expect(code).toBe(1);
    expect(out).toMatch(/huge\.log line 2: too-long: a line of 200000 bytes, longer than the bound of 65536: skipped/);
    expect(out).toMatch(/huge\.log line 3: bad-port: srcport 4x/);
    expect(out).toMatch(/bad\.log\.gz line \d+: bad-gzip: the gzip data is damaged/);
    expect(out).toMatch(/Faults in the logs \(\d+\): bad-gzip 1, bad-port 1, .*too-long 1/);
  });

  test('Azure JSON of the wrong types: each value named by line and JSON path', async () => {
    const doc = {
      records: [
        {
          time: 't',
          flowRecords: {
            flows: [
              {
                flowGroups: [
                  { rule: 5, flowTuples: ['1663146003599,10.100.0.1,10.100.1.1,44931,5005,6,O,B,NX,0,0,0,0', 7] },
                ],
              },
            ],
          },
        },
        'x',
      ],
    };
    writeFileSync(path('vnet.json'), JSON.stringify(doc, null, 1));
    const json = JSON.parse(
      (await cli('evidence', '--file', site, '--hosts', hosts, '--format', 'json', path('vnet.json'))).out,
    );
    const faults = json.read.samples.map((i: { reason: string; source: { line: number; path: string } }) => [
      i.reason,
      i.source.path,
    ]);
    expect(faults).toEqual([
      ['json-type', 'records[0].flowRecords.flows[0].flowGroups[0].rule'],
      ['json-type', 'records[0].flowRecords.flows[0].flowGroups[0].flowTuples[1]'],
      ['json-type', 'records[1]'],
    ]);
    expect(json.read.samples.every((i: { source: { line: number } }) => i.source.line > 1)).toBe(true);
    expect(json.totals.records).toBe(1);
  });
});

describe('portplan learn', () => {
  test('the change, applied, leaves no accepted traffic unplanned on the same logs; each change commented', async () => {
    const draft = path('observed.yaml');
    const learned = await cli('learn', '--file', site, '--hosts', hosts, '--draft-catalog', draft, logs);
    expect(learned.code).toBe(0);
    expect(learned.out).toMatch(/^# Declaration changed by portplan learn/);
    expect(learned.out).toMatch(/# learned: accepted .*192\.0\.2\.80.*: draft row/);
    const text = readFileSync(draft, 'utf8');
    expect(text).toMatch(/^# DRAFT CATALOG written by portplan learn\. EVERY ROW NEEDS A SOURCE\./);
    const catalog = loadCatalog(parseYaml(text), draft);
    expect(catalog.rows.length).toBeGreaterThan(0);
    expect(catalog.rows.every((x) => x.citation.document.startsWith('NEEDS A SOURCE'))).toBe(true);
    writeFileSync(path('learned.yaml'), learned.out);
    const before = JSON.parse((await cli('evidence', '--file', site, '--hosts', hosts, '--format', 'json', logs)).out);
    const after = JSON.parse(
      (
        await cli(
          'evidence',
          '--file',
          path('learned.yaml'),
          '--catalog',
          draft,
          '--hosts',
          hosts,
          '--format',
          'json',
          logs,
        )
      ).out,
    );
    expect(before.acceptedUnplanned.length).toBeGreaterThan(5);
    expect(after.acceptedUnplanned).toEqual([]);
    // Nothing planned before is lost, and denied traffic stays denied.
    expect(after.totals.planned).toBeGreaterThanOrEqual(before.totals.planned);
    expect(after.rejectedUnplanned.length).toBe(before.rejectedUnplanned.length);
  });

  test('a row of the catalog that would open the traffic is used before a draft: the option it needs is set', async () => {
    // Named pipes: SP6 (RPC over TCP/IP, 3628) is not planned; traffic on it is accepted anyway.
    const pipes: Declaration = { ...PRESETS.serverprotect, serverProtect: { communication: 'namedPipes' } };
    const rp = resolve(pipes);
    const p = addressPlan(rp, 1, false);
    writeFileSync(path('pipes.json'), JSON.stringify(pipes));
    writeFileSync(path('pipes-hosts.txt'), hostsFile(p));
    const line = `2 1 eni-1 ${p['normal-servers'][0]} ${p['information-server'][0]} 50000 3628 6 3 180 100 160 ACCEPT OK`;
    writeFileSync(path('pipes.log'), `${line}\n`);
    const { code, out } = await cli(
      'learn',
      '--file',
      path('pipes.json'),
      '--hosts',
      path('pipes-hosts.txt'),
      '--format',
      'diff',
      path('pipes.log'),
    );
    expect(code).toBe(0);
    expect(out).toBe(
      [
        '--- declaration',
        '+++ declaration (learned)',
        '@@ -6,4 +6,4 @@',
        ' - name: normal-servers',
        '   role: serverprotect:normal-server',
        ' serverProtect:',
        '-  communication: namedPipes',
        '+  communication: tcpip',
        '',
      ].join('\n'),
    );
  });

  test('traffic it cannot plan (ICMP) is listed as NOT LEARNED, exit 1; draft rows without --draft-catalog, exit 1', async () => {
    const icmp = `2 1 eni-1 ${plan.console[0]} ${plan['information-server'][0]} 0 0 1 3 180 100 160 ACCEPT OK`;
    writeFileSync(path('icmp.log'), `${icmp}\n`);
    const a = await cli('learn', '--file', site, '--hosts', hosts, path('icmp.log'));
    expect(a.code).toBe(1);
    expect(a.out).toMatch(
      /# NOT LEARNED: accepted 10\.100\.0\.1 -> 10\.100\.1\.1\/icmp .*: icmp: catalogs plan tcp and udp only/,
    );
    const b = await cli('learn', '--file', site, '--hosts', hosts, logs);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/give --draft-catalog <file>/);
  });
});
