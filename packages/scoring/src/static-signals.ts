/**
 * Static pre-signals as small-weight hits: they tip a borderline dynamic score but can never make a
 * verdict alone (their total is capped below the suspicious threshold).
 */
import { clip } from './commands.js';
import type { RuleHit, StaticSignalLike, Tactic } from './types.js';

export const STATIC_WEIGHTS = { info: 0, low: 1, medium: 3, high: 5 } as const;
/** The most all static signals together may add: below SUSPICIOUS_THRESHOLD, so static alone stays benign. */
export const STATIC_CAP = 10;

function tacticOf(id: string): Tactic {
  if (id.startsWith('install-script.')) return 'execution';
  if (id.startsWith('obfuscation.')) return 'defense-evasion';
  // Typosquats, dependency and manifest confusion, integrity: masquerading, i.e. evasion of review.
  return 'defense-evasion';
}

export function staticSignalHits(signals: readonly StaticSignalLike[]): RuleHit[] {
  const hits: RuleHit[] = [];
  signals.forEach((signal, index) => {
    const weight = STATIC_WEIGHTS[signal.severity] ?? 0;
    if (weight === 0) return;
    const detail = signal.evidence.value ?? signal.evidence.snippet;
    hits.push({
      rule: `static:${signal.id}`,
      severity: signal.severity === 'high' ? 'medium' : 'low',
      tactic: tacticOf(signal.id),
      weight,
      conclusive: false,
      explanation: clip(signal.message, 200),
      evidence: [
        {
          section: 'staticSignals',
          index,
          ...(signal.evidence.file === undefined ? {} : { path: signal.evidence.file }),
          ...(detail === undefined ? {} : { detail: clip(detail) }),
        },
      ],
    });
  });
  return hits;
}
