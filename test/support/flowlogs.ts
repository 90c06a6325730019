// Simulated traffic of a deployed plan, written as the clouds write their flow logs: planned
// flows accepted (AWS also logs each reply), a few planned flows rejected (drift), unplanned
// accepted noise and Internet scanners rejected. Seeded and deterministic; every record carries
// what it is (its kind and flow), so a round trip through the readers and the classifier can be
// checked record by record. Ports and addresses are chosen so that each record has exactly one
// reading: ephemeral and noise ports lie outside every planned range, each address is in one
// group or one peer, and scanners come from TEST-NET-2 (RFC 5737), outside every peer.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { addressRange, canonicalAddress } from '../../lib/evidence/address';
import { cidrContains, parseCidr, type Cidr, type Resolution } from '../../lib/model';
import { portProtocol } from './protocol';

/** A group's host addresses (canonical text). */
export type AddressPlan = Readonly<Record<string, readonly string[]>>;

/** What a simulated record is. */
export type TrafficKind = 'planned' | 'drift' | 'reply' | 'noise' | 'scanner';

/** One simulated record, with its truth. */
export interface SimRecord {
  readonly kind: TrafficKind;
  /** The planned flow (planned, drift, reply). */
  readonly flow?: number;
  readonly srcAddr: string;
  readonly dstAddr: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly protocol: number;
  readonly action: 'accept' | 'reject';
  /** Seconds since 1970. */
  readonly start: number;
  readonly end: number;
  readonly packets: number;
  readonly bytes: number;
  readonly interfaceId: string;
}

/** How much of each kind. */
export interface TrafficOptions {
  readonly seed: number;
  /** Records per planned flow. */
  readonly perFlow?: number;
  /** Planned flows whose records are all rejected. */
  readonly drift?: number;
  /** Unplanned accepted records. */
  readonly noise?: number;
  /** Rejected records from Internet scanners. */
  readonly scanners?: number;
  /** A reply record after each accepted planned record (AWS logs both directions). */
  readonly replies?: boolean;
  /** Loop over the flows until this many records are written (benchmarks); overrides perFlow. */
  readonly total?: number;
}

/** A small seeded generator (mulberry32): the same seed, the same traffic. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROTOCOL = { tcp: 6, udp: 17 } as const;
const SCANNERS = parseCidr('198.51.100.0/24') as Cidr;

/**
 * An address plan: `hosts` addresses per declared group (IPv4 from 10.100.0.0/16 up, and IPv6
 * from 2001:db8:100::/48 when `ipv6`), none inside a declared peer.
 */
export function addressPlan(resolution: Resolution, hosts = 2, ipv6 = true): AddressPlan {
  const peers = resolution.declaration.peers.map((p) => parseCidr(p.cidr!) as Cidr);
  const free = (a: string) => !peers.some((p) => cidrContains(p, addressRange(a) as Cidr));
  const out: Record<string, string[]> = {};
  resolution.declaration.groups.forEach((g, i) => {
    const list: string[] = [];
    for (let h = 1; h <= hosts; h++) list.push(`10.${100 + Math.floor(i / 250)}.${i % 250}.${h}`);
    // Canonical text (RFC 5952), as the readers give addresses back.
    if (ipv6) list.push(canonicalAddress(`2001:db8:100:${i.toString(16)}::${(hosts + 1).toString(16)}`) as string);
    out[g.name] = list.filter(free);
    if (!out[g.name].length) throw new Error(`no free address for group ${g.name}`);
  });
  return out;
}

/** The hosts file of an address plan. */
export function hostsFile(plan: AddressPlan): string {
  return Object.entries(plan)
    .flatMap(([g, addrs]) => addrs.map((a) => `${a} ${g}`))
    .join('\n');
}

