// The JSON fault finder agrees with JSON.parse on what is JSON, and points at the first fault.
import fc from 'fast-check';
import { jsonSyntaxError } from '../../lib/model/json-error';

const accepts = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const VALUE = 'expected a value (an object, list, string, number, true, false or null)';

describe('jsonSyntaxError', () => {
  test.each<[string, string, number, number, string]>([
    ['trailing comma in an object', '{"a": 1,}', 1, 9, 'expected a field name in double quotes, found "}"'],
    ['trailing comma in a list', '[1, 2,]', 1, 7, `${VALUE}, found "]"`],
    ['single quotes', "{'a': 1}", 1, 2, 'expected a field name in double quotes, found "\'"'],
    ['missing colon', '{"a" 1}', 1, 6, 'expected \':\' after the field name, found "1"'],
    ['missing comma, second line', '{"a": 1\n "b": 2}', 2, 2, "expected ',' or '}', found \"\\\"\""],
    ['cut short', '{"a": [1, 2', 1, 12, "expected ',' or ']', found the end of the file"],
    ['unterminated string', '{"a": "x', 1, 9, 'unterminated string: expected a closing "'],
    ['bad escape', '["a\\q"]', 1, 4, 'invalid escape "\\\\q"'],
    ['raw tab in a string', '["a\tb"]', 1, 4, 'a control character in a string must be escaped (found "\\t")'],
    ['two values', '{} {}', 1, 4, 'expected the end of the file after the value, found "{"'],
    ['empty file', '', 1, 1, `${VALUE}, found the end of the file`],
    ['a word', '{"a": tru}', 1, 7, `${VALUE}, found "t"`],
    ['leading zero', '[01]', 1, 3, "expected ',' or ']', found \"1\""],
    ['Windows line ends', '{\r\n"a": 1\r\n,}', 3, 2, 'expected a field name in double quotes, found "}"'],
  ])('%s', (_name, text, line, column, message) => {
    expect(accepts(text)).toBe(false);
    expect(jsonSyntaxError(text)).toMatchObject({ line, column, message });
  });

  test('the excerpt is the line with a caret under the fault, tabs kept so the caret lines up', () => {
    expect(jsonSyntaxError('{\n\t"a": 1,,\n}')?.excerpt).toBe('\t"a": 1,,\n\t       ^');
  });

  test('a long line is cut to 80 characters around the fault', () => {
    const text = `[${'1,'.repeat(100)}x${',1'.repeat(100)}]`;
    const excerpt = jsonSyntaxError(text)?.excerpt.split('\n') ?? [];
    expect(excerpt[0]).toMatch(/^\.\.\.[1,]+x[1,]+\.\.\.$/);
    expect(excerpt[0]).toHaveLength(86);
    expect(excerpt[1].indexOf('^')).toBe(excerpt[0].indexOf('x'));
  });

  test('undefined exactly for the texts JSON.parse accepts', () => {
    const near = fc.oneof(
      fc.json(),
      fc.json().map((j) => j.slice(0, -1)),
      fc.tuple(fc.json(), fc.nat(), fc.constantFrom(...',}]": \nx\\0-.')).map(([j, i, c]) => {
        const at = i % (j.length + 1);
        return `${j.slice(0, at)}${c}${j.slice(at)}`;
      }),
      fc.string(),
    );
    fc.assert(
      fc.property(near, (text) => (jsonSyntaxError(text) === undefined) === accepts(text)),
      { numRuns: 2000 },
    );
  });
});
