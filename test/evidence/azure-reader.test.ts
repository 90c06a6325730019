import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FlowRecord } from '../../lib/evidence';
import { AZURE_NSG_V1_SAMPLE, AZURE_NSG_V2_SAMPLE, AZURE_VNET_BANDWIDTH_TUPLES, AZURE_VNET_SAMPLE } from './fixtures';
import { issueLines, readAll, tempDir } from './helpers';

const dir = tempDir('azure');
const write = (name: string, doc: unknown, indent = 2): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc, null, indent));
  return file;
};
// The line of the first line of a file holding a text: what a record's or an issue's line must be.
const lineOf = (file: string, text: string): number =>
  readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;
const tuple = (r: FlowRecord) => [r.srcAddr, r.srcPort, r.dstAddr, r.dstPort, r.protocol, r.action, r.state];
const flat = (doc: { records: { flowRecords: { flows: { flowGroups: { flowTuples: string[] }[] }[] } }[] }) =>
  doc.records.flatMap((r) => r.flowRecords.flows.flatMap((f) => f.flowGroups.flatMap((g) => g.flowTuples)));

describe('VNet flow logs (version 4), the documentation sample', () => {
  test('every tuple, with its rule, the record MAC, the JSON path and the line', async () => {
    const file = write('vnet.json', AZURE_VNET_SAMPLE);
    const { records, summary } = await readAll(file);
    expect(records).toHaveLength(19);
    expect(records[1]).toEqual({
      cloud: 'azure',
      format: 'azure-vnet',
      start: 1663146003606,
      end: 1663146003606,
      srcAddr: '10.0.0.6',
      dstAddr: '52.239.184.180',
      srcPort: 23956,
      dstPort: 443,
      protocol: 6,
      action: 'accept',
      direction: 'outbound',
      state: 'end',
      packets: 5,
      bytes: 2347,
      interface: '00224871C205',
      rule: 'DefaultRule_AllowInternetOutBound',
      source: {
        file,
        line: lineOf(file, '1663146003606'),
        path: 'records[0].flowRecords.flows[0].flowGroups[0].flowTuples[1]',
      },
    });
    expect(records.map((r) => r.source.line)).toEqual(flat(AZURE_VNET_SAMPLE).map((t) => lineOf(file, t)));
    // D (deny) is a rejection; B, C and E are accepted flows.
    expect(records.filter((r) => r.action === 'reject').map((r) => r.rule)).toEqual([
      'BlockHighRiskTCPPortsFromInternet',
      'BlockHighRiskTCPPortsFromInternet',
      ...Array(7).fill('Internet'),
    ]);
    expect(records.slice(10, 12).map(tuple)).toEqual([
      ['101.33.218.153', 55188, '10.0.0.6', 22, 6, 'reject', 'deny'],
      ['192.241.200.164', 35276, '10.0.0.6', 119, 6, 'reject', 'deny'],
    ]);
    expect(summary).toMatchObject({ files: 1, records: 19, issueCount: 0 });
  });

  test('the bandwidth example: a begin tuple without counts, then counts summed over both directions', async () => {
    const doc = {
      records: [
        {
          macAddress: 'M',
          flowRecords: { flows: [{ flowGroups: [{ rule: 'R', flowTuples: AZURE_VNET_BANDWIDTH_TUPLES }] }] },
        },
      ],
    };
    const { records } = await readAll(write('bw.json', doc));
    expect(records.map((r) => [r.state, r.packets, r.bytes, r.start])).toEqual([
      ['begin', undefined, undefined, 1493763938000],
      ['continue', 1021 + 8005, 588096 + 4610880, 1493695838000],
      ['end', 52 + 47, 29952 + 27072, 1493696138000],
    ]);
    // The page's totals: 9,125 packets and 5,256,000 bytes.
    expect(records.reduce((n, r) => n + (r.packets ?? 0), 0)).toBe(9125);
    expect(records.reduce((n, r) => n + (r.bytes ?? 0), 0)).toBe(5256000);
  });

  test('one line or pretty-printed, plain or gzip, the same records', async () => {
    const pretty = await readAll(write('p.json', AZURE_VNET_SAMPLE));
    const file = join(dir, 'one.json.gz');
    writeFileSync(file, gzipSync(JSON.stringify(AZURE_VNET_SAMPLE)));
    const packed = await readAll(file);
    const strip = (r: FlowRecord) => ({ ...r, source: r.source.path });
    expect(packed.records.map(strip)).toEqual(pretty.records.map(strip));
    expect(packed.records.every((r) => r.source.line === 1)).toBe(true);
  });

  test('keys in any order: a rule or MAC after the tuples still names them', async () => {
    const text =
      '{"records":[{"flowRecords":{"flows":[{"flowGroups":[{"flowTuples":["1,10.0.0.1,10.0.0.2,1,2,17,I,E,NX,1,2,3,4"],"rule":"late"}]}]},"macAddress":"AABB"}]}';
    const file = join(dir, 'order.json');
    writeFileSync(file, text);
    const { records } = await readAll(file);
    expect(records.map((r) => [r.rule, r.interface, r.protocol, r.packets])).toEqual([['late', 'AABB', 17, 4]]);
  });
});

