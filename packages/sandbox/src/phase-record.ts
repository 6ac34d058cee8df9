import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { EvidenceGap, PhaseName, TamperingRecord } from '@airlock/core';
import { collectRunnerFile } from './collect.js';
import { execInContainer } from './exec.js';
import { SANDBOX_USER } from './hardening.js';
import { type GvisorRecord, removeStaleGvisorLogs } from './runtime/gvisor-record.js';
import type { SandboxRuntime } from './runtime/runtime.js';

/** How often the host checks the size of a gVisor record while a phase runs. */
const CAP_POLL_MS = 250;

/**
 * Watches a gVisor record while a phase runs: the package controls its volume (a flood of syscalls), so
 * past `capBytes` the sandbox is stopped and the record marked cut, never silently grown or dropped.
 */
export function watchRecordCap(record: GvisorRecord | null, from: number, capBytes: number, onReached: () => void) {
  const state = { reached: false, stop: () => undefined as void };
  if (!record) return state;
  const timer = setInterval(() => {
    record.size().then(
      (size) => {
        if (!state.reached && size - from > capBytes) {
          state.reached = true;
          onReached();
        }
      },
      () => undefined,
    );
  }, CAP_POLL_MS);
  state.stop = () => clearInterval(timer);
  return state;
}

export interface TakenRecord {
  path: string;
  bytes: number;
  truncated: boolean;
  /** Under runc: the trace file was replaced by something that is not a file. */
  replaced: boolean;
}

/**
 * The phase's syscall record onto the host, into the artifacts folder. gVisor: the bytes the Sentry wrote
 * while the phase ran (taken on the host: nothing in the sandbox can reach them). runc: the runner's strace
 * file, by exact path, right after the phase (the package could have altered it: see README).
 */
export async function takePhaseRecord(
  container: Docker.Container,
  phase: PhaseName,
  runtime: SandboxRuntime,
  record: GvisorRecord | null,
  from: number,
  capBytes: number,
  artifactsDir: string,
): Promise<TakenRecord | null> {
  if (record) {
    const to = await record.size();
    const bytes = to - from;
    const path = join(artifactsDir, `${phase}.gvisor.jsonl`);
    await mkdir(artifactsDir, { recursive: true });
    await record.copyRange(from, from + Math.min(bytes, capBytes), path);
    return { path, bytes, truncated: bytes > capBytes, replaced: false };
  }
  if (runtime.recordFormat !== 'strace') return null;
  const file = await collectRunnerFile(container, `${phase}.strace`, { artifactsDir, maxBytes: capBytes, stream: true });
  if (!file) return null;
  if (file.notAFile || !file.hostPath) return { path: join(artifactsDir, `${phase}.strace`), bytes: 0, truncated: true, replaced: true };
  return { path: file.hostPath, bytes: file.bytes, truncated: file.truncated, replaced: false };
}

/**
 * What a sweep achieved: nothing of the analysis user left (`clean`), processes still there after `maxMs`
 * (`remaining`), or its own exec hung past its deadline and the host stopped the sandbox (`stopped`: no later
 * phase can run in it).
 */
export type SweepResult = 'clean' | 'remaining' | 'stopped';

/**
 * Kills whatever the analysis user still runs, and waits until nothing is left: after a phase whose runner
 * did not end normally, and before a phase that follows one with lingering processes (a fork bomb's
 * processes take gVisor a while to die and hold the process limit meanwhile, so even the sweep's own exec can
 * fail to start: it is retried).
 */
