import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { captureEntry, readContainerPath } from './collect.js';
import type { NetworkRecord } from '@airlock/core';
import { SANDBOX_HOSTNAME } from './hardening.js';

const LOG_PATH = '/var/log/airlock/network.jsonl';
const READY_TIMEOUT_MS = 15_000;

export interface NetworkLog {
  records: NetworkRecord[];
  logPath: string;
  /** Lines that were not JSON (never expected: the log is ours). */
  malformed: number;
  /** The log was larger than the cap; records past it are missing. */
  truncated: boolean;
}

export interface NetworkOwner {
  container: Docker.Container;
  /** Resolves once the service listens; the analysis container must not start before. */
  ready: Promise<void>;
  /** Stops the service (it writes connections still open), copies its log out, parses it. */
  collect(artifactsDir: string, maxBytes: number): Promise<NetworkLog>;
}

/**
 * Starts the fake-internet container that owns the sandbox's network namespace. It is trusted code of
 * ours, so it gets NET_ADMIN (for its own namespace only, which has no link anywhere) to set up the
 * redirection; the analysis container then joins with `container:<id>` and no capabilities.
 */
export async function startNetworkOwner(docker: Docker, image: string, labels: Record<string, string>): Promise<NetworkOwner> {
  const container = await docker.createContainer({
    Image: image,
    Hostname: SANDBOX_HOSTNAME,
    User: '0:0',
    Labels: labels,
    StopTimeout: 2,
    HostConfig: {
      NetworkMode: 'none',
      // The machine knows its own name, as a real one does (gethostbyname(gethostname()) is common).
      ExtraHosts: [`${SANDBOX_HOSTNAME}:10.213.0.2`],
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
    collect: async (artifactsDir, maxBytes) => {
      await container.kill({ signal: 'SIGTERM' }).catch(() => undefined);
      await container.wait().catch(() => undefined);
      const logPath = join(artifactsDir, 'network.jsonl');
      const { text, truncated } = await copyLog(container, logPath, maxBytes);
      const records: NetworkRecord[] = [];
      let malformed = 0;
      for (const line of text.split('\n')) {
        if (!line) continue;
        try {
          records.push(JSON.parse(line) as NetworkRecord);
        } catch {
          malformed++;
        }
      }
      return { records: records.sort((a, b) => a.time - b.time), logPath, malformed, truncated };
    },
  };
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

/** Copies the log (trusted: written by our service) to the host, keeping at most `maxBytes` of it. */
async function copyLog(container: Docker.Container, target: string, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  let capture: ReturnType<typeof captureEntry> | null = null;
  await readContainerPath(container, LOG_PATH, (entry) => {
    capture ??= captureEntry(entry, maxBytes);
  });
  // Assigned in the entry callback above, which TypeScript's flow analysis does not follow.
  const captured = (await (capture as ReturnType<typeof captureEntry> | null)) ?? { bytes: Buffer.alloc(0), size: 0 };
  const text = captured.bytes.toString('utf8');
  await new Promise<void>((resolve, reject) => createWriteStream(target).on('error', reject).end(text, resolve));
  return captured.size > maxBytes ? { text: text.slice(0, text.lastIndexOf('\n') + 1), truncated: true } : { text, truncated: false };
}
