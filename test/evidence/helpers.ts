import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFlowLogs, type FlowRecord, type ReadOptions, type ReadSummary } from '../../lib/evidence';

/** A fresh directory under the system's temporary directory, removed after the suite. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `portplan-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every record of some paths, and the summary of the reading. */
export async function readAll(
  paths: string | readonly string[],
  options: ReadOptions = {},
): Promise<{ records: FlowRecord[]; summary: ReadSummary }> {
  const reader = readFlowLogs(paths, { issueSamples: 1000, ...options });
  const records: FlowRecord[] = [];
  for await (const r of reader) records.push(r);
  return { records, summary: reader.summary() };
}

/** The issues of a summary as [reason, line] pairs, in the order found. */
export const issueLines = (s: ReadSummary): [string, number][] => s.samples.map((i) => [i.reason, i.source.line]);