// An address of a peer: its network's first address after the network itself (or the one address
// of a host range), checked to be in no other peer and in no group.
function peerAddress(cidr: string, others: readonly Cidr[], used: ReadonlySet<string>): string {
  const c = parseCidr(cidr) as Cidr;
  const bits = c.family === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - c.prefix);
  for (let i = size > 1n ? 1n : 0n; i < size && i < 64n; i++) {
    const n = c.network + i;
    const text = c.family === 4 ? [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.') : v6(n);
    const r = addressRange(text) as Cidr;
    if (!used.has(text) && !others.some((o) => o !== c && o.text !== c.text && cidrContains(o, r))) return text;
  }
  throw new Error(`no address of ${cidr} outside the other peers`);
}

const v6 = (n: bigint): string => {
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return (parseCidr(`${groups.join(':')}/128`) as Cidr).text.slice(0, -4);
};

/** The addresses of a plan's endpoints: a group's hosts, a peer's one chosen address; and every group host. */
export interface Endpoints {
  readonly of: (e: Resolution['flows'][number]['from']) => readonly string[];
  readonly all: readonly string[];
}

/** The addresses of each endpoint of a resolution under an address plan. */
export function endpoints(resolution: Resolution, plan: AddressPlan): Endpoints {
  const used = new Set(Object.values(plan).flat());
  const peerCidrs = resolution.declaration.peers.map((p) => parseCidr(p.cidr!) as Cidr);
  const peerAddr = new Map(
    resolution.declaration.peers.map((p) => [p.name, [peerAddress(p.cidr!, peerCidrs, used)]] as const),
  );
  return {
    of: (e) => (e.kind === 'group' ? (plan[e.name] ?? []) : (peerAddr.get(e.name) ?? [])),
    all: [...used],
  };
}

// Ports outside every planned range: ephemeral source ports and noise destinations.
function freePorts(resolution: Resolution): (rnd: () => number, low: number) => number {
  const taken = (p: number) => resolution.flows.some((f) => f.fromPort <= p && p <= f.toPort);
  return (rnd, low) => {
    for (;;) {
      const p = low + Math.floor(rnd() * (65536 - low));
      if (!taken(p)) return p;
    }
  };
}

interface Sim {
  readonly resolution: Resolution;
  readonly rnd: () => number;
  readonly ends: Endpoints;
  readonly port: (rnd: () => number, low: number) => number;
  readonly make: (
    kind: TrafficKind,
    src: string,
    dst: string,
    sp: number,
    dp: number,
    protocol: number,
    action: 'accept' | 'reject',
    flow?: number,
  ) => SimRecord;
  readonly pick: <T>(xs: readonly T[]) => T;
}

const sameFamily = (a: string, b: string) => a.includes(':') === b.includes(':');

