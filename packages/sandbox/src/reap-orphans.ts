import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { gvisorLogRoot } from './runtime/gvisor-record.js';

/**
 * Removes sandbox containers left behind by a process of this host that no longer exists (killed
 * with SIGKILL, machine crash), so a dead run never leaves untrusted code running. Containers owned by
 * live processes or by other hosts are left alone. Returns how many were removed.
 */
export async function reapOrphans(docker: Docker, label: string): Promise<number> {
  const host = hostname();
  return removeContainers(docker, label, (labels) => {
    const [owner, pid] = (labels['airlock.owner'] ?? '').split(/:(?=\d+$)/);
    return owner === host && pid !== undefined && !isAlive(Number(pid));
  });
}

/** The label naming the service worker that owns a container (see `reapDeadWorkers`). */
export const WORKER_LABEL = 'airlock.worker';

/**
 * Removes sandbox containers (carrying `label`) whose service worker is dead: `alive` gets the worker
 * ids found on containers and answers those still alive (a heartbeat in Redis). Under compose a
 * worker's pid is 1 in its own container and never looks dead, hence an id with a heartbeat.
 */
export async function reapDeadWorkers(
  docker: Docker,
  label: string,
  alive: (workerIds: string[]) => Promise<ReadonlySet<string>>,
): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [label, WORKER_LABEL] } });
  const ids = [...new Set(containers.map((c) => c.Labels[WORKER_LABEL] ?? ''))].filter((id) => id !== '');
  if (ids.length === 0) return 0;
  const live = await alive(ids);
  const dead = new Set(ids.filter((id) => !live.has(id)));
  if (dead.size === 0) return 0;
  // Only ids checked above: a container started meanwhile by a new worker is never taken for a dead one's.
  return removeContainers(docker, label, (labels) => dead.has(labels[WORKER_LABEL] ?? ''));
}

/**
 * Force-removes the containers carrying `label` (`key` or `key=value`) that `select` picks, and their gVisor
 * log folders (a dead worker's are otherwise left until the stale-log sweep, 15 minutes on); returns how many.
 */
export async function removeContainers(
  docker: Docker,
  label: string,
  select: (labels: Record<string, string>) => boolean = () => true,
): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } }).catch(() => []);
  let removed = 0;
  for (const c of containers.filter((c) => select(c.Labels))) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .then(
        async () => {
          removed++;
          await rm(join(gvisorLogRoot(), c.Id), { recursive: true, force: true }).catch(() => undefined);
        },
        () => undefined,
      );
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
