/**
 * The retention sweep of the shared data folder: `artifacts/<report id>/` (raw records, network logs) and
 * `uploads/<sha256>/` (uploaded archives) older than their retention are deleted; the analysis records in
 * Redis stay, and each deletion is marked there so the API answers 410 Gone for it. Never deleted: what a
 * live sandbox container (artifacts) or a queued or running job (uploads) uses, and anything younger than
 * an hour (retention-policy.ts). Every worker sweeps at start and then every `retentionSweepMs`; sweeps of
 * several workers at once are harmless (deleting is idempotent).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Queues } from '@airlock/queue';
import { SANDBOX_LABEL } from '@airlock/sandbox';
import type { Store } from '@airlock/store';
import { selectExpired, type RetentionEntry } from './retention-policy.js';

export interface RetentionSettings {
  dataDir: string;
  /** 0 keeps everything. */
  artifactRetentionMs: number;
  uploadRetentionMs: number;
}

export interface RetentionDeps {
  store: Store;
  queues: Queues;
  docker: Docker;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

interface SweepCounts {
  expired: number;
  fresh: number;
  inUse: number;
  failed: number;
}

export interface SweepResult {
  artifacts: SweepCounts;
  uploads: SweepCounts;
}

/** One sweep of both folders; `nowMs` is handed in (tests age nothing, they move the clock). */
export async function sweepRetention(settings: RetentionSettings, deps: RetentionDeps, nowMs = Date.now()): Promise<SweepResult> {
  const at = new Date(nowMs).toISOString();
  const artifacts = await sweepFolder(
    join(settings.dataDir, 'artifacts'),
    nowMs,
    settings.artifactRetentionMs,
    await runsInSandbox(deps),
    (id) => deps.store.retention.markArtifactsExpired(id, at),
  );
  const uploads = await sweepFolder(
    join(settings.dataDir, 'uploads'),
    nowMs,
    settings.uploadRetentionMs,
    await queuedUploads(deps),
    (sha) => deps.store.retention.markUploadExpired(sha, at),
  );
  deps.log.info({ artifacts, uploads }, 'retention sweep');
  return { artifacts, uploads };
}

async function sweepFolder(
  root: string,
  nowMs: number,
  retentionMs: number,
  inUse: ReadonlySet<string>,
  mark: (name: string) => Promise<void>,
): Promise<SweepCounts> {
  const decision = selectExpired(await entriesOf(root), nowMs, retentionMs, inUse);
  let expired = 0;
  let failed = 0;
  for (const name of decision.expired) {
    try {
      // Marked first: a folder marked but not (fully) deleted is still served while its files are there.
      await mark(name);
      await rm(join(root, name), { recursive: true, force: true });
      expired++;
    } catch {
      failed++;
    }
  }
  return { expired, fresh: decision.fresh.length, inUse: decision.inUse.length, failed };
}

/** Each folder of `root` with the newest mtime of itself and its files (artifacts and uploads are flat). */
async function entriesOf(root: string): Promise<RetentionEntry[]> {
  const names = await readdir(root, { withFileTypes: true }).catch(() => []);
  const entries: RetentionEntry[] = [];
  for (const dirent of names) {
    if (!dirent.isDirectory()) continue;
    const dir = join(root, dirent.name);
    let newest = (await stat(dir).catch(() => null))?.mtimeMs ?? null;
    if (newest === null) continue; // removed meanwhile
    for (const file of await readdir(dir).catch(() => [] as string[])) {
      const info = await stat(join(dir, file)).catch(() => null);
      if (info) newest = Math.max(newest, info.mtimeMs);
    }
    entries.push({ name: dirent.name, newestMtimeMs: newest });
  }
  return entries;
}

/** Report ids of runs whose sandbox container still exists (the run writes its artifacts folder). */
async function runsInSandbox(deps: RetentionDeps): Promise<Set<string>> {
  const containers = await deps.docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL] } });
  return new Set(containers.map((c) => c.Labels['airlock.analysis']).filter((id): id is string => Boolean(id)));
}

/** Archive hashes of uploads that a job not yet finished will read. */
async function queuedUploads(deps: RetentionDeps): Promise<Set<string>> {
  const jobs = await deps.queues.analyses.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);
  const hashes = new Set<string>();
  for (const job of jobs) {
    const target = job?.data?.target;
    if (target?.kind === 'archive') hashes.add(target.sha256);
  }
  return hashes;
}

/** Sweeps now (off the start path) and every `everyMs`; returns the stop function. A failed sweep is logged, never thrown. */
export function scheduleRetention(settings: RetentionSettings, deps: RetentionDeps, everyMs: number): () => void {
  const run = () =>
    void sweepRetention(settings, deps).catch((err: Error) => deps.log.warn({ err: err.message }, 'retention sweep failed'));
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
