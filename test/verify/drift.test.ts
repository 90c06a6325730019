import { IPV6_BASE, addressText, intervalCidrs } from '../../lib/packets';
import type { DeployedGroup, DeployedRule } from '../../lib/verify/site-aws';
import { verifyAwsSite } from '../../lib/verify/site-aws';
import { siteReportJson, siteReportText } from '../../lib/verify/site';
import { exampleSites, type TemplateSite } from './aws-templates';

// The drift a colleague makes through the EC2 API on a deployed example, checked as packet sets:
// every address of a CIDR and every port of a range counts.

const sites = exampleSites();

function edit(site: TemplateSite, group: string, change: (r: DeployedRule) => DeployedRule): DeployedGroup[] {
  const id = site.groupIds[group];
  return site.groups.map((g) => (g.groupId === id ? { ...g, ingress: g.ingress.map(change) } : g));
}

/** How many addresses the CIDRs hold. */
const size = (cidrs: readonly string[]): bigint =>
  cidrs.reduce((n, c) => n + (1n << BigInt((c.includes(':') ? 128 : 32) - Number(c.split('/')[1]))), 0n);

const v4 = (a: string): bigint => a.split('.').reduce((n, x) => n * 256n + BigInt(x), 0n);

describe("the administrators' /24 narrowed to a /28 (SmartUpdateManager7Example)", () => {
  const site = sites.SmartUpdateManager7Example;
  const admins = site.resolution.declaration.peers.find((p) => p.cidr === '192.168.50.0/24')!;
  const narrowed = Object.values(site.resolution.declaration.groups).flatMap((g) =>
    edit(site, g.name, (r) => (r.cidrIpv4 === admins.cidr ? { ...r, cidrIpv4: '192.168.50.0/28' } : r)),
  );
  // Each edit above changed one group; keep each group's edited copy.
  const groups = site.groups.map((g) => narrowed.find((n) => n.groupId === g.groupId && n !== g) ?? g);
  const r = verifyAwsSite(site.resolution, site.groupIds, groups);
  const fromAdmins = r.flows.filter((f) => f.from === admins.name);

  test('every flow from the peer is partially blocked: exactly 240 addresses cut off, with a witness', () => {
    expect(fromAdmins.length).toBeGreaterThan(0);
    for (const f of fromAdmins) {
      expect(f.status).toBe('partial');
      expect(f.blocked.map((b) => b.side)).toEqual(['ingress']);
      const [b] = f.blocked;
      expect(b.sources).toEqual(['192.168.50.16/28', '192.168.50.32/27', '192.168.50.64/26', '192.168.50.128/25']);
      expect(size(b.sources)).toBe(240n);
      expect(b.ports).toEqual([{ fromPort: f.fromPort, toPort: f.toPort }]);
      const w = v4(b.witness.source.address);
      expect(w >= v4('192.168.50.16') && w <= v4('192.168.50.255')).toBe(true);
      expect(b.witness.source.hostClass).toBeUndefined();
      expect(b.witness.destination.hostClass).toBe(f.to);
    }
  });

  test('the narrowed rules are not extra; the text names the cut-off range and a witness', () => {
    expect(r.extra).toEqual([]);
    expect(r.drift).toBe(true);
    const text = siteReportText(r);
    expect(text).toContain(`blocked (${fromAdmins.length} partially)`);
    expect(text).toContain(
      'no ingress: tcp external@{192.168.50.16/28, 192.168.50.32/27, 192.168.50.64/26, 192.168.50.128/25}',
    );
    expect(text).toMatch(/\(e\.g\. tcp external@192\.168\.50\.16 -> /);
  });
});

describe('SP1 (information-server to console, tcp 1000-1009) narrowed and widened', () => {
  const site = sites.ServerProtectExample;
  const flow = site.resolution.flows.find((f) => f.fromPort === 1000 && f.toPort === 1009)!;
  const change = (from: number, to: number) =>
    verifyAwsSite(
      site.resolution,
      site.groupIds,
      edit(site, flow.to.name, (r) =>
        r.fromPort === 1000 && r.toPort === 1009 ? { ...r, fromPort: from, toPort: to } : r,
      ),
    );

  test('narrowed to 1000-1004: blocked on exactly 1005-1009, not extra', () => {
    const r = change(1000, 1004);
    const check = r.flows.find((f) => f.fromPort === 1000)!;
    expect([check.status, check.blocked.map((b) => [b.side, b.ports])]).toEqual([
      'partial',
      [['ingress', [{ fromPort: 1005, toPort: 1009 }]]],
    ]);
    expect(check.blocked[0].witness.port).toBe(1005);
    // The plan's hosts have IPv4 and IPv6 addresses here (the groups allow ::/0 out), each family to itself.
    expect(check.blocked[0].packets).toEqual([
      `tcp ${flow.from.name}@0.0.0.0/0 -> ${flow.to.name}@0.0.0.0/0 1005-1009`,
      `tcp ${flow.from.name}@::/0 -> ${flow.to.name}@::/0 1005-1009`,
    ]);
    expect(r.flows.filter((f) => f !== check).every((f) => f.status === 'allowed')).toBe(true);
    expect(r.extra).toEqual([]);
  });

  test('widened to 1000-1019: every flow allowed; the rule is extra by exactly 1010-1019, with a witness', () => {
    const r = change(1000, 1019);
    expect(r.flows.every((f) => f.status === 'allowed')).toBe(true);
    expect(r.extra.map((e) => [e.group, e.remote, e.ports, e.surplus])).toEqual([
      [flow.to.name, flow.from.name, '1000-1019', [`tcp ${flow.from.name} -> ${flow.to.name} 1010-1019`]],
    ]);
    expect(r.extra[0].witness).toMatchObject({ protocol: 6, port: 1010 });
    expect(JSON.parse(siteReportJson(r))).toMatchObject({ version: 2, extra: [{ surplus: r.extra[0].surplus }] });
  });
});

test('the helpers of this file count as they should', () => {
  expect(size(intervalCidrs(v4('192.168.50.16'), v4('192.168.51.0')))).toBe(240n);
  expect(addressText(IPV6_BASE)).toBe('::');
});
