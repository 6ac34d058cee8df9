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
  /**
   * The phases whose main command failed or did not finish (`install: exit 1`, `import: timeout`): the
   * package was not measured whole. Empty when every phase exited 0; absent for errors (and in results
   * written before the field, until a resume fills it from the kept report).
   */
  failedPhases?: string[];
  /**
   * What learning a baseline takes from the run (its signatures, image and date), kept in the row so a
   * baseline can be learned from committed results on a machine that no longer has the reports.
   */
  learnable?: LearnableRun;
}

/** One run as `airlock baseline learn` counts it. */
export interface LearnableRun {
  createdAt: string;
  sandbox: { image: string; imageId: string; imageInputsHash: string; tracer?: 'gvisor-sentry' | 'strace' };
  signatures: { writtenPaths: string[]; programs: string[]; hosts: string[] };
}

/** A 95% confidence interval of a proportion. */
export interface Interval {
  low: number;
  high: number;
}

export interface Metrics {
  samples: number;
  errors: number;
  /**
   * Benign samples not flagged whose install or import failed: inconclusive, in neither tn nor fp (a
   * package that did not install was not shown to be benign).
   */
  failed: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  mcc: number | null;
  fpr: number | null;
  /** 95% Wilson intervals of precision, recall and FPR; null where the rate is. */
  precisionCi: Interval | null;
  recallCi: Interval | null;
  fprCi: Interval | null;
  medianMs: number | null;
  p95Ms: number | null;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of `successes` out of `n` at 95%: unlike the normal approximation it stays
 * inside [0, 1] and is not zero-width at 0 of n, which is the case that matters for a false-positive
 * rate (0 of 500 still allows up to 0.76%). Null for n = 0.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || successes > n) {
    throw new RangeError(`wilsonInterval: need integers 0 <= successes <= n, got ${successes} of ${n}`);
  }
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamp the rounding at the ends: 0 of n has low exactly 0, n of n high exactly 1.
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

/**
 * Counts a sample as flagged when its verdict is in `positive` (`malicious` alone, or `malicious` and
 * `suspicious`). Errors are not counted in the confusion matrix; they are reported separately, and so
 * are benign samples left unflagged whose install or import failed (`failed`): never true negatives.
 */
export function computeMetrics(results: EvalResult[], positive: ReadonlySet<string>): Metrics {
  const scored = results.filter((r) => r.verdict !== 'error');
  const flagged = (r: EvalResult) => positive.has(r.verdict);
  const unmeasured = (r: EvalResult) => (r.failedPhases?.length ?? 0) > 0;
  const tp = scored.filter((r) => r.label === 'malicious' && flagged(r)).length;
  const fn = scored.filter((r) => r.label === 'malicious' && !flagged(r)).length;
  const fp = scored.filter((r) => r.label === 'benign' && flagged(r)).length;
  const failed = scored.filter((r) => r.label === 'benign' && !flagged(r) && unmeasured(r)).length;
  const tn = scored.filter((r) => r.label === 'benign' && !flagged(r) && !unmeasured(r)).length;
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
    failed,
    tp,
    fp,
    tn,
    fn,
    precision,
    recall,
    f1,
    mcc,
    fpr: ratio(fp, fp + tn),
    precisionCi: wilsonInterval(tp, tp + fp),
    recallCi: wilsonInterval(tp, tp + fn),
    fprCi: wilsonInterval(fp, fp + tn),
    medianMs: pick(0.5),
    p95Ms: pick(0.95),
  };
}
