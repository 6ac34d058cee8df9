/**
 * The one corpus runner, shared by `airlock eval` and `airlock baseline learn`: every sample through the
 * full pipeline (sandbox, report, verdict), `concurrency` at once (runParallel, with a warm pool of as
 * many sandbox pairs), each result written to a JSON file as soon as it is known, so an interrupted run
 * resumes where it stopped. The full report of every run is kept
 * beside its raw traces (`<artifacts>/<report id>/report.json`) for rescoring and for reading misses; the
 * row keeps what learning needs (`learnable`), so a baseline can be learned once the reports are gone.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SandboxReport } from '@airlock/core';
import {
  analyzeLocalPackage,
  analyzeNpmSpec,
  pythonDependencySource,
  rescoreReport,
  runParallel,
  signaturesOf,
  viewPolicyOptions,
  type ViewPolicy,
} from '@airlock/analysis';
import { WarmPool, connectDocker, settleTeardowns, type RuntimeName } from '@airlock/sandbox';
import type { Sample } from './corpus.js';
import type { EvalResult, LearnableRun } from './metrics.js';

export interface RunnerOptions {
  /** Results file; an existing one is resumed (samples already in it are not run again). */
  out: string;
  artifacts: string;
  npmCache: string;
  /** gVisor (default) or runc. */
  runtime?: RuntimeName;
  /** `--views`: extra views as the planner decides (auto), all, or none. */
  views?: ViewPolicy;
  /** Called after each sample that ran now (not for resumed ones). */
  onResult?: (result: EvalResult) => void;
  /** Samples run at once (`-j`); default 1. Each takes one CPU and up to 2 GiB. */
  concurrency?: number;
  /** Python samples' dependencies: `--pypi-wheels` folder, `--pypi-index`. */
  pypiWheels?: string;
  pypiIndex?: string;
}

const TIMEOUTS_MS = { install: 120_000, import: 30_000 } as const;

/** Runs the samples not yet in `opts.out`; returns the results of `samples`, in their order (resumed ones included). */
export async function runSamples(samples: readonly Sample[], opts: RunnerOptions): Promise<EvalResult[]> {
  const results = readResults(opts.out);
  backfillFailedPhases(results);
  const todo = samples.filter((s) => !results.has(s.id));
  const concurrency = opts.concurrency ?? 1;
  if (todo.length > 0) {
    const docker = connectDocker();
    // With more than one at once, the next runs' sandbox pairs are made while these run.
    const pool = new WarmPool(docker, concurrency > 1 ? concurrency : 0);
    try {
      await runParallel(todo, concurrency, async (sample) => {
        const result = await evaluate(sample, docker, pool, opts);
        results.set(sample.id, result); // one thread: each save writes every result known so far
        saveResults(opts.out, [...results.values()]);
        opts.onResult?.(result);
      });
    } finally {
      await pool.drain();
      await settleTeardowns();
    }
  }
  saveResults(opts.out, [...results.values()]);
  return samples.map((s) => results.get(s.id)).filter((r): r is EvalResult => r !== undefined);
}

/**
 * Scores the kept reports of the samples already in `opts.out` again (`airlock eval --rescore`): the
 * sandbox runs stay as they were, the verdicts follow the current scorer and baseline. Each report file
 * is rewritten with its new verdict; results whose report is gone are left as they are. Returns the rows
 * of the chosen samples that have one; nothing is run.
 */
export async function rescoreSamples(samples: readonly Sample[], opts: RunnerOptions): Promise<EvalResult[]> {
  const results = readResults(opts.out);
  let docker: ReturnType<typeof connectDocker> | null = null;
  for (const sample of samples) {
    const result = results.get(sample.id);
    const stored = result ? loadReport(result) : null;
    if (!result || !stored) continue;
    docker ??= connectDocker();
    const report = await rescoreReport(stored, { docker, artifactsRoot: opts.artifacts });
    writeFileSync(result.reportPath!, JSON.stringify(report));
    const rescored = { ...result, ...verdictFields(report), failedPhases: failedPhasesOf(report), learnable: learnableOf(report) };
    results.set(sample.id, rescored);
    opts.onResult?.(rescored);
  }
  saveResults(opts.out, [...results.values()]);
  return samples.flatMap((sample) => results.get(sample.id) ?? []);
}

