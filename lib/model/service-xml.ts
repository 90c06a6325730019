// A strict reader of firewalld service files (firewalld.service(5),
// https://firewalld.org/documentation/man-pages/firewalld.service.html): the subset of XML 1.0
// (https://www.w3.org/TR/xml/) those files are written in, and nothing else. An XML declaration,
// comments, elements with attributes in single or double quotes, text with the five predefined
// entities and character references. A DOCTYPE, CDATA, processing instructions, other entities,
// an element or attribute firewalld.service(5) does not define are refused with line and column:
// a file outside the subset is not guessed at.

/** An element of a service file: its name, attributes and (for `short`, `description`) text. */
export interface XmlElement {
  /** The element's name. */
  readonly name: string;
  /** Its attributes, by name. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Its child elements, in file order. */
  readonly children: readonly XmlElement[];
  /** Its text (entities replaced), child elements' text excluded. */
  readonly text: string;
  /** Line of its start tag, from 1. */
  readonly line: number;
}

/** Where and why a text is not a service file of the subset. */
export class XmlFault extends Error {
  constructor(
    message: string,
    /** Line of the fault, from 1. */
    readonly line: number,
    /** Column of the fault, from 1. */
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
  }
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** A cursor over the text, with the position of every fault. */
class Cursor {
  i = 0;
  // Sticky expressions keep their position in lastIndex: each cursor has its own.
  private readonly nameAt = /[A-Za-z_][A-Za-z0-9._:-]*/y;
  private readonly spaceAt = /[ \t\r\n]*/y;
  constructor(readonly text: string) {}

  fail(message: string, at = this.i): never {
    const before = this.text.slice(0, at).split('\n');
    throw new XmlFault(message, before.length, before[before.length - 1].length + 1);
  }
  lineAt(at: number): number {
    return this.text.slice(0, at).split('\n').length;
  }
  starts(s: string): boolean {
    return this.text.startsWith(s, this.i);
  }
  space(): void {
    this.spaceAt.lastIndex = this.i;
    this.spaceAt.test(this.text);
    this.i = this.spaceAt.lastIndex;
  }
  name(what: string): string {
    this.nameAt.lastIndex = this.i;
    const m = this.nameAt.exec(this.text);
    if (!m) this.fail(`expected ${what}`);
    this.i = this.nameAt.lastIndex;
    return m[0];
  }
  expect(s: string): void {
    if (!this.starts(s)) this.fail(`expected ${JSON.stringify(s)}`);
    this.i += s.length;
  }
}

// Text with its entity and character references replaced; `<` and a bare `&` are faults.
function decode(c: Cursor, start: number, end: number): string {
  const raw = c.text.slice(start, end);
  return raw.replace(/&([^;&<]{0,10});|&|</g, (whole: string, ref: string | undefined, offset: number) => {
    const at = start + offset;
    if (whole === '<') c.fail('"<" in an attribute value', at);
    if (ref === undefined) c.fail('"&" that starts no reference (write &amp;)', at);
    if (ENTITIES[ref] !== undefined) return ENTITIES[ref];
    const code = /^#(\d{1,7})$/.exec(ref)
      ? Number(ref.slice(1))
      : /^#x[0-9a-fA-F]{1,6}$/.test(ref)
        ? parseInt(ref.slice(2), 16)
        : NaN;
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      c.fail(`the reference &${ref}; (only &lt; &gt; &amp; &quot; &apos; and character references are read)`, at);
    return String.fromCodePoint(code);
  });
}

function attributes(c: Cursor): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (;;) {
    const before = c.i;
    c.space();
    if (c.starts('/>') || c.starts('>') || c.starts('?>')) return out;
    if (c.i === before) c.fail('expected a space before the attribute');
    const at = c.i;
    const name = c.name('an attribute name, "/>" or ">"');
    if (Object.hasOwn(out, name)) c.fail(`the attribute ${name} given twice`, at);
    c.space();
    c.expect('=');
    c.space();
    const quote = c.text[c.i];
    if (quote !== '"' && quote !== "'") c.fail('expected a quoted attribute value');
    const end = c.text.indexOf(quote, c.i + 1);
    if (end < 0) c.fail('an attribute value without its closing quote');
    out[name] = decode(c, c.i + 1, end);
    c.i = end + 1;
  }
}

