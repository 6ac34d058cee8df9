/**
 * `airlock baseline learn <corpus...>`: the benign corpus's train split through the full pipeline (the
 * eval runner: same sandbox, same results file, resumable), plus the empty-package control run, then
 * `learnBaseline` with a support threshold, written as a data file with its provenance. Never edit the
 * file by hand: rerun this (with the same `--results` file only the missing samples run again).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SandboxReport } from '@airlock/core';
import { connectDocker } from '@airlock/sandbox';
import {
  analyzeLocalPackage,
  controlRun,
  DEFAULT_THRESHOLDS,
  learnBaseline,
  learnedBaselinePath,
  type BaselineFile,
  type BaselineProvenance,
  type ControlRun,
  type LearnedSignatures,
} from '@airlock/analysis';
import { EXIT } from './exit-codes.js';
import { loadCorpus, SPLIT_RULE } from './eval/corpus.js';
import { chooseSamples, row, splitLine } from './eval/eval-command.js';
import type { EvalResult, LearnableRun } from './eval/metrics.js';
import { learnableOf, loadReport, runSamples } from './eval/runner.js';

export interface LearnOptions {
  /** The learned data file; absent: the ecosystem's file that the scorer reads (`LEARNED_BASELINE_FILES`). */
  out?: string;
  results: string;
  limit?: number;
  only?: string;
  minPackages?: number;
  artifacts: string;
  npmCache: string;
  controlCache?: string;
  /** `-j`: training samples run at once (default 1). */
  concurrency?: number;
  /** Python samples' dependencies: `--pypi-wheels` folder, `--pypi-index`. */
  pypiWheels?: string;
  pypiIndex?: string;
}

