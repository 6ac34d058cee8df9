import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { buildTar } from './tar-builder.js';
import {
  AirlockError,
  PHASES,
  type FsChange,
  type PhaseName,
  type PhaseResult,
  type RunTimings,
  type SandboxSettings,
} from '@airlock/core';
import { collectOutputs, type CollectedOutputs } from './collect.js';
import { execInContainer, type ExecOutcome } from './exec.js';
import { DEFAULT_LIMITS, SANDBOX_USER, describeSettings, sandboxHostConfig, type SandboxLimits } from './hardening.js';
import { FAKE_INTERNET_IMAGE, NPM_IMAGE, resolveImage } from './images/ensure-images.js';
import { startNetworkOwner, type NetworkLog, type NetworkOwner } from './network-owner.js';
import type { PreparedArchive } from './input-archive.js';
import { parsePhaseStatus, toPhaseResult } from './phase-status.js';
import { reapOrphans, removeContainers } from './reap-orphans.js';
import { freshHoneytokens, honeytokenTar, plantedPaths } from './plant-honeytokens.js';
import { readSandboxCa, sandboxCaPaths, SANDBOX_CA_FILE, trustSandboxCa } from './sandbox-ca.js';
import type { Honeytoken, HoneytokenPlan } from '@airlock/honeytokens';

export const DEFAULT_TIMEOUTS_MS: Record<PhaseName, number> = { install: 120_000, import: 30_000 };
/** Extra time the host gives the in-container runner to end a phase before it kills the container. */
const HOST_MARGIN_MS = 15_000;
const DEFAULT_CAPTURE_BYTES = 256 * 1024;
const DEFAULT_MAX_TRACE_BYTES = 2 * 1024 ** 3;
export const SANDBOX_LABEL = 'airlock.sandbox';

export interface SandboxRunOptions {
  docker: Docker;
  analysisId: string;
  archive: PreparedArchive;
  /** Host folder that receives the raw traces. */
  artifactsDir: string;
  timeoutsMs?: Partial<Record<PhaseName, number>>;
  limits?: SandboxLimits;
  /** Container runtime (e.g. `runsc`); the engine's default when unset. */
  runtime?: string;
  captureBytes?: number;
  maxTraceBytes?: number;
  signal?: AbortSignal;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** `ci` imitates a CI job (see ciProfileEnv); default: a developer's shell. */
  profile?: { name: 'developer' | 'ci'; reason: string | null };
}

export interface SandboxRun {
  settings: SandboxSettings;
  phases: PhaseResult[];
  /** Host paths of the raw strace output, per phase that produced one. */
  traceFiles: Partial<Record<PhaseName, { path: string; bytes: number; truncated: boolean }>>;
  importResult: unknown;
  fsDiff: FsChange[];
  /** What the fake internet recorded; null when the run ended before it could be collected. */
  network: NetworkLog | null;
  /** The credentials planted for this run (files and environment), for the honeytoken search. */
  honeytokens: Honeytoken[];
  timings: RunTimings;
}

/**
 * One analysis: a fresh hardened container, the package copied in read-only, each phase run under
 * strace by the in-image runner, the outputs and filesystem diff collected, and the container removed
 * whatever happens (timeout, error, abort).
 */
