import { relative } from 'node:path';
import { learnedBaselineFile, type ViewPolicy } from '@airlock/analysis';
import type { RuntimeName } from '@airlock/sandbox';
import { EXIT } from '../exit-codes.js';
import { loadCorpus, selectSplit, SPLIT_RULE, type Sample, type Split } from './corpus.js';
import { computeMetrics, type EvalResult, type Interval, type Metrics } from './metrics.js';
import { rescoreSamples, runSamples } from './runner.js';

export interface EvalOptions {
  out: string;
  limit?: number;
  only?: string;
  artifacts: string;
  npmCache: string;
  runtime?: RuntimeName;
  views?: ViewPolicy;
  /** Benign samples of this split (malicious samples are always kept whole). Default `test`. */
  split?: Split;
  /** Score the kept reports of samples already in `out` again before running the missing ones. */
  rescore?: boolean;
  /** `-j`: samples run at once (default 1). */
  concurrency?: number;
  /** Python samples' dependencies: a folder of wheels, an index. */
  pypiWheels?: string;
  pypiIndex?: string;
}

/**
 * `airlock eval <corpus...>`: every sample through the full pipeline (sandbox, report, verdict), `-j` at
 * once (default 1), each result appended to the JSON file `out` as soon as it is known, so an interrupted run
 * resumes where it stopped. Prints a row per sample and per-ecosystem metrics. Benign samples are
 * evaluated on the `test` split by default, so the learned baseline is never scored on the packages it
 * was learned from.
 */
export async function evalCommand(corpora: string[], opts: EvalOptions): Promise<number> {
  const split = opts.split ?? 'test';
  const samples = chooseSamples(
    corpora.flatMap((c) => loadCorpus(c)),
    { ...opts, split },
  );
  process.stdout.write(`${splitLine(split, samples)}\n`);
  for (const ecosystem of new Set(samples.map((s) => s.ecosystem))) process.stdout.write(`${baselineLine(ecosystem)}\n`);
  const onResult = (r: EvalResult) => process.stdout.write(`${row(r)}\n`);
  if (opts.rescore) {
    // Only what was kept is scored again: a chosen sample with no row in --out is named, never run.
    const rescored = await rescoreSamples(samples, { ...opts, onResult });
    const notKept = samples.length - rescored.length;
    if (notKept > 0) process.stdout.write(`--rescore: ${notKept} chosen sample(s) have no row in ${opts.out}: not run, not counted\n`);
    process.stdout.write(`\n${summary(rescored)}\n`);
    return EXIT.ok;
  }
  const results = await runSamples(samples, { ...opts, onResult });
  process.stdout.write(`\n${summary(results)}\n`);
  return EXIT.ok;
}

/** Split, then `--only`, then `--limit` per ecosystem and label: the same choice for eval and learning. */
export function chooseSamples(all: readonly Sample[], opts: { split: Split; only?: string; limit?: number }): Sample[] {
  let samples = selectSplit(all, opts.split);
  if (opts.only) samples = samples.filter((s) => s.id.includes(opts.only!));
  if (opts.limit) samples = perEcosystemLimit(samples, opts.limit);
  return samples;
}

export function splitLine(split: Split, samples: readonly Sample[]): string {
  const benign = samples.filter((s) => s.label === 'benign').length;
  const rule = split === 'all' ? 'no split' : `rule: ${SPLIT_RULE}`;
  return `split: ${split} (benign samples of the ${split} split: ${benign}; malicious samples kept whole: ${samples.length - benign}; ${rule})`;
}

/** Which learned baseline the pipeline scores this ecosystem with, so a results table can be traced to it. */
function baselineLine(ecosystem: 'npm' | 'pypi'): string {
  const stored = learnedBaselineFile(ecosystem);
  if (!stored) return `baseline (${ecosystem}): none learned; the control run of the image only`;
  const { provenance, packages, thresholds } = stored.file;
  return `baseline (${ecosystem}): ${relative(process.cwd(), stored.path)}, learned ${provenance.createdAt} from ${packages} packages of the ${provenance.split.name} split (min ${thresholds.minPackages} packages per signature), plus the control run of the image`;
}

