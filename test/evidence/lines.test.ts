import fc from 'fast-check';
import { lineBatches, type Line } from '../../lib/evidence/files';

async function* chunksOf(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(at, c);
    at = c;
  }
  yield bytes.subarray(at);
}

describe('lineBatches', () => {
  test('any text cut anywhere: the lines of a plain split, each longer than the bound reported by its size instead', async () => {
    const max = 12;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('é€', '\r', 'a\r')), { maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (lines, ending, cuts) => {
          const text = lines.join('\n') + (ending ? '\n' : '');
          const bytes = Buffer.from(text);
          const got: Line[] = [];
          for await (const batch of lineBatches(
            chunksOf(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)),
            ),
            max,
          ))
            got.push(...batch);
          const parts = text.split('\n');
          if (parts[parts.length - 1] === '') parts.pop();
          expect(got).toEqual(
            parts.map((p, i) => {
              const size = Buffer.byteLength(p);
              if (size > max) return { text: '', number: i + 1, long: { bytes: size, head: p } };
              return { text: p.endsWith('\r') ? p.slice(0, -1) : p, number: i + 1 };
            }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
