import fc from 'fast-check';
import { DeclarationError, parseCidr, placeRules, resolve, cidrContains, type Declaration } from '../../lib/model';
import { SERVERPROTECT, validDeclaration } from '../support/declarations';

const withUpdateSource = (cidr: string): Declaration => ({
  ...SERVERPROTECT,
  peers: [{ name: 'updates', kind: 'update-source', cidr }],
});

function problem(d: Declaration): { path: string; message: string } {
  try {
    resolve(d);
  } catch (e) {
    if (!(e instanceof DeclarationError)) throw e;
    return e.problems[0];
  }
  throw new Error('resolve() accepted it');
}

describe('peer CIDRs: masked prefixes only, broad ranges warned', () => {
  // [written, masked form the message must name]
  test.each([
    ['10.0.9.10/24', '10.0.9.0/24'],
    ['192.168.1.1/16', '192.168.0.0/16'],
    ['2001:db8::1/64', '2001:db8::/64'],
    ['2001:DB8:0:0:1::/48', '2001:db8::/48'],
  ])('%s has host bits set: refused, naming %s', (cidr, masked) => {
    const p = problem(withUpdateSource(cidr));
    expect(p.path).toBe('peers[0].cidr');
    expect(p.message).toContain(`has host bits set; write the network ${masked}`);
  });

  test.each([
    'fe80::1%eth0/64',
    '10.0.0.1/33',
    '2001:db8::/129',
    '010.0.0.0/8',
    '10.0.0.0/08',
    '1:2:3:4:5:6:7:8:9/128',
    '::1::/128',
  ])('%s is not a CIDR the clouds take', (cidr) => {
    const p = problem(withUpdateSource(cidr));
    expect(p.path).toBe('peers[0].cidr');
    expect(p.message).toMatch(/IPv4 or IPv6 CIDR/);
  });

  test.each([
    ['0.0.0.0/1', true],
    ['10.0.0.0/8', true],
    ['10.1.0.0/16', false],
    ['2000::/3', true],
    ['2001:db8::/48', false],
    ['2001:db8:1::/64', false],
  ])('%s: broad-peer warning %s', (cidr, warned) => {
    const w = resolve(withUpdateSource(cidr)).warnings.filter((x) => x.code === 'broad-peer');
    expect(w.length).toBe(warned ? 1 : 0);
    if (warned) expect(w[0].message).toContain(`peer updates (update-source) is ${cidr}`);
  });

  test('an allowed /0 is warned about too', () => {
    const d: Declaration = {
      ...SERVERPROTECT,
      peers: [{ name: 'updates', kind: 'update-source', cidr: '::/0', allowAnyAddress: true }],
    };
    expect(resolve(d).warnings.find((w) => w.code === 'broad-peer')?.message).toContain('every address');
  });

  test('parseCidr: text, family, containment', () => {
    expect(parseCidr('2001:0db8:0000:0000:0000:0000:0000:0000/32')?.text).toBe('2001:db8::/32');
    expect(parseCidr('::ffff:10.0.0.0/104')?.text).toBe('::ffff:a00:0/104');
    const outer = parseCidr('10.0.0.0/8')!;
    expect(cidrContains(outer, parseCidr('10.20.0.0/16')!)).toBe(true);
    expect(cidrContains(outer, parseCidr('11.0.0.0/16')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, outer)).toBe(false);
  });
});

describe('placeRules: the one decision of which group carries which rule', () => {
  test('every flow is placed inbound on a group listener, outbound on a group initiator when restricted; nothing else', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const r = resolve(d);
        const placed = placeRules(r);
        const restricted = r.declaration.egress === 'restricted';
        for (const f of r.flows) {
          const mine = placed.filter((p) => p.flow === f);
          const want = (f.to.kind === 'group' ? 1 : 0) + (restricted && f.from.kind === 'group' ? 1 : 0);
          expect(mine.length).toBe(want);
          for (const p of mine) {
            // Inbound: the listener carries it and names the initiator; outbound the other way round.
            expect(p.direction === 'inbound' ? [p.group, p.remote] : [p.remote, p.group]).toEqual([f.to, f.from]);
          }
        }
        expect(placed.length).toBe(
          r.flows.reduce(
            (n, f) => n + (f.to.kind === 'group' ? 1 : 0) + (restricted && f.from.kind === 'group' ? 1 : 0),
            0,
          ),
        );
      }),
      { numRuns: 100 },
    );
  });

  test('peer endpoints carry their declared CIDR and kind, group endpoints their role', () => {
    fc.assert(
      fc.property(validDeclaration, (d) => {
        const r = resolve(d);
        for (const f of r.flows) {
          for (const e of [f.from, f.to]) {
            if (e.kind === 'peer')
              expect(r.declaration.peers).toContainEqual(
                expect.objectContaining({ name: e.name, kind: e.peerKind, cidr: e.cidr }),
              );
            else expect(r.declaration.groups).toContainEqual({ name: e.name, role: e.role });
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