export async function runSandbox(options: SandboxRunOptions): Promise<SandboxRun> {
  const { docker, archive, signal } = options;
  const log = options.log ?? (() => {});
  const started = Date.now();
  const timeouts = { ...DEFAULT_TIMEOUTS_MS, ...options.timeoutsMs };
  const profile = options.profile ?? { name: 'developer', reason: null };
  const profileEnv = profile.name === 'ci' ? ciProfileEnv() : [];
  const planning = freshHoneytokens();
  planning.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  const reaped = await reapOrphans(docker, SANDBOX_LABEL).catch(() => 0);
  if (reaped) log('removed containers of dead runs', { reaped });
  const image = await resolveImage(docker, NPM_IMAGE);
  const fakeInternetImage = await resolveImage(docker, FAKE_INTERNET_IMAGE);
  signal?.throwIfAborted();
  const labels = {
    [SANDBOX_LABEL]: '1',
    'airlock.analysis': options.analysisId,
    'airlock.owner': `${hostname()}:${process.pid}`,
  };
  let owner: NetworkOwner;
  try {
    owner = await startNetworkOwner(docker, fakeInternetImage.ref, labels);
  } catch (err) {
    await removeContainers(docker, `airlock.analysis=${options.analysisId}`);
    throw new AirlockError('SANDBOX_FAILED', `cannot start the fake internet: ${(err as Error).message}`, { cause: err });
  }
  const hostConfig = sandboxHostConfig(options.limits ?? DEFAULT_LIMITS, options.runtime, `container:${owner.container.id}`);

  const container = await docker
    .createContainer({
      Image: image.ref,
      // PID 1 (tini) and its sleep run as root *without capabilities*: the analysis user cannot signal
      // them, so the runner's kill-everything sweep at the end of a phase leaves the container up.
      Cmd: ['sleep', 'infinity'],
      // The hostname comes from the namespace owner (the fake internet), set to SANDBOX_HOSTNAME there.
      User: '0:0',
      StopTimeout: 1,
      Labels: labels,
      HostConfig: hostConfig,
    })
    .catch(async (err: Error) => {
      await removeContainers(docker, `airlock.analysis=${options.analysisId}`);
      throw new AirlockError('SANDBOX_FAILED', `cannot create the sandbox container: ${err.message}`, { cause: err });
    });
  let honeytokens: HoneytokenPlan;
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
  let collected: CollectedOutputs | null = null;
  let fsDiff: FsChange[];
  let trusted: string[];
  try {
    honeytokens = await planning;
    await container.putArchive(inputTar(inputFiles(archive)), { path: '/airlock/input' });
    await container.putArchive(honeytokenTar(honeytokens), { path: '/' });
    await owner.ready;
    const ca = await readSandboxCa(owner.container);
    await trustSandboxCa(container, image.id, ca);
    trusted = sandboxCaPaths(ca);
    await container.start();
    timings.containerStartMs = Date.now() - started;
    log('sandbox started', { container: container.id.slice(0, 12), ms: timings.containerStartMs });

    for (const phase of PHASES) {
      signal?.throwIfAborted();
      const limitMs = timeouts[phase];
      const t0 = Date.now();
      const outcome = await execInContainer(container, {
        cmd: [
          '/opt/airlock/bin/airlock-phase',
          phase,
          String(Math.ceil(limitMs / 1000)),
          archive.identity.name,
          archive.identity.ecosystem,
          archive.fileName,
        ],
        user: SANDBOX_USER.name,
        env: [...phaseEnv(), ...profileEnv, ...Object.entries(honeytokens.env).map(([k, v]) => `${k}=${v}`)],
        workingDir: `${SANDBOX_USER.home}/projects/app`,
        deadlineMs: limitMs + HOST_MARGIN_MS,
        onDeadline: kill,
        captureBytes: options.captureBytes ?? DEFAULT_CAPTURE_BYTES,
      });
      timings.phasesMs[phase] = Date.now() - t0;
      outcomes.set(phase, { startedAt: new Date(t0).toISOString(), outcome });
      log('phase ended', { phase, ms: timings.phasesMs[phase], exitCode: outcome.exitCode, hostDeadline: outcome.hitDeadline });
      if (outcome.hitDeadline) break; // the container is gone; later phases cannot run
    }
    signal?.throwIfAborted();

    const t1 = Date.now();
    collected = await collectOutputs(container, options.artifactsDir, options.maxTraceBytes ?? DEFAULT_MAX_TRACE_BYTES);
    fsDiff = toFsChanges((await container.changes()) ?? [], new Set([...plantedPaths(honeytokens), ...trusted]));
    network = await owner.collect(options.artifactsDir, options.maxTraceBytes ?? DEFAULT_MAX_TRACE_BYTES);
    timings.collectMs = Date.now() - t1;
  } catch (err) {
    if (signal?.aborted) throw new AirlockError('ABORTED', 'analysis aborted; the sandbox container was removed', { cause: err });
    if (err instanceof AirlockError) throw err;
    throw new AirlockError('SANDBOX_FAILED', `sandbox run failed: ${(err as Error).message}`, { cause: err });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    const t2 = Date.now();
    await container.remove({ force: true, v: true }).catch((err: Error) => log('container removal failed', { error: err.message }));
    await owner.container.remove({ force: true, v: true }).catch((err: Error) => log('container removal failed', { error: err.message }));
    timings.teardownMs = Date.now() - t2;
    timings.totalMs = Date.now() - started;
  }

  const phases: PhaseResult[] = PHASES.map((name) => {
    const entry = outcomes.get(name);
    const status = parsePhaseStatus(collected?.json.get(`${name}.status.json`));
    const trace = collected?.traces.get(`${name}.strace`);
    return toPhaseResult(name, timeouts[name], entry, status, trace?.bytes ?? 0);
  });
  const importJson = collected?.json.get('import.result.json');
  return {
    settings: describeSettings(hostConfig, image, fakeInternetImage, {
      name: profile.name,
      reason: profile.reason,
      env: profileEnv.map((e) => e.slice(0, e.indexOf('='))),
    }),
    network,
    honeytokens: honeytokens.tokens,
    phases,
    traceFiles: Object.fromEntries(
      PHASES.flatMap((name) => {
        const trace = collected?.traces.get(`${name}.strace`);
        return trace ? [[name, trace]] : [];
      }),
    ),
    importResult: importJson ? safeJson(importJson) : null,
    fsDiff,
    timings,
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

/** What goes into /airlock/input: the archive, and for a registry package its project and tree. */
function inputFiles(archive: PreparedArchive): { path: string; body: Buffer }[] {
  const files = [{ path: archive.fileName, body: archive.tgz }];
  if (archive.tree) {
    files.push({ path: 'project/package.json', body: Buffer.from(archive.tree.manifest) });
    files.push({ path: 'project/package-lock.json', body: Buffer.from(archive.tree.lockfile) });
    for (const t of archive.tree.tarballs) files.push({ path: `deps/${t.fileName}`, body: t.tgz });
  }
  return files;
}

/** A tar of files owned by root and read-only (folders 0555), so the analysed code cannot alter its input. */
function inputTar(files: { path: string; body: Buffer }[]): Buffer {
  const dirs = new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/')).filter(Boolean));
  return buildTar(
    [
      ...[...dirs].sort().map((path) => ({ path, type: 'Directory' as const, mode: 0o555 })),
      ...files.map((f) => ({ path: f.path, type: 'File' as const, mode: 0o444, body: f.body })),
    ],
    { uid: 0, gid: 0, mtime: new Date() },
  );
}

/** Paths the sandbox itself writes: the runner's input and output folders and the engine's init binary. */
const INFRASTRUCTURE = /^(\/airlock(\/|$)|\/usr\/sbin\/docker-init$)/;
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
