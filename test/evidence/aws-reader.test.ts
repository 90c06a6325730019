import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ArgumentError } from '../../lib/model';
import { AWS_DEFAULT_FORMAT, parseAwsFormat, type FlowRecord } from '../../lib/evidence';
import {
  AWS_DEFAULT_SAMPLES,
  AWS_NAT_FORMAT,
  AWS_NAT_SAMPLES,
  AWS_S3_LOG_FORMAT,
  AWS_TCP_FLAGS_FORMAT,
  AWS_TCP_FLAGS_SAMPLES,
  AWS_TGW_FORMAT,
  AWS_TGW_SAMPLES,
  AWS_V5_FORMAT,
  AWS_V5_SAMPLES,
} from './fixtures';
import { issueLines, readAll, tempDir } from './helpers';

const dir = tempDir('aws');
const write = (name: string, lines: readonly string[]): string => {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};
const tuple = (r: FlowRecord) => [r.srcAddr, r.srcPort, r.dstAddr, r.dstPort, r.protocol, r.action];

describe('AWS default format, the documentation samples', () => {
  test('each record as the page describes it; NODATA and SKIPDATA counted, not records', async () => {
    const file = write('default.log', AWS_DEFAULT_SAMPLES);
    const { records, summary } = await readAll(file);
    expect(records[0]).toEqual({
      cloud: 'aws',
      format: 'aws',
      srcAddr: '172.31.16.139',
      dstAddr: '172.31.16.21',
      srcPort: 20641,
      dstPort: 22,
      protocol: 6,
      action: 'accept',
      start: 1418530010000,
      end: 1418530070000,
      interface: 'eni-1235b8ca123456789',
      packets: 20,
      bytes: 4249,
      source: { file, line: 1 },
    });
    expect(records.map(tuple)).toEqual([
      ['172.31.16.139', 20641, '172.31.16.21', 22, 6, 'accept'],
      ['172.31.9.69', 49761, '172.31.9.12', 3389, 6, 'reject'],
      ['203.0.113.12', 0, '172.31.16.139', 0, 1, 'accept'],
      ['172.31.16.139', 0, '203.0.113.12', 0, 1, 'reject'],
      ['2001:db8:1234:a100:8d6e:3477:df66:f105', 34892, '2001:db8:1234:a102:3304:8879:34cf:4071', 22, 6, 'accept'],
    ]);
    expect(records.map((r) => r.source.line)).toEqual([1, 2, 5, 6, 7]);
    expect(summary).toMatchObject({ files: 1, records: 5, noData: 1, skipData: 1, issueCount: 0 });
  });

  test('a header line as S3 delivery writes it is read as the format, and lines keep their numbers', async () => {
    const file = write('header.log', [AWS_DEFAULT_FORMAT, ...AWS_DEFAULT_SAMPLES]);
    const { records, summary } = await readAll(file);
    expect(records.map((r) => r.source.line)).toEqual([2, 3, 6, 7, 8]);
    expect(records.map(tuple)).toEqual((await readAll(write('plain.log', AWS_DEFAULT_SAMPLES))).records.map(tuple));
    expect(summary.issueCount).toBe(0);
  });

  test('IPv6 addresses come out in one canonical form (RFC 5952), whatever the log wrote', async () => {
    const line = '2 1 eni-1 2001:DB8:0:0:0:0:0:1 2001:0db8::0:2 1 2 6 1 1 1 1 ACCEPT OK';
    const { records } = await readAll(write('v6.log', [line]));
    expect([records[0].srcAddr, records[0].dstAddr]).toEqual(['2001:db8::1', '2001:db8::2']);
  });
});