export async function sweep(
  container: Docker.Container,
  log: (message: string, fields?: Record<string, unknown>) => void,
  maxMs = 30_000,
): Promise<SweepResult> {
  const until = Date.now() + maxMs;
  for (;;) {
    const outcome = await execInContainer(container, {
      cmd: ['/opt/airlock/bin/airlock-sweep'],
      user: SANDBOX_USER.name,
      env: [],
      workingDir: '/',
      deadlineMs: 20_000, // the script gives up after about 5 s (one slow pass past it); this is the backstop
      onDeadline: () =>
        container.kill({ signal: 'SIGKILL' }).then(
          () => undefined,
          () => undefined,
        ),
      captureBytes: 4096,
    }).catch(() => null);
    if (outcome?.exitCode === 0) return 'clean';
    if (outcome?.hitDeadline) {
      log("the sweep of the analysis user's processes hung; the host stopped the sandbox");
      return 'stopped';
    }
    if (Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  log('processes of the analysis user remained after the sweep; the next phase may not run cleanly');
  return 'remaining';
}

/** What `unlessStopped` returns when the container had stopped under a step. */
export const STOPPED = Symbol('container stopped');

/**
 * Runs a step that needs the container running (an exec). When it fails because the container has stopped
 * (killed by a host watcher, or gVisor's sandbox died), returns STOPPED so the run records the gap and ends,
 * instead of losing the evidence already taken; any other failure is thrown.
 */
export async function unlessStopped<T>(container: Docker.Container, step: () => Promise<T>): Promise<T | typeof STOPPED> {
  try {
    return await step();
  } catch (err) {
    const state = await container.inspect().then(
      (info) => info.State,
      () => null,
    );
    if (state && !state.Running) return STOPPED;
    throw err;
  }
}

/**
 * The sandbox stopped early, so phases were not seen: the sweep after `phase` hung and the host stopped it
 * (`sweep-hung`: the phases after `phase` did not run), or the engine refused `phase`'s exec because the
 * container had already stopped (`exec-refused`: `phase` and later ones did not run).
 */
export function sandboxStoppedGap(phase: PhaseName, cause: 'sweep-hung' | 'exec-refused'): EvidenceGap {
  return {
    source: 'sandbox',
    kind: cause === 'sweep-hung' ? 'sandbox.sweep-stopped' : 'sandbox.stopped',
    phase,
    message:
      cause === 'sweep-hung'
        ? `processes the package left running after ${phase} could not be ended (the sweep itself hung); the host stopped the sandbox, and the later phases did not run`
        : `the sandbox had stopped before ${phase} could run (the engine refused the exec); ${phase} and later phases did not run`,
    dropped: null,
    limit: null,
    hidesBehaviour: true,
  };
}

export function replacedOutput(phase: PhaseName, name: string): TamperingRecord {
  return {
    phase,
    kind: 'runner-output-replaced',
    pid: null,
    time: null,
    detail: `/airlock/out/${name} is not a regular file (replaced by a link or folder)`,
    result: 'ok',
  };
}

/** What the runner writes into its folder; anything else found there was put there by the package. */
function expectedRunnerPaths(runtime: SandboxRuntime): Set<string> {
  const names = ['install.status.json', 'import.status.json', 'import.result.json'];
  if (runtime.runnerTracer === 'strace') names.push('install.strace', 'import.strace', 'install.exit', 'import.exit');
  return new Set(['/airlock', '/airlock/out', ...names.map((n) => `/airlock/out/${n}`)]);
}

/**
 * `docker diff` entries under the runner's folders that the runner never writes (`/airlock/out/zzz/install.strace`,
 * a deleted input): each is tampering, whichever phase did it (the diff does not say).
 */
export function unexpectedRunnerFiles(
  changes: { Path: string; Kind: number }[],
  runtime: SandboxRuntime,
  planted: ReadonlySet<string> = new Set(),
): TamperingRecord[] {
  // What the host planted there (a platform view's files) and the folders above it are the host's.
  const expected = new Set([...expectedRunnerPaths(runtime), ...planted, ...[...planted].flatMap(ancestors)]);
  const kinds = ['modified', 'added', 'deleted'];
  return (
    changes
      // The host puts the input there before the start (root-owned, read-only to the package: an attempt to
      // change it fails and shows in the record).
      .filter((c) => /^\/(airlock|opt\/airlock)(\/|$)/.test(c.Path) && !/^\/airlock\/input(\/|$)/.test(c.Path) && !expected.has(c.Path))
      .slice(0, 200)
      .map((c) => ({
        phase: 'install' as const,
        kind: 'unexpected-runner-file' as const,
        pid: null,
        time: null,
        detail: `${c.Path} (${kinds[c.Kind] ?? 'changed'}); the diff does not say which phase`,
        result: 'ok',
      }))
  );
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) out.push(path.slice(0, i));
  return out;
}

/** Log folders of containers that are gone (a worker killed mid-run): removed; never throws. */
export async function removeStaleLogs(docker: Docker, log: (message: string, fields?: Record<string, unknown>) => void): Promise<number> {
  const listLive = async () => new Set((await docker.listContainers({ all: true })).map((c) => c.Id));
  const removed = await removeStaleGvisorLogs(listLive).catch(() => 0);
  if (removed) log('removed gVisor logs of containers that are gone', { removed });
  return removed;
}

/** Set-up of a phase (seeding npm's cache from the input tarballs) gets this long. */
export const PREPARE_DEADLINE_MS = 120_000;
