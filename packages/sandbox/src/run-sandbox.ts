import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import { buildTar, joinTars } from './tar-builder.js';
import {
  AirlockError,
  PHASES,
  type FsChange,
  type PersistenceFileRead,
  type PhaseName,
  type PhaseResult,
  type RunTimings,
  type SandboxSettings,
  type EvidenceGap,
  type TamperingRecord,
  type OnProgress,
} from '@airlock/core';
import { collectRunnerFile, collectRunnerJson } from './collect.js';
import { readPersistenceFiles } from './persistence-files.js';
import { containerChanges } from './layer-changes.js';
import { inBackground } from './teardown.js';
import { diskLimitBytes, watchDiskBound, writableBytes, type DiskWatch } from './disk-bound.js';
import { execInContainer, type ExecOutcome } from './exec.js';
import { SANDBOX_USER, describeSettings, type SandboxLimits } from './hardening.js';
import { FAKE_INTERNET_IMAGE, NPM_IMAGE, resolveImage } from './images/ensure-images.js';
import { networkBefore, type NetworkLog } from './network-owner.js';
import type { PreparedArchive } from './input-archive.js';
import { parsePhaseStatus, toPhaseResult, type PhaseRecord } from './phase-status.js';
import { GvisorRecord } from './runtime/gvisor-record.js';
import {
  PREPARE_DEADLINE_MS,
  removeStaleLogs,
  replacedOutput,
  STOPPED,
  sandboxStoppedGap,
  sweep,
  unlessStopped,
  takePhaseRecord,
  unexpectedRunnerFiles,
  watchRecordCap,
} from './phase-record.js';
import { resolveRuntime, runtimeFromSetting, type RuntimeName, type SandboxRuntime } from './runtime/runtime.js';
import { reapOrphans } from './reap-orphans.js';
import { honeytokenTar, plantedPaths } from './plant-honeytokens.js';
import { CLOCK_FILES, clockTar, setPhaseClock, type ClockShift } from './clock-shift.js';
import type { MachineIdentity } from './machine-identity.js';
import { loginFiles, platformEnv, platformFiles, wheelDistribution, type FakePlatform } from './views/platform-view.js';
import { SANDBOX_CA_FILE } from './sandbox-ca.js';
import { BOOT_DONE, makeSandboxPair, removeSandboxPair, SANDBOX_LABEL } from './sandbox-pair.js';
import type { WarmPool } from './warm-pool.js';
import type { Honeytoken } from '@airlock/honeytokens';

export const DEFAULT_TIMEOUTS_MS: Record<PhaseName, number> = { install: 120_000, import: 30_000 };
/** Extra time the host gives the in-container runner to end a phase before it kills the container (killing a
 * fork bomb's 256 processes takes gVisor 10 to 30 s on this machine kind). */
const HOST_MARGIN_MS = 60_000;
/** The dwell: detached children are watched this long after the command, by the runner (given as AIRLOCK_GRACE_MS) or by the host when the runner did not end normally. Within the phase's limit. */
const DEFAULT_DWELL_MS = 10_000;
const DEFAULT_CAPTURE_BYTES = 256 * 1024;
const DEFAULT_MAX_TRACE_BYTES = 2 * 1024 ** 3;
export { SANDBOX_LABEL };

