/** Pure evaluation arithmetic: confusion counts and the usual rates, per ecosystem. */
import type { VerdictLabel } from '@airlock/core';

export interface EvalResult {
  id: string;
  ecosystem: 'npm' | 'pypi';
  label: 'malicious' | 'benign';
  verdict: VerdictLabel | 'error';
  score: number | null;
  reasons: string[];
  timeMs: number;
  error?: string;
  /** Where the full report was kept (`<artifacts>/<report id>/report.json`); absent for errors. */
  reportPath?: string;
}

export interface Metrics {
  samples: number;
  errors: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  mcc: number | null;
  fpr: number | null;
  medianMs: number | null;
  p95Ms: number | null;
}

/**
 * Counts a sample as flagged when its verdict is in `positive` (`malicious` alone, or `malicious` and
 * `suspicious`). Errors are not counted in the confusion matrix; they are reported separately.
 */
export function computeMetrics(results: EvalResult[], positive: ReadonlySet<string>): Metrics {
  const scored = results.filter((r) => r.verdict !== 'error');
  const flagged = (r: EvalResult) => positive.has(r.verdict);
  const tp = scored.filter((r) => r.label === 'malicious' && flagged(r)).length;
  const fn = scored.filter((r) => r.label === 'malicious' && !flagged(r)).length;
  const fp = scored.filter((r) => r.label === 'benign' && flagged(r)).length;
  const tn = scored.filter((r) => r.label === 'benign' && !flagged(r)).length;
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
  const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  const mcc = denominator === 0 ? null : (tp * tn - fp * fn) / denominator;
  const times = scored.map((r) => r.timeMs).sort((a, b) => a - b);
  const pick = (q: number) => (times.length ? times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]! : null);
  return {
    samples: results.length,
    errors: results.length - scored.length,
    tp,
    fp,
    tn,
    fn,
    precision,
    recall,
    f1,
    mcc,
    fpr: ratio(fp, fp + tn),
    medianMs: pick(0.5),
    p95Ms: pick(0.95),
  };
}
