// Logs are untrusted input: every malformed line, tuple, value and file is counted and reported
// with its file, line and reason, and the good records around it are still read.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FlowLogError, readFlowLogs, type FlowLogIssue, type FlowRecord } from '../../lib/evidence';
import { AzureFlowEvents } from '../../lib/evidence/azure';
import { JsonTokenizer } from '../../lib/evidence/json-stream';
import { AZURE_VNET_SAMPLE } from './fixtures';
import { issueLines, readAll, tempDir } from './helpers';

const dir = tempDir('malformed');
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const GOOD = '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1 60 100 160 ACCEPT OK';
const good = (port: number) => GOOD.replace(' 22 ', ` ${port} `);

describe('AWS text: every malformed line, with its line number and reason', () => {
  const lines = [
    good(1),
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1 60 100 160 ACCEPT',
    '2 1 eni-1 10.0.0.1 10.0.0.2 22x 22 6 1 60 100 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 70000 6 1 60 100 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.300 10.0.0.2 40000 22 6 1 60 100 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.1 010.0.0.2 40000 22 6 1 60 100 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 tcp 1 60 100 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 256 1 60 100 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1e3 60 100 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1 60 -5 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1 60 100 160 ALLOW OK',
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1 60 100 160 ACCEPT FINE',
    '2 1 eni-1 - 10.0.0.2 40000 22 6 1 60 100 160 ACCEPT OK',
    '',
    `2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1 60 100 160 ACCEPT OK ${'x'.repeat(5000)}`,
    good(2),
    '2 1 eni-1 10.0.\u00000.1 10.0.0.2 40000 22 6 1 60 100 160 ACCEPT OK',
    '2 1 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1 60 100 160 ACCEPT OK',
  ];
  const expected: [string, number][] = [
    ['field-count', 2],
    ['bad-port', 3],
    ['bad-port', 4],
    ['bad-address', 5],
    ['bad-address', 6],
    ['bad-protocol', 7],
    ['bad-protocol', 8],
    ['bad-number', 9],
    ['bad-number', 10],
    ['bad-value', 11],
    ['bad-value', 12],
    ['missing-value', 13],
    ['too-long', 15],
    ['bad-address', 17],
    ['too-long', 19],
  ];

  test('each fault reported once, at its line; the good lines read', async () => {
    // The last line is longer than the bound and has no line end.
    const path = file('bad.log', `${lines.join('\n')}\n${'y'.repeat(3000)}`);
    const seen: FlowLogIssue[] = [];
    const { records, summary } = await readAll(path, { maxLineBytes: 1024, onIssue: (i) => seen.push(i) });
    expect(records.map((r) => r.source.line)).toEqual([1, 16, 18]);
    expect(issueLines(summary)).toEqual(expected);
    expect(seen.map((i) => [i.reason, i.source.line])).toEqual(expected);
    expect(summary).toMatchObject({ blankLines: 1, records: 3, issueCount: expected.length });
    expect(summary.issues).toEqual({
      'bad-address': 3,
      'bad-number': 2,
      'bad-port': 2,
      'bad-protocol': 2,
      'bad-value': 2,
      'field-count': 1,
      'missing-value': 1,
      'too-long': 2,
    });
  });

  test('messages name the field, the value and what is allowed; excerpts are bounded and show control characters as ?', async () => {
    const path = file('bad2.log', `${lines.join('\n')}\n`);
    const { summary } = await readAll(path, { maxLineBytes: 1024 });
    const at = (line: number) => summary.samples.find((i) => i.source.line === line) as FlowLogIssue;
    expect(at(3).message).toBe('srcport 22x: must be a whole number from 0 to 65535');
    expect(at(2).message).toMatch(/^13 fields; the format has 14: version account-id/);
    expect(at(7).message).toBe('protocol tcp: must be an IANA protocol number, 0 to 255');
    expect(at(13).message).toBe('srcaddr is -: a record with log-status OK needs it');
    expect(at(15).message).toBe(`a line of ${lines[14].length} bytes, longer than the bound of 1024: skipped`);
    expect(at(15).text).toHaveLength(200);
    expect(at(17).text).toContain('10.0.?0.1');
    expect(at(17).source).toEqual({ file: path, line: 17 });
  });

  test('CRLF line ends read as line ends', async () => {
    const { records, summary } = await readAll(file('crlf.log', `${good(1)}\r\n${good(2)}\r\n`));
    expect(records.map((r) => r.dstPort)).toEqual([1, 2]);
    expect(summary.issueCount).toBe(0);
  });

  test('a line of megabytes is skipped without being held, and the next line reads', async () => {
    const path = file('huge.log', `${'z'.repeat(4 << 20)}\n${good(3)}\n`);
    const { records, summary } = await readAll(path, { maxLineBytes: 65536 });
    expect(records.map((r) => [r.dstPort, r.source.line])).toEqual([[3, 2]]);
    expect(summary.samples[0]).toMatchObject({ reason: 'too-long', source: { line: 1 } });
    expect(summary.samples[0].message).toContain(`${4 << 20} bytes`);
  });

  test('samples are capped per reason; counts are not', async () => {
    const path = file('many.log', Array.from({ length: 50 }, () => 'garbage').join('\n'));
    const reader = readFlowLogs(path, { issueSamples: 3 });
    for await (const r of reader) throw new Error(`no record expected, got ${JSON.stringify(r)}`);
    expect(reader.summary().issues).toEqual({ 'field-count': 50 });
    expect(reader.summary().samples.map((i) => i.source.line)).toEqual([1, 2, 3]);
  });
});

