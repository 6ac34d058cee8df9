/** Analysis phases, in the order they run inside one container. */
export const PHASES = ['install', 'import'] as const;
export type PhaseName = (typeof PHASES)[number];

/**
 * `completed`: the phase's main command finished (whatever its exit code);
 * `timeout`: its time limit ended it; `error`: the sandbox could not run or observe it.
 */
export type PhaseStatus = 'completed' | 'timeout' | 'error';

/** Output captured up to a cap; `bytes` is the full size seen, so truncation is never silent. */
export interface CapturedText {
  text: string;
  bytes: number;
  truncated: boolean;
}

export interface PhaseResources {
  /** CPU time the whole container used during the phase. */
  cpuMs: number | null;
  /** Container memory high-water mark at the end of the phase (cgroup counter, monotonic). */
  memoryPeakBytes: number | null;
}

export interface PhaseResult {
  name: PhaseName;
  status: PhaseStatus;
  /** Exit code of the phase's main command; null when it never exited on its own. */
  exitCode: number | null;
  startedAt: string;
  durationMs: number;
  timeoutMs: number;
  /** Processes still running when the phase ended; they were killed. */
  lingeringProcesses: number;
  stdout: CapturedText;
  stderr: CapturedText;
  resources: PhaseResources;
  /** Size of the raw syscall record of this phase. */
  traceBytes: number;
  /**
   * The record is incomplete: its cap was reached, or the tracer was lost (killed, cut at the file size
   * limit). What happened after the cut was not observed; `traceIssue` says why.
   */
  traceTruncated: boolean;
  traceIssue?: string;
  /** Why the status is `error`, or extra detail on a timeout. */
  error?: string;
}