export interface SandboxRunOptions {
  docker: Docker;
  analysisId: string;
  archive: PreparedArchive;
  /** Host folder that receives the raw traces. */
  artifactsDir: string;
  timeoutsMs?: Partial<Record<PhaseName, number>>;
  limits?: SandboxLimits;
  /** gVisor (the record is taken on the host) or runc (strace inside; only when asked). Default: AIRLOCK_RUNTIME, else gVisor. */
  runtime?: RuntimeName;
  captureBytes?: number;
  maxTraceBytes?: number;
  /** How long processes still running after a phase's command are watched (default DEFAULT_DWELL_MS); within the phase's limit. */
  dwellMs?: number;
  /**
   * Bound on what the run may write to the host's disk (each container's writable layer, past what the host
   * put there): reached, the sandbox is stopped and the run reports a `disk.limit-reached` evidence gap.
   * Default: AIRLOCK_DISK_LIMIT_BYTES, else 2 GiB (disk-bound.ts).
   */
  maxDiskBytes?: number;
  signal?: AbortSignal;
  /**
   * A service worker's id (its heartbeat lives in Redis): the containers carry it as WORKER_LABEL, and
   * `reapDeadWorkers` removes them once the heartbeat is gone. Without it (the CLI) the owner is host:pid.
   */
  workerId?: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Told as the run reaches each step (start, each phase, collect): a progress display, nothing more. */
  onProgress?: OnProgress;
  /**
   * Told as each phase's syscall record is taken (copied out, final): the caller can parse it while the
   * next phase and the collect run instead of after the run.
   */
  onRecordTaken?: (phase: PhaseName, file: TraceFile) => void;
  /** `ci` imitates a CI job (see ciProfileEnv); default: a developer's shell. */
  profile?: { name: 'developer' | 'ci'; reason: string | null };
  /** The time view: the clock moved forward per phase and sped up (clock-shift.ts); default: the real clock. */
  clock?: ClockShift;
  /** The call view: after the import, the runner calls what the package exports (runner/lib/call-exports.cjs). */
  calls?: boolean;
  /**
   * The call view as a stage of this run: after the import phase completed, when `wanted` says so from its
   * result, the call-argument token is planted and the runner imports the package again and calls what it
   * exports, in the same container. The stage comes back as `callsStage`: a run of its own (its record, status
   * and import result in `artifactsDir`) whose install is this run's and whose network and file changes are
   * the whole run's; this run's own evidence stops where the stage starts. It saves the call view a sandbox
   * start, an install and a teardown. A stage that could not start (container gone, the plant failed) is
   * absent: the caller may still make the call view a run of its own.
   */
  callsStage?: { artifactsDir: string; wanted: (importResult: unknown) => boolean };
  /** A platform view: package code is shown Windows (`win32`) or macOS (`darwin`); default: Linux as it is. */
  platform?: FakePlatform;
  /** The machine this run pretends to be; default: a fresh one (machine-identity.ts). */
  identity?: MachineIdentity;
  /**
   * File changes are read from the container's layer on the host (layer-changes.ts); with this (or
   * AIRLOCK_FS_DIFF_CHECK=1) `docker diff` is asked too, differences are logged and its list is used.
   */
  fsDiffCrossCheck?: boolean;
  /**
   * Take the sandbox pair from this warm pool (warm-pool.ts) instead of making it now; a run with its own
   * limits or identity makes its own. The pair's containers carry the pool's label id, not `analysisId`.
   */
  pool?: WarmPool;
  /**
   * Remove the containers in the background after the run's evidence is taken (teardown.ts): the caller
   * scores and stores meanwhile, and awaits `settleTeardowns()` before it exits. Default: removed before
   * `runSandbox` returns. A process killed meanwhile leaves them to the orphan reaper (their owner label).
   */
  deferTeardown?: boolean;
}

/** One phase's raw syscall record on the host, with its format. */
export interface TraceFile {
  path: string;
  bytes: number;
  truncated: boolean;
  format: SandboxRuntime['recordFormat'];
}

export interface SandboxRun {
  settings: SandboxSettings;
  phases: PhaseResult[];
  /** Host paths of the raw syscall record, per phase that produced one, with its format. */
  traceFiles: Partial<Record<PhaseName, TraceFile>>;
  /** What the host saw of tampering: runner outputs replaced, unexpected files in the runner's folder. */
  tampering: TamperingRecord[];
  /** Evidence the sandbox could not keep in full (the fake internet failed or dropped, the disk bound was reached), counted. */
  evidenceGaps: EvidenceGap[];
  importResult: unknown;
  fsDiff: FsChange[];
  /** The first bytes of each file left in a persistence place or a repository's git hooks. */
  persistenceFiles: PersistenceFileRead[];
  /** What the fake internet recorded; null when the run ended before it could be collected. */
  network: NetworkLog | null;
  /** The credentials planted for this run (files and environment), for the honeytoken search. */
  honeytokens: Honeytoken[];
  /** The machine the run pretended to be (hostname, platform-view user): values a beacon may carry out. */
  identity: MachineIdentity;
  timings: RunTimings;
  /** The call view's stage of this run (`SandboxRunOptions.callsStage`), when it ran. */
  callsStage?: SandboxRun;
}

/**
 * One analysis: a fresh hardened container, the package copied in read-only, each phase run under
 * strace by the in-image runner, the outputs and filesystem diff collected, and the container removed
 * whatever happens (timeout, error, abort).
 */