// Comments, and the faults of what the subset leaves out, where markup may start.
function skipMarkup(c: Cursor): boolean {
  if (c.starts('<!--')) {
    const end = c.text.indexOf('-->', c.i + 4);
    if (end < 0) c.fail('a comment without its end -->');
    if (c.text.slice(c.i + 4, end).includes('--')) c.fail('"--" inside a comment');
    c.i = end + 3;
    return true;
  }
  if (c.starts('<![CDATA[')) c.fail('a CDATA section (not used in firewalld service files)');
  if (c.starts('<!')) c.fail('a DOCTYPE or other declaration (not used in firewalld service files)');
  if (c.starts('<?')) c.fail('a processing instruction (only the XML declaration, first in the file, is read)');
  return false;
}

function element(c: Cursor, depth: number): XmlElement {
  const start = c.i;
  c.expect('<');
  const name = c.name('an element name');
  const attrs = attributes(c);
  if (c.starts('/>')) {
    c.i += 2;
    return { name, attributes: attrs, children: [], text: '', line: c.lineAt(start) };
  }
  c.expect('>');
  if (depth > 2) c.fail(`the element <${name}> nested deeper than a service file nests`, start);
  const children: XmlElement[] = [];
  let text = '';
  for (;;) {
    const lt = c.text.indexOf('<', c.i);
    if (lt < 0) c.fail(`<${name}> without its end tag </${name}>`, start);
    text += decode(c, c.i, lt);
    c.i = lt;
    if (skipMarkup(c)) continue;
    if (c.starts('</')) break;
    children.push(element(c, depth + 1));
  }
  c.i += 2;
  const endName = c.name(`the end tag </${name}>`);
  if (endName !== name) c.fail(`the end tag </${endName}> where </${name}> ends <${name}>`);
  c.space();
  c.expect('>');
  return { name, attributes: attrs, children, text, line: c.lineAt(start) };
}

// The XML declaration, if there: version 1.0, encoding UTF-8 (the only encoding read).
function declaration(c: Cursor): void {
  if (!c.starts('<?xml')) return;
  c.i += 5;
  const attrs = attributes(c);
  c.expect('?>');
  if (attrs.version !== '1.0') c.fail(`XML version ${attrs.version ?? '(none)'}; the subset read is XML 1.0`, 0);
  if (attrs.encoding !== undefined && !/^utf-8$/i.test(attrs.encoding))
    c.fail(`the encoding ${attrs.encoding}; only UTF-8 is read`, 0);
  const extra = Object.keys(attrs).filter((k) => !['version', 'encoding', 'standalone'].includes(k));
  if (extra.length) c.fail(`the XML declaration's ${extra.join(', ')}`, 0);
}

/**
 * Reads the text of a firewalld service file as XML of the subset those files use.
 * @param text the file's text (a leading byte order mark is dropped)
 * @returns the root element (its name is not checked here)
 * @throws XmlFault with the line and column of the first fault
 */
export function parseServiceXml(text: string): XmlElement {
  const c = new Cursor(text.replace(/^\uFEFF/, ''));
  declaration(c);
  const misc = () => {
    do c.space();
    while (skipMarkup(c));
  };
  misc();
  if (!c.starts('<'))
    c.fail(c.i >= c.text.length ? 'no element (the file holds no <service>)' : 'text before the first element');
  const root = element(c, 0);
  misc();
  if (c.i < c.text.length) c.fail('more after the end of the root element');
  return root;
}
