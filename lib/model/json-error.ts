/** Where and why a text is not JSON. */
export interface JsonSyntaxError {
  /** What was found and what was expected there. */
  readonly message: string;
  /** Line of the fault, from 1. */
  readonly line: number;
  /** Column of the fault, from 1. */
  readonly column: number;
  /** The line, with a caret under the fault (long lines cut around it). */
  readonly excerpt: string;
}

class Fault {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

// JSON.parse gives a position only in some Node versions' messages, and words them differently in
// each; so the text is scanned again, by the grammar of RFC 8259
// (https://www.rfc-editor.org/rfc/rfc8259), to find the first fault the same way everywhere.
function scan(text: string): void {
  let i = 0;
  const found = (what = text[i]) => (what === undefined ? 'the end of the file' : JSON.stringify(what));
  const fail = (expected: string): never => {
    throw new Fault(i, `expected ${expected}, found ${found()}`);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Fault(i, 'unterminated string: expected a closing "');
      if (c === '"') return void i++;
      if (c < ' ') throw new Fault(i, `a control character in a string must be escaped (found ${JSON.stringify(c)})`);
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : !'"\\/bfnrt'.includes(e ?? 'x')) {
          throw new Fault(i, `invalid escape ${JSON.stringify(text.slice(i, e === 'u' ? i + 6 : i + 2))}`);
        }
        i += e === 'u' ? 6 : 2;
      } else i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') return void i++;
      for (;;) {
        space();
        if (text[i] !== '"') fail('a field name in double quotes');
        string();
        space();
        if (text[i] !== ':') fail("':' after the field name");
        i++;
        value();
        space();
        if (text[i] === '}') return void i++;
        if (text[i] !== ',') fail("',' or '}'");
        i++;
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        space();
        if (text[i] === ']') return void i++;
        if (text[i] !== ',') fail("',' or ']'");
        i++;
      }
    }
    if (c === '"') return string();
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = i;
    if (number.test(text)) return void (i = number.lastIndex);
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, i)) return void (i += word.length);
    fail('a value (an object, list, string, number, true, false or null)');
  };
  value();
  space();
  if (i < text.length) fail('the end of the file after the value');
}

/**
 * The first syntax fault in a text that `JSON.parse` refused, with its line, column and an excerpt.
 * @returns the fault, or `undefined` if the text is JSON after all
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof Fault)) throw e;
    const before = text.slice(0, e.offset).split(/\r\n|\r|\n/);
    const line = before.length;
    const column = before[line - 1].length + 1;
    const whole = text.split(/\r\n|\r|\n/)[line - 1];
    // At most 80 characters of a long (minified) line, around the fault.
    const start = Math.max(0, Math.min(column - 40, whole.length - 80));
    const shown = `${start > 0 ? '...' : ''}${whole.slice(start, start + 80)}${start + 80 < whole.length ? '...' : ''}`;
    const pad = (start > 0 ? '   ' : '') + whole.slice(start, column - 1).replace(/[^\t]/g, ' ');
    return { message: e.message, line, column, excerpt: `${shown}\n${pad}^` };
  }
}