describe('NSG flow logs', () => {
  test('version 2 sample: T and U, A and D, flow states and counts', async () => {
    const file = write('nsg2.json', AZURE_NSG_V2_SAMPLE);
    const { records, summary } = await readAll(file);
    expect(records.map(tuple)).toEqual([
      ['192.0.2.190', 28746, '10.5.16.4', 443, 17, 'reject', 'begin'],
      ['203.0.113.10', 56509, '10.5.16.4', 59336, 6, 'reject', 'begin'],
      ['198.51.100.8', 48495, '10.5.16.4', 8088, 6, 'reject', 'begin'],
      ['10.5.16.4', 59831, '203.0.113.118', 443, 6, 'accept', 'begin'],
      ['10.5.16.4', 59932, '203.0.113.117', 443, 6, 'accept', 'end'],
      ['10.5.16.4', 44931, '203.0.113.115', 443, 6, 'accept', 'continue'],
      ['10.5.16.4', 59929, '198.51.100.225', 443, 6, 'accept', 'end'],
      ['125.64.94.197', 59752, '10.5.16.4', 18264, 6, 'reject', 'begin'],
      ['80.211.72.221', 37433, '10.5.16.4', 8088, 6, 'reject', 'begin'],
      ['46.101.199.124', 60577, '10.5.16.4', 8088, 6, 'reject', 'begin'],
      ['176.119.4.30', 57067, '10.5.16.4', 52801, 6, 'reject', 'begin'],
    ]);
    expect(records[4]).toMatchObject({
      packets: 2,
      bytes: 132,
      start: 1542110379000,
      interface: '000D3AF87856',
      direction: 'outbound',
    });
    expect(records[0]).toMatchObject({ rule: 'DefaultRule_DenyAllInBound', direction: 'inbound' });
    expect(records[0].packets).toBeUndefined();
    expect(summary.issueCount).toBe(0);
  });

  test('version 1 sample as printed: its two records read, the nested document reported at its line', async () => {
    const file = write('nsg1.json', AZURE_NSG_V1_SAMPLE);
    const { records, summary } = await readAll(file);
    expect(records.map((r) => [r.dstPort, r.action, r.rule])).toEqual([
      [5358, 'reject', 'DefaultRule_DenyAllInBound'],
      [3389, 'accept', 'UserRule_default-allow-rdp'],
      [3389, 'accept', 'UserRule_default-allow-rdp'],
      [3389, 'accept', 'UserRule_default-allow-rdp'],
      [3389, 'accept', 'UserRule_default-allow-rdp'],
      [1732, 'reject', 'DefaultRule_DenyAllInBound'],
      [3389, 'accept', 'UserRule_default-allow-rdp'],
      [3389, 'accept', 'UserRule_default-allow-rdp'],
      [3389, 'accept', 'UserRule_default-allow-rdp'],
    ]);
    expect(records.every((r) => r.state === undefined && r.packets === undefined)).toBe(true);
    // The third element of records opens on the line after the second record ends.
    const third =
      JSON.stringify(AZURE_NSG_V1_SAMPLE, null, 2)
        .split('\n')
        .findIndex((l, i, all) => l === '    {' && all[i + 1] === '      "records": [') + 1;
    expect(issueLines(summary)).toEqual([['json-type', third]]);
    expect(summary.samples[0].source.path).toBe('records[2]');
  });
});
