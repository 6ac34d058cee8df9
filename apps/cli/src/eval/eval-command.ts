import { EXIT } from '../exit-codes.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { analyzeLocalPackage, analyzeNpmSpec } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { loadCorpus, type Sample } from './corpus.js';
import { computeMetrics, type EvalResult, type Metrics } from './metrics.js';

export interface EvalOptions {
  out: string;
  limit?: number;
  only?: string;
  artifacts: string;
  npmCache: string;
}

/**
 * `airlock eval <corpus...>`: every sample through the full pipeline (sandbox, report, verdict), one at
 * a time, each result appended to the JSON file `out` as soon as it is known, so an interrupted run
 * resumes where it stopped. Prints a row per sample and per-ecosystem metrics.
 */
export async function evalCommand(corpora: string[], opts: EvalOptions): Promise<number> {
  let samples = corpora.flatMap((c) => loadCorpus(c));
  if (opts.only) samples = samples.filter((s) => s.id.includes(opts.only!));
  if (opts.limit) samples = perEcosystemLimit(samples, opts.limit);
  const results = new Map<string, EvalResult>();
  if (existsSync(opts.out)) for (const r of JSON.parse(readFileSync(opts.out, 'utf8')).results as EvalResult[]) results.set(r.id, r);
  const docker = connectDocker();
  for (const sample of samples) {
    if (results.has(sample.id)) continue;
    const result = await evaluate(sample, docker, opts);
    results.set(sample.id, result);
    process.stdout.write(`${row(result)}\n`);
    save(opts.out, [...results.values()]);
  }
  const chosen = samples.map((s) => results.get(s.id)!).filter(Boolean);
  process.stdout.write(`\n${summary(chosen)}\n`);
  save(opts.out, [...results.values()]);
  return EXIT.ok;
}

async function evaluate(sample: Sample, docker: ReturnType<typeof connectDocker>, opts: EvalOptions): Promise<EvalResult> {
  const started = Date.now();
  const base = { id: sample.id, ecosystem: sample.ecosystem, label: sample.label };
  try {
    const common = { docker, artifactsRoot: opts.artifacts, timeoutsMs: { install: 120_000, import: 30_000 } };
    const report = sample.target.startsWith('npm:')
      ? await analyzeNpmSpec(sample.target.slice(4), { ...common, cacheDir: opts.npmCache })
      : await analyzeLocalPackage(sample.target, common);
    // The pipeline scores every report; a missing verdict is a bug, counted as an error row.
    const verdict = report.verdict;
    if (!verdict) throw new Error('the pipeline returned a report without a verdict');
    return { ...base, verdict: verdict.verdict, score: verdict.score, reasons: verdict.reasons.slice(0, 3).map((r) => r.rule), timeMs: Date.now() - started };
  } catch (err) {
    return { ...base, verdict: 'error', score: null, reasons: [], timeMs: Date.now() - started, error: (err as Error).message.slice(0, 300) };
  }
}

function perEcosystemLimit(samples: Sample[], limit: number): Sample[] {
  const seen = new Map<string, number>();
  return samples.filter((s) => {
    const key = `${s.ecosystem}:${s.label}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    return seen.get(key)! <= limit;
  });
}

function save(path: string, results: EvalResult[]): void {
  writeFileSync(path, `${JSON.stringify({ version: 1, results }, null, 2)}\n`);
}

function row(r: EvalResult): string {
  const ok = r.verdict === 'error' ? 'ERR ' : (r.label === 'malicious') === (r.verdict !== 'benign') ? 'ok  ' : 'MISS';
  return `${ok} ${r.label.padEnd(9)} ${r.verdict.padEnd(10)} ${String(r.score ?? '-').padStart(3)}  ${(r.timeMs / 1000).toFixed(1).padStart(5)} s  ${r.id}  ${r.error ?? r.reasons.join(', ')}`;
}

const pct = (v: number | null) => (v === null ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);

function summary(results: EvalResult[]): string {
  const lines = ['ecosystem  flagged-as          n  err  tp  fp  tn  fn  precision  recall     F1     MCC   FPR     median   p95'];
  for (const eco of ['npm', 'pypi'] as const) {
    const subset = results.filter((r) => r.ecosystem === eco);
    if (!subset.length) continue;
    for (const [name, positive] of [['malicious', new Set(['malicious'])], ['malicious+susp.', new Set(['malicious', 'suspicious'])]] as const) {
      const m: Metrics = computeMetrics(subset, positive);
      lines.push(
        `${eco.padEnd(10)} ${name.padEnd(17)} ${String(m.samples).padStart(3)} ${String(m.errors).padStart(4)} ${[m.tp, m.fp, m.tn, m.fn].map((n) => String(n).padStart(3)).join(' ')}  ${pct(m.precision)}  ${pct(m.recall)} ${pct(m.f1)} ${m.mcc === null ? '   -  ' : m.mcc.toFixed(3).padStart(6)} ${pct(m.fpr)}  ${((m.medianMs ?? 0) / 1000).toFixed(1).padStart(5)} s ${((m.p95Ms ?? 0) / 1000).toFixed(1).padStart(5)} s`,
      );
    }
  }
  return lines.join('\n');
}
