import fc from 'fast-check';
import { EvidenceCollector, Inventory, parseHostsFile, type FlowRecord } from '../../lib/evidence';
import { PRESETS, resolve, type Protocol } from '../../lib/model';

// ServerProtect over named pipes: SP6 (RPC over TCP/IP, 3628) is not planned.
const r = resolve({ ...PRESETS.serverprotect, serverProtect: { communication: 'namedPipes' } });
const inv = new Inventory(
  parseHostsFile(
    ['10.0.1.5 console', '10.0.2.5 information-server', '10.0.3.5 normal-servers', '10.0.3.6 normal-servers'].join(
      '\n',
    ),
    'hosts',
  ),
);
const flow = (from: string, to: string, protocol: Protocol, port: number) =>
  r.flows.findIndex(
    (f) =>
      f.from.name === from && f.to.name === to && f.protocol === protocol && f.fromPort <= port && port <= f.toPort,
  );

let line = 0;
const rec = (
  srcAddr: string,
  srcPort: number,
  dstAddr: string,
  dstPort: number,
  protocol: number,
  action: 'accept' | 'reject',
  extra: Partial<FlowRecord> = {},
): FlowRecord => ({
  cloud: 'aws',
  format: 'aws',
  srcAddr,
  srcPort,
  dstAddr,
  dstPort,
  protocol,
  action,
  source: { file: 'f.log', line: ++line },
  ...extra,
});

