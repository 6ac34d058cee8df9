import type { PhaseName, PhaseResult, PhaseStatus } from '@airlock/core';
import type { ExecOutcome } from './exec.js';

/** What the in-image runner writes to /airlock/out/PHASE.status.json (see sandbox-images/npm/README.md). */
export interface RunnerStatus {
  status: PhaseStatus;
  exitCode: number | null;
  durationMs: number;
  lingeringProcesses: number;
  cpuNsBefore: number | null;
  cpuNsAfter: number | null;
  memoryPeakBytes: number | null;
  /** Under strace: strace ended before the phase did (killed, or cut at the file size limit). */
  traceCut: boolean;
}

/** The phase's syscall record as the host got it. */
export interface PhaseRecord {
  bytes: number;
  truncated: boolean;
  /** Why the record is incomplete, when it is. */
  issue: string | null;
}

/** Parses the runner's status file; null when it is missing or malformed (the package may have tampered). */
export function parsePhaseStatus(text: string | undefined): RunnerStatus | null {
  if (!text) return null;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  const status = data.status;
  if (status !== 'completed' && status !== 'timeout' && status !== 'error') return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    status,
    exitCode: num(data.exitCode),
    durationMs: num(data.durationMs) ?? 0,
    lingeringProcesses: Math.max(0, num(data.lingeringProcesses) ?? 0),
    cpuNsBefore: num(data.cpuNsBefore),
    cpuNsAfter: num(data.cpuNsAfter),
    memoryPeakBytes: num(data.memoryPeakBytes),
    traceCut: data.traceCut === true,
  };
}

const EMPTY = { text: '', bytes: 0, truncated: false };

/**
 * Joins the host's view of a phase (exec outcome, its own deadline) with the runner's. The host's
 * deadline wins: if it had to kill the container, the phase timed out whatever any file says.
 */
export function toPhaseResult(
  name: PhaseName,
  timeoutMs: number,
  run: { startedAt: string; outcome: ExecOutcome } | undefined,
  runner: RunnerStatus | null,
  record: PhaseRecord,
  /** When the run ended: a phase that never ran is dated by when it was given up. */
  endedAt: string = new Date().toISOString(),
  /** The host stopped the sandbox during this phase for a bound (the disk bound): why, as the phase's error. */
  hostStop: string | null = null,
): PhaseResult {
  const issue = record.issue ?? (runner?.traceCut ? 'strace ended before the phase did (killed, or cut at the file size limit)' : null);
  const base = {
    name,
    timeoutMs,
    traceBytes: record.bytes,
    traceTruncated: record.truncated || issue !== null,
    ...(issue ? { traceIssue: issue } : {}),
    lingeringProcesses: runner?.lingeringProcesses ?? 0,
    resources: {
      cpuMs: runner?.cpuNsBefore != null && runner.cpuNsAfter != null ? Math.round((runner.cpuNsAfter - runner.cpuNsBefore) / 1e6) : null,
      memoryPeakBytes: runner?.memoryPeakBytes ?? null,
    },
  };
  if (!run) {
    return {
      ...base,
      status: 'error',
      exitCode: null,
      startedAt: endedAt,
      durationMs: 0,
      stdout: EMPTY,
      stderr: EMPTY,
      error: 'not run: an earlier phase ended the container',
    };
  }
  const { outcome, startedAt } = run;
  const common = { ...base, startedAt, stdout: outcome.stdout, stderr: outcome.stderr };
  if (hostStop) {
    return { ...common, status: 'error', exitCode: runner?.exitCode ?? null, durationMs: runner?.durationMs ?? 0, error: hostStop };
  }
  if (outcome.hitDeadline) {
    return {
      ...common,
      status: 'timeout',
      exitCode: null,
      durationMs: timeoutMs,
      error: 'the runner did not stop the phase; the host killed the container',
    };
  }
  if (outcome.exitCode !== 0 || !runner) {
    return {
      ...common,
      status: 'error',
      exitCode: runner?.exitCode ?? null,
      durationMs: runner?.durationMs ?? 0,
      error: runner ? `runner exited with ${outcome.exitCode}` : 'the runner left no status (missing or malformed status file)',
    };
  }
  return { ...common, status: runner.status, exitCode: runner.exitCode, durationMs: runner.durationMs };
}
