import { ArgumentError, portRangeText, type Resolution } from '../model';
import { AWS_DEFAULT_FORMAT, parseAwsFormat } from './aws';
import type { Inventory } from './inventory';
import { membershipText, rowOpenings } from './openings';
import { addressRegions, type AddressRegion } from './regions';

/**
 * The evidence as one SQL query over the VPC flow log table that Athena documents
 * ("Create a table for Amazon VPC flow logs and query it",
 * https://docs.aws.amazon.com/athena/latest/ug/vpc-flow-logs-create-table-statement.html:
 * one column per field, `-` read as NULL in numeric columns, `end` quoted). The plan's flows, the
 * inventory and the catalog's rows travel inside the query as VALUES; the query gives, per planned
 * flow and action, the records, packets, bytes and first and last times; the same for replies; the
 * unplanned traffic by action, protocol, port and the groups and peers of both ends; and, for
 * rejected unplanned traffic to a group, the catalog rows that would open it. It classifies as
 * {@link planClassifier} does: ends by group membership and peer CIDRs, flows by protocol and port.
 *
 * The SQL keeps to what Trino (Athena engine version 3) and DuckDB share: CTEs, VALUES, joins
 * (equality, and BETWEEN in an inner join), `split_part`, `strpos`, `lpad`, `substr`, `replace`,
 * `TRY_CAST`, `count`/`sum`/`min`/`max`; no arrays, no string aggregation, no IP types. Addresses
 * become fixed-width text keys (IPv4: `4` and ten decimal digits; IPv6: `6` and 32 hex digits), so
 * a range lookup is a text comparison.
 * @packageDocumentation
 */

/** How the query reads the table. */
export interface AthenaOptions {
  /** The table (or `database.table`). @default 'vpc_flow_logs' */
  readonly table?: string;
  /**
   * The table's fields, as a flow log format (`${version} ${srcaddr} ...`) or field names: the
   * query reads `pkt_srcaddr` and `pkt_dstaddr` where the table has them, and leaves out what it lacks.
   * @default the default format (version 2)
   */
  readonly format?: string;
  /** A condition on the table's columns added to the query as it is, such as a partition range. */
  readonly where?: string;
}

/**
 * The longest query string Athena takes, in bytes
 * (https://docs.aws.amazon.com/athena/latest/ug/service-limits.html; not adjustable).
 */
export const ATHENA_QUERY_MAX = 262_144;

/** The columns of every row of the query's result, in order. */
export const ATHENA_COLUMNS = [
  'section',
  'flow_index',
  'flow',
  'action',
  'protocol',
  'port',
  'src',
  'dst',
  'records',
  'packets',
  'bytes',
  'first_seen',
  'last_seen',
  'catalog_checked',
] as const;

const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,127}(?:\.[A-Za-z_][A-Za-z0-9_]{0,127})?$/;
const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** An address as the query's text key: `4` and ten decimal digits, or `6` and 32 hex digits. */
export function addressKey(family: 4 | 6, n: bigint): string {
  return family === 4 ? `4${n.toString().padStart(10, '0')}` : `6${n.toString(16).padStart(32, '0')}`;
}

// A CTE of constant rows; one that never matches when there are none (VALUES needs a row).
function values(
  name: string,
  columns: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  empty: string,
): string {
  const cols = columns.join(', ');
  if (!rows.length) return `${name} (${cols}) AS (SELECT * FROM (VALUES (${empty})) AS t (${cols}) WHERE 1 = 0)`;
  const text = rows.map((r) => `    (${r.map((v) => (typeof v === 'number' ? String(v) : quote(v))).join(', ')})`);
  return `${name} (${cols}) AS (\n  VALUES\n${text.join(',\n')}\n)`;
}

type Rows = (string | number)[][];
const distinct = (rows: Rows): Rows => [...new Map(rows.map((r) => [JSON.stringify(r), r])).values()];
const ep = (e: { readonly kind: 'group' | 'peer'; readonly name: string }) =>
  `${e.kind === 'group' ? 'g' : 'p'}:${e.name}`;

function flowRows(resolution: Resolution): Rows {
  return resolution.flows.map((f, i) => [
    i,
    `${f.from.name} -> ${f.to.name} ${f.protocol} ${portRangeText(f)} (${f.rows.join(', ')})`,
    f.protocol === 'tcp' ? 6 : 17,
    f.fromPort,
    f.toPort,
    ep(f.from),
    ep(f.to),
  ]);
}

