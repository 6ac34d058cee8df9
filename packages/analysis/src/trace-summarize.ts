/** One phase's raw record streamed through its reader and the summarizer; memory stays flat whatever its size. */
import { createReadStream } from 'node:fs';
import type { PhaseName, TraceStats } from '@airlock/core';
import { TraceSummarizer, type PhaseSummary } from '@airlock/report';
import { recordReader, type RecordFormat } from '@airlock/strace';

export interface TraceSummaryInput {
  path: string;
  format: RecordFormat;
  phase: PhaseName;
  packageName: string;
}

export interface TraceSummaryResult {
  summary: PhaseSummary;
  stats: TraceStats;
}

export async function summarizeTraceFile({ path, format, phase, packageName }: TraceSummaryInput): Promise<TraceSummaryResult> {
  const parser = recordReader(format);
  const summarizer = new TraceSummarizer(phase, packageName);
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    for (const event of parser.push(chunk as string)) summarizer.add(event);
  }
  for (const event of parser.end()) summarizer.add(event);
  const { lines, events, unknown } = parser.stats;
  return { summary: summarizer.summary, stats: { lines, events, unknownLines: unknown } };
}