export async function runSandbox(options: SandboxRunOptions): Promise<SandboxRun> {
  const { docker, archive, signal } = options;
  const log = options.log ?? (() => {});
  const progress = options.onProgress ?? (() => {});
  progress({ step: 'start' });
  const started = Date.now();
  const timeouts = { ...DEFAULT_TIMEOUTS_MS, ...options.timeoutsMs };
  const dwellMs = options.dwellMs ?? DEFAULT_DWELL_MS;
  const profile = options.profile ?? { name: 'developer', reason: null };
  const maxDiskBytes = diskLimitBytes(options.maxDiskBytes); // a bad AIRLOCK_DISK_LIMIT_BYTES fails before anything starts
  const runtime = await resolveRuntime(docker, options.runtime ?? runtimeFromSetting(process.env.AIRLOCK_RUNTIME));
  const reaped = await reapOrphans(docker, SANDBOX_LABEL).catch(() => 0);
  if (reaped) log('removed containers of dead runs', { reaped });
  // Housekeeping, off the start path: log folders of containers that are gone (it never throws).
  if (runtime.name === 'gvisor') void removeStaleLogs(docker, log);
  // A warm pair (made ahead, with the default limits and a fresh identity) unless this run asks for its own.
  const pooled = options.pool && !options.limits && !options.identity ? await options.pool.claim(runtime.name) : null;
  if (signal?.aborted) {
    if (pooled) await removeSandboxPair(pooled, log); // claimed: no longer the pool's to remove
    signal.throwIfAborted();
  }
  const pair =
    pooled ??
    (await makeSandboxPair({
      docker,
      runtime,
      image: await resolveImage(docker, NPM_IMAGE),
      fakeInternetImage: await resolveImage(docker, FAKE_INTERNET_IMAGE),
      labelId: options.analysisId,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
      ...(options.workerId ? { workerId: options.workerId } : {}),
    }));
  if (pooled) log('sandbox pair from the warm pool', { pair: pooled.labelId, ageMs: Date.now() - pooled.madeAt });
  const { owner, container, hostConfig, image, fakeInternetImage, identity, trusted, honeytokens } = pair;
  const login = profile.name !== 'ci';
  const view = options.platform
    ? platformFiles(
        options.platform,
        identity,
        login,
        (archive.pythonDeps ?? []).map((w) => wheelDistribution(w.fileName)),
      )
    : login
      ? loginFiles(identity)
      : null;
  const profileEnv = [
    ...(profile.name === 'ci' ? ciProfileEnv() : []),
    ...(options.platform ? platformEnv(options.platform, identity) : []),
  ];
  const kill = () =>
    container.kill({ signal: 'SIGKILL' }).then(
      () => undefined,
      () => undefined,
    );
  let network: NetworkLog | null;
  const onAbort = () => void kill();
  signal?.addEventListener('abort', onAbort, { once: true });

  const timings: RunTimings = { containerStartMs: 0, phasesMs: {}, collectMs: 0, teardownMs: 0, totalMs: 0 };
  const outcomes = new Map<PhaseName, { startedAt: string; outcome: ExecOutcome }>();
  const statuses = new Map<PhaseName, string | null>();
  const records = new Map<PhaseName, PhaseRecord>();
  const traceFiles: SandboxRun['traceFiles'] = {};
  /** Runner outputs replaced, per phase (the unexpected files of the runner's folder come from the file changes). */
  const replaced: TamperingRecord[] = [];
  const evidenceGaps: EvidenceGap[] = [];
  const maxRecordBytes = options.maxTraceBytes ?? DEFAULT_MAX_TRACE_BYTES;
  const record = runtime.name === 'gvisor' ? GvisorRecord.forContainer(container.id) : null;
  let disk: DiskWatch | null = null;
  /** The phase the package was running (or last ran) when the disk bound was reached. */
  let diskPhase: PhaseName = 'install';
  let recordUsed = 0;
  let importJson: string | null = null;
  let fsDiff: FsChange[];
  let persistenceFiles: PersistenceFileRead[];
  let tampering: TamperingRecord[];
  let stage: CallsStage | null = null;
  const exec = (phase: PhaseName, step: 'prepare' | 'run', deadlineMs: number) =>
    execInContainer(container, {
      cmd: [
        '/opt/airlock/bin/airlock-phase',
        phase,
        String(Math.ceil(timeouts[phase] / 1000)),
        archive.identity.name,
        archive.identity.ecosystem,
        archive.fileName,
      ],
      user: SANDBOX_USER.name,
      env: [
        ...phaseEnv(),
        ...profileEnv,
        ...Object.entries(honeytokens.env).map(([k, v]) => `${k}=${v}`),
        `AIRLOCK_STEP=${step}`,
        `AIRLOCK_TRACER=${runtime.runnerTracer}`,
        `AIRLOCK_GRACE_MS=${dwellMs}`,
      ],
      workingDir: `${SANDBOX_USER.home}/projects/app`,
      deadlineMs,
      onDeadline: kill,
      captureBytes: options.captureBytes ?? DEFAULT_CAPTURE_BYTES,
    });
  /**
   * One phase's command under the record (after its set-up, if any), then its evidence taken by exact path
   * into `artifactsDir`, so that a later phase cannot rewrite it. STOPPED: the container was gone before it ran.
   */
  const runPhase = async (
    phase: PhaseName,
    artifactsDir: string,
    prepared: ExecOutcome | null,
    onTaken?: (file: TraceFile) => void,
  ): Promise<PhaseTaken | typeof STOPPED> => {
    const limitMs = timeouts[phase];
    const t0 = Date.now();
    let sweptAway = false;
    const from = record ? await record.size() : 0;
    const cap = watchRecordCap(record, from, maxRecordBytes - recordUsed, () => {
      log('syscall record cap reached; stopping the sandbox', { phase, maxRecordBytes });
      void kill();
    });
    const ran =
      !prepared || prepared.exitCode === 0 ? await unlessStopped(container, () => exec(phase, 'run', limitMs + HOST_MARGIN_MS)) : prepared;
    if (ran === STOPPED) {
      cap.stop();
      return STOPPED;
    }
    const outcome = ran;
    const diskReached = () => Boolean(disk?.reached);
    if (outcome.exitCode !== 0 && !outcome.hitDeadline && !cap.reached && !diskReached()) {
      // The runner did not end normally (the package may have killed it): what it started still gets the
      // dwell a runner would have given it, within the phase's limit, then nothing is left running.
      await delay(Math.min(dwellMs, Math.max(0, limitMs - (Date.now() - t0))), undefined, signal ? { signal } : undefined);
      if (!cap.reached && !diskReached() && (await sweep(container, log)) === 'stopped') sweptAway = true;
    }
    cap.stop();
    const ms = Date.now() - t0;
    log('phase ended', { phase, ms, exitCode: outcome.exitCode, hostDeadline: outcome.hitDeadline });
    const outputsReplaced: TamperingRecord[] = [];
    // The record, the runner's status and the import's result are independent reads: one round trip's wait.
    const [taken, status, importJson] = await Promise.all([
      takePhaseRecord(container, phase, runtime, record, from, maxRecordBytes - recordUsed, artifactsDir),
      collectRunnerFile(container, `${phase}.status.json`, { artifactsDir, maxBytes: 64 * 1024, stream: false }),
      phase === 'import' ? collectRunnerJson(container, 'import.result.json', artifactsDir) : null,
    ]);
    let traceFile: TraceFile | null = null;
    if (taken) {
      recordUsed += Math.min(taken.bytes, maxRecordBytes);
      traceFile = { path: taken.path, bytes: taken.bytes, truncated: taken.truncated || cap.reached, format: runtime.recordFormat };
      onTaken?.(traceFile);
      if (taken.replaced) outputsReplaced.push(replacedOutput(phase, `${phase}.strace`));
    }
    const phaseRecord: PhaseRecord = {
      bytes: taken?.bytes ?? 0,
      truncated: (taken?.truncated ?? false) || cap.reached,
      issue: cap.reached
        ? `the syscall record reached its cap of ${maxRecordBytes} bytes; the sandbox was stopped`
        : taken?.truncated
          ? `the syscall record was cut at ${maxRecordBytes} bytes`
          : null,
    };
    if (status?.notAFile) outputsReplaced.push(replacedOutput(phase, `${phase}.status.json`));
    return {
      entry: { startedAt: new Date(t0).toISOString(), outcome },
      ms,
      traceFile,
      record: phaseRecord,
      status: status && !status.notAFile && !status.truncated ? status.text : null,
      importJson,
      replaced: outputsReplaced,
      gaps: sweptAway ? [sandboxStoppedGap(phase, 'sweep-hung')] : [],
      // The container is gone: later phases cannot run.
      ended: outcome.hitDeadline || cap.reached || diskReached() || sweptAway,
    };
  };
  /** The file changes read from the layer (the whole run's so far), and the persistence files they name. */
  const collectFiles = async () => {
    const crossCheck = options.fsDiffCrossCheck ?? process.env.AIRLOCK_FS_DIFF_CHECK === '1';
    const { changes, source } = await containerChanges(container, { crossCheck, log });
    if (source === 'docker-diff' && !crossCheck) log('file changes from docker diff: the container layer is not readable here');
    const diff = toFsChanges(
      changes,
      new Set([...plantedPaths(honeytokens), ...trusted, ...(options.clock ? CLOCK_FILES : []), ...(view?.paths ?? [])]),
    );
    const persisted = await readPersistenceFiles(container, diff);
    return { fsDiff: diff, unexpected: unexpectedRunnerFiles(changes, runtime, view?.paths), persisted };
  };
  /** The token the call view's arguments carry (planted at the start for the call view, or by its stage). */
  const callToken = honeytokens.tokens.find((t) => t.kind === 'call-argument');
  try {
    // The call view: the runner calls the package's exports, with this run's call-argument token as arguments.
    const calls = options.calls && callToken ? [{ path: 'calls.json', body: callsFile(callToken) }] : [];
    // Everything the run puts in before the start, in one archive (one engine round trip).
    await container.putArchive(
      joinTars([
        inputTar([...inputFiles(archive), ...calls]),
        honeytokenTar(honeytokens),
        ...(options.clock ? [clockTar(options.clock, PHASES[0])] : []),
        ...(view ? [view.root, ...(view.user ? [view.user] : [])] : []),
      ]),
      { path: '/' },
    );
    await container.start();
    await record?.settle(100, 2000, BOOT_DONE);
    timings.containerStartMs = Date.now() - started;
    // The bound counts what was written after this point, in the sandbox and in the fake internet's log.
    disk = watchDiskBound(
      [
        { name: 'sandbox', container, baselineBytes: await writableBytes(container) },
        { name: 'fake-internet', container: owner.container, baselineBytes: await writableBytes(owner.container) },
      ],
      maxDiskBytes,
      (reached) => {
        log('disk bound reached; stopping the sandbox', { phase: diskPhase, ...reached, maxDiskBytes });
        void kill();
      },
    );
    const diskWatch = disk;
    log('sandbox started', { container: container.id.slice(0, 12), runtime: runtime.name, ms: timings.containerStartMs });

    /** Every phase ran and the container is still there (a stage may follow). */
    let completed = false;
    for (const phase of PHASES) {
      signal?.throwIfAborted();
      if (diskWatch.reached) break; // reached between phases: the container is gone
      diskPhase = phase;
      progress({ step: phase });
      // What the last phase left running was killed; under gVisor its processes may still be dying.
      const before = PHASES[PHASES.indexOf(phase) - 1];
      if (before && lingering(statuses.get(before))) {
        if ((await sweep(container, log)) === 'stopped') {
          evidenceGaps.push(sandboxStoppedGap(before, 'sweep-hung'));
          break; // the container is gone; this phase and later ones cannot run
        }
      }
      const clockSet =
        options.clock && phase !== PHASES[0]
          ? await unlessStopped(container, () => setPhaseClock(container, options.clock!, phase, kill))
          : null;
      // Set-up (seeding npm's cache) runs before the record of the phase starts: it is not the package.
      // Only a registry tree's install has set-up (seeding npm's cache); each exec costs ~0.4 s under gVisor.
      const needsPrepare = phase === 'install' && archive.tree !== undefined && archive.identity.ecosystem === 'npm';
      const prepared =
        needsPrepare && clockSet !== STOPPED ? await unlessStopped(container, () => exec(phase, 'prepare', PREPARE_DEADLINE_MS)) : null;
      const taken =
        clockSet === STOPPED || prepared === STOPPED
          ? STOPPED
          : await runPhase(phase, options.artifactsDir, prepared, (file) => {
              traceFiles[phase] = file;
              options.onRecordTaken?.(phase, file);
            });
      if (taken === STOPPED) {
        evidenceGaps.push(sandboxStoppedGap(phase, 'exec-refused'));
        break;
      }
      timings.phasesMs[phase] = taken.ms;
      outcomes.set(phase, taken.entry);
      records.set(phase, taken.record);
      statuses.set(phase, taken.status);
      replaced.push(...taken.replaced);
      evidenceGaps.push(...taken.gaps);
      if (phase === 'import') importJson = taken.importJson;
      if (taken.ended) break; // the container is gone; later phases cannot run
      completed = phase === PHASES.at(-1);
    }
    signal?.throwIfAborted();

    progress({ step: 'collect' });
    const t1 = Date.now();
    const stageWanted =
      completed &&
      options.callsStage !== undefined &&
      !diskWatch.reached &&
      options.callsStage.wanted(importJson ? safeJson(importJson) : null);
    // The disk stays watched while a stage runs. The network log is read once, at the end (reading it stops
    // the fake internet): now, unless a stage follows.
    if (!stageWanted) await diskWatch.stop();
    const networkCollected = stageWanted ? null : owner.collect(options.artifactsDir);
    networkCollected?.catch(() => undefined); // awaited below
    const phaseGaps = [...evidenceGaps];
    const files = await collectFiles();
    fsDiff = files.fsDiff;
    persistenceFiles = files.persisted.files;
    tampering = [...replaced, ...files.unexpected];
    evidenceGaps.push(...files.persisted.gaps);
    timings.collectMs = Date.now() - t1;
    if (stageWanted) {
      stage = await runCallsStage(options.callsStage!.artifactsDir, phaseGaps);
      await diskWatch.stop();
    }
    if (diskWatch.reached) {
      // Reached in the stage: the stage's evidence is cut, this run's was taken before.
      if (stage) stage.gaps.push(diskGap('import', diskWatch.reached, maxDiskBytes));
      else evidenceGaps.push(diskGap(diskPhase, diskWatch.reached, maxDiskBytes));
    }
    const whole = await (networkCollected ?? owner.collect(options.artifactsDir));
    // This run's evidence stops where the stage started; the stage's is the whole run's.
    network = stage ? networkBefore(whole, stage.startedAt) : whole;
    evidenceGaps.push(...network.gaps);
    if (stage) {
      stage.network = whole;
      stage.gaps.push(...whole.gaps);
      timings.collectMs += Date.now() - stage.endedAt;
    }
  } catch (err) {
    if (signal?.aborted) throw new AirlockError('ABORTED', 'analysis aborted; the sandbox container was removed', { cause: err });
    if (err instanceof AirlockError) throw err;
    throw new AirlockError('SANDBOX_FAILED', `sandbox run failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await disk?.stop();
    signal?.removeEventListener('abort', onAbort);
    const t2 = Date.now();
    const teardown = async () => {
      await Promise.all([
        container.remove({ force: true, v: true }).catch((err: Error) => log('container removal failed', { error: err.message })),
        owner.container.remove({ force: true, v: true }).catch((err: Error) => log('container removal failed', { error: err.message })),
      ]);
      await record?.remove().catch((err: Error) => log('gVisor log removal failed', { error: err.message }));
    };
    if (options.deferTeardown) inBackground(teardown);
    else await teardown();
    timings.teardownMs = Date.now() - t2;
    timings.totalMs = Date.now() - started;
  }

  /**
   * The call view's stage (see `SandboxRunOptions.callsStage`): what the import left running swept, the
   * call-argument token planted by root where the runner reads it, the import phase's command once more
   * under the record, then the whole run's file changes. Null when it could not start: nothing of it ran.
   */
  async function runCallsStage(artifactsDir: string, phaseGaps: EvidenceGap[]): Promise<CallsStage | null> {
    if (!callToken) return null;
    // Nothing of the import may still run when the stage's own record starts.
    if (lingering(statuses.get('import')) && (await sweep(container, log)) !== 'clean') return null;
    const planted = await unlessStopped(container, () =>
      execInContainer(container, {
        // Written by root into the root-owned input folder: the package's user can read it, not change it.
        cmd: ['/bin/sh', '-c', 'printf %s "$AIRLOCK_CALLS" > /airlock/input/calls.json && chmod 0444 /airlock/input/calls.json'],
        user: 'root',
        env: [`AIRLOCK_CALLS=${callsFile(callToken).toString()}`],
        workingDir: '/',
        deadlineMs: 20_000,
        onDeadline: kill,
        captureBytes: 4096,
      }),
    );
    if (planted === STOPPED || planted.exitCode !== 0) {
      log('the call stage could not start', { exitCode: planted === STOPPED ? null : planted.exitCode });
      return null;
    }
    const startedAt = Date.now();
    progress({ step: 'import' });
    const taken = await runPhase('import', artifactsDir, null);
    if (taken === STOPPED) return null;
    const files = await collectFiles();
    return {
      startedAt,
      endedAt: Date.now(),
      taken,
      fsDiff: files.fsDiff,
      persistenceFiles: files.persisted.files,
      tampering: [...replaced, ...taken.replaced, ...files.unexpected],
      gaps: [...phaseGaps, ...taken.gaps, ...files.persisted.gaps],
      network: null,
    };
  }

  const endedAt = new Date(started + timings.totalMs).toISOString();
  const phases: PhaseResult[] = PHASES.map((name) => {
    const entry = outcomes.get(name);
    const status = parsePhaseStatus(statuses.get(name) ?? undefined);
    return toPhaseResult(
      name,
      timeouts[name],
      entry,
      status,
      records.get(name) ?? { bytes: 0, truncated: false, issue: null },
      endedAt,
      disk?.reached && name === diskPhase && !stage ? diskStopMessage(disk.reached.layer, maxDiskBytes) : null,
    );
  });
  const settings = describeSettings(
    hostConfig,
    image,
    fakeInternetImage,
    {
      name: profile.name,
      reason: profile.reason,
      env: profileEnv.map((e) => e.slice(0, e.indexOf('='))),
      platform: options.platform ?? 'linux',
      ...(options.platform ? { platformUser: identity.user } : {}),
    },
    runtime.tracer,
    dwellMs,
    identity.hostname,
    options.clock,
  );
  const run: SandboxRun = {
    settings,
    identity,
    network,
    honeytokens: honeytokens.tokens,
    phases,
    traceFiles,
    tampering,
    evidenceGaps,
    importResult: importJson ? safeJson(importJson) : null,
    fsDiff,
    persistenceFiles,
    timings,
  };
  if (!stage) return run;
  const { taken } = stage;
  const stagePhase = toPhaseResult(
    'import',
    timeouts.import,
    taken.entry,
    parsePhaseStatus(taken.status ?? undefined),
    taken.record,
    endedAt,
    disk?.reached ? diskStopMessage(disk.reached.layer, maxDiskBytes) : null,
  );
  return {
    ...run,
    callsStage: {
      ...run,
      network: stage.network,
      phases: phases.map((p) => (p.name === 'import' ? stagePhase : p)),
      traceFiles: {
        ...(traceFiles.install ? { install: traceFiles.install } : {}),
        ...(taken.traceFile ? { import: taken.traceFile } : {}),
      },
      tampering: stage.tampering,
      evidenceGaps: stage.gaps,
      importResult: taken.importJson ? safeJson(taken.importJson) : null,
      fsDiff: stage.fsDiff,
      persistenceFiles: stage.persistenceFiles,
      timings: {
        containerStartMs: 0,
        phasesMs: { import: taken.ms },
        collectMs: stage.endedAt - stage.startedAt - taken.ms,
        teardownMs: 0,
        totalMs: stage.endedAt - stage.startedAt,
      },
    },
  };
}

/** One phase's command and the evidence taken right after it (`runPhase` in runSandbox). */
interface PhaseTaken {
  entry: { startedAt: string; outcome: ExecOutcome };
  ms: number;
  traceFile: TraceFile | null;
  record: PhaseRecord;
  /** The runner's status text, when it was a regular file within its cap. */
  status: string | null;
  importJson: string | null;
  replaced: TamperingRecord[];
  gaps: EvidenceGap[];
  ended: boolean;
}

/** What the call view's stage took (its network is the whole run's log, read after it). */
interface CallsStage {
  /** Host clock (ms) when the stage's command started, and when its evidence was taken. */
  startedAt: number;
  endedAt: number;
  taken: PhaseTaken;
  fsDiff: FsChange[];
  persistenceFiles: PersistenceFileRead[];
  tampering: TamperingRecord[];
  gaps: EvidenceGap[];
  network: NetworkLog | null;
}

/** The runner's call instructions: the call-argument token its arguments carry. */
function callsFile(token: Honeytoken): Buffer {
  return Buffer.from(JSON.stringify({ token: token.value }));
}

/** The runner's status says processes were still running when the phase ended. */
function lingering(status: string | null | undefined): boolean {
  return (parsePhaseStatus(status ?? undefined)?.lingeringProcesses ?? 0) > 0;
}

function diskStopMessage(layer: string, limit: number): string {
  return `disk limit reached: the ${layer === 'sandbox' ? 'sandbox' : `${layer} log`} grew past the bound of ${limit} bytes; the host stopped the sandbox`;
}

/** The disk bound reached: what was written after it (and every later phase) was not seen. */
function diskGap(phase: PhaseName, reached: { layer: string; bytes: number }, limit: number): EvidenceGap {
  return {
    source: 'disk',
    kind: 'disk.limit-reached',
    phase,
    message:
      `${diskStopMessage(reached.layer, limit)} (${reached.bytes} bytes written when seen); ` +
      'what the package would have done next, in this phase and later ones, was not seen',
    dropped: null,
    limit,
    hidesBehaviour: true,
  };
}

/**
 * What a GitHub Actions job adds to the environment: packages that act only in CI (to steal CI secrets,
 * or to stay quiet on developer machines and in sandboxes) look for these. The planted GITHUB_TOKEN
 * and NPM_TOKEN are there in both profiles.
 */
export function ciProfileEnv(): string[] {
  const run = String(1_000_000_000 + Math.floor(Math.random() * 9_000_000_000));
  return [
    'CI=true',
    'GITHUB_ACTIONS=true',
    'GITHUB_WORKFLOW=release',
    'GITHUB_REPOSITORY=jordan-ellis/app',
    `GITHUB_RUN_ID=${run}`,
    'GITHUB_REF=refs/heads/main',
    'GITHUB_EVENT_NAME=push',
    'GITHUB_WORKSPACE=/home/jordan/projects/app',
    'RUNNER_OS=Linux',
    'RUNNER_NAME=GitHub Actions 12',
  ];
}

/** The environment a developer's shell would give the phase. */
function phaseEnv(): string[] {
  const home = SANDBOX_USER.home;
  return [
    `HOME=${home}`,
    `USER=${SANDBOX_USER.name}`,
    `LOGNAME=${SANDBOX_USER.name}`,
    'SHELL=/bin/bash',
    `PATH=${home}/.local/bin:/usr/local/bin:/usr/bin:/bin`,
    'LANG=en_US.UTF-8',
    'TERM=xterm-256color',
    'npm_config_update_notifier=false',
    // Node keeps its own CA list; the run's proxy root (sandbox-ca.ts) is added as a managed machine does.
    `NODE_EXTRA_CA_CERTS=${SANDBOX_CA_FILE}`,
  ];
}

/** What goes into /airlock/input: the archive, for a registry package its project and tree, for a Python one its dependency wheels. */
function inputFiles(archive: PreparedArchive): { path: string; body: Buffer }[] {
  const files = [{ path: archive.fileName, body: archive.tgz }];
  if (archive.tree) {
    files.push({ path: 'project/package.json', body: Buffer.from(archive.tree.manifest) });
    files.push({ path: 'project/package-lock.json', body: Buffer.from(archive.tree.lockfile) });
    for (const t of archive.tree.tarballs) files.push({ path: `deps/${t.fileName}`, body: t.tgz });
  }
  for (const w of archive.pythonDeps ?? []) files.push({ path: `deps/${w.fileName}`, body: w.bytes });
  return files;
}

/** Where the runner finds its input (the image makes the folder). */
const INPUT_DIR = 'airlock/input';

/**
 * A tar (extracted at `/`) of files under INPUT_DIR owned by root and read-only (folders 0555), so the
 * analysed code cannot alter its input. INPUT_DIR itself is 0755, root's: root holds no capability in the
 * sandbox, and the call stage's file is added there by root later in the run.
 */
function inputTar(files: { path: string; body: Buffer }[]): Buffer {
  const dirs = new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/')).filter(Boolean));
  return buildTar(
    [
      { path: INPUT_DIR, type: 'Directory' as const, mode: 0o755 },
      ...[...dirs].sort().map((path) => ({ path: `${INPUT_DIR}/${path}`, type: 'Directory' as const, mode: 0o555 })),
      ...files.map((f) => ({ path: `${INPUT_DIR}/${f.path}`, type: 'File' as const, mode: 0o444, body: f.body })),
    ],
    { uid: 0, gid: 0, mtime: new Date() },
  );
}

/** Paths the sandbox itself writes: the runner's input and output folders, the engine's init binary, Docker's marker it removes. */
const INFRASTRUCTURE = /^(\/airlock(\/|$)|\/usr\/sbin\/docker-init$|\/\.dockerenv$)/;
const KINDS = ['modified', 'added', 'deleted'] as const;

/**
 * `docker diff` entries, minus the sandbox's own infrastructure and planted honeytoken files, and the
 * parent folders that show as modified only because those were added below them. (A change the
 * package makes to a planted file shows in the trace, not here.)
 */
export function toFsChanges(changes: { Path: string; Kind: number }[], planted: Set<string> = new Set()): FsChange[] {
  const isInfra = (path: string) => INFRASTRUCTURE.test(path) || planted.has(path);
  const infra = changes.filter((c) => isInfra(c.Path)).map((c) => c.Path);
  const isAncestor = (dir: string, path: string) => path.startsWith(dir === '/' ? '/' : `${dir}/`);
  const nonInfra = changes.filter((c) => !isInfra(c.Path));
  const onlyAboveInfra = (c: { Path: string; Kind: number }) => c.Kind === 0 && infra.some((p) => isAncestor(c.Path, p));
  const real = nonInfra.filter((c) => !onlyAboveInfra(c));
  return nonInfra
    .filter((c) => !onlyAboveInfra(c) || real.some((r) => isAncestor(c.Path, r.Path)))
    .map((c) => ({ path: c.Path, kind: KINDS[c.Kind] ?? 'modified' }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsed: text.slice(0, 2000) };
  }
}