function perEcosystemLimit(samples: Sample[], limit: number): Sample[] {
  const seen = new Map<string, number>();
  return samples.filter((s) => {
    const key = `${s.ecosystem}:${s.label}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    return seen.get(key)! <= limit;
  });
}

export function row(r: EvalResult): string {
  const ok = r.verdict === 'error' ? 'ERR ' : (r.label === 'malicious') === (r.verdict !== 'benign') ? 'ok  ' : 'MISS';
  return `${ok} ${r.label.padEnd(9)} ${r.verdict.padEnd(10)} ${String(r.score ?? '-').padStart(3)}  ${(r.timeMs / 1000).toFixed(1).padStart(5)} s  ${r.id}  ${r.error ?? r.reasons.join(', ')}`;
}

const pct = (v: number | null) => (v === null ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);
/** A rate with its 95% Wilson interval: ` 0.4% [0.1-1.5]`. */
const rate = (v: number | null, ci: Interval | null) =>
  `${pct(v)} ${ci === null ? ''.padEnd(12) : `[${(ci.low * 100).toFixed(1)}-${(ci.high * 100).toFixed(1)}]`.padEnd(12)}`;

/** Per ecosystem, and over both when both are present; every rate with its 95% Wilson interval. */
export function summary(results: EvalResult[]): string {
  const lines = [
    'ecosystem  flagged-as          n  err fail  tp  fp  tn  fn  precision [95% CI]   recall [95% CI]      FPR [95% CI]         F1     MCC    median   p95',
  ];
  const groups: [string, EvalResult[]][] = (['npm', 'pypi'] as const)
    .map((eco): [string, EvalResult[]] => [eco, results.filter((r) => r.ecosystem === eco)])
    .filter(([, subset]) => subset.length > 0);
  if (groups.length > 1) groups.push(['all', results]);
  for (const [eco, subset] of groups) {
    // The middle row is the CLI's default gate (--fail-on inconclusive): what a team gating on Airlock blocks.
    for (const [name, positive] of [
      ['malicious', new Set(['malicious'])],
      ['mal.+inconcl.', new Set(['malicious', 'inconclusive'])],
      ['mal.+inc.+susp.', new Set(['malicious', 'inconclusive', 'suspicious'])],
    ] as const) {
      const m: Metrics = computeMetrics(subset, positive);
      lines.push(
        `${eco.padEnd(10)} ${name.padEnd(17)} ${String(m.samples).padStart(3)} ${String(m.errors).padStart(4)} ${String(m.failed).padStart(4)} ${[m.tp, m.fp, m.tn, m.fn].map((n) => String(n).padStart(3)).join(' ')}  ${rate(m.precision, m.precisionCi)} ${rate(m.recall, m.recallCi)} ${rate(m.fpr, m.fprCi)} ${pct(m.f1)} ${m.mcc === null ? '   -  ' : m.mcc.toFixed(3).padStart(6)} ${((m.medianMs ?? 0) / 1000).toFixed(1).padStart(5)} s ${((m.p95Ms ?? 0) / 1000).toFixed(1).padStart(5)} s`,
      );
    }
    const inconclusive = (label: EvalResult['label']) =>
      `${subset.filter((r) => r.label === label && r.verdict === 'inconclusive').length} of ${subset.filter((r) => r.label === label).length} ${label}`;
    const failedIn = (phase: string) => subset.filter((r) => r.failedPhases?.some((f) => f.startsWith(`${phase}:`))).length;
    lines.push(
      `${eco.padEnd(10)} inconclusive: ${inconclusive('benign')}, ${inconclusive('malicious')}; install failed: ${failedIn('install')}, import failed: ${failedIn('import')} (fail: benign, not flagged, not counted as tn)`,
    );
  }
  return lines.join('\n');
}
