import type Docker from 'dockerode';
import type { OnProgress, PhaseName, SandboxReport } from '@airlock/core';
import type { ClockShift, RuntimeName, SandboxLimits, WarmPool } from '@airlock/sandbox';
import type { Baseline } from '@airlock/scoring';
import type { RetryLimits } from './planner.js';
import type { SignalPolicy } from './signal-policy.js';

/** How one analysis runs: where, with which limits and baseline. Shared by the pipeline and the control run. */
export interface AnalyzeOptions {
  docker: Docker;
  /** Host folder under which each analysis keeps its raw artifacts (`<dir>/<id>/`). */
  artifactsRoot: string;
  timeoutsMs?: Partial<Record<PhaseName, number>>;
  limits?: SandboxLimits;
  /** Cap on the syscall record of one analysis (default 2 GiB); a record cut there marks its phase incomplete. */
  maxTraceBytes?: number;
  /** Bound on what one run may write to disk (default AIRLOCK_DISK_LIMIT_BYTES, else 2 GiB); reached, the run is stopped and says so. */
  maxDiskBytes?: number;
  /** The heap limit of each syscall record's parser thread, MiB (./trace-thread.ts; default 512). */
  parserMemoryMb?: number;
  /** gVisor (default) or runc; see @airlock/sandbox's runtime.ts. */
  runtime?: RuntimeName;
  signal?: AbortSignal;
  /** The service worker running this (its heartbeat is in Redis): its containers carry the id, for reaping. */
  workerId?: string;
  /** Containers removed in the background after each run's evidence is taken; the caller awaits `settleTeardowns()` (@airlock/sandbox) before exiting. */
  deferTeardown?: boolean;
  /** Sandbox pairs made ahead of time (@airlock/sandbox WarmPool); the caller drains it before exiting. */
  pool?: WarmPool;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Told each step as it starts (fetch, sandbox start, each phase of each view, parse, score): `airlock scan`'s progress line. */
  onProgress?: OnProgress;
  /** Score with exactly this baseline; default: the learned file plus the image's control run (./baseline.ts). */
  baseline?: Baseline;
  /** Where control runs are cached per image inputs-hash; default `~/.cache/airlock` (AIRLOCK_CACHE_DIR). */
  controlCacheDir?: string;
  /** Internal namespaces (dependency confusion) and a known-malicious OSV feed (./signal-policy.ts). */
  signalPolicy?: SignalPolicy;
  /** The report of the previous version of the same package: what an update newly does scores. */
  previousReport?: SandboxReport;
  /** false: never run the CI-profile second pass (default: when the first run is quiet and the code reads CI variables). */
  ciProfile?: boolean;
  /**
   * Platform views (package code shown Windows, macOS): `auto` (default) when the planner's facts say so
   * (planner.ts, platformViewReason), `all` always both, false never.
   */
  platformViews?: 'auto' | 'all' | false;
  /** false: an inconclusive first run is final; otherwise the retry's limits (default DEFAULT_RETRY: limits x2, 60 s dwell). */
  retry?: false | Partial<RetryLimits>;
  /** false: never run the time view; otherwise its clock and dwell (default DEFAULT_CLOCK_SHIFT, 30 s). */
  timeView?: false | { clock?: ClockShift; dwellMs?: number };
  /** false: never run the call view (default: when the first run's import found exported functions). */
  callView?: boolean;
  /** Run every view (CI profile, time, calls) whatever the first run and the code show; default: the planner decides. */
  allViews?: boolean;
}

/** Which extra views run: as the planner decides (`auto`), every one (`all`), or none (the developer run, and its retry). */
export type ViewPolicy = 'auto' | 'all' | 'none';
export const VIEW_POLICIES: readonly ViewPolicy[] = ['auto', 'all', 'none'];

/** One switch for every extra view (CI profile, time, calls, Windows, macOS), as analysis options. */
export function viewPolicyOptions(
  policy: ViewPolicy,
): Pick<AnalyzeOptions, 'allViews' | 'platformViews' | 'ciProfile' | 'timeView' | 'callView'> {
  if (policy === 'all') return { allViews: true, platformViews: 'all' };
  if (policy === 'none') return { platformViews: false, ciProfile: false, timeView: false, callView: false };
  return { platformViews: 'auto' };
}