// What each label is: its members (for flows), its groups' roles (as a listener of a catalog row)
// and its roles and peer kinds (as an initiator); label 0, outside, initiates as any peer kind.
function labelRows(resolution: Resolution, labels: readonly string[], regions: readonly AddressRegion[]) {
  const d = resolution.declaration;
  const members: Rows = [];
  const roles: Rows = [];
  const initiators: Rows = rowOpenings(resolution).flatMap((o) =>
    'peer' in o.initiator ? [[0, `k:${o.initiator.peer}`]] : [],
  );
  for (const m of new Map(regions.map((r) => [membershipText(r.membership), r.membership])).values()) {
    const id = labels.indexOf(membershipText(m));
    for (const g of m.groups) {
      const role = d.groups.find((x) => x.name === g)?.role ?? '';
      members.push([id, `g:${g}`]);
      roles.push([id, role]);
      initiators.push([id, `r:${role}`]);
    }
    for (const p of m.peers) {
      members.push([id, `p:${p}`]);
      initiators.push([id, `k:${d.peers.find((x) => x.name === p)?.kind ?? ''}`]);
    }
  }
  return { members: distinct(members), roles: distinct(roles), initiators: distinct(initiators) };
}

function openingTable(resolution: Resolution): Rows {
  return distinct(
    rowOpenings(resolution).flatMap((o) =>
      o.listenerRoles.flatMap((role) =>
        ('roles' in o.initiator ? o.initiator.roles.map((r) => `r:${r}`) : [`k:${o.initiator.peer}`]).map((init) => [
          o.row,
          o.order,
          o.protocol === 'tcp' ? 6 : 17,
          role,
          init,
          o.fromPort,
          o.toPort,
        ]),
      ),
    ),
  );
}

// The plan's constants: flows, address regions, labels (one per membership, 0 for outside), and
// what each label is to a flow or a catalog row.
function planCtes(resolution: Resolution, regions: readonly AddressRegion[]): string[] {
  const texts = [...new Set(regions.map((r) => membershipText(r.membership)))].sort();
  const labels = ['outside', ...texts.filter((t) => t !== 'outside')];
  const label = (r: AddressRegion) => labels.indexOf(membershipText(r.membership));
  const key = (r: AddressRegion, n: bigint) => addressKey(r.family, n);
  const { members, roles, initiators } = labelRows(resolution, labels, regions);
  return [
    values(
      'flows',
      ['flow_index', 'flow', 'protocol', 'from_port', 'to_port', 'from_ep', 'to_ep'],
      flowRows(resolution),
      "0, '', 0, 0, 0, '', ''",
    ),
    values(
      'labels',
      ['label_id', 'label'],
      labels.map((l, i) => [i, l]),
      "0, ''",
    ),
    values(
      'hosts',
      ['addr_key', 'label_id'],
      regions.filter((r) => r.first === r.last).map((r) => [key(r, r.first), label(r)]),
      "'', 0",
    ),
    values(
      'ranges',
      ['lo', 'hi', 'label_id'],
      regions.filter((r) => r.first !== r.last).map((r) => [key(r, r.first), key(r, r.last), label(r)]),
      "'', '', 0",
    ),
    values('members', ['label_id', 'ep'], members, "0, ''"),
    values('listener_roles', ['label_id', 'role'], roles, "0, ''"),
    values('initiators', ['label_id', 'initiator'], initiators, "0, ''"),
    values(
      'openings',
      ['row_id', 'row_order', 'protocol', 'listener_role', 'initiator', 'from_port', 'to_port'],
      openingTable(resolution),
      "'', 0, 0, '', '', 0, 0",
    ),
  ];
}

