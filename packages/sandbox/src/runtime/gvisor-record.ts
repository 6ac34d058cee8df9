import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * The gVisor Sentry's syscall log of one container, on the host: `<root>/<container id>/runsc.log.*.boot.txt`
 * (scripts/install-gvisor.sh's wrapper puts it there; root-only, opened by runsc before the sandbox starts,
 * never visible inside). It holds the whole container's life; a phase is the byte range written while the
 * phase ran (the Sentry writes each line as it happens), so phases are cut by offsets taken on the host.
 */
export const DEFAULT_GVISOR_LOG_ROOT = '/var/lib/airlock/gvisor-logs';

export function gvisorLogRoot(): string {
  return process.env.AIRLOCK_GVISOR_LOGS || DEFAULT_GVISOR_LOG_ROOT;
}

export class GvisorRecord {
  private file: string | null = null;

  constructor(
    private readonly dir: string,
    private readonly containerId: string,
  ) {}

  static forContainer(containerId: string, root = gvisorLogRoot()): GvisorRecord {
    return new GvisorRecord(join(root, containerId), containerId);
  }

  /** Bytes written so far; fails when the log does not exist (the runtime did not record this container). */
  async size(): Promise<number> {
    return (await stat(await this.path())).size;
  }

  /**
   * Waits until the log stops growing (quiet for `quietMs`, at most `maxMs`): the container's own first
   * process is still starting when `start` returns, and its lines must not open the first phase's slice.
   * With `bootDone`, quiet counts only once the log holds it (the boot command's last exec: its start can
   * pause longer than `quietMs` between lines).
   */
  async settle(quietMs = 100, maxMs = 2000, bootDone?: RegExp): Promise<void> {
    const until = Date.now() + maxMs;
    let last = await this.size();
    let quietSince = Date.now();
    let booted = !bootDone;
    while (Date.now() < until && (!booted || Date.now() - quietSince < quietMs)) {
      if (!booted && bootDone) {
        const text = await readFile(await this.path(), 'utf8');
        booted = bootDone.test(text);
        if (booted) quietSince = Date.now();
      }
      await new Promise((r) => setTimeout(r, 25));
      const size = await this.size();
      if (size !== last) {
        last = size;
        quietSince = Date.now();
      }
    }
  }

  /** Copies bytes [from, to) of the log to `target`; the caller caps `to`. */
  async copyRange(from: number, to: number, target: string): Promise<void> {
    if (to <= from) {
      await pipeline(async function* () {}, createWriteStream(target));
      return;
    }
    await pipeline(createReadStream(await this.path(), { start: from, end: to - 1 }), createWriteStream(target));
  }

  /** Deletes the container's log folder (runsc never does). */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async path(): Promise<string> {
    if (this.file) return this.file;
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      throw new Error(
        `no gVisor record for container ${this.containerId.slice(0, 12)} in ${this.dir} (${err.code ?? err.message}): ` +
          'is the airlock-runsc runtime the one scripts/install-gvisor.sh registered?',
        { cause: err },
      );
    });
    const boot = names.filter((n) => /\.boot\.txt$/.test(n));
    if (boot.length !== 1) throw new Error(`expected one Sentry (boot) log in ${this.dir}, found ${boot.length}`);
    this.file = join(this.dir, boot[0]!);
    return this.file;
  }
}

/**
 * Removes log folders of containers that no longer exist (a worker killed mid-run, or between removing a
 * container and its folder, leaves one). The folders are read before the containers are listed: runsc makes a
 * folder only when Docker starts a container it already lists, so a folder missing from the later list belongs
 * to a container that is gone, never to one being made; no age guess is needed.
 */
export async function removeStaleGvisorLogs(liveContainerIds: () => Promise<Set<string>>, root = gvisorLogRoot()): Promise<number> {
  const names = (await readdir(root).catch(() => [] as string[])).filter((name) => /^[0-9a-f]{64}$/.test(name));
  if (names.length === 0) return 0;
  const live = await liveContainerIds();
  let removed = 0;
  for (const name of names.filter((n) => !live.has(n))) await rm(join(root, name), { recursive: true, force: true }).then(() => removed++);
  return removed;
}
