/**
 * An incremental JSON tokenizer (RFC 8259): text goes in a chunk at a time, events come out as
 * each value is read, so a document of any size is read in memory bounded by the longest string
 * kept and the nesting depth, both capped. A string beyond the cap is counted, not held, and
 * reported as such; a document that is not JSON stops with the line and column of the fault.
 */

/** What the tokenizer reports, in document order. */
export interface JsonEvents {
  /** An object or array begins. */
  open(kind: 'object' | 'array', line: number): void;
  /** The innermost open object or array ends. */
  close(line: number): void;
  /** A key of the innermost object. */
  key(name: string, line: number): void;
  /** A string, number, true, false or null. */
  scalar(value: string | number | boolean | null, line: number): void;
  /** A string (a key when `isKey`) longer than the cap: its length only. */
  longString(length: number, isKey: boolean, line: number): void;
}

/** Text that is not JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** The line of the fault, from 1. */
    readonly line: number,
    /** The column of the fault, from 1. */
    readonly column: number,
  ) {
    super(`${message} at line ${line} column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Caps on what the tokenizer holds. */
export interface JsonLimits {
  /** The longest string held, in characters; longer ones are reported by length. */
  readonly maxString: number;
  /** The deepest nesting of objects and arrays. */
  readonly maxDepth: number;
}

// What may come next.
const VALUE = 0;
const VALUE_OR_END = 1;
const KEY_OR_END = 2;
const KEY = 3;
const COLON = 4;
const COMMA_OR_END = 5;
const DONE = 6;

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const TOKEN_MAX = 64;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const isTokenChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 43 || c === 45 || c === 46;

/** Reads JSON text a chunk at a time; see {@link JsonEvents}. */
export class JsonTokenizer {
  /** The current line, from 1. */
  line = 1;
  private column = 0;
  private readonly stack: ('o' | 'a')[] = [];
  private expect = VALUE;
  private mode: 'none' | 'string' | 'token' = 'none';
  private text = '';
  private length = 0;
  private isKey = false;
  private escape = 0; // 0 none, 1 after a backslash, 2-5 reading \u hex digits
  private hex = 0;

  constructor(
    private readonly events: JsonEvents,
    private readonly limits: JsonLimits,
  ) {}

  /**
   * Reads the next chunk.
   * @throws JsonSyntaxError when the text is not JSON
   */
  write(chunk: string): void {
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      this.column++;
      if (this.mode === 'string') {
        i = this.stringPart(chunk, i);
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.mode === 'token') {
        if (isTokenChar(c)) {
          this.addTokenChar(c);
          continue;
        }
        this.endToken();
      }
      if (c === 32 || c === 9 || c === 13) continue;
      if (c === 10) {
        this.line++;
        this.column = 0;
        continue;
      }
      this.structural(c);
    }
  }

  /**
   * Ends the text.
   * @throws JsonSyntaxError when the text is not one whole JSON value
   */
  end(): void {
    if (this.mode === 'token') this.endToken();
    if (this.mode === 'string') this.fail('unterminated string');
    if (this.expect !== DONE) this.fail(this.stack.length ? 'unexpected end of the text' : 'no JSON value');
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message, this.line, Math.max(this.column, 1));
  }

  private addTokenChar(c: number): void {
    if (this.text.length >= TOKEN_MAX) this.fail('a number or literal too long');
    this.text += String.fromCharCode(c);
  }

  // The body of a string from position i: plain characters in one slice, then one quote, backslash
  // or escape step. Returns the last position consumed.
  private stringPart(chunk: string, i: number): number {
    if (this.escape === 0) {
      let j = i;
      for (let d = chunk.charCodeAt(j); j < chunk.length && d !== 34 && d !== 92 && d >= 32; d = chunk.charCodeAt(++j));
      if (j > i) this.append(chunk.slice(i, j));
      this.column += j - i;
      if (j >= chunk.length) return j;
      const c = chunk.charCodeAt(j);
      if (c === 34) this.endString();
      else if (c === 92) this.escape = 1;
      else this.fail('a control character inside a string');
      return j;
    }
    const ch = chunk[i];
    if (this.escape === 1) {
      if (ch === 'u') {
        this.escape = 2;
        this.hex = 0;
      } else if (ESCAPES[ch] !== undefined) {
        this.append(ESCAPES[ch]);
        this.escape = 0;
      } else {
        this.fail(`an invalid escape \\${ch}`);
      }
      return i;
    }
    const digit = parseInt(ch, 16);
    if (!/^[0-9a-fA-F]$/.test(ch)) this.fail('an invalid \\u escape');
    this.hex = this.hex * 16 + digit;
    if (++this.escape === 6) {
      this.append(String.fromCharCode(this.hex));
      this.escape = 0;
    }
    return i;
  }

  private append(piece: string): void {
    this.length += piece.length;
    if (this.length <= this.limits.maxString) this.text += piece;
    else this.text = '';
  }

  private startString(isKey: boolean): void {
    this.mode = 'string';
    this.isKey = isKey;
    this.text = '';
    this.length = 0;
  }

  private endString(): void {
    this.mode = 'none';
    const long = this.length > this.limits.maxString;
    if (long) this.events.longString(this.length, this.isKey, this.line);
    if (this.isKey) {
      if (!long) this.events.key(this.text, this.line);
      this.expect = COLON;
    } else {
      if (!long) this.events.scalar(this.text, this.line);
      this.afterValue();
    }
    this.text = '';
  }

  private endToken(): void {
    this.mode = 'none';
    const t = this.text;
    this.text = '';
    let value: number | boolean | null;
    if (t === 'true') value = true;
    else if (t === 'false') value = false;
    else if (t === 'null') value = null;
    else if (NUMBER.test(t)) value = Number(t);
    else this.fail(`an invalid value ${t}`);
    this.events.scalar(value, this.line);
    this.afterValue();
  }

  private afterValue(): void {
    this.expect = this.stack.length ? COMMA_OR_END : DONE;
  }

  private structural(c: number): void {
    const e = this.expect;
    const wantsValue = e === VALUE || e === VALUE_OR_END;
    const top = this.stack[this.stack.length - 1];
    if ((c === 123 || c === 91) && wantsValue) {
      if (this.stack.length >= this.limits.maxDepth) this.fail(`nesting deeper than ${this.limits.maxDepth}`);
      this.stack.push(c === 123 ? 'o' : 'a');
      this.events.open(c === 123 ? 'object' : 'array', this.line);
      this.expect = c === 123 ? KEY_OR_END : VALUE_OR_END;
    } else if (
      (c === 125 && (e === KEY_OR_END || (e === COMMA_OR_END && top === 'o'))) ||
      (c === 93 && (e === VALUE_OR_END || (e === COMMA_OR_END && top === 'a')))
    ) {
      this.stack.pop();
      this.events.close(this.line);
      this.afterValue();
    } else if (c === 44 && e === COMMA_OR_END) {
      this.expect = top === 'o' ? KEY : VALUE;
    } else if (c === 58 && e === COLON) {
      this.expect = VALUE;
    } else if (c === 34 && (wantsValue || e === KEY || e === KEY_OR_END)) {
      this.startString(!wantsValue);
    } else if (wantsValue && (c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110)) {
      this.mode = 'token';
      this.text = String.fromCharCode(c);
    } else {
      this.fail(`unexpected ${JSON.stringify(String.fromCharCode(c))}`);
    }
  }
}