describe('damaged gzip', () => {
  const text = Array.from({ length: 3000 }, (_, i) => good(1 + (i % 1000))).join('\n');
  const packed = gzipSync(text);

  test('a truncated file: the lines before the cut are read, the rest reported from the last whole line', async () => {
    const { records, summary } = await readAll(file('cut.log.gz', packed.subarray(0, packed.length >> 1)));
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(3000);
    expect(records.map((r) => r.source.line)).toEqual(records.map((_, i) => i + 1));
    expect(issueLines(summary)).toEqual([['bad-gzip', records.length]]);
    expect(summary.samples[0].message).toContain(`after line ${records.length} is unread`);
  });

  test('corrupt data in the middle, and a file that is only the magic bytes', async () => {
    const corrupt = Buffer.from(packed);
    corrupt.fill(0xff, 200, 260);
    const bad = await readAll(file('corrupt.log.gz', corrupt));
    expect(bad.summary.issues).toEqual({ 'bad-gzip': 1 });
    const magic = await readAll(file('magic.gz', Buffer.from([0x1f, 0x8b])));
    expect(magic.records).toEqual([]);
    expect(magic.summary.samples[0]).toMatchObject({ reason: 'bad-gzip', source: { line: 0 } });
    expect(magic.summary.samples[0].message).toContain('from its start is unread');
  });
});

describe('files that are not text flow logs', () => {
  test('a Parquet file is reported, not read as text', async () => {
    const { records, summary } = await readAll(file('x.parquet', Buffer.from('PAR1\u0000\u0000garbagePAR1')));
    expect(records).toEqual([]);
    expect(summary.samples.map((i) => [i.reason, i.source.line])).toEqual([['unreadable', 0]]);
  });

  test('a path that does not exist is an error naming it', async () => {
    const missing = join(dir, 'nope');
    await expect(readAll(missing)).rejects.toThrow(FlowLogError);
    await expect(readAll(missing)).rejects.toThrow(`${missing}: cannot read the flow log path (ENOENT)`);
  });
});

