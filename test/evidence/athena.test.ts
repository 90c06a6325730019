// The SQL that Athena runs gives the evidence the in-process path gives: the generated query is
// run by DuckDB over the same generated logs, loaded as the table Athena's documentation creates
// (same column names and types, `-` as NULL in numeric columns), and compared row for row.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  ATHENA_COLUMNS,
  Inventory,
  canonicalAddress,
  athenaSql,
  collectEvidence,
  membershipText,
  parseHostsFile,
  readFlowLogs,
  type EvidenceReport,
  type Tally,
} from '../../lib/evidence';
import { ArgumentError, PRESETS, resolve, type Declaration, type Resolution } from '../../lib/model';
import { validDeclaration } from '../support/declarations';
import { addressPlan, hostsFile, simulateTraffic, writeAwsLog, type AddressPlan } from '../support/flowlogs';
import { tempDir } from './helpers';

const dir = tempDir('athena');

// The columns of the documented CREATE EXTERNAL TABLE for the default (version 2) fields.
const ATHENA_TYPES: [string, string, string][] = [
  ['version', 'version', 'INTEGER'],
  ['account-id', 'account_id', 'VARCHAR'],
  ['interface-id', 'interface_id', 'VARCHAR'],
  ['srcaddr', 'srcaddr', 'VARCHAR'],
  ['dstaddr', 'dstaddr', 'VARCHAR'],
  ['srcport', 'srcport', 'INTEGER'],
  ['dstport', 'dstport', 'INTEGER'],
  ['protocol', 'protocol', 'BIGINT'],
  ['packets', 'packets', 'BIGINT'],
  ['bytes', 'bytes', 'BIGINT'],
  ['start', 'start', 'BIGINT'],
  ['end', '"end"', 'BIGINT'],
  ['action', 'action', 'VARCHAR'],
  ['log-status', 'log_status', 'VARCHAR'],
];

async function loadTable(con: DuckDBConnection, file: string): Promise<void> {
  const columns = ATHENA_TYPES.map(([field, column, type]) =>
    type === 'VARCHAR' ? `"${field}" AS ${column}` : `TRY_CAST("${field}" AS ${type}) AS ${column}`,
  );
  await con.run('DROP TABLE IF EXISTS vpc_flow_logs');
  await con.run(
    `CREATE TABLE vpc_flow_logs AS SELECT ${columns.join(', ')} FROM read_csv('${file}', delim = ' ', header = true, all_varchar = true)`,
  );
}

type Row = Record<(typeof ATHENA_COLUMNS)[number], unknown>;
const n = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const sqlTally = (row: Row): Tally => {
  const first = n(row.first_seen);
  const last = n(row.last_seen);
  return {
    records: Number(row.records),
    packets: Number(row.packets),
    bytes: Number(row.bytes),
    ...(first !== undefined ? { first: first * 1000 } : {}),
    ...(last !== undefined ? { last: last * 1000 } : {}),
  };
};

// The in-process report in the shape of the query's result.
function expected(report: EvidenceReport) {
  const flows = report.flows.flatMap((f) => [
    ['flow', f.index, 'ACCEPT', f.accepted],
    ['flow', f.index, 'REJECT', f.rejected],
    ['reply', f.index, 'ACCEPT', f.replies.accepted],
    ['reply', f.index, 'REJECT', f.replies.rejected],
  ]);
  const unplanned = [...report.acceptedUnplanned, ...report.rejectedUnplanned].map((u) => [
    u.action === 'accept' ? 'ACCEPT' : 'REJECT',
    u.protocol,
    u.port,
    membershipText(u.src),
    membershipText(u.dst),
    u.tally,
    u.wouldOpen !== undefined,
    [...new Set((u.wouldOpen ?? []).flatMap((m) => m.rows.map((w) => w.id)))],
  ]);
  return { flows, unplanned };
}

function actual(rows: Row[], r: Resolution) {
  const flows = rows
    .filter((x) => x.section === 'flow' || x.section === 'reply')
    .map((x) => [x.section, Number(x.flow_index), x.action, sqlTally(x)]);
  const rowOrder = (id: string) => r.catalog.rows.findIndex((c) => c.id === id);
  const unplanned = rows
    .filter((x) => x.section === 'unplanned')
    .map((x) => {
      const key = [x.action, Number(x.protocol), Number(x.port), x.src, x.dst];
      const open = rows
        .filter(
          (w) =>
            w.section === 'would-open' &&
            JSON.stringify([w.action, Number(w.protocol), Number(w.port), w.src, w.dst]) === JSON.stringify(key),
        )
        .map((w) => String(w.flow))
        .sort((a, b) => rowOrder(a) - rowOrder(b));
      return [...key, sqlTally(x), x.catalog_checked === true, open];
    });
  return { flows, unplanned };
}

const byKey = (xs: unknown[][]) => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

async function compare(
  con: DuckDBConnection,
  res: Resolution,
  inv: Inventory,
  file: string,
): Promise<ReturnType<typeof expected>> {
  await loadTable(con, file);
  const result = await con.runAndReadAll(athenaSql(res, inv));
  expect(result.columnNames()).toEqual([...ATHENA_COLUMNS]);
  const rows = result.getRowObjects() as Row[];
  const report = await collectEvidence(readFlowLogs(file), res, inv);
  const want = expected(report);
  const got = actual(rows, res);
  expect(byKey(got.flows)).toEqual(byKey(want.flows));
  expect(byKey(got.unplanned)).toEqual(byKey(want.unplanned));
  return want;
}

