/** Records the service keeps. Every record carries the organization that owns it; reports and runs are shared. */
import type { Ecosystem, VerdictRecord } from '@airlock/core';

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

export type AnalysisStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export const TERMINAL_STATUSES: readonly AnalysisStatus[] = ['completed', 'failed', 'cancelled'];

export type VerdictName = VerdictRecord['verdict'];

/** A verdict without its evidence lists: what lists and summaries show. The full one is in the report. */
export interface VerdictSummary {
  verdict: VerdictName;
  score: number;
  /**
   * `conclusive`: the rule is proof, not a heuristic. `evidenceSha256`: the rule's evidence signature
   * (verdicts.ts, `evidenceSignature`), what a signature-scoped accepted false positive names. Both are
   * absent from verdicts stored before they existed (then no acceptance covers the reason).
   */
  reasons: { rule: string; severity: string; explanation: string; conclusive?: boolean; evidenceSha256?: string }[];
  /** What the run could not see; an entry with `hidesBehaviour` is why a verdict is `inconclusive`. */
  notObserved: { kind: string; phase: string | null; message: string; hidesBehaviour: boolean }[];
}

export interface PhaseSummary {
  name: string;
  status: string;
  durationMs: number;
}

/** One organization's request for one package version (from the API or an inventory). */
export interface AnalysisRecord {
  id: string;
  orgId: string;
  ecosystem: Ecosystem;
  name: string;
  version: string;
  source: 'registry' | 'upload';
  archiveSha256: string | null;
  runKey: string;
  status: AnalysisStatus;
  /** True when the answer came from an earlier run of the same package version (no new sandbox run). */
  cached: boolean;
  inventoryId: string | null;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  reportId: string | null;
  verdict: VerdictSummary | null;
  phases: PhaseSummary[];
  error: string | null;
}

/** How a sandbox run ended; every analysis waiting on the run is finished from it. */
export type RunOutcome =
  | {
      status: 'completed';
      reportId: string;
      verdict: VerdictSummary;
      phases: PhaseSummary[];
      archiveSha256: string;
      finishedAt: string;
      durationMs: number;
    }
  | { status: 'failed'; error: string; finishedAt: string };

/** The latest verdict of a package version, as looked up by name. */
export interface VerdictEntry {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  archiveSha256: string;
  reportId: string;
  analyzedAt: string;
  verdict: VerdictSummary;
  phases: PhaseSummary[];
  /** The verdict before this one when a rescan changed it. */
  previousVerdict: VerdictName | null;
  /** Set when an operator set this verdict by hand (POST /v1/admin/verdicts/...). */
  override?: { at: string; reason: string; previous: VerdictName } | null;
}

export interface InventoryPackageRef {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  integrity: string | null;
  analysisId: string | null;
}

export interface IntegrityMismatch {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  lockfile: string;
  registry: string;
}

export interface InventoryRecord {
  id: string;
  orgId: string;
  fileName: string;
  format: string;
  createdAt: string;
  status: 'expanding' | 'analysing' | 'completed' | 'failed';
  schedule: { pattern?: string; everyMs?: number } | null;
  packages: InventoryPackageRef[];
  skipped: { name: string; spec: string; reason: string }[];
  integrityMismatches: IntegrityMismatch[];
  /** Integrity checks that could not be made (registry unreachable, package gone), each with why. */
  integrityUnchecked: { name: string; version: string; reason: string }[];
  completedAt: string | null;
  rescans: number;
  error: string | null;
}

export type WebhookEvent = 'analysis.verdict' | 'analysis.verdict_changed' | 'inventory.completed' | 'inventory.rescanned';
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = [
  'analysis.verdict',
  'analysis.verdict_changed',
  'inventory.completed',
  'inventory.rescanned',
];

export interface WebhookRecord {
  id: string;
  orgId: string;
  url: string;
  events: WebhookEvent[];
  /** Needed in clear to sign; shown to the user once, at creation. */
  secret: string;
  createdAt: string;
}

export interface DeliveryAttempt {
  at: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  orgId: string;
  event: WebhookEvent;
  body: string;
  createdAt: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
}
