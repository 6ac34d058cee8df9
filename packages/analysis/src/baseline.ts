/**
 * The baseline the pipeline scores with by default: the learned data file of the report's ecosystem
 * (shipped in @airlock/scoring, see LEARNED_BASELINE_FILES), merged with the empty-package control run
 * of the exact image the report ran in.
 *
 * Why a control run, cached per image inputs-hash, folded in at scoring time: the learned file was
 * produced once, in whatever image existed then; the image is rebuilt whenever its inputs change (a new
 * Node or npm, another Debian package), and what the package manager itself does at install (its cache
 * and log writes, helper programs, any lookups) changes with it. An empty package (a package.json and
 * nothing else; for PyPI a PKG-INFO and a setup.py that only calls setup()) has no code of its own, so
 * everything its run shows is the image's and the package manager's behaviour: subtracting exactly that,
 * for exactly this image, keeps a rebuild from turning npm's own new noise into findings, without
 * relearning the corpus. It is run once per inputs-hash (the first scan in a new image pays about 6 s),
 * stored under `~/.cache/airlock/control-<ecosystem>-<inputs-hash>.json` (or `controlCacheDir`), and
 * never subtracted from the proof rules (see @airlock/scoring's baseline.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ecosystem, ProgressEvent, SandboxReport } from '@airlock/core';
import {
  baselineFromFile,
  baselineFromReports,
  emptyBaseline,
  isBaselineFile,
  LEARNED_BASELINE_FILES,
  mergeBaselines,
  type Baseline,
  type BaselineFile,
} from '@airlock/scoring';
import type { AnalyzeOptions } from './options.js';

/** Runs a local package folder through the pipeline; the pipeline passes itself in, so this file does not import it. */
export type RunLocalPackage = (dir: string, options: AnalyzeOptions) => Promise<SandboxReport>;

/** What `airlock baseline learn` needs from the scorer, re-exported so the CLI depends on the pipeline only. */
export {
  DEFAULT_THRESHOLDS,
  isBaselineFile,
  learnBaseline,
  LEARNED_BASELINE_FILES,
  signaturesOf,
  type RunSignatures,
  type BaselineFile,
  type BaselineProvenance,
  type LearnedSignatures,
} from '@airlock/scoring';

export interface ControlRun {
  format: 'airlock-control/1';
  ecosystem: Ecosystem;
  inputsHash: string;
  image: string;
  imageId: string;
  createdAt: string;
  reportId: string;
  baseline: Baseline;
}

export function defaultControlCacheDir(): string {
  return process.env.AIRLOCK_CACHE_DIR ?? join(homedir(), '.cache', 'airlock');
}

const learned = new Map<Ecosystem, Baseline>();

/** The learned baseline of an ecosystem, read once; empty when no file was learned for it (PyPI for now). */
export function learnedBaseline(ecosystem: Ecosystem): Baseline {
  const cached = learned.get(ecosystem);
  if (cached) return cached;
  const stored = learnedBaselineFile(ecosystem);
  const baseline = stored ? baselineFromFile(stored.file) : emptyBaseline();
  learned.set(ecosystem, baseline);
  return baseline;
}

/** Where the learned file of an ecosystem lives (the scorer reads it there; `baseline learn` writes it there). */
export function learnedBaselinePath(ecosystem: Ecosystem): string {
  return fileURLToPath(LEARNED_BASELINE_FILES[ecosystem]);
}

/** The learned file of an ecosystem as stored (with provenance), or null when there is none. */
export function learnedBaselineFile(ecosystem: Ecosystem): { path: string; file: BaselineFile } | null {
  const path = learnedBaselinePath(ecosystem);
  if (!existsSync(path)) return null;
  const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!isBaselineFile(data) || data.ecosystem !== ecosystem)
    throw new Error(`${path} is not an ${ecosystem} baseline file (format airlock-baseline/1)`);
  return { path, file: data };
}

const pending = new Map<string, Promise<ControlRun>>();

/**
 * The control run of `ecosystem` in the image with this inputs-hash: from the cache, else run now (one
 * at a time per key in this process) and cached. The cache file is written atomically.
 */
