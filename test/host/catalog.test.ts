// A user's catalog through the host firewall adapter and explain(): a role of the catalog gets its
// rows' rules, with the catalog's host operating systems, and explain() cites the catalog's rows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_CATALOGS, explain, readCatalogFile, resolve, type CatalogDeclaration } from '../../lib/model';
import { hostFirewall, hostRules } from '../../lib/host';
import { nftCheck } from '../support/host';
import { requireTool } from '../support/tools';
import { RANGES_CATALOG, RANGES_DECLARATION } from '../support/ranges-catalog';
import { ICMP_CATALOG, ICMP_DECLARATION } from '../support/icmp-catalog';

const shop = readCatalogFile(join(__dirname, '../../examples/catalogs/three-tier.yaml'));
const d: CatalogDeclaration = {
  groups: [
    { name: 'shop-web', role: 'shop:web' },
    { name: 'shop-app', role: 'shop:app' },
    { name: 'shop-db', role: 'shop:db' },
    { name: 'normal-servers', role: 'serverprotect:normal-server' },
  ],
  shop: { workers: 4 },
};
const r = resolve(d, { catalogs: [shop] });

test('a role of the catalog gets the inbound rules of its rows, from the groups that initiate them', () => {
  const rules = hostRules(r, 'shop:app', 'linux', { 'shop-web': ['10.0.1.0/24'], 'shop-db': ['10.0.3.0/24'] });
  expect(rules.rules.map((x) => `${x.direction} ${x.protocol} ${x.fromPort}-${x.toPort} ${x.rows.join(',')}`)).toEqual([
    'inbound tcp 8443-8447 SHOP1',
    'inbound tcp 9100-9103 SHOP2',
  ]);
  const script = hostFirewall(r, { role: 'shop:app', os: 'linux', addresses: ['shop-web=10.0.1.0/24'] });
  expect(script.text).toContain('10.0.1.0/24');
  expect(script.text).toContain('8443-8447');
});

test("the catalog's host operating systems decide which firewalls portplan writes", () => {
  expect(() => hostFirewall(r, { role: 'shop:db', os: 'windows', anyAddress: true })).toThrow(
    /shop:db hosts run linux/,
  );
  expect(hostFirewall(r, { role: 'shop:app', os: 'windows', anyAddress: true }).text).toContain('SHOP1');
  expect(() => hostFirewall(r, { role: 'shop:cache', os: 'linux', anyAddress: true })).toThrow(
    /must be one of .*shop:web, shop:app, shop:db/,
  );
});

test('explain() cites the catalog row, its condition and the option that controls it', () => {
  const e = explain(r, { from: 'shop-web', to: 'shop-app', port: 9102, protocol: 'tcp' });
  expect(e.allowed).toBe(true);
  expect(e.because).toEqual([
    expect.objectContaining({
      id: 'SHOP2',
      controlledBy: ['shop.workers'],
      citation: expect.objectContaining({ document: 'Example Shop network design note' }),
    }),
  ]);
  const closed = explain(r, { from: 'shop-app', to: 'shop-db', port: 1433, protocol: 'tcp' });
  expect(closed.allowed).toBe(false);
  expect(closed.wouldOpen).toEqual([
    expect.objectContaining({ id: 'SHOP4', needs: ["the row's condition: database mssql (shop.database)"] }),
  ]);
});

test('explain() on a fixed range: every port of it is allowed by the row, the ports beside it are not', () => {
  const ranged = resolve(RANGES_DECLARATION, { catalogs: [RANGES_CATALOG] });
  const at = (port: number) => explain(ranged, { from: 'clients', to: 'servers', port, protocol: 'tcp' });
  for (const port of [135, 49152, 50000, 65535]) {
    expect([port, at(port).allowed, at(port).because.map((x) => x.id)]).toEqual([port, true, ['RNG1']]);
  }
  for (const port of [134, 136, 49151]) expect([port, at(port).allowed]).toEqual([port, false]);
  // The overlapping and touching entries of RNG2 open their union, 2500-3301, and nothing past it.
  const udp = (port: number) => explain(ranged, { from: 'servers', to: 'clients', port, protocol: 'udp' }).allowed;
  expect([2499, 2500, 3300, 3301, 3302].map(udp)).toEqual([false, true, true, true, false]);
});

test("a catalog replacing HP SUM under another options field: the workstation's OS is read from that field", () => {
  const sum = BUILTIN_CATALOGS[1].definition;
  const renamed = { ...sum, product: { ...sum.product, optionsField: 'hpsum' }, presets: [] };
  const rs = resolve(
    {
      groups: [
        { name: 'console', role: 'serverprotect:console' },
        { name: 'info', role: 'serverprotect:information-server' },
        { name: 'ws', role: 'sum:workstation' },
        { name: 'lx', role: 'sum:target:linux' },
      ],
      hpsum: { workstationOs: 'linux' },
    },
    { catalogs: [renamed] },
  );
  expect(hostFirewall(rs, { role: 'serverprotect:console', os: 'windows', anyAddress: true }).text).toContain('SP1');
  expect(() => hostFirewall(rs, { role: 'sum:workstation', os: 'windows', anyAddress: true })).toThrow(
    /--os windows: the declaration's hpsum\.workstationOs is linux/,
  );
  expect(hostFirewall(rs, { role: 'sum:workstation', os: 'linux', anyAddress: true }).text).toContain('SUM');
});