// An inventory of the address plan with some groups given as ranges (a /24, a /64) and some hosts
// in two groups, so that the query's range lookups and shared memberships are exercised.
function mixedInventory(plan: AddressPlan): Inventory {
  const lines = Object.entries(plan).flatMap(([g, addrs], i) =>
    i % 3 === 1
      ? addrs.map((a) =>
          a.includes(':') ? `${a.replace(/::[0-9a-f]+$/, '::')}/64 ${g}` : `${a.replace(/\.\d+$/, '.0')}/24 ${g}`,
        )
      : addrs.map((a) => `${a} ${g}`),
  );
  const groups = Object.keys(plan);
  if (groups.length > 1) lines.push(`${plan[groups[0]][0]} ${groups[1]}`);
  return new Inventory(parseHostsFile([...new Set(lines)].join('\n'), 'hosts'));
}

describe('the Athena SQL, run by DuckDB, gives the in-process evidence', () => {
  let con: DuckDBConnection;
  beforeAll(async () => {
    con = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => con.closeSync());

  test('ServerProtect with peers: planned, drift, replies, noise and scanners, IPv4 and IPv6', async () => {
    const declaration: Declaration = {
      ...PRESETS.serverprotect,
      peers: [
        { name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.10/32' },
        { name: 'updates', kind: 'update-source', cidr: '203.0.113.0/28' },
        { name: 'mail', kind: 'mail', cidr: '2001:db8:9::25/128' },
      ],
      serverProtect: { controlManagerAgent: 'tmi' },
    };
    const res = resolve(declaration);
    const plan = addressPlan(res, 3, true);
    const file = join(dir, 'sp.log.gz');
    await writeAwsLog(
      file,
      simulateTraffic(res, plan, { seed: 3, perFlow: 5, drift: 2, noise: 60, scanners: 400, replies: true }),
      { gzip: true },
    );
    const want = await compare(con, res, mixedInventory(plan), file);
    await compare(con, res, new Inventory(parseHostsFile(hostsFile(plan), 'hosts')), file);
    // Every section is there to compare: drift, replies, unplanned both ways, rows that would open.
    const records = (section: string, action: string) =>
      want.flows.filter((f) => f[0] === section && f[2] === action).reduce((k, f) => k + (f[3] as Tally).records, 0);
    expect([records('flow', 'REJECT'), records('reply', 'ACCEPT')].every((k) => k > 0)).toBe(true);
    expect(want.unplanned.filter((u) => u[0] === 'ACCEPT').length).toBeGreaterThan(5);
    expect(want.unplanned.filter((u) => (u[7] as string[]).length).length).toBeGreaterThan(0);
    expect(want.unplanned.some((u) => u[4] === 'outside' || u[3] === 'outside')).toBe(true);
  });

  test('any declaration and traffic', async () => {
    await fc.assert(
      fc.asyncProperty(validDeclaration, fc.nat(), async (declaration, seed) => {
        const res = resolve(declaration);
        const plan = addressPlan(res, 2, true);
        const file = join(dir, `any-${seed}.log`);
        await writeAwsLog(
          file,
          simulateTraffic(res, plan, { seed, perFlow: 2, drift: 1, noise: 10, scanners: 10, replies: true }),
        );
        await compare(con, res, mixedInventory(plan), file);
      }),
      { numRuns: 12 },
    );
  });

  test('an IPv6 address in any spelling (zeros, case, :: anywhere) is found in its group', async () => {
    const res = resolve(PRESETS.serverprotect);
    const hextets = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(hextets, { minLength: 1, maxLength: 6, selector: (h) => h.join(':') }),
        fc.nat(),
        async (addrs, seed) => {
          const spell = (h: number[], i: number): string => {
            const form = (seed + i) % 4;
            const parts = h.map((x) => (form === 1 ? x.toString(16).padStart(4, '0') : x.toString(16)));
            let text = parts.join(':');
            const zero = h.findIndex((x) => x === 0);
            if (form >= 2 && zero >= 0) {
              let end = zero;
              while (end < 8 && h[end] === 0) end++;
              text = `${parts.slice(0, zero).join(':')}::${parts.slice(end).join(':')}`;
            }
            return form === 3 ? text.toUpperCase() : text;
          };
          const canonical = addrs.map((h) => canonicalAddress(h.map((x) => x.toString(16)).join(':')) as string);
          const inv = new Inventory(parseHostsFile(canonical.map((a) => `${a} console`).join('\n'), 'hosts'));
          const lines = addrs.map((h, i) => `2 1 eni-1 ${spell(h, i)} 10.0.0.1 40000 5005 6 1 40 1 2 ACCEPT OK`);
          const file = join(dir, `v6-${seed}.log`);
          writeFileSync(file, `${ATHENA_TYPES.map((t) => t[0]).join(' ')}\n${lines.join('\n')}\n`);
          const want = await compare(con, res, inv, file);
          expect(want.unplanned.map((u) => u[3])).toEqual(['console']);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('a table name that is not an identifier is refused, naming it', () => {
    const res = resolve(PRESETS.serverprotect);
    const inv = new Inventory([]);
    expect(() => athenaSql(res, inv, { table: 'logs; DROP TABLE x' })).toThrow(ArgumentError);
    expect(athenaSql(res, inv, { table: 'flowlogs.vpc_flow_logs' })).toContain('FROM flowlogs.vpc_flow_logs');
  });
});
