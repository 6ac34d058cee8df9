/**
 * Which run decides the public verdict of a registry package version. Pure (no I/O, no clock): the store
 * hands in the current verdict, the recorded runs and the new run, and writes what this decides.
 *
 * The rule (README, "Service"):
 * - The first run of a version sets its public verdict. While it is not `malicious`, every later run
 *   replaces it (an upgrade to `malicious` or `suspicious` is never delayed).
 * - A `malicious` public verdict is sticky. A later `malicious` run refreshes it (newer report). A
 *   `suspicious` or `inconclusive` run never downgrades it, and breaks any streak of benign runs.
 * - It changes only when the newest runs since the last non-benign one are all `benign` and together:
 *   at least `benignRuns` distinct runs (reports), finished at least `minSpanMs` apart (oldest to newest),
 *   asked for by at least `organizations` distinct organizations. One organization alone (or one burst
 *   of forced runs) can never clear a `malicious` verdict; a package that is malicious only sometimes
 *   must come back benign twice, a day apart, for two different tenants.
 * - Until then each disagreeing run is kept as pending evidence (`held`) in the version's history; the
 *   organizations that asked for it see their own analysis's result.
 */
import type { VerdictName } from './types.js';

export interface DowngradeRule {
  benignRuns: number;
  minSpanMs: number;
  organizations: number;
}

export const DOWNGRADE_RULE: DowngradeRule = { benignRuns: 2, minSpanMs: 24 * 3600 * 1000, organizations: 2 };

/** Runs kept per version, newest first. */
export const VERDICT_HISTORY_LIMIT = 50;

/** One recorded run of a registry package version (the version's history, newest first). */
export interface VerdictRun {
  reportId: string;
  analyzedAt: string;
  verdict: VerdictName;
  score: number;
  /** The organizations whose analyses waited on this run. */
  requestedBy: string[];
  /** A forced run (or a rescan): run again although a verdict was known. */
  forced: boolean;
  /** This run's verdict became the public verdict and it differed from the one before. */
  changedPublic: boolean;
  /** This run disagreed with the public verdict and did not replace it: pending evidence toward a downgrade. */
  held: boolean;
  /** Why it was applied or held, in words. */
  note: string;
  /** Not a run: an operator set the public verdict by hand (VerdictStore.override); `note` has the reason. */
  override?: boolean;
}

export interface PublicDecision {
  /** Write this run's verdict as the public verdict (it may be the same verdict, from a newer report). */
  apply: boolean;
  note: string;
}

type NewRun = Pick<VerdictRun, 'reportId' | 'analyzedAt' | 'verdict' | 'requestedBy'>;

export function decidePublicVerdict(
  current: VerdictName | null,
  history: readonly Pick<VerdictRun, 'reportId' | 'analyzedAt' | 'verdict' | 'requestedBy'>[],
  run: NewRun,
  rule: DowngradeRule = DOWNGRADE_RULE,
): PublicDecision {
  if (current === null) return { apply: true, note: 'the first verdict of this version' };
  if (current !== 'malicious')
    return { apply: true, note: run.verdict === current ? 'the same verdict, newer report' : `replaces ${current}` };
  if (run.verdict === 'malicious') return { apply: true, note: 'malicious again, newer report' };
  if (run.verdict !== 'benign') return { apply: false, note: `${run.verdict} never downgrades a malicious verdict` };
  const streak: NewRun[] = [run];
  for (const past of history) {
    if (past.verdict !== 'benign') break;
    if (!streak.some((s) => s.reportId === past.reportId)) streak.push(past);
  }
  const times = streak.map((s) => Date.parse(s.analyzedAt)).filter((t) => Number.isFinite(t));
  const spanMs = times.length > 0 ? Math.max(...times) - Math.min(...times) : 0;
  const organizations = new Set(streak.flatMap((s) => s.requestedBy)).size;
  const missing = [
    streak.length < rule.benignRuns ? `${streak.length} of ${rule.benignRuns} benign runs` : null,
    organizations < rule.organizations ? `${organizations} of ${rule.organizations} organizations` : null,
    spanMs < rule.minSpanMs ? `${(spanMs / 3600e3).toFixed(1)} h of ${rule.minSpanMs / 3600e3} h between them` : null,
  ].filter((m): m is string => m !== null);
  if (missing.length === 0)
    return {
      apply: true,
      note: `downgrade: ${streak.length} benign runs from ${organizations} organizations over ${(spanMs / 3600e3).toFixed(1)} h`,
    };
  return { apply: false, note: `held: malicious stays (so far ${missing.join(', ')})` };
}
