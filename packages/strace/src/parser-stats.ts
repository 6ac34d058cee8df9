/** Counters that tell how much of a trace was understood, so a scorer can distrust a bad parse. */
export interface ParserStats {
  /** Lines seen, including blank ones. */
  lines: number;
  /** Events emitted. */
  events: number;
  /** Syscall records (complete lines plus joined unfinished/resumed pairs). */
  syscalls: number;
  /** Well-formed syscalls that produce no event (wait4, getsockopt, ...). */
  ignored: number;
  /** Lines that could not be read, or syscalls whose arguments had an unexpected shape. */
  unknown: number;
  /** Lines dropped for exceeding `maxLineLength`. */
  overlong: number;
  /** `<unfinished ...>` halves seen. */
  unfinished: number;
  /** `<... resumed>` halves joined to their unfinished half. */
  resumed: number;
  /** `<... resumed>` halves with no matching unfinished half (trace started mid-call, or cut). */
  orphanResumed: number;
  /** Unfinished calls that never resumed (process died, or the trace ended); emitted with result `unknown`. */
  interrupted: number;
  /** `--- SIG... ---` lines. */
  signals: number;
  /** `+++ exited/killed +++` lines. */
  exits: number;
  /** The first few unreadable lines, each cut to `maxSampleLength`. */
  unknownSamples: string[];
}

export function emptyStats(): ParserStats {
  return {
    lines: 0,
    events: 0,
    syscalls: 0,
    ignored: 0,
    unknown: 0,
    overlong: 0,
    unfinished: 0,
    resumed: 0,
    orphanResumed: 0,
    interrupted: 0,
    signals: 0,
    exits: 0,
    unknownSamples: [],
  };
}
