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
// (https://www.rfc-editor.org/rfc/rfc8259), to find the first fault the same way everywhere. One
// scanner per text: its position is all the state it has.
class Scanner {
  private i = 0;
  constructor(private readonly text: string) {}

  /** Scans the whole text: one value, then nothing but white space. @throws Fault at the first fault */
  scan(): void {
    this.value();
    this.space();
    if (this.i < this.text.length) this.fail('the end of the file after the value');
  }

  private fail(expected: string): never {
    const what = this.text[this.i];
    const found = what === undefined ? 'the end of the file' : JSON.stringify(what);
    throw new Fault(this.i, `expected ${expected}, found ${found}`);
  }

  private space(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i])) this.i++;
  }

  private string(): void {
    const text = this.text;
    this.i++; // the opening quote
    for (;;) {
      const c = text[this.i];
      if (c === undefined) throw new Fault(this.i, 'unterminated string: expected a closing "');
      if (c === '"') return void this.i++;
      if (c < ' ')
        throw new Fault(this.i, `a control character in a string must be escaped (found ${JSON.stringify(c)})`);
      if (c === '\\') {
        const e = text[this.i + 1];
        if (
          e === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(this.i + 2, this.i + 6)) : !'"\\/bfnrt'.includes(e ?? 'x')
        ) {
          throw new Fault(
            this.i,
            `invalid escape ${JSON.stringify(text.slice(this.i, e === 'u' ? this.i + 6 : this.i + 2))}`,
          );
        }
        this.i += e === 'u' ? 6 : 2;
      } else this.i++;
    }
  }

  private object(): void {
    this.i++;
    this.space();
    if (this.text[this.i] === '}') return void this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.fail('a field name in double quotes');
      this.string();
      this.space();
      if (this.text[this.i] !== ':') this.fail("':' after the field name");
      this.i++;
      this.value();
      this.space();
      if (this.text[this.i] === '}') return void this.i++;
      if (this.text[this.i] !== ',') this.fail("',' or '}'");
      this.i++;
    }
  }

  private array(): void {
    this.i++;
    this.space();
    if (this.text[this.i] === ']') return void this.i++;
    for (;;) {
      this.value();
      this.space();
      if (this.text[this.i] === ']') return void this.i++;
      if (this.text[this.i] !== ',') this.fail("',' or ']'");
      this.i++;
    }
  }

  private value(): void {
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = this.i;
    if (number.test(this.text)) return void (this.i = number.lastIndex);
    for (const word of ['true', 'false', 'null'])
      if (this.text.startsWith(word, this.i)) return void (this.i += word.length);
    this.fail('a value (an object, list, string, number, true, false or null)');
  }
}

/**
 * The first syntax fault in a text that `JSON.parse` refused, with its line, column and an excerpt.
 * @returns the fault, or `undefined` if the text is JSON after all
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text).scan();
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
