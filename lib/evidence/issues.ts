import type { FlowSource } from './record';

/**
 * Faults in flow logs. Logs are untrusted input: a line or value that is not what the format
 * documents is never dropped in silence, and never stops the reading of the other lines. Each is
 * counted by reason, kept as a sample (a bounded number, so a file of garbage cannot exhaust
 * memory) and handed to the caller's callback as it is found.
 */

/** Why a line, value or file could not be read. */
export type IssueReason =
  /** A line or tuple with a number of fields the format does not have. */
  | 'field-count'
  /** A port that is not a whole number from 0 to 65535. */
  | 'bad-port'
  /** An address that is not IPv4 or IPv6. */
  | 'bad-address'
  /** A protocol that is not an IANA number (AWS, Azure VNet) or T or U (Azure NSG). */
  | 'bad-protocol'
  /** A count or time that is not a whole number. */
  | 'bad-number'
  /** An action, direction, flow state or log status the format does not have. */
  | 'bad-value'
  /** A field the record needs is `-` or empty. */
  | 'missing-value'
  /** A line or JSON string longer than the bound: skipped without being held in memory. */
  | 'too-long'
  /** A gzip file that does not decompress: the rest of the file is unread. */
  | 'bad-gzip'
  /** Text that is not JSON: the rest of the file is unread. */
  | 'bad-json'
  /** A JSON value of the wrong type or shape for the documented schema. */
  | 'json-type'
  /** A first line that names fields, but not as --log-format does: the file's own header is used. */
  | 'header'
  /** A file that is not a flow log this reader takes (Parquet), or cannot be read. */
  | 'unreadable';

/** One fault, where it is and why. */
export interface FlowLogIssue {
  /** Why. */
  readonly reason: IssueReason;
  /** What is wrong and what the format allows, in words. */
  readonly message: string;
  /** Where. */
  readonly source: FlowSource;
  /** The text at fault, at most {@link ISSUE_TEXT_MAX} characters. */
  readonly text?: string;
}

/** The longest excerpt of the faulty text an issue keeps. */
export const ISSUE_TEXT_MAX = 200;

/** How many issues of each reason are kept as samples by default. */
export const ISSUE_SAMPLES = 20;

/** An excerpt of untrusted text for a message: bounded, control characters shown as `?`. */
export function excerpt(text: string): string {
  const cut = text.length > ISSUE_TEXT_MAX ? `${text.slice(0, ISSUE_TEXT_MAX - 3)}...` : text;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** Counts of issues by reason, and a bounded sample of each. */
export class IssueLog {
  private readonly counts = new Map<IssueReason, number>();
  private readonly kept: FlowLogIssue[] = [];
  private readonly keptByReason = new Map<IssueReason, number>();

  /**
   * @param samplesPerReason how many issues of each reason to keep
   * @param onIssue called with every issue, as it is found
   */
  constructor(
    private readonly samplesPerReason: number = ISSUE_SAMPLES,
    private readonly onIssue?: (issue: FlowLogIssue) => void,
  ) {}

  /** Records one issue. */
  add(issue: FlowLogIssue): void {
    this.counts.set(issue.reason, (this.counts.get(issue.reason) ?? 0) + 1);
    const kept = this.keptByReason.get(issue.reason) ?? 0;
    if (kept < this.samplesPerReason) {
      this.kept.push(issue);
      this.keptByReason.set(issue.reason, kept + 1);
    }
    this.onIssue?.(issue);
  }

  /** Every issue counted, by reason (reasons with none left out). */
  byReason(): Partial<Record<IssueReason, number>> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** How many issues in all. */
  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** The kept samples, in the order found. */
  get samples(): readonly FlowLogIssue[] {
    return this.kept;
  }
}
