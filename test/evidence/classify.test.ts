import fc from 'fast-check';
import { Inventory, parseHostsFile, planClassifier } from '../../lib/evidence';
import { PRESETS, explain, resolve, type Endpoint, type Protocol } from '../../lib/model';
import { validDeclaration } from '../support/declarations';
import { addressPlan, endpoints, hostsFile } from '../support/flowlogs';

const NUMBER: Record<Protocol, number> = { tcp: 6, udp: 17 };

describe('planClassifier', () => {
  // The oracle is explain(), the spec's own answer to "may this side open this port to this
  // group?", written apart from the classifier: by names, not addresses.
  test('the flows of a packet are exactly the flows explain() names for its ends, protocol and port', () => {
    fc.assert(
      fc.property(
        validDeclaration,
        fc.nat(),
        fc.nat(),
        fc.constantFrom<Protocol>('tcp', 'udp'),
        fc.nat(),
        fc.integer({ min: 1, max: 65535 }),
        (declaration, a, b, protocol, pick, random) => {
          const r = resolve(declaration);
          const plan = addressPlan(r, 1);
          const classify = planClassifier(r, new Inventory(parseHostsFile(hostsFile(plan), 'hosts')));
          const ends = endpoints(r, plan);
          const groups = r.declaration.groups.map((g): Endpoint => ({ kind: 'group', name: g.name, role: g.role }));
          const sides: Endpoint[] = [
            ...groups,
            ...r.declaration.peers.map((p): Endpoint => ({
              kind: 'peer',
              name: p.name,
              peerKind: p.kind,
              cidr: p.cidr,
            })),
          ];
          const from = sides[a % sides.length];
          const to = groups[b % groups.length];
          // Ports at and around every range's ends, and one anywhere.
          const ports = [
            ...r.flows.flatMap((f) => [f.fromPort - 1, f.fromPort, f.toPort, f.toPort + 1]),
            random,
          ].filter((p) => p >= 1 && p <= 65535);
          const port = ports[pick % ports.length];
          const expected = explain(r, { from: from.name, to: to.name, port, protocol }).flows.map((f) =>
            r.flows.indexOf(f),
          );
          for (const src of ends.of(from)) {
            for (const dst of ends.of(to)) {
              const got = classify({
                srcAddr: src,
                dstAddr: dst,
                protocol: NUMBER[protocol],
                srcPort: 40000,
                dstPort: port,
              });
              expect(got.flows).toEqual([...expected].sort((x, y) => x - y));
              // The same packet the other way, from the planned port to a port no flow has: a reply.
              const back = classify({
                srcAddr: dst,
                dstAddr: src,
                protocol: NUMBER[protocol],
                srcPort: port,
                dstPort: 0,
              });
              expect(back.flows).toEqual([]);
              expect(back.replies).toEqual(got.flows);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  const r = resolve({
    ...PRESETS.serverprotect,
    peers: [{ name: 'tmcm', kind: 'control-manager', cidr: '10.0.9.0/28' }],
    serverProtect: { controlManagerAgent: 'tmi' },
  });
  const inv = new Inventory(
    parseHostsFile(
      [
        '10.0.1.5 console',
        '10.0.2.5 information-server',
        '10.0.3.0/24 normal-servers',
        '10.0.3.7 information-server',
      ].join('\n'),
      'h',
    ),
  );
  const classify = planClassifier(r, inv);
  const index = (from: string, to: string, protocol: Protocol, port: number) =>
    r.flows.findIndex(
      (f) =>
        f.from.name === from && f.to.name === to && f.protocol === protocol && f.fromPort <= port && port <= f.toPort,
    );

  test('ends are known by the inventory (hosts and ranges) and by the peers’ CIDRs', () => {
    const c = classify({ srcAddr: '10.0.9.3', dstAddr: '10.0.2.5', protocol: 6, srcPort: 50000, dstPort: 10319 });
    expect(c.src).toEqual({ groups: [], peers: ['tmcm'] });
    expect(c.dst).toEqual({ groups: ['information-server'], peers: [] });
    expect(c.flows).toEqual([index('tmcm', 'information-server', 'tcp', 10319)]);
    expect(c.flows[0]).toBeGreaterThanOrEqual(0);
  });

  test('a host in two groups: the flows of both', () => {
    // 10.0.3.7 is a normal server (by its range) and an information server (by its host entry).
    const c = classify({ srcAddr: '10.0.1.5', dstAddr: '10.0.3.7', protocol: 6, srcPort: 50000, dstPort: 5005 });
    expect(c.dst.groups).toEqual(['information-server', 'normal-servers']);
    expect(c.flows).toEqual([index('console', 'information-server', 'tcp', 5005)]);
    const smb = classify({ srcAddr: '10.0.3.7', dstAddr: '10.0.3.8', protocol: 6, srcPort: 50000, dstPort: 445 });
    expect(smb.flows).toEqual(
      [
        index('information-server', 'normal-servers', 'tcp', 445),
        index('normal-servers', 'normal-servers', 'tcp', 445),
      ].sort((x, y) => x - y),
    );
  });

  test('no flow for other protocols, unknown addresses, ports outside every range', () => {
    const none = (srcAddr: string, dstAddr: string, protocol: number, dstPort: number) =>
      classify({ srcAddr, dstAddr, protocol, srcPort: 60000, dstPort });
    expect(none('10.0.1.5', '10.0.2.5', 1, 5005)).toEqual({
      flows: [],
      replies: [],
      src: { groups: ['console'], peers: [] },
      dst: { groups: ['information-server'], peers: [] },
    });
    expect(none('192.0.2.1', '10.0.2.5', 6, 5005).flows).toEqual([]);
    expect(none('192.0.2.1', '10.0.2.5', 6, 5005).src).toEqual({ groups: [], peers: [] });
    expect(none('10.0.1.5', '10.0.2.5', 6, 5015).flows).toEqual([]);
    expect(none('garbage', '10.0.2.5', 6, 5005).src).toEqual({ groups: [], peers: [] });
  });
});