// The table's records with the columns the query needs; what the format lacks is NULL.
function recordsCte(options: AthenaOptions): string {
  const fields = parseAwsFormat(options.format ?? AWS_DEFAULT_FORMAT, 'format').fields;
  const has = (f: string) => fields.includes(f);
  const col = (f: string) => (f === 'end' ? '"end"' : f.replace(/-/g, '_'));
  const num = (f: string) => (has(f) ? `CAST(${col(f)} AS BIGINT)` : 'CAST(NULL AS BIGINT)');
  // The packet's own addresses where the table has them, as the in-process reader takes them.
  const addr = (plain: string, pkt: string) =>
    has(pkt)
      ? `lower(CASE WHEN ${col(pkt)} IS NULL OR ${col(pkt)} = '-' THEN ${plain} ELSE ${col(pkt)} END)`
      : `lower(${plain})`;
  const table = options.table ?? 'vpc_flow_logs';
  if (!TABLE.test(table))
    throw new ArgumentError('table', table, 'a table name, or database.table, of letters, digits and underscores');
  const where = [
    "action IN ('ACCEPT', 'REJECT')",
    ...(has('log-status') ? ["log_status = 'OK'"] : []),
    "srcaddr <> '-'",
    "dstaddr <> '-'",
    'srcport IS NOT NULL',
    'dstport IS NOT NULL',
    'protocol IS NOT NULL',
    ...(options.where ? [`(${options.where})`] : []),
  ];
  return [
    'records AS (',
    `  SELECT ${addr('srcaddr', 'pkt-srcaddr')} AS src, ${addr('dstaddr', 'pkt-dstaddr')} AS dst,`,
    '    CAST(srcport AS BIGINT) AS srcport, CAST(dstport AS BIGINT) AS dstport, CAST(protocol AS BIGINT) AS protocol, action,',
    `    ${num('packets')} AS packets, ${num('bytes')} AS bytes, ${num('start')} AS first_time, ${num('end')} AS last_time`,
    `  FROM ${table}`,
    `  WHERE ${where.join('\n    AND ')}`,
    ')',
  ].join('\n');
}

const groupsIn = (t: string) => `CASE WHEN ${t} = '' THEN 0 ELSE length(${t}) - length(replace(${t}, ':', '')) + 1 END`;

// Each distinct address, its text key, and its label (0: in no group and no peer).
const ADDRESS_CTES = [
  'addresses AS (SELECT src AS addr FROM records UNION SELECT dst AS addr FROM records)',
  `v6 AS (
  SELECT addr, CASE WHEN strpos(addr, '::') = 0 THEN addr
    ELSE (CASE WHEN head = '' THEN '' ELSE head || ':' END)
      || substr('0:0:0:0:0:0:0:0:', 1, 2 * (8 - (${groupsIn('head')}) - (${groupsIn('tail')})))
      || tail END AS expanded
  FROM (SELECT addr, split_part(addr, '::', 1) AS head, split_part(addr, '::', 2) AS tail FROM addresses WHERE strpos(addr, ':') > 0) AS a
)`,
  `v4 AS (
  SELECT addr, TRY_CAST(split_part(addr, '.', 1) AS BIGINT) AS o1, TRY_CAST(split_part(addr, '.', 2) AS BIGINT) AS o2,
    TRY_CAST(split_part(addr, '.', 3) AS BIGINT) AS o3, TRY_CAST(split_part(addr, '.', 4) AS BIGINT) AS o4
  FROM addresses WHERE strpos(addr, ':') = 0
)`,
  `addr_keys AS (
  SELECT addr, '6' || ${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `lpad(split_part(expanded, ':', ${i}), 4, '0')`).join(' || ')} AS addr_key FROM v6
  UNION ALL
  SELECT addr, '4' || lpad(CAST(o1 * 16777216 + o2 * 65536 + o3 * 256 + o4 AS VARCHAR), 10, '0') AS addr_key FROM v4
  WHERE o1 BETWEEN 0 AND 255 AND o2 BETWEEN 0 AND 255 AND o3 BETWEEN 0 AND 255 AND o4 BETWEEN 0 AND 255
)`,
  'in_range AS (SELECT k.addr, r.label_id FROM addr_keys AS k JOIN ranges AS r ON k.addr_key BETWEEN r.lo AND r.hi)',
  `located AS (
  SELECT k.addr, COALESCE(h.label_id, i.label_id, 0) AS label_id
  FROM addr_keys AS k LEFT JOIN hosts AS h ON h.addr_key = k.addr_key LEFT JOIN in_range AS i ON i.addr = k.addr
)`,
];

const TALLY = `count(*) AS records, sum(packets) AS packets, sum(bytes) AS bytes,
    min(COALESCE(first_time, last_time)) AS first_time, max(COALESCE(last_time, first_time)) AS last_time`;
