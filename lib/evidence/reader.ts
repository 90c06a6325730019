import { StringDecoder } from 'node:string_decoder';
import { AWS_DEFAULT_FORMAT, awsTokens, isAwsHeader, parseAwsFormat, parseAwsRecord, type AwsFormat } from './aws';
import { AzureFlowEvents } from './azure';
import { fileKind, fileStream, lineBatches, listFiles, type Line } from './files';
import { excerpt, IssueLog, ISSUE_SAMPLES, type FlowLogIssue, type IssueReason } from './issues';
import { JsonSyntaxError, JsonTokenizer } from './json-stream';
import type { FlowRecord } from './record';

/** How {@link readFlowLogs} reads. */
export interface ReadOptions {
  /**
   * `aws` (VPC Flow Logs text), `azure` (VNet or NSG flow log JSON), or `auto`: each file by its
   * first character (`{` or `[` is JSON).
   * @default 'auto'
   */
  readonly format?: 'auto' | 'aws' | 'azure';
  /**
   * The AWS record format of files without a header line, as `--log-format` takes it
   * (`${version} ${srcaddr} ...`) or as field names. A file's own header line wins.
   * @default - the default format (version 2 fields)
   */
  readonly awsFormat?: string;
  /** The longest line read, in bytes; a longer one is reported and skipped. @default 65536 */
  readonly maxLineBytes?: number;
  /** The longest JSON string read, in characters; a longer one is reported and skipped. @default 65536 */
  readonly maxJsonString?: number;
  /** How many issues of each reason the summary keeps. @default 20 */
  readonly issueSamples?: number;
  /** Called with every issue, as it is found (the summary keeps only samples). */
  readonly onIssue?: (issue: FlowLogIssue) => void;
}

/** What a reading found, besides the records. */
export interface ReadSummary {
  /** Files read. */
  readonly files: number;
  /** Records yielded. */
  readonly records: number;
  /** AWS records with log-status NODATA: no traffic in the interval. */
  readonly noData: number;
  /** AWS records with log-status SKIPDATA: traffic the service did not capture. Evidence is incomplete. */
  readonly skipData: number;
  /** Empty lines (not records, not faults). */
  readonly blankLines: number;
  /** Every issue, by reason. */
  readonly issues: Partial<Record<IssueReason, number>>;
  /** How many issues in all: lines, tuples and files not read in full. */
  readonly issueCount: number;
  /** The first issues of each reason, in the order found. */
  readonly samples: readonly FlowLogIssue[];
}

const JSON_DEPTH = 64;

/**
 * Reads flow logs: files, or directories walked in name order; gzip or plain; AWS VPC Flow Logs
 * text or Azure VNet and NSG flow log JSON. Records stream out a batch at a time (or one at a
 * time); memory stays bounded whatever the size of a file or a line. Faults are counted and
 * reported, never thrown: see {@link summary}.
 */
export class FlowLogReader implements AsyncIterable<FlowRecord> {
  private readonly paths: readonly string[];
  private readonly defaultFormat: AwsFormat;
  private readonly issueLog: IssueLog;
  private readonly counts = { files: 0, records: 0, noData: 0, skipData: 0, blankLines: 0 };

  /**
   * @param paths files or directories
   * @param options see {@link ReadOptions}
   * @throws ArgumentError when `awsFormat` is not a record format with the fields the evidence needs
   */
  constructor(
    paths: string | readonly string[],
    private readonly options: ReadOptions = {},
  ) {
    this.paths = typeof paths === 'string' ? [paths] : paths;
    this.defaultFormat = parseAwsFormat(options.awsFormat ?? AWS_DEFAULT_FORMAT, '--log-format');
    this.issueLog = new IssueLog(options.issueSamples ?? ISSUE_SAMPLES, options.onIssue);
  }

  /**
   * The records, a batch at a time (a batch per chunk read).
   * @throws FlowLogError when a given path does not exist
   */
  async *batches(): AsyncGenerator<readonly FlowRecord[]> {
    for await (const file of listFiles(this.paths)) {
      this.counts.files++;
      for await (const batch of this.file(file)) {
        this.counts.records += batch.length;
        if (batch.length) yield batch;
      }
    }
  }

  /** The records, one at a time. */
  async *[Symbol.asyncIterator](): AsyncGenerator<FlowRecord> {
    for await (const batch of this.batches()) yield* batch;
  }

  /** What the reading found so far: counts, issues by reason, samples. */
  summary(): ReadSummary {
    return {
      ...this.counts,
      issues: this.issueLog.byReason(),
      issueCount: this.issueLog.total,
      samples: this.issueLog.samples,
    };
  }

  private issue(reason: IssueReason, message: string, file: string, line: number, text?: string): void {
    this.issueLog.add({
      reason,
      message,
      source: { file, line },
      ...(text !== undefined ? { text: excerpt(text) } : {}),
    });
  }

