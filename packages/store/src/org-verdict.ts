/**
 * What one organization sees of a verdict: the stored verdict (public, private or an upload's) through
 * that organization's accepted false positives. Pure. Every verdict read of the API and every webhook to
 * an organization goes through `orgVerdictView`; the stored verdict itself is never changed, so another
 * organization (and the shared public verdict) never sees one organization's acceptance.
 *
 * What an acceptance can never do:
 * - cover `honeytoken-exfiltration`: planted fake credentials left the sandbox; no benign package does that,
 *   and no token it could need was real;
 * - cover a `conclusive` reason (proof such as a reverse shell) by package or range: only an acceptance of
 *   that exact rule and evidence signature covers one;
 * - cover a reason it does not name: a signature acceptance covers its rule with that evidence only, so a
 *   new rule firing, or the same rule on new evidence (a later version), keeps the verdict;
 * - cover `inconclusive`: a blind spot is not a false positive (nothing was seen to accept).
 */
import type { Ecosystem } from '@airlock/core';
import type { AcceptedFalsePositive, OrgSettings } from './org-settings.js';
import type { VerdictSummary } from './types.js';

/** Rules whose proof no acceptance covers. */
export const NEVER_ACCEPTED_RULES: readonly string[] = ['honeytoken-exfiltration'];

export interface PackageRef {
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

/** A verdict as one organization sees it. */
export interface OrgVerdictView {
  verdict: VerdictSummary;
  /** Set when an accepted false positive applies: `verdict` is then `benign` and this is the stored one. */
  originalVerdict: VerdictSummary | null;
  acceptedFalsePositive: { id: string; by: AcceptedFalsePositive['by']; at: string; reason: string } | null;
}

/** Whether `version` is in `range` (npm semver, PyPI PEP 440); the caller hands the matcher in (packages/registry). */
export type RangeMatcher = (ecosystem: Ecosystem, version: string, range: string) => boolean;

type Reason = VerdictSummary['reasons'][number];

function covers(entry: AcceptedFalsePositive, pkg: PackageRef, reason: Reason, inRange: RangeMatcher): boolean {
  const m = entry.match;
  if (m.ecosystem !== pkg.ecosystem || m.name !== pkg.name) return false;
  if (NEVER_ACCEPTED_RULES.includes(reason.rule)) return false;
  if (m.kind === 'signature')
    return m.rule === reason.rule && reason.evidenceSha256 !== undefined && m.evidenceSha256 === reason.evidenceSha256;
  // A package or range acceptance is a judgement about heuristics, never about proof.
  if (reason.conclusive !== false) return false;
  return m.kind === 'package' || inRange(pkg.ecosystem, pkg.version, m.range);
}

export function orgVerdictView(
  verdict: VerdictSummary,
  pkg: PackageRef,
  settings: Pick<OrgSettings, 'acceptedFalsePositives'>,
  inRange: RangeMatcher,
): OrgVerdictView {
  const none = { verdict, originalVerdict: null, acceptedFalsePositive: null };
  if ((verdict.verdict !== 'malicious' && verdict.verdict !== 'suspicious') || verdict.reasons.length === 0) return none;
  const candidates = settings.acceptedFalsePositives.filter((e) => e.match.ecosystem === pkg.ecosystem && e.match.name === pkg.name);
  if (candidates.length === 0) return none;
  // Every reason must be covered by some acceptance; the first acceptance that covered one is named.
  let named: AcceptedFalsePositive | null = null;
  for (const reason of verdict.reasons) {
    const entry = candidates.find((e) => covers(e, pkg, reason, inRange));
    if (!entry) return none;
    named ??= entry;
  }
  const { id, by, at, reason } = named!;
  return {
    verdict: { ...verdict, verdict: 'benign' },
    originalVerdict: verdict,
    acceptedFalsePositive: { id, by, at, reason },
  };
}

/** A record with a verdict (an analysis, a verdict entry) as one organization sees it: `verdict` through its acceptances, the stored one kept. */
export function recordAsSeen<T extends PackageRef & { verdict: VerdictSummary | null }>(
  record: T,
  settings: Pick<OrgSettings, 'acceptedFalsePositives'>,
  inRange: RangeMatcher,
): T & Omit<OrgVerdictView, 'verdict'> {
  if (!record.verdict) return { ...record, originalVerdict: null, acceptedFalsePositive: null };
  const view = orgVerdictView(record.verdict, record, settings, inRange);
  return { ...record, ...view };
}
