/**
 * The output side both record readers share (strace's text, gVisor's JSON): events numbered in emission
 * order, the counters, and a few samples of lines that could not be read.
 */
import type { StraceEvent } from './events.js';
import { emptyStats, type ParserStats } from './parser-stats.js';

export class EventOutput {
  readonly counters: ParserStats = emptyStats();
  private out: StraceEvent[] = [];
  private seq = 0;

  constructor(
    private readonly maxSamples: number,
    private readonly maxSampleLength: number,
  ) {}

  emit(event: StraceEvent): void {
    event.seq = this.seq++;
    this.counters.events++;
    this.out.push(event);
  }

  /** The events emitted since the last call. */
  take(): StraceEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  /** Counts a line that could not be read, keeping the first few (cut) as samples. */
  unknown(line: string): void {
    this.counters.unknown++;
    if (this.counters.unknownSamples.length < this.maxSamples) {
      this.counters.unknownSamples.push(line.length > this.maxSampleLength ? `${line.slice(0, this.maxSampleLength)}…` : line);
    }
  }

  /** A snapshot of the counters. */
  get stats(): ParserStats {
    return { ...this.counters, unknownSamples: [...this.counters.unknownSamples] };
  }
}