describe('Azure JSON: every malformed tuple and value, with its line and JSON path', () => {
  const T = (s: string) => JSON.stringify(s);
  const doc = [
    '{"records": [',
    ' {"macAddress": "M", "flowRecords": {"flows": [{"flowGroups": [',
    '  {"rule": "R", "flowTuples": [',
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,6,I,E,NX,1,1,1,1')},`,
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,6,I,E,NX,1,1,1')},`,
    `   ${T('1,10.0.0.999,10.0.0.2,1,2,6,I,E,NX,1,1,1,1')},`,
    `   ${T('1,10.0.0.1,10.0.0.2,x,2,6,I,E,NX,1,1,1,1')},`,
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,tcp,I,E,NX,1,1,1,1')},`,
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,6,X,E,NX,1,1,1,1')},`,
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,6,I,Q,NX,1,1,1,1')},`,
    `   ${T('t,10.0.0.1,10.0.0.2,1,2,6,I,E,NX,1,1,1,1')},`,
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,6,I,E,NX,1,y,1,1')},`,
    '   42,',
    `   ${T('2,10.0.0.1,10.0.0.2,1,2,6,I,E,NX,1,1,1,1')}`,
    '  ]},',
    '  {"rule": 7, "flowTuples": "x"}',
    ' ]}]}},',
    ' {"properties": {"flows": [{"rule": "N", "flows": [{"mac": "X", "flowTuples": [',
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,X,I,A')},`,
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,T,I,Z')},`,
    `   ${T('1,10.0.0.1,10.0.0.2,1,2,T,I,A,D,,,,')},`,
    `   ${T('1,2')},`,
    `   ${T('3,10.0.0.1,10.0.0.2,1,2,U,O,A')}`,
    ' ]}]}]}},',
    ' "nope",',
    ' {"flowRecords": []}',
    ']}',
  ].join('\n');

  test('each fault at its line and path; the good tuples read', async () => {
    const { records, summary } = await readAll(file('bad.json', doc));
    expect(records.map((r) => [r.start, r.source.line, r.rule, r.interface])).toEqual([
      [1000, 4, 'R', 'M'],
      [2000, 14, 'R', 'M'],
      [3000, 23, 'N', 'X'],
    ]);
    const tuples = 'records[0].flowRecords.flows[0].flowGroups[0].flowTuples';
    const nsg = 'records[1].properties.flows[0].flows[0].flowTuples';
    expect(summary.samples.map((i) => [i.reason, i.source.line, i.source.path])).toEqual([
      ['json-type', 13, `${tuples}[9]`],
      ['json-type', 16, 'records[0].flowRecords.flows[0].flowGroups[1].rule'],
      ['json-type', 16, 'records[0].flowRecords.flows[0].flowGroups[1].flowTuples'],
      ['field-count', 5, `${tuples}[1]`],
      ['bad-address', 6, `${tuples}[2]`],
      ['bad-port', 7, `${tuples}[3]`],
      ['bad-protocol', 8, `${tuples}[4]`],
      ['bad-value', 9, `${tuples}[5]`],
      ['bad-value', 10, `${tuples}[6]`],
      ['bad-number', 11, `${tuples}[7]`],
      ['bad-number', 12, `${tuples}[8]`],
      ['bad-protocol', 19, `${nsg}[0]`],
      ['bad-value', 20, `${nsg}[1]`],
      ['bad-value', 21, `${nsg}[2]`],
      ['field-count', 22, `${nsg}[3]`],
      ['json-type', 25, 'records[2]'],
      ['json-type', 26, 'records[3].flowRecords'],
    ]);
    const messages = summary.samples.map((i) => i.message);
    expect(messages).toContain('records[0].flowRecords.flows[0].flowGroups[1].rule must be a string');
    expect(messages).toContain('direction X: must be I or O');
    expect(messages).toContain('flow state D: must be B, C or E');
    expect(messages).toContain('records[3].flowRecords must be an object');
  });

  test('documents of the wrong shape', async () => {
    const shapes: [string, [string, number, string | undefined][]][] = [
      ['[1]', [['json-type', 1, '(document)']]],
      ['{"other": 1}', [['json-type', 1, '(document)']]],
      ['{"records": {"a": 1}}', [['json-type', 1, 'records']]],
      ['7', [['json-type', 1, '(document)']]],
    ];
    for (const [text, issues] of shapes) {
      const { records, summary } = await readAll(file('shape.json', text), { format: 'azure' });
      expect(records).toEqual([]);
      expect(summary.samples.map((i) => [i.reason, i.source.line, i.source.path])).toEqual(issues);
    }
  });

  test('text that stops being JSON: what came before is read, the rest reported at the line of the fault', async () => {
    const head =
      '{"records":[{"flowRecords":{"flows":[{"flowGroups":[{"rule":"R","flowTuples":[\n"1,10.0.0.1,10.0.0.2,1,2,6,I,E,NX,1,1,1,1",\n';
    const cut = await readAll(file('cut.json', head));
    expect(cut.records).toHaveLength(1);
    expect(issueLines(cut.summary)).toEqual([['bad-json', 3]]);
    expect(cut.summary.samples[0].message).toMatch(/unexpected end of the text .*; the rest of the file is unread$/);
    const broken = await readAll(file('broken.json', `${head} }\n]}`));
    expect(issueLines(broken.summary)).toEqual([['bad-json', 3]]);
    expect(broken.summary.samples[0].message).toContain('unexpected "}" at line 3 column 2');
  });

  test('a string beyond the bound is reported by length, not held; a byte order mark is skipped', async () => {
    const long = 'x'.repeat(1000);
    const text = `\uFEFF{"records":[{"flowRecords":{"flows":[{"flowGroups":[{"rule":"R","flowTuples":["${long}","1,10.0.0.1,10.0.0.2,1,2,6,I,E,NX,1,1,1,1"]}]}]}}]}`;
    const { records, summary } = await readAll(file('long.json', text), { maxJsonString: 100 });
    expect(records.map((r) => r.source.path)).toEqual(['records[0].flowRecords.flows[0].flowGroups[0].flowTuples[1]']);
    expect(summary.samples.map((i) => [i.reason, i.message])).toEqual([
      ['too-long', 'a string of 1000 characters, longer than the bound'],
    ]);
  });
});

