import { createWriteStream } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type Docker from 'dockerode';
import type { EvidenceGap, HoneytokenExfiltration, NetworkRecord } from '@airlock/core';
import type { SearchedToken } from '@airlock/honeytokens';
import { readContainerPath } from './collect.js';
import { DEFAULT_NETWORK_LOG_LIMITS, NetworkLogReader, type NetworkLogLimits } from './network-log.js';

const LOG_PATH = '/var/log/airlock/network.jsonl';
const READY_TIMEOUT_MS = 15_000;

export interface NetworkLog {
  records: NetworkRecord[];
  logPath: string;
  /** Planted values the service found in whole flows (every byte, every request of a connection). */
  exfiltrated: HoneytokenExfiltration[];
  /** What the fake internet failed to record or bounded, counted (and its own failure, from the engine). */
  gaps: EvidenceGap[];
}

export interface NetworkOwner {
  container: Docker.Container;
  /** Resolves once the service listens; the analysis container must not start before. */
  ready: Promise<void>;
  /**
   * Checks the service is still alive (the engine's exit code and OOM state), stops it (it writes the
   * connections still open), and reads its log back as a stream.
   */
  collect(artifactsDir: string, limits?: Partial<NetworkLogLimits>): Promise<NetworkLog>;
}

/**
 * AIRLOCK_PYPI_MIRROR: a folder of wheels (absolute) that the fake internet serves as pypi.org to package
 * code that runs `pip install` itself; unset, such an install gets the usual answer and fails.
 */
function pypiMirror(): string | null {
  const dir = process.env.AIRLOCK_PYPI_MIRROR;
  return dir && isAbsolute(dir) ? dir : null;
}

/**
 * Starts the fake-internet container that owns the sandbox's network namespace. It is trusted code of
 * ours, so it gets NET_ADMIN (for its own namespace only, which has no link anywhere) to set up the
 * redirection; the analysis container then joins with `container:<id>` and no capabilities.
 */
export async function startNetworkOwner(
  docker: Docker,
  image: string,
  labels: Record<string, string>,
  tokens: SearchedToken[] = [],
  /** The run's hostname (machine-identity.ts): a fresh one per run, so it fingerprints nothing. */
  hostname = 'dev-laptop',
): Promise<NetworkOwner> {
  const mirror = pypiMirror();
  const container = await docker.createContainer({
    Image: image,
    // The planted values, for the service's streaming search of every flow (this container is ours; the
    // analysis container shares its network namespace only, not its environment or processes).
    Env: [`AIRLOCK_HONEYTOKENS=${JSON.stringify(tokens.map(({ id, kind, value }) => ({ id, kind, value })))}`],
    Hostname: hostname,
    User: '0:0',
    Labels: labels,
    StopTimeout: 2,
    HostConfig: {
      NetworkMode: 'none',
      // The machine knows its own name, as a real one does (gethostbyname(gethostname()) is common).
      ExtraHosts: [`${hostname}:10.213.0.2`],
      // Wheels the service answers pip with at run time (pypi.org's simple index), read-only.
      ...(mirror ? { Binds: [`${mirror}:/srv/pypi:ro`] } : {}),
      CapDrop: ['ALL'],
      CapAdd: ['NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE'],
      SecurityOpt: ['no-new-privileges:true'],
      Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' },
      PidsLimit: 64,
      Memory: 512 * 1024 ** 2,
      MemorySwap: 512 * 1024 ** 2,
      NanoCpus: 500_000_000,
      Init: true,
      AutoRemove: false,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
    },
  });
  await container.start();
  const ready = waitReady(container);
  ready.catch(() => undefined); // awaited by the caller; never an unhandled rejection meanwhile
  return {
    container,
    ready,
    collect: async (artifactsDir, limits) => {
      const state = await serviceState(container);
      await container.kill({ signal: 'SIGTERM' }).catch(() => undefined);
      await container.wait().catch(() => undefined);
      const after = await serviceState(container);
      const logPath = join(artifactsDir, 'network.jsonl');
      const reader = new NetworkLogReader({ ...DEFAULT_NETWORK_LOG_LIMITS, ...limits });
      let error: string | null = null;
      try {
        await copyLog(container, logPath, reader);
      } catch (err) {
        error = `the fake internet's log could not be read: ${(err as Error).message}`;
      }
      const service = {
        running: state.running,
        oomKilled: state.oomKilled || after.oomKilled,
        exitCode: state.exitCode,
        error:
          error ??
          (after.exitCode !== 0 && after.exitCode !== null && state.running
            ? `the fake internet failed while stopping (exit code ${after.exitCode})`
            : null),
      };
      return { records: reader.result(), logPath, exfiltrated: reader.exfiltrated, gaps: reader.gaps(service) };
    },
  };
}

/** What the engine says of the service's container: still running, killed for memory, its exit code. */
async function serviceState(container: Docker.Container): Promise<{ running: boolean; oomKilled: boolean; exitCode: number | null }> {
  const info = await container.inspect().catch(() => null);
  if (!info) return { running: false, oomKilled: false, exitCode: null };
  return { running: info.State.Running, oomKilled: info.State.OOMKilled, exitCode: info.State.Running ? null : info.State.ExitCode };
}

/** The service prints `fake-internet ready` once every socket listens; fail clearly if it never does. */
async function waitReady(container: Docker.Container): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const logs = await container.logs({ stdout: true, stderr: true, follow: false });
    if (logs.includes('fake-internet ready')) return;
    const state = await container.inspect();
    if (!state.State.Running) {
      throw new Error(
        `the fake internet exited during set-up: ${logs
          .toString('utf8')
          .replace(/[\x00-\x08]/g, '')
          .slice(-1000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the fake internet was not ready after ${READY_TIMEOUT_MS} ms`);
}

/**
 * Streams the log (written by our service) to the host: into `reader` line by line, and into a copy at
 * `target` up to the reader's byte cap. Never the whole log in memory.
 */
async function copyLog(container: Docker.Container, target: string, reader: NetworkLogReader): Promise<void> {
  const file = createWriteStream(target);
  const written = new Promise<void>((resolve, reject) => file.on('error', reject).on('close', resolve));
  let copied = 0;
  const cap = reader.limits.maxBytes;
  const done: Promise<void>[] = [];
  try {
    await readContainerPath(container, LOG_PATH, (entry) => {
      if (done.length) return void entry.resume(); // one file was asked for
      done.push(
        new Promise<void>((resolve, reject) => {
          entry.on('data', (chunk: Buffer) => {
            reader.push(chunk);
            if (copied < cap) file.write(chunk.subarray(0, cap - copied));
            copied += chunk.length;
          });
          entry.on('end', resolve);
          entry.on('error', reject);
        }),
      );
    });
    await Promise.all(done);
  } finally {
    file.end();
    await written;
  }
}

/**
 * The part of a run's network log from before `ms` (host clock; the service stamps records in seconds of
 * the same clock): a run's evidence when a stage follows it in the same sandbox. Gaps are the whole log's:
 * a bound reached later may still have cut a record of the earlier part.
 */
export function networkBefore(log: NetworkLog, ms: number): NetworkLog {
  const before = ms / 1000;
  return {
    ...log,
    records: log.records.filter((r) => r.time < before),
    exfiltrated: log.exfiltrated.filter((e) => e.time < before),
  };
}
