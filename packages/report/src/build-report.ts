import { PHASES, REPORT_VERSION, type NetworkRecord, type PackageIdentity, type PhaseName, type SandboxReport, type TraceStats } from '@airlock/core';
import type { PhaseSummary } from './trace-summary.js';

/** What the sandbox adapter hands over; structurally the adapter's SandboxRun. */
export interface SandboxRunInput {
  settings: SandboxReport['sandbox'];
  phases: SandboxReport['phases'];
  importResult: unknown;
  fsDiff: SandboxReport['fsDiff'];
  network: { records: NetworkRecord[] } | null;
  timings: SandboxReport['timings'];
}

export interface ReportInput {
  id: string;
  createdAt: Date;
  identity: PackageIdentity;
  run: SandboxRunInput;
  /** Per phase that left a trace: its summary and the parser's counters. */
  traces: Partial<Record<PhaseName, { summary: PhaseSummary; stats: TraceStats }>>;
  artifacts: Record<string, string>;
}

/** Joins the run and the per-phase trace summaries into the versioned report. */
export function buildReport(input: ReportInput): SandboxReport {
  const traced = PHASES.flatMap((phase) => (input.traces[phase] ? [input.traces[phase].summary] : []));
  return {
    reportVersion: REPORT_VERSION,
    id: input.id,
    createdAt: input.createdAt.toISOString(),
    package: input.identity,
    sandbox: input.run.settings,
    phases: input.run.phases,
    processes: traced.flatMap((s) => s.processes),
    fileWrites: traced.flatMap((s) => s.fileWrites),
    connections: traced.flatMap((s) => s.connections),
    network: groupNetwork(input.run.network?.records ?? []),
    denied: traced.flatMap((s) => s.denied),
    fsDiff: input.run.fsDiff,
    importResult: input.run.importResult,
    trace: Object.fromEntries(PHASES.map((phase) => [phase, input.traces[phase]?.stats ?? null])) as SandboxReport['trace'],
    timings: input.run.timings,
    artifacts: input.artifacts,
  };
}

function groupNetwork(records: NetworkRecord[]): SandboxReport['network'] {
  const sorted = [...records].sort((a, b) => a.time - b.time);
  return {
    dns: sorted.flatMap((r) => (r.kind === 'dns' ? [r] : [])),
    tcp: sorted.flatMap((r) => (r.kind === 'tcp' ? [r] : [])),
    udp: sorted.flatMap((r) => (r.kind === 'udp' ? [r] : [])),
  };
}