export async function baselineLearnCommand(corpora: string[], opts: LearnOptions): Promise<number> {
  const all = corpora.flatMap((c) => loadCorpus(c)).filter((s) => s.label === 'benign');
  const ecosystems = new Set(all.map((s) => s.ecosystem));
  if (ecosystems.size !== 1)
    throw new Error(`a baseline is learned per ecosystem; the corpora hold ${[...ecosystems].join(', ') || 'no benign samples'}`);
  const ecosystem = [...ecosystems][0]!;
  const out = opts.out ?? learnedBaselinePath(ecosystem);
  const samples = chooseSamples(all, {
    split: 'train',
    ...(opts.only ? { only: opts.only } : {}),
    ...(opts.limit ? { limit: opts.limit } : {}),
  });
  process.stdout.write(`${splitLine('train', samples)}\n`);
  const results = await runSamples(samples, {
    out: opts.results,
    artifacts: opts.artifacts,
    npmCache: opts.npmCache,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.pypiWheels ? { pypiWheels: opts.pypiWheels } : {}),
    ...(opts.pypiIndex ? { pypiIndex: opts.pypiIndex } : {}),
    onResult: (r) => process.stdout.write(`${row(r)}\n`),
  });

  const { runs, failed } = collectRuns(
    results,
    samples.map((s) => ({ id: s.id, name: s.name })),
  );
  const fromRows = runs.filter((r) => r.fromRow).length;
  if (fromRows > 0)
    process.stdout.write(
      `${fromRows} run(s) learned from the signatures kept in ${opts.results} (their reports are not on this machine)\n`,
    );
  if (runs.length === 0) throw new Error('no training run produced a report; nothing to learn from');
  const thresholds = { ...DEFAULT_THRESHOLDS, ...(opts.minPackages ? { minPackages: opts.minPackages } : {}) };
  const learned = learnBaseline(runs, thresholds);

  // The control run of the image the newest training run used (cached per inputs-hash, run when missing).
  const newest = runs.reduce((a, b) => (a.createdAt >= b.createdAt ? a : b));
  let control: ControlRun | null = null;
  try {
    control = await controlRun(
      newest.sandbox.imageInputsHash,
      ecosystem,
      newest.sandbox.tracer ?? 'strace',
      {
        docker: connectDocker(),
        artifactsRoot: opts.artifacts,
        ...(opts.controlCache ? { controlCacheDir: opts.controlCache } : {}),
      },
      analyzeLocalPackage,
    );
  } catch (err) {
    process.stderr.write(`airlock: control run failed, recorded as missing: ${(err as Error).message}\n`);
  }

  const file = baselineFile({
    ecosystem,
    learned,
    runs,
    failed,
    control,
    createdAt: new Date().toISOString(),
    command: `airlock ${process.argv.slice(2).join(' ')}`,
    corpora: corpora.map((path) => ({ file: path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') })),
    samples: samples.length,
    results: opts.results,
  });
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(`${out}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  process.stdout.write(
    `\nlearned from ${learned.packages} package(s) (${failed.length} failed), min ${thresholds.minPackages} packages per signature: ` +
      `${learned.hosts.length} hosts, ${learned.programs.length} programs, ${learned.writtenPaths.length} path patterns kept; ` +
      `${learned.belowThreshold.hosts.length} hosts, ${learned.belowThreshold.programs.length} programs, ${learned.belowThreshold.writtenPaths} path patterns below the threshold\n` +
      `control run: ${control ? `image ${control.inputsHash.slice(0, 12)}` : 'missing'}\nwrote ${out}\n`,
  );
  return EXIT.ok;
}

/** The data file: learned signatures plus where they came from (everything a reviewer needs to redo it). */
export function baselineFile(input: {
  ecosystem: 'npm' | 'pypi';
  learned: LearnedSignatures;
  runs: readonly LearnableRun[];
  failed: { id: string; error: string }[];
  control: ControlRun | null;
  createdAt: string;
  command: string;
  corpora: { file: string; sha256: string }[];
  samples: number;
  results: string;
}): BaselineFile {
  const provenance: BaselineProvenance = {
    createdAt: input.createdAt,
    command: input.command,
    corpora: input.corpora,
    split: { name: 'train', rule: SPLIT_RULE, samples: input.samples },
    runs: { ok: input.runs.length, failed: input.failed },
    images: imagesOf(input.runs.map((r) => r.sandbox)),
    control: input.control && {
      inputsHash: input.control.inputsHash,
      writtenPaths: input.control.baseline.writtenPaths.length,
      programs: input.control.baseline.programs.length,
      hosts: input.control.baseline.hosts.length,
    },
    results: input.results,
  };
  return { format: 'airlock-baseline/1', ecosystem: input.ecosystem, provenance, ...input.learned };
}

/**
 * The successful runs as learning counts them (by package name, so two versions of one package count
 * once): from the kept report when it is on this machine, else from the signatures the row kept
 * (`fromRow`); and the failures with why.
 */
export function collectRuns(
  results: readonly EvalResult[],
  samples: readonly { id: string; name: string }[],
  load: (r: EvalResult) => SandboxReport | null = loadReport,
) {
  const names = new Map(samples.map((s) => [s.id, s.name]));
  const runs: (LearnableRun & { packageName: string; fromRow: boolean })[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const result of results) {
    if (result.verdict === 'error') {
      failed.push({ id: result.id, error: result.error ?? 'unknown error' });
      continue;
    }
    const report = load(result);
    const learnable = report ? learnableOf(report) : result.learnable;
    if (!learnable) {
      failed.push({ id: result.id, error: `report not found at ${result.reportPath ?? '(no path)'} and the row keeps no signatures` });
      continue;
    }
    runs.push({ packageName: names.get(result.id) ?? report?.package.name ?? result.id, fromRow: !report, ...learnable });
  }
  return { runs, failed };
}

/** The sandbox images behind the runs, with how many runs used each. */
export function imagesOf(sandboxes: readonly LearnableRun['sandbox'][]): BaselineProvenance['images'] {
  const byHash = new Map<string, BaselineProvenance['images'][number]>();
  for (const sandbox of sandboxes) {
    const key = `${sandbox.imageInputsHash}:${sandbox.imageId}`;
    const entry = byHash.get(key) ?? { image: sandbox.image, imageId: sandbox.imageId, inputsHash: sandbox.imageInputsHash, runs: 0 };
    entry.runs += 1;
    byHash.set(key, entry);
  }
  return [...byHash.values()].sort((a, b) => b.runs - a.runs || a.inputsHash.localeCompare(b.inputsHash));
}