/** What a results row keeps of a report's verdict. */
function verdictFields(report: SandboxReport): Pick<EvalResult, 'verdict' | 'score' | 'reasons'> {
  // The pipeline scores every report; a missing verdict is a bug, counted as an error row.
  const verdict = report.verdict;
  if (!verdict) throw new Error('the pipeline returned a report without a verdict');
  return { verdict: verdict.verdict, score: verdict.score, reasons: verdict.reasons.slice(0, 3).map((r) => r.rule) };
}

/**
 * The phases whose main command did not exit 0 (`install: exit 1`, `import: timeout`): a package that
 * did not install or import was not measured whole, so eval counts it apart, never as a true negative.
 */
export function failedPhasesOf(report: Pick<SandboxReport, 'phases'>): string[] {
  return report.phases
    .filter((p) => p.status !== 'completed' || p.exitCode !== 0)
    .map((p) => `${p.name}: ${p.status === 'completed' ? `exit ${p.exitCode}` : p.status}`);
}

/** What a baseline learns from this run (the scorer's signatures of it), with the image and date behind them. */
export function learnableOf(report: SandboxReport): LearnableRun {
  const { writtenPaths, programs, hosts } = signaturesOf(report);
  const { image, imageId, imageInputsHash, tracer } = report.sandbox;
  return {
    createdAt: report.createdAt,
    sandbox: { image, imageId, imageInputsHash, ...(tracer ? { tracer } : {}) },
    signatures: { writtenPaths: [...writtenPaths].sort(), programs: [...programs].sort(), hosts: [...hosts].sort() },
  };
}

/** Results written before `failedPhases` existed get it from their kept report (left absent when it is gone). */
function backfillFailedPhases(results: Map<string, EvalResult>): void {
  for (const [id, r] of results) {
    if (r.failedPhases !== undefined) continue;
    const report = loadReport(r);
    if (report) results.set(id, { ...r, failedPhases: failedPhasesOf(report) });
  }
}

function readResults(path: string): Map<string, EvalResult> {
  const results = new Map<string, EvalResult>();
  if (existsSync(path)) for (const r of (JSON.parse(readFileSync(path, 'utf8')) as { results: EvalResult[] }).results) results.set(r.id, r);
  return results;
}

function saveResults(path: string, results: EvalResult[]): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, results }, null, 2)}\n`);
  renameSync(tmp, path);
}

/** The report a result points at, or null when the run failed or the file is gone. */
export function loadReport(result: EvalResult): SandboxReport | null {
  if (!result.reportPath || !existsSync(result.reportPath)) return null;
  return JSON.parse(readFileSync(result.reportPath, 'utf8')) as SandboxReport;
}

async function evaluate(
  sample: Sample,
  docker: ReturnType<typeof connectDocker>,
  pool: WarmPool,
  opts: RunnerOptions,
): Promise<EvalResult> {
  const started = Date.now();
  const base = { id: sample.id, ecosystem: sample.ecosystem, label: sample.label };
  try {
    const common = {
      docker,
      artifactsRoot: opts.artifacts,
      timeoutsMs: { ...TIMEOUTS_MS },
      ...viewPolicyOptions(opts.views ?? 'auto'),
      ...(opts.runtime ? { runtime: opts.runtime } : {}),
      pool,
      deferTeardown: true,
    };
    const pypi = pythonDependencySource({ wheels: opts.pypiWheels, index: opts.pypiIndex });
    const report = sample.target.startsWith('npm:')
      ? await analyzeNpmSpec(sample.target.slice(4), { ...common, cacheDir: opts.npmCache })
      : await analyzeLocalPackage(sample.target, {
          ...common,
          npm: { cacheDir: opts.npmCache },
          ...(pypi ? { pypi } : {}),
        });
    const fields = verdictFields(report);
    const reportPath = resolve(opts.artifacts, report.id, 'report.json');
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(reportPath, JSON.stringify(report));
    return {
      ...base,
      ...fields,
      failedPhases: failedPhasesOf(report),
      learnable: learnableOf(report),
      timeMs: Date.now() - started,
      reportPath,
    };
  } catch (err) {
    return {
      ...base,
      verdict: 'error',
      score: null,
      reasons: [],
      timeMs: Date.now() - started,
      error: (err as Error).message.slice(0, 300),
    };
  }
}
