/**
 * One interface over the syscall-record formats: strace's text (runc: strace inside the container) and the
 * gVisor Sentry's JSON log (gVisor: taken on the host). Both yield the same typed events.
 */
import type { StraceEvent } from './events.js';
import type { ParserStats } from './parser-stats.js';
import { StraceParser, type StraceParserOptions } from './strace-parser.js';

export type RecordFormat = 'strace' | 'gvisor-json';

export interface SyscallRecordReader {
  push(chunk: string): StraceEvent[];
  end(): StraceEvent[];
  readonly stats: ParserStats;
}

/** A streaming reader for `format`. */
export function recordReader(format: RecordFormat, options?: StraceParserOptions): SyscallRecordReader {
  switch (format) {
    case 'strace':
      return new StraceParser(options);
    case 'gvisor-json':
      throw new Error('the gVisor record reader is not built yet');
  }
}
