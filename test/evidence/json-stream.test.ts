import fc from 'fast-check';
import { JsonSyntaxError, JsonTokenizer, type JsonEvents } from '../../lib/evidence/json-stream';

// Rebuilds the value the events describe, as JSON.parse would (own properties, even __proto__).
function builder(): JsonEvents & { result(): unknown } {
  const stack: { value: unknown[] | Record<string, unknown>; key?: string }[] = [];
  let root: unknown;
  let done = false;
  const put = (v: unknown) => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = v;
      done = true;
    } else if (Array.isArray(top.value)) top.value.push(v);
    else
      Object.defineProperty(top.value, top.key as string, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  };
  return {
    open(kind) {
      const value = kind === 'object' ? {} : [];
      put(value);
      done = false;
      stack.push({ value });
    },
    close() {
      stack.pop();
      done = stack.length === 0;
    },
    key(name) {
      stack[stack.length - 1].key = name;
    },
    scalar: put,
    longString() {
      throw new Error('no string is over the bound here');
    },
    result: () => {
      if (!done) throw new Error('incomplete');
      return root;
    },
  };
}

// Feeds text in the given cuts; returns the value, or the syntax error.
function tokenize(text: string, cuts: readonly number[]): unknown {
  const b = builder();
  const t = new JsonTokenizer(b, { maxString: 1 << 20, maxDepth: 1000 });
  let at = 0;
  for (const c of [...cuts].sort((x, y) => x - y)) {
    t.write(text.slice(at, c));
    at = c;
  }
  t.write(text.slice(at));
  t.end();
  return b.result();
}

describe('JSON tokenizer', () => {
  test('any JSON value, in any layout, cut anywhere: the same value as JSON.parse', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom(undefined, 1, 2, '\t', ' \r\n '),
        fc.array(fc.nat(), { maxLength: 8 }),
        (value, indent, cuts) => {
          // The indent goes between tokens only: spaces, tabs, CR and LF, as JSON allows.
          const text = JSON.stringify(value, null, indent);
          expect(
            tokenize(
              text,
              cuts.map((c) => c % (text.length + 1)),
            ),
          ).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('any text: accepted exactly when JSON.parse accepts it', () => {
    // Near-JSON: valid documents with a character inserted, deleted or replaced, and raw strings.
    const mutated = fc
      .tuple(
        fc.jsonValue(),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', ':', '\\', '\u0001', 'x', '-', '0', ' '),
        fc.boolean(),
      )
      .map(([v, at, ch, del]) => {
        const text = JSON.stringify(v);
        const i = at % (text.length + 1);
        return text.slice(0, i) + ch + text.slice(del ? i + 1 : i);
      });
    const texts = fc.oneof(
      mutated,
      fc.string(),
      fc.constantFrom(
        '',
        ' ',
        '01',
        '1.',
        '-',
        '1e',
        '"\\u12"',
        '[1,]',
        '{"a":1,}',
        'nul',
        'true false',
        '"a\nb"',
        '1 2',
      ),
    );
    fc.assert(
      fc.property(texts, (text) => {
        let parsed: { ok: true; value: unknown } | { ok: false };
        try {
          parsed = { ok: true, value: JSON.parse(text) };
        } catch {
          parsed = { ok: false };
        }
        let ours: { ok: true; value: unknown } | { ok: false };
        try {
          ours = { ok: true, value: tokenize(text, [Math.floor(text.length / 2)]) };
        } catch (e) {
          if (!(e instanceof JsonSyntaxError)) throw e;
          ours = { ok: false };
        }
        expect(ours).toEqual(parsed);
      }),
      { numRuns: 2000 },
    );
  });

  test('faults name their line and column', () => {
    expect(() => tokenize('{\n  "a": 1,\n  ]', [])).toThrow(new JsonSyntaxError('unexpected "]"', 3, 3));
    expect(() => tokenize('[1, 2', [])).toThrow('unexpected end of the text at line 1 column 5');
    expect(() => tokenize('"abc', [2])).toThrow('unterminated string');
    expect(() => tokenize('[[[[1]]]]', [])).not.toThrow();
    const deep = new JsonTokenizer(builder(), { maxString: 10, maxDepth: 3 });
    expect(() => deep.write('[[[[')).toThrow('nesting deeper than 3');
  });

  test('a string over the bound is given by its length, and its text is not kept', () => {
    const lengths: [number, boolean][] = [];
    const events: JsonEvents = {
      open: () => undefined,
      close: () => undefined,
      key: () => undefined,
      scalar: (v) => {
        if (typeof v === 'string' && v.length > 4) throw new Error(`held ${v}`);
      },
      longString: (length, isKey) => lengths.push([length, isKey]),
    };
    const t = new JsonTokenizer(events, { maxString: 4, maxDepth: 4 });
    t.write('{"abcdefg": "xyzxyzxyz\\u0041", "ok": "fine"}');
    t.end();
    expect(lengths).toEqual([
      [7, true],
      [10, false],
    ]);
  });
});
