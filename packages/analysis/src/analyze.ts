import { mkdir, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { nanoid } from 'nanoid';
import { PHASES, type DependencyInstall, type PhaseName, type ProgressEvent, type SandboxReport, type TraceStats } from '@airlock/core';
import { buildReport, honeytokenFindings, hostDetailFindings, SANDBOX_HOME, type PhaseSummary } from '@airlock/report';
import {
  DEFAULT_PYPI_INDEX,
  fetchNpmTree,
  fetchNpmVersionDocument,
  fetchPypiPackage,
  type FetchNpmOptions,
  type FetchPypiOptions,
} from '@airlock/registry';
import { scoreReport } from '@airlock/scoring';
import {
  checkManifestConfusion,
  checkTyposquat,
  ciVariableReferences,
  hasInstallScripts,
  platformReferences,
  normalizePypiName,
  npmPopularNameIndex,
  pypiPopularNameIndex,
  scanPackageContents,
  signal,
  timeGateReferences,
  type StaticSignal,
} from '@airlock/static-signals';
import {
  assertDockerReachable,
  MAX_ARCHIVE_BYTES,
  prepareArchiveBuffer,
  preparePackageArchive,
  DEFAULT_CLOCK_SHIFT,
  DEFAULT_TIMEOUTS_MS,
  runSandbox,
  SANDBOX_INSTALL_PLATFORM,
  type PreparedArchive,
  type SandboxRun,
  type TraceFile,
} from '@airlock/sandbox';
import { scoringBaseline } from './baseline.js';
import type { AnalyzeOptions } from './options.js';
import {
  callsStageView,
  chooseOutcome,
  DEFAULT_RETRY,
  exportedFunctions,
  firstView,
  nextView,
  viewRecords,
  type PlanFacts,
  type PlannedView,
  type ViewOutcome,
} from './planner.js';
import { policySignals } from './signal-policy.js';
import { summarizeTraceInThread } from './trace-thread.js';
import type { TraceSummaryResult } from './trace-summarize.js';
import { missingDependencyGaps, withDependencies, type LocalDependencyOptions } from './local-dependencies.js';
import { withPythonDependencies, type PythonDependencySource } from './python-dependencies.js';

/** The time view's dwell: a 200 s wait at ten times the speed is seen. */
const TIME_VIEW_DWELL_MS = 30_000;

/**
 * A local package (npm tarball or folder, Python sdist or wheel) through the sandbox, to its report. An
 * npm archive's registry dependencies are fetched from `options.npm` and installed with it (./local-dependencies.ts).
 */
export async function analyzeLocalPackage(path: string, options: AnalyzeOptions & LocalDependencyOptions): Promise<SandboxReport> {
  options.onProgress?.({ step: 'prepare', detail: path });
  const { archive, dependencies } = await withDependencies(await preparePackageArchive(path), options);
  const { ecosystem, name, version } = archive.identity;
  const refs = [{ ecosystem, name, version, file: path }];
  return analyzeArchive(archive, options, policySignals(options.signalPolicy, refs, 'local'), dependencies);
}

/**
 * An npm registry package (`name@version`) with its whole dependency tree: resolved and downloaded on
 * the host with integrity checks (nothing executed), installed offline in the sandbox with `npm ci`.
 */
export async function analyzeNpmSpec(spec: string, options: AnalyzeOptions & FetchNpmOptions): Promise<SandboxReport> {
  const t0 = Date.now();
  options.onProgress?.({ step: 'fetch', detail: `npm:${spec}` });
  const tree = await fetchNpmTree(spec, { ...options, installPlatform: SANDBOX_INSTALL_PLATFORM });
  options.log?.('npm tree fetched', {
    packages: tree.tarballs.length,
    bytes: tree.tarballs.reduce((n, t) => n + t.tgz.length, 0),
    ms: Date.now() - t0,
  });
  const prepared = await prepareArchiveBuffer(tree.root.tgz, { label: `npm:${spec}`, source: `npm:${spec}`, fileName: 'package.tgz' });
  const archive: PreparedArchive = {
    ...prepared,
    // The registry's integrity, which the download was checked against (same bytes as computed).
    identity: { ...prepared.identity, archive: { ...prepared.identity.archive, integrity: tree.root.integrity } },
    tree: {
      manifest: tree.manifest,
      lockfile: tree.lockfile,
      tarballs: tree.tarballs.map((t, i) => ({ fileName: `${i}-${t.name.replace('/', '+')}-${t.version}.tgz`, tgz: t.tgz })),
    },
  };
  const refs = tree.tarballs.map((t) => ({
    ecosystem: 'npm' as const,
    name: t.name,
    version: t.version,
    file: `package-lock.json (${t.location})`,
  }));
  const extra = [...policySignals(options.signalPolicy, refs, 'public'), ...(await manifestConfusionOf(archive, options))];
  return analyzeArchive(archive, options, extra);
}

/** The registry's metadata against the tarball's package.json; a registry that cannot answer is logged, not fatal. */
async function manifestConfusionOf(archive: PreparedArchive, options: AnalyzeOptions & FetchNpmOptions): Promise<StaticSignal[]> {
  const { name, version } = archive.identity;
  const manifest = archive.files.find((f) => /^[^/]+\/package\.json$/.test(f.path))?.text;
  if (!manifest) return [];
  try {
    const document = await fetchNpmVersionDocument(name, version, options);
    const tarballHasBindingGyp = archive.files.some((f) => /^[^/]+\/binding\.gyp$/.test(f.path));
    return checkManifestConfusion(document, JSON.parse(manifest), { tarballHasBindingGyp });
  } catch (err) {
    options.log?.('manifest confusion not checked', { package: `${name}@${version}`, err: (err as Error).message });
    return [];
  }
}

/**
 * A PyPI package (`name==version`, or `name` for the newest final release): resolved and downloaded on
 * the host with the index's sha256 checked (nothing executed); the sdist (default) or pure-Python wheel
 * is installed offline in the sandbox, after its dependencies' wheels (./python-dependencies.ts).
 */
export async function analyzePypiSpec(
  spec: string,
  options: AnalyzeOptions & Omit<FetchPypiOptions, 'maxBytes'> & { pypi?: PythonDependencySource },
): Promise<SandboxReport> {
  const t0 = Date.now();
  options.onProgress?.({ step: 'fetch', detail: `pypi:${spec}` });
  const download = await fetchPypiPackage(spec, {
    ...(options.index ? { index: options.index } : {}),
    ...(options.kind ? { kind: options.kind } : {}),
    maxBytes: MAX_ARCHIVE_BYTES,
  });
  const label = `pypi:${download.name}==${download.version}`;
  options.log?.('pypi package fetched', {
    file: download.file.filename,
    api: download.api,
    bytes: download.bytes.length,
    ms: Date.now() - t0,
  });
  const prepared = await prepareArchiveBuffer(download.bytes, {
    label,
    source: `${label} (${download.file.filename})`,
    fileName: download.file.filename,
  });
  // Its dependencies from the same index (pip's default), unless the caller names another source.
  const { archive, dependencies } = await withPythonDependencies(
    prepared,
    options.pypi ?? { index: options.index ?? DEFAULT_PYPI_INDEX },
    options.log,
  );
  const extra = policySignals(
    options.signalPolicy,
    [{ ecosystem: 'pypi', name: download.name, version: download.version, file: download.file.filename }],
    'public',
  );
  // The index said one project, the file's own metadata another: pip installs what the file says.
  if (normalizePypiName(archive.identity.name) !== normalizePypiName(download.name)) {
    extra.push(
      signal(
        'manifest-confusion.name',
        'high',
        `the index lists "${download.name}" but the file's metadata names "${archive.identity.name}"`,
        { file: download.file.filename, value: archive.identity.name },
        { declared: download.name, actual: archive.identity.name },
      ),
    );
  }
  return analyzeArchive(archive, options, extra, dependencies);
}

/**
 * The runs of one analysis, as the planner (./planner.ts) asks for them: the developer view first; a
 * retry with longer limits when that was inconclusive; a CI-profile run when nothing malicious was seen
 * and the code reads CI variables. The chosen report lists every run in `views`.
 */
async function analyzeArchive(
  archive: PreparedArchive,
  options: AnalyzeOptions,
  extraSignals: StaticSignal[] = [],
  dependencies?: DependencyInstall,
): Promise<SandboxReport> {
  await assertDockerReachable(options.docker);
  const facts: PlanFacts = {
    ciVariables: options.ciProfile === false ? [] : ciVariableReferences(archive.files),
    ciProfile: options.ciProfile !== false,
    retry: options.retry === false ? false : { ...DEFAULT_RETRY, ...options.retry },
    timeoutsMs: { ...DEFAULT_TIMEOUTS_MS, ...options.timeoutsMs },
    timeGates: options.timeView === false ? [] : timeGateReferences(archive.files),
    time:
      options.timeView === false
        ? false
        : { clock: options.timeView?.clock ?? DEFAULT_CLOCK_SHIFT, dwellMs: options.timeView?.dwellMs ?? TIME_VIEW_DWELL_MS },
    forceViews: options.allViews === true,
    calls: options.callView !== false,
    platformViews: options.platformViews ?? 'auto',
    platform: {
      ecosystem: archive.identity.ecosystem,
      sdist: archive.identity.ecosystem === 'pypi' && !archive.fileName.endsWith('.whl'),
      installScripts: hasInstallScripts(archive.files),
      ...platformReferences(archive.files),
    },
  };
  const done: ViewOutcome[] = [];
  for (let view: PlannedView | null = firstView(); view; view = nextView(done, facts)) {
    if (view.reason) options.log?.(`another run: ${view.name}`, { reason: view.reason });
    // The call view rides on the developer run as a stage when the import shows functions (one sandbox, one install).
    const stage = view.name === 'developer' && facts.calls ? { force: facts.forceViews } : null;
    done.push(...(await runOnce(archive, options, extraSignals, view, dependencies, stage)));
  }
  const chosen = chooseOutcome(done);
  return coverPlatformBlindSpots({ ...chosen.report, views: viewRecords(done, chosen) }, done);
}

/**
 * One sandbox run of a view, scored; with `stage`, the call view's stage of the same run too (its own
 * report, after the run's): the outcomes in the order they ran.
 */
async function runOnce(
  archive: PreparedArchive,
  options: AnalyzeOptions,
  extraSignals: StaticSignal[],
  view: PlannedView,
  dependencies: DependencyInstall | undefined,
  stage: { force: boolean } | null,
): Promise<ViewOutcome[]> {
  const id = nanoid(12);
  const stageId = nanoid(12);
  const timeoutsMs = view.timeoutsMs ?? options.timeoutsMs;
  const label = archive.identity.name;
  const progress = options.onProgress && ((step: ProgressEvent['step']) => options.onProgress!({ step, view: view.name, detail: label }));
  // Each phase's record is parsed as soon as it is taken, while the next phase and the collect run.
  const parsing = new Map<PhaseName, Promise<TraceSummaryResult>>();
  const parseOnce = (phase: PhaseName, file: TraceFile) => {
    // In a thread with its own memory limit: a hostile record fails this analysis, not the process (./trace-thread.ts).
    const parsed = summarizeTraceInThread({ path: file.path, format: file.format, phase, packageName: label }, options.parserMemoryMb);
    parsed.catch(() => undefined); // awaited below; a run that fails before then drops it
    return parsed;
  };
  const run = await runSandbox({
    onRecordTaken: (phase, file) => parsing.set(phase, parseOnce(phase, file)),
    docker: options.docker,
    analysisId: id,
    archive,
    artifactsDir: resolve(options.artifactsRoot, id),
    profile: view.profile,
    ...(view.platform && view.platform !== 'linux' ? { platform: view.platform } : {}),
    ...(timeoutsMs ? { timeoutsMs } : {}),
    ...(view.dwellMs ? { dwellMs: view.dwellMs } : {}),
    ...(view.clock ? { clock: view.clock } : {}),
    ...(view.calls ? { calls: true } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.runtime ? { runtime: options.runtime } : {}),
    ...(options.maxTraceBytes ? { maxTraceBytes: options.maxTraceBytes } : {}),
    ...(options.maxDiskBytes ? { maxDiskBytes: options.maxDiskBytes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.workerId ? { workerId: options.workerId } : {}),
    ...(options.deferTeardown ? { deferTeardown: true } : {}),
    ...(options.pool ? { pool: options.pool } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(progress ? { onProgress: (e: ProgressEvent) => progress(e.step) } : {}),
    ...(stage
      ? {
          callsStage: {
            artifactsDir: resolve(options.artifactsRoot, stageId),
            wanted: (importResult: unknown) => exportedFunctions(importResult) > 0 || stage.force,
          },
        }
      : {}),
  });
  progress?.('parse');
  const outcomes = [{ view, report: await scoredReport(id, run, parsing) }];
  // As the planner stops after a malicious run, so the stage's report is not made then (its records stay on disk).
  if (run.callsStage && outcomes[0]!.report.verdict?.verdict === 'malicious') {
    options.log?.('the call stage ran but is not scored: the run itself was malicious', {
      artifacts: resolve(options.artifactsRoot, stageId),
    });
  } else if (run.callsStage) {
    // Its install is this run's (the same record, parsed once); its import is the stage's own record.
    const install = parsing.get('install');
    const stageParsing = new Map<PhaseName, Promise<TraceSummaryResult>>(install ? [['install', install]] : []);
    const stageView = callsStageView(exportedFunctions(run.importResult));
    options.log?.(`a stage of the run: ${stageView.name}`, { reason: stageView.reason });
    outcomes.push({ view: stageView, report: await scoredReport(stageId, run.callsStage, stageParsing) });
  }
  return outcomes;

  async function scoredReport(
    reportId: string,
    sandboxRun: SandboxRun,
    parsed: Map<PhaseName, Promise<TraceSummaryResult>>,
  ): Promise<SandboxReport> {
    const traces: Partial<Record<PhaseName, { summary: PhaseSummary; stats: TraceStats }>> = {};
    const artifacts: Record<string, string> = {};
    for (const phase of PHASES) {
      const file = sandboxRun.traceFiles[phase];
      if (!file) continue;
      artifacts[basename(file.path)] = file.path;
      if (!parsed.has(phase)) parsed.set(phase, parseOnce(phase, file));
      traces[phase] = await parsed.get(phase)!;
    }
    if (sandboxRun.network) artifacts['network.jsonl'] = sandboxRun.network.logPath;
    const staticSignals = [...staticSignalsOf(archive), ...extraSignals];
    const built = buildReport({
      id: reportId,
      createdAt: new Date(),
      identity: archive.identity,
      run: sandboxRun,
      traces,
      artifacts,
      staticSignals,
    });
    const report = dependencies
      ? { ...built, dependencies, evidenceGaps: [...built.evidenceGaps, ...missingDependencyGaps(dependencies)] }
      : built;
    const baseline = options.baseline ?? (await scoringBaseline(report, options, analyzeLocalPackage));
    progress?.('score');
    const scored = {
      ...report,
      verdict: scoreReport(report, { baseline, ...(options.previousReport ? { previous: options.previousReport } : {}) }),
    };
    await keepRunReport(resolve(options.artifactsRoot, reportId), scored);
    return scored;
  }
}

/**
 * Every run's own report beside its traces (`<artifacts>/<run id>/report.json`): the analysis returns one
 * run's report, and `views[].reportId` names the others, so what a view that was not chosen saw stays readable.
 * The caller may write the chosen report there again with its `views`.
 */
async function keepRunReport(dir: string, report: SandboxReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(resolve(dir, 'report.json'), JSON.stringify(report));
}

/**
 * Another OS's code paths are a blind spot of a Linux run (`windows-only-code`, `macos-only-code`); when
 * that platform's view ran, they were seen: the entry says so and where, instead of a blind spot.
 */
function coverPlatformBlindSpots(report: SandboxReport, done: readonly ViewOutcome[]): SandboxReport {
  if (!report.verdict) return report;
  const covering = { 'windows-only-code': 'win32', 'macos-only-code': 'darwin' } as const;
  const notObserved = report.verdict.notObserved.flatMap((entry) => {
    const platform = covering[entry.kind as keyof typeof covering];
    const ran = platform ? done.find((d) => d.view.platform === platform) : undefined;
    if (!ran) return [entry];
    return [];
  });
  return { ...report, verdict: { ...report.verdict, notObserved } };
}

/**
 * The stored report of a finished run scored again with the current scorer and baseline, nothing run:
 * for measuring a scoring change on an evaluation's kept reports. A CI-profile second run that the new
 * score would have asked for is not made.
 */
export async function rescoreReport(stored: SandboxReport, options: Omit<AnalyzeOptions, 'previousReport'>): Promise<SandboxReport> {
  // The honeytoken findings come from detection code too: found again from the planted values.
  // The fake internet's own finds (past the records' first bytes) cannot be found again from the report: kept.
  const report = {
    ...stored,
    honeytokens: honeytokenFindings(stored.honeytokens.planted, stored.sensitiveFiles, stored.network, stored.honeytokens.exfiltrated),
    hostDetails: hostDetailFindings(stored.sandbox, stored.package.name, SANDBOX_HOME, stored.network),
  };
  const baseline = options.baseline ?? (await scoringBaseline(report, options, analyzeLocalPackage));
  return { ...report, verdict: scoreReport(report, { baseline }) };
}

/** Static pre-signals of the archive's own files and name (against npm-high-impact, or the top PyPI projects). */
function staticSignalsOf(archive: PreparedArchive): StaticSignal[] {
  const { ecosystem, name } = archive.identity;
  const signals = scanPackageContents({ ecosystem, files: archive.files }).signals;
  if (ecosystem === 'npm') signals.push(...checkTyposquat(name, npmPopularNameIndex(), { file: 'package.json' }));
  else signals.push(...checkTyposquat(name, pypiPopularNameIndex(), { file: archive.fileName.endsWith('.whl') ? 'METADATA' : 'PKG-INFO' }));
  return signals;
}
