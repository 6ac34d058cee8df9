import type { PhaseName } from './phase.js';

/**
 * What an analysis is doing now, for a person watching a scan: resolving and downloading (`fetch`),
 * reading a local package (`prepare`), starting the sandbox (`start`), a phase, collecting its outputs,
 * reading the syscall records (`parse`), scoring. Reported as it happens by the pipeline; nothing decides on it.
 */
export type ProgressStep = 'fetch' | 'prepare' | 'start' | PhaseName | 'collect' | 'parse' | 'score';

export interface ProgressEvent {
  step: ProgressStep;
  /** The run this belongs to: the planner's view (`developer`, `retry`, `time`, ...) or the control run. */
  view?: string;
  /** What is fetched or run: a package spec, a file. */
  detail?: string;
}

export type OnProgress = (event: ProgressEvent) => void;