function sim(resolution: Resolution, plan: AddressPlan, seed: number): Sim {
  const rnd = random(seed);
  const eni = (a: string) => `eni-${Buffer.from(a).toString('hex').slice(-17).padStart(17, '0')}`;
  let t = 1_700_000_000;
  const make: Sim['make'] = (kind, src, dst, sp, dp, protocol, action, flow) => {
    t += 1 + Math.floor(rnd() * 5);
    const packets = action === 'accept' ? 1 + Math.floor(rnd() * 50) : 1 + Math.floor(rnd() * 3);
    const bytes = packets * (40 + Math.floor(rnd() * 1400));
    return {
      kind,
      ...(flow !== undefined ? { flow } : {}),
      srcAddr: src,
      dstAddr: dst,
      srcPort: sp,
      dstPort: dp,
      protocol,
      action,
      start: t,
      end: t + Math.floor(rnd() * 60),
      packets,
      bytes,
      interfaceId: eni(dst),
    };
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  return { resolution, rnd, ends: endpoints(resolution, plan), port: freePorts(resolution), make, pick };
}

// The planned flows, each `perFlow` times (or round after round up to `total`); drifted flows rejected.
function* planned(s: Sim, options: TrafficOptions): Generator<SimRecord> {
  const order = s.resolution.flows.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(s.rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const drifted = new Set(order.slice(0, options.drift ?? 0));
  const flows = s.resolution.flows
    .map((f, i) => {
      const pairs = s.ends.of(f.from).flatMap((a) =>
        s.ends
          .of(f.to)
          .filter((b) => sameFamily(a, b))
          .map((b) => [a, b] as const),
      );
      return { f, i, pairs };
    })
    .filter((x) => x.pairs.length);
  const total = options.total ?? flows.length * (options.perFlow ?? 3);
  let written = 0;
  while (written < total && flows.length) {
    for (const { f, i, pairs } of flows) {
      if (written++ >= total) break;
      const [src, dst] = s.pick(pairs);
      const dp = f.fromPort + Math.floor(s.rnd() * (f.toPort - f.fromPort + 1));
      const sp = s.port(s.rnd, 49152);
      const drift = drifted.has(i);
      yield s.make(
        drift ? 'drift' : 'planned',
        src,
        dst,
        sp,
        dp,
        PROTOCOL[portProtocol(f.protocol)],
        drift ? 'reject' : 'accept',
        i,
      );
      if (!drift && options.replies)
        yield s.make('reply', dst, src, dp, sp, PROTOCOL[portProtocol(f.protocol)], 'accept', i);
    }
  }
}

// Accepted traffic between the plan's hosts, or out to a documentation address, on ports no flow has.
function* noise(s: Sim, count: number): Generator<SimRecord> {
  for (let n = 0; n < count && s.ends.all.length; n++) {
    const src = s.pick(s.ends.all);
    const others = s.ends.all.filter((a) => a !== src && sameFamily(a, src));
    const dst = s.pick([...others, src.includes(':') ? '2001:db8:ffff::1' : '192.0.2.80']);
    yield s.make('noise', src, dst, s.port(s.rnd, 49152), s.port(s.rnd, 1024), s.rnd() < 0.7 ? 6 : 17, 'accept');
  }
}

// Rejected TCP from TEST-NET-2 to the plan's IPv4 hosts: half on planned ports, half anywhere.
function* scanners(s: Sim, count: number): Generator<SimRecord> {
  if (count && s.resolution.declaration.peers.some((p) => cidrContains(parseCidr(p.cidr!) as Cidr, SCANNERS)))
    throw new Error('a peer covers the scanners range 198.51.100.0/24');
  const targets = s.ends.all.filter((a) => !a.includes(':'));
  const plannedPorts = s.resolution.flows.map((f) => f.fromPort);
  for (let n = 0; n < count && targets.length; n++) {
    const src = `198.51.100.${1 + Math.floor(s.rnd() * 254)}`;
    const dp = s.rnd() < 0.5 && plannedPorts.length ? s.pick(plannedPorts) : s.port(s.rnd, 1);
    yield s.make('scanner', src, s.pick(targets), s.port(s.rnd, 1024), dp, 6, 'reject');
  }
}

/**
 * The simulated records, in order: planned (and drift, and replies), noise, scanners. Flows whose
 * ends have no addresses of one family (an IPv4 peer, IPv6-only hosts) are skipped; the drifted
 * flows are the first `drift` of a seeded shuffle.
 */
export function* simulateTraffic(
  resolution: Resolution,
  plan: AddressPlan,
  options: TrafficOptions,
): Generator<SimRecord> {
  const s = sim(resolution, plan, options.seed);
  yield* planned(s, options);
  yield* noise(s, options.noise ?? 0);
  yield* scanners(s, options.scanners ?? 0);
}

/** Fields of an AWS record by name, for any format. */
function awsField(r: SimRecord, name: string): string {
  switch (name) {
    case 'version':
      return '5';
    case 'account-id':
      return '123456789012';
    case 'interface-id':
      return r.interfaceId;
    case 'srcaddr':
    case 'pkt-srcaddr':
      return r.srcAddr;
    case 'dstaddr':
    case 'pkt-dstaddr':
      return r.dstAddr;
    case 'srcport':
      return String(r.srcPort);
    case 'dstport':
      return String(r.dstPort);
    case 'protocol':
      return String(r.protocol);
    case 'packets':
      return String(r.packets);
    case 'bytes':
      return String(r.bytes);
    case 'start':
      return String(r.start);
    case 'end':
      return String(r.end);
    case 'action':
      return r.action === 'accept' ? 'ACCEPT' : 'REJECT';
    case 'log-status':
      return 'OK';
    case 'flow-direction':
      return 'ingress';
    case 'type':
      return r.srcAddr.includes(':') ? 'IPv6' : 'IPv4';
    default:
      return '-';
  }
}

/** The default format's field names. */
export const AWS_V2_FIELDS =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'.split(
    ' ',
  );

/** AWS record lines in a format (field names); version 2 when every field is a version 2 field. */
export function awsLines(fields: readonly string[] = AWS_V2_FIELDS): (r: SimRecord) => string {
  const v2 = fields.every((f) => AWS_V2_FIELDS.includes(f));
  return (r) => fields.map((f) => (f === 'version' && v2 ? '2' : awsField(r, f))).join(' ');
}

/**
 * Writes records as an S3-delivered AWS flow log file: a header line (unless `header` is false),
 * then one line a record; gzip when `gzip`. Streams with back-pressure, so a million records
 * take no more memory than one chunk.
 */
export async function writeAwsLog(
  file: string,
  records: Iterable<SimRecord>,
  options: { readonly gzip?: boolean; readonly header?: boolean; readonly fields?: readonly string[] } = {},
): Promise<number> {
  const fields = options.fields ?? AWS_V2_FIELDS;
  const line = awsLines(fields);
  const out = createWriteStream(file);
  const sink = options.gzip ? createGzip() : out;
  if (options.gzip) sink.pipe(out);
  let n = 0;
  let buffer = options.header === false ? '' : `${fields.join(' ')}\n`;
  for (const r of records) {
    buffer += `${line(r)}\n`;
    n++;
    if (buffer.length > 1 << 16) {
      if (!sink.write(buffer)) await once(sink, 'drain');
      buffer = '';
    }
  }
  sink.end(buffer);
  await once(out, 'finish');
  return n;
}

const half = (n: number): [number, number] => [Math.ceil(n / 2), n - Math.ceil(n / 2)];

/** A VNet flow log tuple (version 4): accepted records as ended flows with counts, rejected as denied. */
export function vnetTuple(r: SimRecord): string {
  const [ps, pr] = half(r.packets);
  const [bs, br] = half(r.bytes);
  const state = r.action === 'accept' ? `E,NX,${ps},${bs},${pr},${br}` : 'D,NX,0,0,0,0';
  return `${r.start * 1000},${r.srcAddr},${r.dstAddr},${r.srcPort},${r.dstPort},${r.protocol},I,${state}`;
}

/** An NSG flow log tuple (version 2): accepted records as ended flows with counts, rejected as begun and denied. */
export function nsgTuple(r: SimRecord): string {
  if (r.protocol !== 6 && r.protocol !== 17) throw new Error('NSG flow logs record TCP and UDP only');
  const [ps, pr] = half(r.packets);
  const [bs, br] = half(r.bytes);
  const tail = r.action === 'accept' ? `A,E,${ps},${bs},${pr},${br}` : 'D,B,,,,';
  return `${r.start},${r.srcAddr},${r.dstAddr},${r.srcPort},${r.dstPort},${r.protocol === 6 ? 'T' : 'U'},I,${tail}`;
}

const RULE = { accept: 'UserRule_portplan-allow', reject: 'DefaultRule_DenyAllInBound' } as const;

/** Records as one Azure flow log document, `perRecord` tuples to an Azure record, grouped by rule. */
export function azureLog(records: readonly SimRecord[], format: 'vnet' | 'nsg', perRecord = 50): unknown {
  const out: unknown[] = [];
  for (let i = 0; i < records.length; i += perRecord) {
    const part = records.slice(i, i + perRecord);
    const groups = (['accept', 'reject'] as const)
      .map((a) => ({
        rule: RULE[a],
        tuples: part.filter((r) => r.action === a).map(format === 'vnet' ? vnetTuple : nsgTuple),
      }))
      .filter((g) => g.tuples.length);
    const time = new Date(part[0].start * 1000).toISOString();
    out.push(
      format === 'vnet'
        ? {
            time,
            flowLogVersion: 4,
            macAddress: '00224871C205',
            category: 'FlowLogFlowEvent',
            flowRecords: {
              flows: [{ aclID: 'acl-1', flowGroups: groups.map((g) => ({ rule: g.rule, flowTuples: g.tuples })) }],
            },
          }
        : {
            time,
            category: 'NetworkSecurityGroupFlowEvent',
            properties: {
              Version: 2,
              flows: groups.map((g) => ({ rule: g.rule, flows: [{ mac: '000D3AF87856', flowTuples: g.tuples }] })),
            },
          },
    );
  }
  return { records: out };
}

/**
 * The clouds' listings of a plan's hosts, as their CLIs print them: `describe-security-groups`
 * and `describe-network-interfaces` (one interface per address, in its group's security group,
 * tagged portplan:group), `az network asg list` and `az network nic list`. With `roles` (each
 * group's role id), a role of two or more groups also has a role-wide security group and ASG,
 * tagged with the role id, which every interface of those groups carries too (listed first).
 */
export function cloudListings(
  plan: AddressPlan,
  roles: Readonly<Record<string, string>> = {},
): { sgs: unknown; enis: unknown; asgs: unknown; nics: unknown } {
  const groups = Object.keys(plan);
  const roleIds = [...new Set(groups.map((g) => roles[g]).filter((r) => r !== undefined))].filter(
    (r) => groups.filter((g) => roles[g] === r).length >= 2,
  );
  const sgId = (i: number) => `sg-${(0x1000 + i).toString(16).padStart(17, '0')}`;
  const roleSgId = (role: string) => sgId(0x8000 + roleIds.indexOf(role));
  const asgId = (name: string) =>
    `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/portplan/providers/Microsoft.Network/applicationSecurityGroups/${name}`;
  // An ASG's name cannot hold a colon; the role-wide one is named after the role with dashes.
  const roleAsgId = (role: string) => asgId(`role-${role.replace(/:/g, '-')}`);
  const wide = (g: string) => (roleIds.includes(roles[g]) ? [roles[g]] : []);
  const sgs = {
    SecurityGroups: [
      ...groups.map((g, i) => ({
        GroupId: sgId(i),
        GroupName: g,
        Tags: [
          { Key: 'portplan:group', Value: g },
          { Key: 'project', Value: 'x' },
        ],
      })),
      ...roleIds.map((r) => ({
        GroupId: roleSgId(r),
        GroupName: r,
        Tags: [
          { Key: 'portplan:role', Value: r },
          { Key: 'portplan:group', Value: r },
        ],
      })),
    ],
  };
  const enis = {
    NetworkInterfaces: groups.flatMap((g, i) =>
      plan[g].map((a, j) => ({
        NetworkInterfaceId: `eni-${i}-${j}`,
        Groups: [...wide(g).map((r) => ({ GroupId: roleSgId(r), GroupName: r })), { GroupId: sgId(i), GroupName: g }],
        PrivateIpAddresses: a.includes(':') ? [] : [{ PrivateIpAddress: a, Primary: true }],
        Ipv6Addresses: a.includes(':') ? [{ Ipv6Address: a }] : [],
      })),
    ),
  };
  const asgs = [
    ...groups.map((g) => ({ id: asgId(g), name: g, tags: { 'portplan:group': g } })),
    ...roleIds.map((r) => ({ id: roleAsgId(r), name: r, tags: { 'portplan:role': r, 'portplan:group': r } })),
  ];
  const nics = groups.flatMap((g) =>
    plan[g].map((a, j) => ({
      name: `${g}-nic-${j}`,
      ipConfigurations: [
        {
          name: 'ipconfig1',
          privateIPAddress: a,
          privateIPAddressVersion: a.includes(':') ? 'IPv6' : 'IPv4',
          applicationSecurityGroups: [...wide(g).map((r) => ({ id: roleAsgId(r) })), { id: asgId(g).toUpperCase() }],
        },
      ],
    })),
  );
  return { sgs, enis, asgs, nics };
}