describe('AWS custom formats', () => {
  test('TCP flag sequence: the header names the fields; the line with two spaces reads too', async () => {
    const { records, summary } = await readAll(write('tcp.log', [AWS_TCP_FLAGS_FORMAT, ...AWS_TCP_FLAGS_SAMPLES]));
    expect(records.map((r) => r.tcpFlags)).toEqual([2, 18, 2, 18, 1, 1, 3, 19]);
    expect(records.map((r) => [r.packets, r.bytes])).toEqual([
      [8, 568],
      [7, 376],
      [70, 100701],
      [12, 632],
      [1219, 63388],
      [15774, 23294588],
      [17, 1260],
      [14, 967],
    ]);
    expect(summary.issueCount).toBe(0);
  });

  test('a --log-format string in the AWS syntax reads files without a header alike', async () => {
    const withHeader = await readAll(write('tcp-h.log', [AWS_TCP_FLAGS_FORMAT, ...AWS_TCP_FLAGS_SAMPLES]));
    const format = AWS_TCP_FLAGS_FORMAT.split(' ')
      .map((f) => `\${${f}}`)
      .join(' ');
    const given = await readAll(write('tcp-n.log', AWS_TCP_FLAGS_SAMPLES), { awsFormat: format });
    expect(given.records.map((r) => ({ ...r, source: r.source.line + 1 }))).toEqual(
      withHeader.records.map((r) => ({ ...r, source: r.source.line })),
    );
  });

  test('transit gateway: pkt-srcaddr and pkt-dstaddr are the packet, srcaddr and dstaddr the interface', async () => {
    const { records } = await readAll(write('tgw.log', [AWS_TGW_FORMAT, ...AWS_TGW_SAMPLES]));
    expect(records.map(tuple)).toEqual([
      ['10.20.33.164', 39812, '10.40.2.236', 80, 6, 'accept'],
      ['10.40.2.236', 80, '10.20.33.164', 39812, 6, 'accept'],
      ['10.20.33.164', 39812, '10.40.2.236', 80, 6, 'accept'],
      ['10.40.2.236', 80, '10.20.33.164', 39812, 6, 'accept'],
    ]);
  });

  test('version 5: flow-direction gives the direction', async () => {
    const { records } = await readAll(write('v5.log', [AWS_V5_FORMAT, ...AWS_V5_SAMPLES]));
    expect(records.map((r) => [r.direction, r.interface, r.tcpFlags])).toEqual([
      ['inbound', 'eni-1235b8ca123456789', 19],
      ['outbound', 'eni-1235b8ca123456789', 3],
    ]);
  });

  test('a format without ports, protocol or action (the NAT gateway example) is refused, naming what is missing', () => {
    expect(() => parseAwsFormat(AWS_NAT_FORMAT)).toThrow(ArgumentError);
    expect(() => parseAwsFormat(AWS_NAT_FORMAT)).toThrow(/missing srcport, dstport, protocol, action/);
    expect(() => parseAwsFormat(AWS_S3_LOG_FORMAT)).toThrow(/missing action/);
    expect(() => parseAwsFormat('${srcaddr} ${srcaddr}')).toThrow(/srcaddr is named twice/);
    expect(() => parseAwsFormat('${src addr}')).toThrow(ArgumentError);
    expect(() => parseAwsFormat(`${AWS_DEFAULT_FORMAT} \${Bad}`)).toThrow(/got "\$\{Bad\}"/);
  });

  test('a file whose header is such a format: the header is reported, every line fails the default format', async () => {
    const { records, summary } = await readAll(write('nat.log', [AWS_NAT_FORMAT, ...AWS_NAT_SAMPLES]));
    expect(records).toEqual([]);
    expect(issueLines(summary)).toEqual([
      ['header', 1],
      ['field-count', 2],
      ['field-count', 3],
      ['field-count', 4],
      ['field-count', 5],
    ]);
  });

  test('a header that differs from --log-format is reported, and the header is used', async () => {
    const file = write('tgw2.log', [AWS_TGW_FORMAT, ...AWS_TGW_SAMPLES]);
    const { records, summary } = await readAll(file, { awsFormat: AWS_DEFAULT_FORMAT });
    expect(records).toHaveLength(4);
    expect(issueLines(summary)).toEqual([['header', 1]]);
  });
});

describe('gzip and directories', () => {
  test('a gzip file (magic bytes, whatever its name) reads as its text; several members as their concatenation', async () => {
    const plain = await readAll(write('p.log', AWS_DEFAULT_SAMPLES));
    const file = join(dir, 'packed.txt');
    const text = `${AWS_DEFAULT_SAMPLES.join('\n')}\n`;
    writeFileSync(file, gzipSync(text));
    const packed = await readAll(file);
    expect(packed.records.map((r) => ({ ...r, source: r.source.line }))).toEqual(
      plain.records.map((r) => ({ ...r, source: r.source.line })),
    );
    const two = join(dir, 'two.log.gz');
    writeFileSync(two, Buffer.concat([gzipSync(text), gzipSync(text)]));
    const both = await readAll(two);
    expect(both.records).toHaveLength(10);
    expect(both.records.map((r) => r.source.line).slice(5)).toEqual([8, 9, 12, 13, 14]);
  });

  test('a directory tree is read depth first, each level in name order', async () => {
    const root = join(dir, 'tree');
    const files = ['b/2.log', 'a.log', 'b/10.log', 'B.log', 'c/d/e.log.gz', 'c.log'];
    const { mkdirSync } = await import('node:fs');
    for (const f of files) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      const text = `${AWS_DEFAULT_SAMPLES[0]}\n`;
      writeFileSync(join(root, f), f.endsWith('.gz') ? gzipSync(text) : text);
    }
    const { records, summary } = await readAll(root);
    expect(records.map((r) => r.source.file.slice(root.length + 1))).toEqual([
      'B.log',
      'a.log',
      'b/10.log',
      'b/2.log',
      'c/d/e.log.gz',
      'c.log',
    ]);
    expect(summary.files).toBe(6);
  });
});
