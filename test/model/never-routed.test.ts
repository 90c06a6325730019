import fc from 'fast-check';
import { DeclarationError, resolve, type Declaration } from '../../lib/model';
import { SERVERPROTECT } from '../support/declarations';

// A peer is a host across a VPC or VNet: its range can never lie inside a block no router forwards
// or no host holds (IANA IPv4 and IPv6 Special-Purpose Address Registries, RFC 6890; multicast,
// RFC 5771 and RFC 4291). A range that only contains such a block (0.0.0.0/0) is not this rule's.

const peer = (cidr: string, allowAnyAddress = false): Declaration => ({
  ...SERVERPROTECT,
  peers: [{ name: 'updates', kind: 'update-source', cidr, ...(allowAnyAddress ? { allowAnyAddress } : {}) }],
});

function problems(d: Declaration): { path: string; message: string; value?: unknown }[] {
  try {
    resolve(d);
    return [];
  } catch (e) {
    if (!(e instanceof DeclarationError)) throw e;
    return [...e.problems];
  }
}

// The blocks, written here from the registries, with the words the error must use.
const BLOCKS: [block: string, words: RegExp][] = [
  ['0.0.0.0/8', /"this network"/],
  ['127.0.0.0/8', /loopback/],
  ['169.254.0.0/16', /link-local/],
  ['224.0.0.0/4', /multicast/],
  ['240.0.0.0/4', /reserved/],
  ['::/128', /unspecified/],
  ['::1/128', /loopback/],
  ['::ffff:0:0/96', /IPv4-mapped/],
  ['fe80::/10', /link-local/],
  ['ff00::/8', /multicast/],
];

describe('a peer inside a never-routed block is refused, naming the block and why', () => {
  test.each([
    ['fe80::/10', 'fe80::/10'],
    ['fe80::1/128', 'fe80::/10'],
    ['febf:ffff::/32', 'fe80::/10'],
    ['169.254.169.254/32', '169.254.0.0/16'],
    ['127.0.0.1/32', '127.0.0.0/8'],
    ['0.0.0.0/8', '0.0.0.0/8'],
    ['0.0.0.0/32', '0.0.0.0/8'],
    ['224.0.0.0/4', '224.0.0.0/4'],
    ['239.255.255.250/32', '224.0.0.0/4'],
    ['240.0.0.0/4', '240.0.0.0/4'],
    ['255.255.255.255/32', '240.0.0.0/4'],
    ['::/128', '::/128'],
    ['::1/128', '::1/128'],
    ['::ffff:10.0.0.0/104', '::ffff:0:0/96'],
    ['ff02::1/128', 'ff00::/8'],
  ])('%s: inside %s', (cidr, block) => {
    const [p] = problems(peer(cidr));
    expect(p.path).toBe('peers[0].cidr');
    expect(p.value).toBe(cidr);
    const words = BLOCKS.find(([b]) => b === block)![1];
    expect(p.message).toContain(`is inside ${block} (`);
    expect(p.message).toMatch(words);
    expect(p.message).toMatch(/no peer across a VPC or VNet/);
    expect(p.message).toMatch(/iana\.org\/assignments\/iana-ipv[46]-special-registry|RFC 5771|RFC 4291/);
  });
});

describe('ranges that contain a never-routed block, or are outside every one, are not refused by this rule', () => {
  test.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    ['0.0.0.0/1', false],
    ['128.0.0.0/1', false],
    ['8000::/1', false],
    ['fe80::/9', false],
    ['::/96', false],
    ['10.0.0.0/8', false],
    ['100.64.0.0/10', false],
    // Documentation ranges: no router on the Internet forwards them, but a private network can, and
    // examples write them for real addresses.
    ['192.0.2.0/24', false],
    ['2001:db8::/32', false],
    ['fd00::/8', false],
    ['64:ff9b::/96', false],
  ])('%s', (cidr, any) => {
    expect(problems(peer(cidr, any)).filter((p) => /never|inside/.test(p.message))).toEqual([]);
  });
});

// The oracle: the blocks above, compared as numbers here, apart from lib/model/cidr.ts.
function range(text: string): { family: 4 | 6; lo: bigint; hi: bigint } {
  const [address, prefix] = text.split('/');
  const family = address.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  let n = 0n;
  if (family === 4) for (const o of address.split('.')) n = (n << 8n) | BigInt(o);
  else {
    const [head, tail = ''] = address.split('::');
    const groups = (s: string) => (s ? s.split(':').map((g) => BigInt(`0x${g}`)) : []);
    const h = groups(head);
    const t = groups(tail);
    for (const g of [...h, ...Array<bigint>(8 - h.length - t.length).fill(0n), ...t]) n = (n << 16n) | g;
  }
  const size = 1n << BigInt(bits - Number(prefix));
  return { family, lo: n, hi: n + size - 1n };
}
const inside = (a: string, b: string) => {
  const x = range(a);
  const y = range(b);
  return x.family === y.family && x.lo >= y.lo && x.hi <= y.hi;
};

test('random peer ranges: refused exactly when inside a never-routed block (fast-check)', () => {
  const v4 = fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.nat(0xffffff), fc.integer({ min: 1, max: 32 }))
    .map(([first, rest, prefix]) => {
      const n = (BigInt(first) << 24n) | BigInt(rest);
      const masked = (n >> BigInt(32 - prefix)) << BigInt(32 - prefix);
      return `${[24n, 16n, 8n, 0n].map((s) => String((masked >> s) & 255n)).join('.')}/${prefix}`;
    });
  const v6 = fc
    .tuple(
      fc.constantFrom(0x0000, 0xfe80, 0xfebf, 0xfec0, 0xff00, 0xff02, 0x2001, 0xfd00, 0x8000),
      fc.constantFrom(0, 1, 0xffff),
      fc.integer({ min: 1, max: 128 }),
    )
    .map(([g0, g7, prefix]) => {
      const n = (BigInt(g0) << 112n) | (g7 === 0xffff ? 0xffffn << 32n : BigInt(g7));
      const masked = (n >> BigInt(128 - prefix)) << BigInt(128 - prefix);
      const groups = Array.from({ length: 8 }, (_, i) => ((masked >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
      return `${groups.join(':')}/${prefix}`;
    });
  fc.assert(
    fc.property(fc.oneof(v4, v6), (cidr) => {
      const refused = problems(peer(cidr, true)).some((p) => /is inside .* no peer across/.test(p.message));
      expect([cidr, refused]).toEqual([cidr, BLOCKS.some(([b]) => inside(cidr, b))]);
    }),
    { numRuns: 400 },
  );
});