const SUMS = `sum(records) AS records, sum(packets) AS packets, sum(bytes) AS bytes,
    min(first_time) AS first_time, max(last_time) AS last_time`;
const same = (a: string, b: string, cols: readonly string[]) => cols.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');

// Records grouped by the labels of their ends, protocol and ports; which flows each group is of
// (as initiator to listener) or answers (listener to initiator); each group planned, a reply, or
// unplanned.
const CLASSIFY_CTES = [
  `grouped AS (
  SELECT s.label_id AS src_label, d.label_id AS dst_label, r.action, r.protocol, r.srcport, r.dstport,
    ${TALLY}
  FROM records AS r JOIN located AS s ON s.addr = r.src JOIN located AS d ON d.addr = r.dst
  GROUP BY s.label_id, d.label_id, r.action, r.protocol, r.srcport, r.dstport
)`,
  `planned AS (
  SELECT DISTINCT c.src_label, c.dst_label, c.protocol, c.dstport, f.flow_index
  FROM (SELECT DISTINCT src_label, dst_label, protocol, dstport FROM grouped) AS c
  JOIN members AS ms ON ms.label_id = c.src_label JOIN members AS md ON md.label_id = c.dst_label
  JOIN flows AS f ON f.from_ep = ms.ep AND f.to_ep = md.ep AND f.protocol = c.protocol
    AND c.dstport BETWEEN f.from_port AND f.to_port
)`,
  `answers AS (
  SELECT DISTINCT c.src_label, c.dst_label, c.protocol, c.srcport, f.flow_index
  FROM (SELECT DISTINCT src_label, dst_label, protocol, srcport FROM grouped) AS c
  JOIN members AS ms ON ms.label_id = c.src_label JOIN members AS md ON md.label_id = c.dst_label
  JOIN flows AS f ON f.to_ep = ms.ep AND f.from_ep = md.ep AND f.protocol = c.protocol
    AND c.srcport BETWEEN f.from_port AND f.to_port
)`,
  `tagged AS (
  SELECT g.*, CASE WHEN p.dstport IS NOT NULL THEN 'planned' WHEN q.srcport IS NOT NULL THEN 'reply' ELSE 'unplanned' END AS kind
  FROM grouped AS g
  LEFT JOIN (SELECT DISTINCT src_label, dst_label, protocol, dstport FROM planned) AS p
    ON ${same('p', 'g', ['src_label', 'dst_label', 'protocol', 'dstport'])}
  LEFT JOIN (SELECT DISTINCT src_label, dst_label, protocol, srcport FROM answers) AS q
    ON ${same('q', 'g', ['src_label', 'dst_label', 'protocol', 'srcport'])}
)`,
  `per_flow AS (
  SELECT p.flow_index, t.action, ${SUMS}
  FROM tagged AS t JOIN planned AS p ON ${same('p', 't', ['src_label', 'dst_label', 'protocol', 'dstport'])}
  WHERE t.kind = 'planned' GROUP BY p.flow_index, t.action
)`,
  `per_reply AS (
  SELECT q.flow_index, t.action, ${SUMS}
  FROM tagged AS t JOIN answers AS q ON ${same('q', 't', ['src_label', 'dst_label', 'protocol', 'srcport'])}
  WHERE t.kind = 'reply' GROUP BY q.flow_index, t.action
)`,
  `unplanned AS (
  SELECT action, protocol, dstport, src_label, dst_label, ${SUMS}
  FROM tagged WHERE kind = 'unplanned' GROUP BY action, protocol, dstport, src_label, dst_label
)`,
  `would_open AS (
  SELECT DISTINCT u.action, u.protocol, u.dstport, u.src_label, u.dst_label, o.row_id, o.row_order
  FROM unplanned AS u JOIN listener_roles AS l ON l.label_id = u.dst_label
  JOIN initiators AS i ON i.label_id = u.src_label
  JOIN openings AS o ON o.listener_role = l.role AND o.initiator = i.initiator AND o.protocol = u.protocol
    AND u.dstport BETWEEN o.from_port AND o.to_port
  WHERE u.action = 'REJECT'
)`,
];