  private async *file(file: string): AsyncGenerator<readonly FlowRecord[]> {
    let kind;
    try {
      kind = await fileKind(file);
    } catch (e) {
      this.issue('unreadable', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file, 0);
      return;
    }
    if (kind === 'parquet') {
      this.issue('unreadable', 'a Parquet file: deliver the flow logs as text (the default) to read them', file, 0);
      return;
    }
    const stream = fileStream(file, kind);
    const position = { line: 0 };
    try {
      const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first = await firstChunk(chunks);
      if (!first) return;
      const all = prepend(first, chunks);
      const json = this.options.format === 'azure' || (this.options.format !== 'aws' && isJsonStart(first));
      yield* json ? this.azure(file, all, position) : this.aws(file, all, position);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const gzip = kind === 'gzip' && typeof err.code === 'string' && err.code.startsWith('Z_');
      const where = position.line ? `after line ${position.line}` : 'from its start';
      this.issue(
        gzip ? 'bad-gzip' : 'unreadable',
        `${gzip ? 'the gzip data is damaged' : 'the file cannot be read'} (${err.message}): the rest of the file ${where} is unread`,
        file,
        position.line,
      );
    } finally {
      stream.destroy();
    }
  }

  private async *aws(
    file: string,
    chunks: AsyncIterable<Buffer>,
    position: { line: number },
  ): AsyncGenerator<FlowRecord[]> {
    const max = this.options.maxLineBytes ?? 65536;
    let format = this.defaultFormat;
    let first = true;
    for await (const lines of lineBatches(chunks, max)) {
      const out: FlowRecord[] = [];
      for (const line of lines) {
        position.line = line.number;
        if (line.long) {
          const { bytes, head } = line.long;
          this.issue(
            'too-long',
            `a line of ${bytes} bytes, longer than the bound of ${max}: skipped`,
            file,
            line.number,
            head,
          );
          first = false;
          continue;
        }
        if (line.text.trim() === '') {
          this.counts.blankLines++;
          continue;
        }
        const tokens = awsTokens(line.text);
        if (first) {
          first = false;
          const header = this.header(file, line, tokens);
          if (header === 'bad') continue;
          if (header) {
            format = header;
            continue;
          }
        }
        this.awsRecord(file, line, tokens, format, out);
      }
      yield out;
    }
  }

  // A first line of field names: the file's own format ('bad' when it is not one the evidence can use).
  private header(file: string, line: Line, tokens: readonly string[]): AwsFormat | 'bad' | undefined {
    if (!isAwsHeader(tokens)) return undefined;
    let format: AwsFormat;
    try {
      format = parseAwsFormat(tokens.join(' '), `${file} line 1`);
    } catch (e) {
      this.issue(
        'header',
        `the header line names a format the evidence cannot use: ${(e as Error).message}`,
        file,
        line.number,
        line.text,
      );
      return 'bad';
    }
    if (this.options.awsFormat !== undefined && format.fields.join(' ') !== this.defaultFormat.fields.join(' '))
      this.issue(
        'header',
        `the header names other fields than --log-format; the header is used: ${format.fields.join(' ')}`,
        file,
        line.number,
        line.text,
      );
    return format;
  }

  private awsRecord(file: string, line: Line, tokens: readonly string[], format: AwsFormat, out: FlowRecord[]): void {
    const r = parseAwsRecord(tokens, format, { file, line: line.number });
    if (r === 'nodata') this.counts.noData++;
    else if (r === 'skipdata') this.counts.skipData++;
    else if ('reason' in r) this.issue(r.reason, r.message, file, line.number, line.text);
    else out.push(r);
  }

  private async *azure(
    file: string,
    chunks: AsyncIterable<Buffer>,
    position: { line: number },
  ): AsyncGenerator<FlowRecord[]> {
    let out: FlowRecord[] = [];
    const events = new AzureFlowEvents(file, { record: (r) => out.push(r), issue: (i) => this.issueLog.add(i) });
    const tokenizer = new JsonTokenizer(events, {
      maxString: this.options.maxJsonString ?? 65536,
      maxDepth: JSON_DEPTH,
    });
    const decoder = new StringDecoder('utf8');
    const state = { started: false, stopped: false };
    // Feeds text (undefined: the end of the file); returns the records it completed.
    const step = (text: string | undefined): FlowRecord[] => {
      try {
        if (text === undefined) tokenizer.end();
        else tokenizer.write(state.started ? text : text.replace(/^\uFEFF/, ''));
        state.started = true;
      } catch (e) {
        if (!(e instanceof JsonSyntaxError)) throw e;
        events.finish();
        this.issue('bad-json', `not JSON: ${e.message}; the rest of the file is unread`, file, e.line);
        state.stopped = true;
      }
      position.line = tokenizer.line;
      const batch = out;
      out = [];
      return batch;
    };
    try {
      for await (const chunk of chunks) {
        yield step(decoder.write(chunk));
        if (state.stopped) return;
      }
    } catch (e) {
      // The file cannot be read on (damaged gzip): the tuples of the record read so far still count.
      events.finish();
      yield step('');
      throw e;
    }
    yield step(decoder.end());
    if (!state.stopped) yield step(undefined);
  }
}

/**
 * Reads flow logs; see {@link FlowLogReader}.
 * @param paths files or directories
 * @throws ArgumentError when `options.awsFormat` is not a usable record format
 */
export function readFlowLogs(paths: string | readonly string[], options: ReadOptions = {}): FlowLogReader {
  return new FlowLogReader(paths, options);
}

async function firstChunk(chunks: AsyncIterator<Buffer>): Promise<Buffer | undefined> {
  for (;;) {
    const next = await chunks.next();
    if (next.done) return undefined;
    if (next.value.length) return next.value;
  }
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

// JSON starts with `{` or `[` after optional white space and a byte order mark.
function isJsonStart(chunk: Buffer): boolean {
  const text = chunk
    .toString('utf8', 0, Math.min(chunk.length, 256))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return text.startsWith('{') || text.startsWith('[');
}