describe('bounded, and nothing lost at the edges', () => {
  test('a damaged gzip JSON file: the tuples before the damage are read, then the fault is reported', async () => {
    const text = JSON.stringify(AZURE_VNET_SAMPLE, null, 2);
    const packed = gzipSync(text);
    const { records, summary } = await readAll(
      file('vnet-cut.json.gz', packed.subarray(0, Math.floor(packed.length * 0.8))),
    );
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(19);
    expect(summary.issues).toEqual({ 'bad-gzip': 1 });
  });

  test('a record of more tuples than the bound is passed on in parts, every tuple once and in order', () => {
    const got: FlowRecord[] = [];
    const events = new AzureFlowEvents(
      'f',
      {
        record: (r) => got.push(r),
        issue: (i) => {
          throw new Error(i.message);
        },
      },
      3,
    );
    const tokenizer = new JsonTokenizer(events, { maxString: 1000, maxDepth: 20 });
    const tuples = Array.from({ length: 10 }, (_, i) => `${i + 1},10.0.0.1,10.0.0.2,1,2,6,I,E,NX,1,1,1,1`);
    tokenizer.write(
      JSON.stringify({
        records: [{ macAddress: 'M', flowRecords: { flows: [{ flowGroups: [{ rule: 'R', flowTuples: tuples }] }] } }],
      }),
    );
    tokenizer.end();
    expect(got.map((r) => [r.start, r.rule, r.interface])).toEqual(tuples.map((_, i) => [(i + 1) * 1000, 'R', 'M']));
  });

  test('a directory reached twice through a link is read once', async () => {
    const root = join(dir, 'loop');
    mkdirSync(join(root, 'a'), { recursive: true });
    writeFileSync(join(root, 'a', 'x.log'), `${good(9)}\n`);
    symlinkSync(join(root, 'a'), join(root, 'b'));
    symlinkSync(root, join(root, 'a', 'up'));
    const { records } = await readAll(root);
    expect(records.map((r) => r.source.file.slice(root.length + 1))).toEqual(['a/x.log']);
  });
});
