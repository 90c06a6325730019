import { createReadStream, type Dirent } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FlowLogError } from './errors';

/**
 * Files as flow log destinations leave them: single files, or directory trees (an S3 prefix or a
 * storage container copied down), plain or gzip. Reading is streaming: a chunk at a time, lines
 * bounded, whatever the size of the file.
 */

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The files under the given paths, each directory walked depth first with its entries in name
 * order (code unit order, so the same tree lists the same way on every machine). Symbolic links
 * are followed; a directory reached twice (a link cycle) is walked once.
 * @throws FlowLogError when a given path does not exist or is neither a file nor a directory
 */
export async function* listFiles(paths: readonly string[]): AsyncGenerator<string> {
  const seen = new Set<string>();
  for (const path of paths) {
    const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new FlowLogError(path, path, `${path}: cannot read the flow log path (${e.code ?? e.message})`);
    });
    if (info.isDirectory()) yield* walk(path, seen);
    else if (info.isFile()) yield path;
    else throw new FlowLogError(path, path, `${path}: not a file or a directory`);
  }
}

async function* walk(dir: string, seen: Set<string>): AsyncGenerator<string> {
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => byName(a.name, b.name))) {
    const path = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      isDir = target?.isDirectory() ?? false;
      // A dangling link is listed: reading it reports it as unreadable rather than losing it.
      isFile = target ? target.isFile() : true;
    }
    if (isDir) yield* walk(path, seen);
    else if (isFile) yield path;
  }
}

/** What a file holds, by its first bytes. */
export type FileKind = 'gzip' | 'parquet' | 'plain';

/**
 * The kind of a file by its magic bytes: gzip (RFC 1952: 1f 8b), Parquet (`PAR1`, which S3 flow
 * log delivery writes when asked for Parquet), else plain text.
 */
export async function fileKind(file: string): Promise<FileKind> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead === 4 && head.toString('latin1') === 'PAR1') return 'parquet';
    return 'plain';
  } finally {
    await handle.close();
  }
}

/** The bytes of a file, decompressed when it is gzip, as a stream of chunks. */
export function fileStream(file: string, kind: FileKind): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 16 });
  if (kind !== 'gzip') return raw;
  // A gzip file of several members (concatenated) reads as their concatenation, as gzip -d does.
  const out = new PassThrough();
  pipeline(raw, createGunzip(), out, () => undefined);
  return out;
}

/** One line of text and its number; or, for a line longer than the bound, its size and first bytes. */
export interface Line {
  /** The line without its end (`\n` or `\r\n`); empty for a line too long. */
  readonly text: string;
  /** Its number, from 1. */
  readonly number: number;
  /** Set for a line longer than the bound, seen but not held: its length in bytes and its first bytes. */
  readonly long?: { readonly bytes: number; readonly head: string };
}

// The first bytes of a line too long that a report shows.
const HEAD = 200;
const grow = (head: Buffer, part: Buffer): Buffer =>
  head.length >= HEAD ? head : Buffer.concat([head, part.subarray(0, HEAD - head.length)]);

/**
 * Splits chunks into lines, a batch per chunk. A line longer than `maxBytes` is never held: its
 * first bytes are kept for the report, the rest is counted and skipped up to its end.
 */
export async function* lineBatches(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Line[]> {
  const s = { parts: [] as Buffer[], length: 0, head: undefined as Buffer | undefined, number: 0 };
  const finish = (tail: Buffer, out: Line[]): void => {
    s.number++;
    const bytes = s.length + tail.length;
    if (s.head || bytes > maxBytes) {
      const head = s.head ? grow(s.head, tail) : grow(Buffer.concat(s.parts), tail);
      out.push({ text: '', number: s.number, long: { bytes, head: head.toString('utf8') } });
    } else {
      const buf = s.parts.length ? Buffer.concat([...s.parts, tail]) : tail;
      const end = buf.length && buf[buf.length - 1] === 13 ? buf.length - 1 : buf.length;
      out.push({ text: buf.toString('utf8', 0, end), number: s.number });
    }
    s.parts = [];
    s.length = 0;
    s.head = undefined;
  };
  const keep = (part: Buffer): void => {
    if (!s.head && s.length + part.length > maxBytes) {
      s.head = grow(Buffer.concat(s.parts).subarray(0, HEAD), part);
      s.parts = [];
    } else if (s.head) {
      s.head = grow(s.head, part);
    } else {
      s.parts.push(part);
    }
    s.length += part.length;
  };
  for await (const chunk of chunks) {
    const out: Line[] = [];
    let at = 0;
    for (let nl = chunk.indexOf(10, at); nl >= 0; nl = chunk.indexOf(10, at)) {
      finish(chunk.subarray(at, nl), out);
      at = nl + 1;
    }
    if (at < chunk.length) keep(chunk.subarray(at));
    if (out.length) yield out;
  }
  if (s.length > 0 || s.head) {
    const out: Line[] = [];
    finish(Buffer.alloc(0), out);
    yield out;
  }
}
