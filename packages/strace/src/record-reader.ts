/**
 * One interface over the record formats Airlock reads, so the caller picks a reader by format
 * and everything downstream (process tree, report, scorer) sees the same events.
 */
import type { StraceEvent } from './events.js';
import { GvisorRecordParser } from './gvisor/gvisor-parser.js';
import type { ParserStats } from './parser-stats.js';
import { StraceParser, type StraceParserOptions } from './strace-parser.js';

/** `strace`: `strace -f -ttt -s 4096 -v -yy` text. `gvisor-json`: runsc's `--strace` log in `--debug-log-format=json`. */
export type RecordFormat = 'strace' | 'gvisor-json';

export const RECORD_FORMATS: readonly RecordFormat[] = ['strace', 'gvisor-json'];

export interface SyscallRecordReader {
  /** Parses a chunk of any size; returns the events it completed. */
  push(chunk: string): StraceEvent[];
  /** Ends the input; returns the events still held. */
  end(): StraceEvent[];
  readonly stats: ParserStats;
}

export function recordReader(format: RecordFormat, options?: StraceParserOptions): SyscallRecordReader {
  switch (format) {
    case 'strace':
      return new StraceParser(options);
    case 'gvisor-json':
      return new GvisorRecordParser(options);
  }
}

/** Parses a whole record at once. */
export function parseRecord(
  format: RecordFormat,
  text: string,
  options?: StraceParserOptions,
): { events: StraceEvent[]; stats: ParserStats } {
  const reader = recordReader(format, options);
  const events = reader.push(text);
  for (const e of reader.end()) events.push(e);
  return { events, stats: reader.stats };
}