describe('EvidenceCollector', () => {
  const records = [
    rec('10.0.1.5', 50001, '10.0.2.5', 5005, 6, 'accept', { packets: 10, bytes: 1000, start: 5000, end: 9000 }),
    rec('10.0.1.5', 50002, '10.0.2.5', 5014, 6, 'accept', { packets: 5, bytes: 500, start: 1000, end: 2000 }),
    ...Array.from({ length: 7 }, (_, i) => rec('10.0.1.5', 50100 + i, '10.0.2.5', 3000 + i, 17, 'reject')),
    rec('10.0.2.5', 5005, '10.0.1.5', 50001, 6, 'accept', { packets: 8, bytes: 800 }),
    rec('10.0.2.5', 5005, '10.0.1.5', 50001, 6, 'reject'),
    rec('10.0.3.5', 50003, '10.0.2.5', 3628, 6, 'reject'),
    rec('10.0.3.6', 50004, '10.0.2.5', 3628, 6, 'reject'),
    rec('198.51.100.7', 40000, '10.0.2.5', 10319, 6, 'reject'),
    rec('198.51.100.8', 40000, '10.0.2.5', 445, 6, 'reject'),
    rec('10.0.1.5', 50005, '192.0.2.80', 443, 6, 'accept', { packets: 3, bytes: 300 }),
    rec('10.0.1.5', 0, '10.0.2.5', 0, 1, 'accept'),
  ];
  const c = new EvidenceCollector(r, inv);
  for (const x of records) c.add(x);
  const report = c.report();
  const sp4 = flow('console', 'information-server', 'tcp', 5005);
  const sp2 = flow('console', 'information-server', 'udp', 3000);

  test('a planned flow seen and accepted: counts, packets, bytes, first and last; its replies apart', () => {
    expect(report.flows[sp4]).toMatchObject({
      index: sp4,
      status: 'accepted',
      accepted: { records: 2, packets: 15, bytes: 1500, first: 1000, last: 9000 },
      rejected: { records: 0, packets: 0, bytes: 0 },
      replies: { accepted: { records: 1, packets: 8, bytes: 800 }, rejected: { records: 1 } },
      rejectedSamples: [],
    });
    expect(report.flows[sp4].flow).toBe(r.flows[sp4]);
  });

  test('a planned flow rejected: drift, with the first rejected records as samples', () => {
    expect(report.flows[sp2].status).toBe('rejected');
    expect(report.flows[sp2].rejected.records).toBe(7);
    expect(report.flows[sp2].rejectedSamples.map((s) => [s.srcPort, s.dstPort, s.action, s.source.line])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [50100 + i, 3000 + i, 'reject', 3 + i]),
    );
  });

  test('every other planned flow unseen', () => {
    expect(report.flows.filter((f) => f.status === 'unseen').map((f) => f.index)).toEqual(
      r.flows.map((_, i) => i).filter((i) => i !== sp4 && i !== sp2),
    );
  });

  test('rejected traffic no flow plans: by port and ends, with the catalog rows that would open it and what they need', () => {
    expect(
      report.rejectedUnplanned.map((u) => [
        u.protocol,
        u.port,
        u.src.groups,
        u.dst.groups,
        u.tally.records,
        u.wouldOpen?.map((m) => [m.from, m.to, m.rows.map((w) => w.id)]),
      ]),
    ).toEqual([
      [6, 445, [], ['information-server'], 1, []],
      [6, 3628, ['normal-servers'], ['information-server'], 2, [['normal-servers', 'information-server', ['SP6']]]],
      [6, 10319, [], ['information-server'], 1, [['198.51.100.7/32', 'information-server', ['SP10']]]],
    ]);
    const [, sp6, sp10] = report.rejectedUnplanned;
    expect(sp6.wouldOpen?.[0].rows[0].needs).toEqual([
      "the row's condition: communication tcpip (serverProtect.communication)",
    ]);
    expect(sp10.wouldOpen?.[0].rows[0].needs[0]).toBe(
      'a peer of kind control-manager whose cidr contains 198.51.100.7/32',
    );
    expect(sp6.samples.map((s) => s.srcAddr)).toEqual(['10.0.3.5', '10.0.3.6']);
  });

  test('accepted traffic no flow covers, ICMP included; totals add up', () => {
    expect(
      report.acceptedUnplanned.map((u) => [u.protocol, u.port, u.src.groups, u.dst.groups, u.tally.bytes, u.wouldOpen]),
    ).toEqual([
      [1, 0, ['console'], ['information-server'], 0, undefined],
      [6, 443, ['console'], [], 300, undefined],
    ]);
    expect(report.totals).toEqual({ records: records.length, planned: 9, replies: 2, unplanned: 6 });
    expect(report.overflow).toEqual({
      accepted: { records: 0, packets: 0, bytes: 0 },
      rejected: { records: 0, packets: 0, bytes: 0 },
    });
  });

  test('the report does not depend on the order of the records, but for which records are samples', () => {
    const strip = (x: ReturnType<EvidenceCollector['report']>) =>
      JSON.parse(JSON.stringify(x, (k, v) => (k === 'samples' || k === 'rejectedSamples' ? undefined : v)));
    fc.assert(
      fc.property(fc.shuffledSubarray(records, { minLength: records.length }), (shuffled) => {
        const other = new EvidenceCollector(r, inv);
        for (const x of shuffled) other.add(x);
        expect(strip(other.report())).toEqual(strip(report));
      }),
      { numRuns: 50 },
    );
  });

  test('memory is bounded by the caps, whatever the records: keys beyond the cap are counted in overflow', () => {
    const small = new EvidenceCollector(r, inv, { maxUnplanned: 100, maxSamples: 2 });
    let packets = 0;
    for (let i = 0; i < 20000; i++) {
      // Scanners on every port: up to 65,535 keys, of which 100 are itemized.
      const x = rec(`198.51.${i % 250}.${i % 199}`, 40000, '10.0.2.5', 1 + ((i * 7919) % 65535), 6, 'reject', {
        packets: 1,
      });
      packets++;
      small.add(x);
    }
    const s = small.report();
    expect(s.rejectedUnplanned).toHaveLength(100);
    expect(s.rejectedUnplanned.every((u) => u.samples.length <= 2)).toBe(true);
    const itemized = s.rejectedUnplanned.reduce((n, u) => n + u.tally.records, 0);
    expect(itemized + s.overflow.rejected.records).toBe(20000);
    expect(s.overflow.rejected.packets + s.rejectedUnplanned.reduce((n, u) => n + u.tally.packets, 0)).toBe(packets);
    expect(s.totals.unplanned).toBe(20000);
  });
});

describe('unplanned traffic: the rules the log names and the addresses outside', () => {
  test('rules each once, sorted; outside addresses each once, sorted, capped with a flag', () => {
    const c = new EvidenceCollector(r, inv, { maxAddresses: 3, maxSamples: 2 });
    const rules = ['UserRule_b', 'UserRule_a', 'UserRule_b', 'UserRule_c'];
    rules.forEach((rule, i) => c.add(rec(`198.51.100.${9 - i}`, 40000, '10.0.2.5', 8443, 6, 'accept', { rule })));
    c.add(rec('10.0.1.5', 40000, '192.0.2.7', 443, 6, 'accept'));
    c.add(rec('10.0.1.5', 40001, '192.0.2.7', 443, 6, 'accept'));
    const [toGroup] = c.report().acceptedUnplanned.filter((u) => u.port === 8443);
    expect(toGroup.rules).toEqual(['UserRule_a', 'UserRule_b']);
    expect(toGroup.addresses).toEqual({ src: ['198.51.100.7', '198.51.100.8', '198.51.100.9'], dst: [], more: true });
    const [outbound] = c.report().acceptedUnplanned.filter((u) => u.port === 443);
    expect(outbound.addresses).toEqual({ src: [], dst: ['192.0.2.7'], more: false });
    expect(outbound.rules).toEqual([]);
  });
});
