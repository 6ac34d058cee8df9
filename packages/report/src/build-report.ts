import {
  PHASES,
  REPORT_VERSION,
  type ConnectAttempt,
  type FsChange,
  type Honeytoken,
  type HoneytokenExfiltration,
  type NetworkRecord,
  type PackageIdentity,
  type PersistenceFileRead,
  type PhaseName,
  type SandboxReport,
  type StaticSignalRecord,
  type TraceStats,
} from '@airlock/core';
import { findExfiltration, findHoneytokenReads } from '@airlock/honeytokens';
import { SANDBOX_HOME, pathNormalizer } from './normalization.js';
import type { PhaseSummary } from './trace-summary.js';
import { REPORT_MAX_BYTES, VERDICT_HEADROOM_BYTES } from './caps.js';
import { capFsDiff, capNetwork, capReportSize } from './report-caps.js';
import { hostDetailFindings } from './host-details.js';

/** What the sandbox adapter hands over; structurally the adapter's SandboxRun. */
export interface SandboxRunInput {
  settings: SandboxReport['sandbox'];
  phases: SandboxReport['phases'];
  importResult: unknown;
  fsDiff: FsChange[];
  /** Files left in persistence places or git hooks, their first bytes (absent: none read). */
  persistenceFiles?: PersistenceFileRead[];
  /** Tampering the host saw (runner outputs replaced, unexpected files in the runner's folder). */
  tampering: SandboxReport['tampering'];
  /** Evidence the sandbox could not keep in full (fake internet, disk bound), counted. */
  evidenceGaps: SandboxReport['evidenceGaps'];
  /** The fake internet's records and what its streaming search of whole flows found. */
  network: { records: NetworkRecord[]; exfiltrated?: HoneytokenExfiltration[] } | null;
  /** The credentials planted for the run. */
  honeytokens: Honeytoken[];
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
  /** The sandbox user's home, for normalised paths; the images' `/home/jordan` by default. */
  homeDir?: string;
  /** Static pre-signals computed from the archive before the run. */
  staticSignals?: StaticSignalRecord[];
}

/**
 * What became of the planted credentials: read (from the trace) and sent away. Leaks come from two
 * searches: of the report's records (the first bytes of each flow), here, and `alsoFound`, the fake
 * internet's search of every byte of every flow as it arrived (its only record of what lay past the first
 * bytes). A leak both found is listed once.
 */
export function honeytokenFindings(
  planted: Honeytoken[],
  sensitiveFiles: SandboxReport['sensitiveFiles'],
  network: SandboxReport['network'],
  alsoFound: HoneytokenExfiltration[] = [],
): SandboxReport['honeytokens'] {
  const exfiltrated = findExfiltration(planted, network);
  const key = (x: HoneytokenExfiltration) => `${x.tokenId}|${x.channel}|${x.destination}|${x.time}`;
  const seen = new Set(exfiltrated.map(key));
  for (const x of alsoFound) {
    if (seen.has(key(x))) continue;
    seen.add(key(x));
    exfiltrated.push(x);
  }
  return {
    planted,
    // A stat or access(2) of a planted file says it was looked for, not read: not a honeytoken access.
    accessed: findHoneytokenReads(
      planted,
      sensitiveFiles.filter((a) => a.access !== 'check'),
    ),
    exfiltrated,
  };
}

/**
 * Joins the run and the per-phase trace summaries into the versioned report. Every list is capped (the
 * summaries' own caps, the fake internet's and the diff's here), and the whole report is kept under
 * REPORT_MAX_BYTES serialised, with room for the verdict; each cap reached is an evidence gap.
 */
export function buildReport(input: ReportInput): SandboxReport {
  const traced = PHASES.flatMap((phase) => (input.traces[phase] ? [input.traces[phase].summary] : []));
  const normalize = pathNormalizer(input.identity.name, input.homeDir ?? SANDBOX_HOME);
  // Honeytokens and hostnames are found on everything the fake internet saw, before its lists are capped.
  const fullNetwork = groupNetwork(input.run.network?.records ?? []);
  const { network, gaps: networkGaps } = capNetwork(fullNetwork);
  const { fsDiff, gaps: fsDiffGaps } = capFsDiff(
    input.run.fsDiff.map((c) => ({ path: c.path, kind: c.kind, normalizedPath: normalize(c.path) })),
  );
  const sensitiveFiles = traced.flatMap((s) => s.sensitiveFiles);
  const report: SandboxReport = {
    reportVersion: REPORT_VERSION,
    id: input.id,
    createdAt: input.createdAt.toISOString(),
    package: input.identity,
    sandbox: input.run.settings,
    phases: input.run.phases,
    processes: traced.flatMap((s) => s.processes),
    processTree: perPhase((phase) => input.traces[phase]?.summary.processTree ?? null),
    fileWrites: traced.flatMap((s) => s.fileWrites),
    sensitiveFiles,
    connections: withHostnames(
      traced.flatMap((s) => s.connections),
      fullNetwork,
    ),
    network,
    honeytokens: honeytokenFindings(input.run.honeytokens, sensitiveFiles, fullNetwork, input.run.network?.exfiltrated ?? []),
    hostDetails: hostDetailFindings(input.run.settings, input.identity.name, input.homeDir ?? SANDBOX_HOME, fullNetwork),
    staticSignals: input.staticSignals ?? [],
    denied: traced.flatMap((s) => s.denied),
    tampering: [...input.run.tampering, ...traced.flatMap((s) => s.tampering)],
    evidenceGaps: [...input.run.evidenceGaps, ...traced.flatMap((s) => s.evidenceGaps), ...networkGaps, ...fsDiffGaps],
    views: [],
    fsDiff,
    persistenceFiles: (input.run.persistenceFiles ?? []).map((f) => ({ ...f, normalizedPath: normalize(f.path) })),
    importResult: input.run.importResult,
    trace: perPhase((phase) => input.traces[phase]?.stats ?? null),
    timings: input.run.timings,
    artifacts: input.artifacts,
  };
  return capReportSize(report, REPORT_MAX_BYTES - VERDICT_HEADROOM_BYTES);
}

function perPhase<T>(value: (phase: PhaseName) => T): Record<PhaseName, T> {
  return Object.fromEntries(PHASES.map((phase) => [phase, value(phase)])) as Record<PhaseName, T>;
}

function groupNetwork(records: NetworkRecord[]): SandboxReport['network'] {
  const sorted = [...records].sort((a, b) => a.time - b.time);
  return {
    dns: sorted.flatMap((r) => (r.kind === 'dns' ? [r] : [])),
    tcp: sorted.flatMap((r) => (r.kind === 'tcp' ? [r] : [])),
    udp: sorted.flatMap((r) => (r.kind === 'udp' ? [r] : [])),
  };
}

/** Names each traced connection by the fake DNS answer that gave out its address, when one did. */
function withHostnames(connections: Omit<ConnectAttempt, 'hostname'>[], network: SandboxReport['network']): ConnectAttempt[] {
  const names = new Map<string, string>();
  for (const query of network.dns) for (const answer of query.answers) if (!names.has(answer)) names.set(answer, query.qname);
  return connections.map((c) => ({ ...c, hostname: c.address ? (names.get(c.address) ?? null) : null }));
}