describe("a catalog role's nftables ruleset, by nft's own check", () => {
  const nft = requireTool('nft', 'apt-get install -y nftables');
  const dir = mkdtempSync(join(tmpdir(), 'portplan-catalog-host-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  nft.test('shop:app with addresses and restricted egress: accepted by nft -c', () => {
    const restricted = resolve({ ...d, egress: 'restricted' }, { catalogs: [shop] });
    const script = hostFirewall(restricted, {
      role: 'shop:app',
      os: 'linux',
      addresses: ['shop-web=10.0.1.0/24,fd00:1::/64', 'shop-db=10.0.3.0/24'],
    });
    const path = join(dir, 'shop-app.nft');
    writeFileSync(path, script.text);
    const r = nftCheck(nft.path!, path);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(script.text).toContain('tcp dport 5432 accept');
  });

  nft.test('fixed port ranges: one rule per run of ports, accepted by nft -c', () => {
    const ranged = resolve(RANGES_DECLARATION, { catalogs: [RANGES_CATALOG] });
    const script = hostFirewall(ranged, { role: 'rng:client', os: 'linux', addresses: ['servers=10.0.2.0/24'] });
    const path = join(dir, 'rng-client.nft');
    writeFileSync(path, script.text);
    const r = nftCheck(nft.path!, path);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const dports = script.text.split('\n').flatMap((l) => /(tcp|udp) dport (\S+)/.exec(l)?.slice(1, 3).join(' ') ?? []);
    expect(dports).toEqual(['udp 2500-3301', 'tcp 135', 'tcp 49152-65535']);
  });
});

test('fixed port ranges in firewalld services and PowerShell rules: each run whole', () => {
  const ranged = resolve(RANGES_DECLARATION, { catalogs: [RANGES_CATALOG] });
  const firewalld = hostFirewall(ranged, { role: 'rng:client', os: 'linux', format: 'firewalld', anyAddress: true });
  expect(firewalld.text.split('\n').filter((l) => l.includes('<port '))).toEqual([
    '  <port protocol="udp" port="2500-3301"/>',
    '  <port protocol="tcp" port="135"/>',
    '  <port protocol="tcp" port="49152-65535"/>',
  ]);
  const ps = hostFirewall(ranged, { role: 'rng:server', os: 'windows', anyAddress: true });
  const ports = ps.text
    .split('\n')
    .flatMap((l) => /-Protocol (\w+) -(Local|Remote)Port '([^']+)'/.exec(l)?.slice(1, 4).join(' ') ?? []);
  expect(ports.sort()).toEqual([
    'TCP Local 135',
    'TCP Local 49152-65535',
    'TCP Remote 10000-10100',
    'TCP Remote 10000-10100',
    'TCP Remote 10200',
    'TCP Remote 10200',
    'UDP Remote 2500-3301',
  ]);
});

describe('ICMP and ICMPv6 flows on the hosts', () => {
  const icmp = resolve(ICMP_DECLARATION, { catalogs: [ICMP_CATALOG] });
  const addresses = ['monitors=10.0.1.0/24', 'monitors=2001:db8:1::/64', 'nodes=10.0.2.0/24'];
  const nftDir = mkdtempSync(join(tmpdir(), 'portplan-icmp-'));
  afterAll(() => rmSync(nftDir, { recursive: true, force: true }));

  const nftIcmp = requireTool('nft', 'apt-get install -y nftables');
  nftIcmp.test(
    'nftables: a type, a type and code, every ICMPv6 message, each in its own family; nft -c accepts them',
    () => {
      const matches: string[] = [];
      for (const role of ['png:node', 'png:monitor']) {
        const script = hostFirewall(icmp, { role, os: 'linux', addresses });
        const path = join(nftDir, `${role.replace(':', '-')}.nft`);
        writeFileSync(path, script.text);
        const r = nftCheck(nftIcmp.path!, path);
        expect([r.status, r.stderr]).toEqual([0, '']);
        matches.push(
          ...script.text
            .split('\n')
            .filter((l) => l.startsWith('add rule') && !l.includes('dport'))
            .map((l) => / (ip6?) [sd]addr (\S+) (.*) accept/.exec(l)?.slice(1, 4).join(' ') ?? l),
        );
      }
      // ICMP only with IPv4 addresses, ICMPv6 only with IPv6 ones: the nodes (IPv4 only) get the
      // monitors' ICMPv6 at their IPv6 range, the monitors get none from the nodes.
      expect(matches.sort()).toEqual([
        'ip 10.0.1.0/24 icmp type 8',
        'ip 10.0.2.0/24 icmp type 8',
        'ip 198.51.100.0/24 icmp type 3 icmp code 4',
        'ip6 2001:db8:1::/64 meta l4proto ipv6-icmp',
      ]);
    },
  );

  test('firewalld: the service carries the protocol and says where a type is widened; PowerShell: -IcmpType type[:code]', () => {
    const fw = hostFirewall(icmp, { role: 'png:node', os: 'linux', format: 'firewalld', addresses });
    expect(fw.text.split('\n').filter((l) => l.includes('<protocol ') || l.startsWith('# warning'))).toEqual([
      '  <protocol value="ipv6-icmp"/>',
      '# warning: icmp 8 is admitted as every icmp message (a service names no ICMP type)',
      '  <protocol value="icmp"/>',
      '# warning: icmp 3/4 is admitted as every icmp message (a service names no ICMP type)',
      '  <protocol value="icmp"/>',
    ]);
    const ps = hostFirewall(icmp, { role: 'png:node', os: 'windows', addresses });
    const icmpArgs = ps.text
      .split('\n')
      .flatMap((l) => /-Protocol (ICMPv\d)( -IcmpType '[^']+')?/.exec(l)?.slice(1, 3).join('') ?? []);
    expect(icmpArgs.sort()).toEqual(["ICMPv4 -IcmpType '3:4'", "ICMPv4 -IcmpType '8'", 'ICMPv6']);
  });
});
