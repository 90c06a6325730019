// The pieces behind the SQL and the learned patch: address regions agree with the in-process
// membership for every address; catalog openings name only rows explain() says could open the
// port; the YAML text reads back as the data; a unified diff applied to the old text gives the new.
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import {
  Inventory,
  addressKey,
  addressRegions,
  canonicalAddress,
  openingRows,
  parseHostsFile,
  planClassifier,
  rowOpenings,
  unifiedDiff,
  yamlText,
} from '../../lib/evidence';
import { PRESETS, explain, parseCidr, resolve, type Cidr, type Declaration } from '../../lib/model';

const v4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');

describe('address regions', () => {
  // Hosts and ranges of a few groups in 10.0.0.0/22, overlapping each other and two peers.
  const entry = fc.record({
    group: fc.constantFrom('console', 'information-server', 'normal-servers'),
    base: fc.integer({ min: 0, max: 1023 }),
    prefix: fc.constantFrom(32, 32, 30, 28, 24),
  });
  const declaration: Declaration = {
    ...PRESETS.serverprotect,
    peers: [
      { name: 'tmcm', kind: 'control-manager', cidr: '10.0.1.0/26' },
      { name: 'tmcm-2', kind: 'control-manager', cidr: '10.0.1.32/27' },
    ],
    serverProtect: { controlManagerAgent: 'tmi' },
  };
  const r = resolve(declaration);

  test('every address is in the one region whose membership is what the classifier finds, or in none when it has none', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 1100 }), { maxLength: 60 }),
        (entries, probes) => {
          const lines = entries.map((e) => {
            const c = parseCidr(`${v4(0x0a000000n + BigInt(e.base))}/${e.prefix}`) as Cidr;
            return `${v4(c.network)}/${e.prefix} ${e.group}`;
          });
          const inv = new Inventory(parseHostsFile(lines.join('\n'), 'h'));
          const regions = addressRegions(r, inv);
          const classify = planClassifier(r, inv);
          for (let i = 1; i < regions.length; i++) expect(regions[i - 1].last < regions[i].first).toBe(true);
          for (const p of probes) {
            const n = 0x0a000000n + BigInt(p);
            const address = v4(n);
            const m = classify({ srcAddr: address, dstAddr: address, protocol: 6, srcPort: 1, dstPort: 1 }).src;
            const found = regions.filter((x) => x.family === 4 && x.first <= n && n <= x.last);
            expect(found.length).toBe(m.groups.length || m.peers.length ? 1 : 0);
            if (found.length) expect(found[0].membership).toEqual({ groups: m.groups, peers: m.peers });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('keys are fixed-width text that sorts as the addresses do', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        (a, b) => {
          const [ka, kb] = [addressKey(6, a), addressKey(6, b)];
          expect(ka.length).toBe(33);
          expect(ka < kb).toBe(a < b);
          const [c, d] = [a & 0xffffffffn, b & 0xffffffffn];
          expect(addressKey(4, c) < addressKey(4, d)).toBe(c < d);
          expect(addressKey(4, c) < addressKey(6, 0n)).toBe(true);
        },
      ),
    );
    expect(canonicalAddress('2001:DB8::1')).toBe('2001:db8::1');
  });
});

describe('catalog openings', () => {
  test('every row they name for a port explain() lists as one that could open it', () => {
    const r = resolve({
      ...PRESETS.serverprotect,
      serverProtect: { communication: 'namedPipes', localInstall: false },
    });
    const openings = rowOpenings(r);
    const groups = r.declaration.groups;
    fc.assert(
      fc.property(
        fc.constantFrom(...groups),
        fc.constantFrom(...groups),
        fc.constantFrom('tcp' as const, 'udp' as const),
        fc.oneof(
          fc.integer({ min: 1, max: 65535 }),
          fc.constantFrom(3628, 5005, 5168, 3000, 10319, 137, 139, 445, 1000),
        ),
        (from, to, protocol, port) => {
          const ids = openingRows(openings, to.role, { kind: 'group', role: from.role }, protocol, port);
          const e = explain(r, { from: from.name, to: to.name, port, protocol });
          if (e.allowed) return;
          const listed = e.wouldOpen.map((w) => w.id);
          for (const id of ids) expect(listed).toContain(id);
        },
      ),
      { numRuns: 500 },
    );
    expect(
      openingRows(
        openings,
        'serverprotect:information-server',
        { kind: 'group', role: 'serverprotect:normal-server' },
        'tcp',
        3628,
      ),
    ).toEqual(['SP6']);
    expect(openingRows(openings, 'serverprotect:information-server', { kind: 'outside' }, 'tcp', 10319)).toEqual([
      'SP10',
    ]);
    expect(openingRows(openings, 'serverprotect:information-server', { kind: 'outside' }, 'tcp', 3628)).toEqual([]);
  });
});

describe('YAML text and unified diffs', () => {
  const scalar = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constantFrom(
      'true',
      'null',
      'yes',
      '1e3',
      '- a',
      'a: b',
      'a #b',
      ' x',
      '"q"',
      '10.0.0.1/32',
      'A:',
      'sum:target:linux',
    ),
  );
  const data = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalar, tie('object'), fc.array(tie('value'), { maxLength: 3 })),
    object: fc.dictionary(
      fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('name', 'on', '1', 'a b')),
      tie('value'),
      { maxKeys: 4 },
    ),
  }));

  test('what a YAML parser reads back is the data written, comments included', () => {
    fc.assert(
      fc.property(data.object, (obj) => {
        const o = obj as Record<string, unknown>;
        const comments = new Map(Object.keys(o).map((k) => [k, `about ${k}\nsecond line`]));
        expect(parseYaml(yamlText(o, comments)) ?? {}).toEqual(o);
      }),
      { numRuns: 300 },
    );
  });

  test('the diff applied to the old text gives the new one', () => {
    const apply = (before: string, diff: string): string => {
      const old = before.replace(/\n$/, '').split('\n');
      const out: string[] = [];
      let at = 0;
      for (const hunk of diff.split(/^@@ /m).slice(1)) {
        const [, start] = /^-(\d+)/.exec(hunk) as RegExpExecArray;
        const from = Math.max(0, Number(start) - 1);
        out.push(...old.slice(at, from));
        at = from;
        for (const line of hunk.split('\n').slice(1, -1)) {
          if (line[0] === ' ' || line[0] === '-') at++;
          if (line[0] === ' ' || line[0] === '+') out.push(line.slice(1));
        }
      }
      return [...out, ...old.slice(at)].join('\n');
    };
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(text, text, (a, b) => {
        const diff = unifiedDiff(`${a.join('\n')}\n`, `${b.join('\n')}\n`, 'old', 'new');
        expect(diff.startsWith('--- old\n+++ new\n')).toBe(true);
        expect(apply(a.join('\n'), diff)).toBe(b.join('\n'));
      }),
      { numRuns: 300 },
    );
  });
});