const NULL_TEXT = 'CAST(NULL AS VARCHAR)';
const NULL_NUMBER = 'CAST(NULL AS BIGINT)';
const big = (x: string) => `CAST(${x} AS BIGINT)`;
const tallyColumns = (t: string) =>
  [
    `${big(`COALESCE(${t}.records, 0)`)} AS records`,
    `${big(`COALESCE(${t}.packets, 0)`)} AS packets`,
    `${big(`COALESCE(${t}.bytes, 0)`)} AS bytes`,
    `${big(`${t}.first_time`)} AS first_seen`,
    `${big(`${t}.last_time`)} AS last_seen`,
  ].join(', ');
const ACTIONS = "(VALUES ('ACCEPT'), ('REJECT')) AS a (action)";

// One result, every section in the same columns (ATHENA_COLUMNS).
const OUTPUT = `SELECT * FROM (
  SELECT 'flow' AS section, ${big('f.flow_index')} AS flow_index, f.flow, a.action, ${big('f.protocol')} AS protocol, ${NULL_NUMBER} AS port,
    ${NULL_TEXT} AS src, ${NULL_TEXT} AS dst, ${tallyColumns('x')}, CAST(NULL AS BOOLEAN) AS catalog_checked
  FROM flows AS f CROSS JOIN ${ACTIONS} LEFT JOIN per_flow AS x ON x.flow_index = f.flow_index AND x.action = a.action
  UNION ALL
  SELECT 'reply', ${big('f.flow_index')}, f.flow, a.action, ${big('f.protocol')}, ${NULL_NUMBER}, ${NULL_TEXT}, ${NULL_TEXT}, ${tallyColumns('x')}, CAST(NULL AS BOOLEAN)
  FROM flows AS f CROSS JOIN ${ACTIONS} LEFT JOIN per_reply AS x ON x.flow_index = f.flow_index AND x.action = a.action
  UNION ALL
  SELECT 'unplanned', ${NULL_NUMBER}, ${NULL_TEXT}, u.action, ${big('u.protocol')}, ${big('u.dstport')}, s.label, d.label, ${tallyColumns('u')},
    u.action = 'REJECT' AND u.protocol IN (6, 17) AND EXISTS (SELECT 1 FROM listener_roles AS l WHERE l.label_id = u.dst_label)
  FROM unplanned AS u JOIN labels AS s ON s.label_id = u.src_label JOIN labels AS d ON d.label_id = u.dst_label
  UNION ALL
  SELECT 'would-open', ${big('w.row_order')}, w.row_id, w.action, ${big('w.protocol')}, ${big('w.dstport')}, s.label, d.label,
    ${NULL_NUMBER}, ${NULL_NUMBER}, ${NULL_NUMBER}, ${NULL_NUMBER}, ${NULL_NUMBER}, CAST(NULL AS BOOLEAN)
  FROM would_open AS w JOIN labels AS s ON s.label_id = w.src_label JOIN labels AS d ON d.label_id = w.dst_label
) AS result
ORDER BY section, flow_index, action, protocol, port, src, dst, flow`;

/**
 * The SQL of the evidence over the VPC flow log table (see the module's documentation).
 * @param resolution the plan
 * @param inventory which addresses are in which group
 * @param options the table, its fields, a condition
 * @throws ArgumentError when the table name or the format is not one the query can use
 */
export function athenaSql(resolution: Resolution, inventory: Inventory, options: AthenaOptions = {}): string {
  const records = recordsCte(options);
  const ctes = [
    ...planCtes(resolution, addressRegions(resolution, inventory)),
    records,
    ...ADDRESS_CTES,
    ...CLASSIFY_CTES,
  ];
  const head = [
    '-- portplan evidence: the plan checked against VPC flow logs (Athena / Trino, DuckDB).',
    `-- ${resolution.flows.length} planned flows; ${inventory.entries.length} inventory entries; table ${options.table ?? 'vpc_flow_logs'}.`,
    `-- Columns: ${ATHENA_COLUMNS.join(', ')}. Sections: flow and reply (per planned flow and action),`,
    "-- unplanned (per action, protocol, port and the ends' groups and peers), would-open (the catalog",
    '-- rows that would open rejected unplanned traffic: flow = the row id). Times: seconds since 1970.',
  ];
  return `${head.join('\n')}\nWITH\n${ctes.join(',\n')}\n${OUTPUT};\n`;
}