export function controlRun(
  inputsHash: string,
  ecosystem: Ecosystem,
  tracer: SandboxReport['sandbox']['tracer'],
  options: AnalyzeOptions,
  run: RunLocalPackage,
): Promise<ControlRun> {
  // An image without the inputs-hash label cannot be told apart from the next one: never cache for it.
  if (!/^[0-9a-f]{16,}$/.test(inputsHash))
    return Promise.reject(new Error(`the image has no inputs-hash label (${inputsHash || 'empty'}); no control run is cached for it`));
  const dir = options.controlCacheDir ?? defaultControlCacheDir();
  // Keyed by tracer too: the gVisor Sentry and strace see the same run through different eyes.
  const file = join(dir, `control-${ecosystem}-${tracer}-${inputsHash}.json`);
  const key = file;
  const running = pending.get(key);
  if (running) return running;
  const promise = (async () => {
    if (existsSync(file)) {
      const data = JSON.parse(readFileSync(file, 'utf8')) as ControlRun;
      if (data.format === 'airlock-control/1' && data.inputsHash === inputsHash) return data;
    }
    const report = await runEmptyPackage(ecosystem, { ...options, runtime: tracer === 'strace' ? 'runc' : 'gvisor' }, run);
    const install = report.phases.find((p) => p.name === 'install');
    if (!install || install.status !== 'completed' || install.exitCode !== 0)
      throw new Error(
        `the ${ecosystem} control run did not install cleanly (${install?.status ?? 'missing'}, exit ${install?.exitCode ?? '-'})`,
      );
    if (report.sandbox.tracer !== tracer) throw new Error(`the control run was recorded by ${report.sandbox.tracer}, not ${tracer}`);
    if (report.sandbox.imageInputsHash !== inputsHash)
      throw new Error(
        `the image changed during the control run (${inputsHash.slice(0, 12)} -> ${report.sandbox.imageInputsHash.slice(0, 12)})`,
      );
    const control: ControlRun = {
      format: 'airlock-control/1',
      ecosystem,
      inputsHash,
      image: report.sandbox.image,
      imageId: report.sandbox.imageId,
      createdAt: report.createdAt,
      reportId: report.id,
      baseline: baselineFromReports([report]),
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(control, null, 2)}\n`);
    renameSync(`${file}.${process.pid}.tmp`, file);
    return control;
  })();
  pending.set(key, promise);
  promise.catch(() => pending.delete(key));
  return promise;
}

/** An empty package through the same pipeline, scored against nothing (it is the thing subtracted). */
async function runEmptyPackage(ecosystem: Ecosystem, options: AnalyzeOptions, run: RunLocalPackage): Promise<SandboxReport> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-control-'));
  try {
    if (ecosystem === 'npm') {
      writeFileSync(
        join(dir, 'package.json'),
        `${JSON.stringify({ name: 'airlock-control-empty', version: '0.0.0', description: 'Airlock control run: no code' })}\n`,
      );
    } else {
      writeFileSync(
        join(dir, 'PKG-INFO'),
        'Metadata-Version: 2.1\nName: airlock-control-empty\nVersion: 0.0.0\nSummary: Airlock control run: no code\n',
      );
      writeFileSync(
        join(dir, 'setup.py'),
        "from setuptools import setup\n\nsetup(name='airlock-control-empty', version='0.0.0', py_modules=[])\n",
      );
    }
    options.log?.('control run', { ecosystem });
    // Its steps show as the control run's, not as the package's.
    const onProgress =
      options.onProgress && ((e: ProgressEvent) => options.onProgress!({ ...e, view: 'control', detail: 'empty package' }));
    return await run(dir, { ...options, baseline: emptyBaseline(), ...(onProgress ? { onProgress } : {}) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What `analyze*` scores with unless given a baseline: learned file + control run of the report's image.
 * A failed control run is logged and left out (the learned baseline still applies) rather than failing
 * the scan: it only removes noise, never evidence.
 */
export async function scoringBaseline(report: SandboxReport, options: AnalyzeOptions, run: RunLocalPackage): Promise<Baseline> {
  const ecosystem = report.package.ecosystem;
  const base = learnedBaseline(ecosystem);
  try {
    const control = await controlRun(report.sandbox.imageInputsHash, ecosystem, report.sandbox.tracer ?? 'strace', options, run);
    return mergeBaselines(base, control.baseline);
  } catch (err) {
    options.log?.('control run failed; scoring with the learned baseline only', { error: (err as Error).message });
    return base;
  }
}
