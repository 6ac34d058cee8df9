/**
 * No lost or stuck work under faults, with real Redis, a real worker and the real engine: a running
 * analysis whose job vanished is failed at worker start, a queued one whose job was flushed is enqueued
 * again and runs, a job that stalls for good is finished by the `failed` handler, the periodic sweep
 * catches what happens later, and sandbox containers of a worker whose heartbeat is gone are removed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker as BullWorker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES, openQueues, redisConnection, safeJobId, submitAnalysis, type AnalysisTarget, type Queues } from '@airlock/queue';
import { connectDocker, gvisorLogRoot, SANDBOX_LABEL, WORKER_LABEL } from '@airlock/sandbox';
import { keys, openStore, type AnalysisRecord, type Store } from '@airlock/store';
import { startWorker, workerConfigFromEnv, type RunningWorker } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { quietLog, waitFor } from '../../support/service.js';
import { testTempDir } from '../../support/temp-dir.js';

let redis: TestRedis;
let store: Store;
let queues: Queues;
let worker: RunningWorker | null = null;
const dataDir = testTempDir('airlock-lost-');
const docker = connectDocker();
const testLabel = `airlock.test-lost-work=${process.pid}`;

/** An upload whose file is not on the volume: a run of it fails at once ("cannot read"), with no sandbox. */
const missingArchive = (name: string): AnalysisTarget => ({
  kind: 'archive',
  ecosystem: 'npm',
  name,
  version: '1.0.0',
  path: join(dataDir, 'uploads', name, 'missing.tgz'),
  sha256: name.padEnd(64, '0'),
  fileName: 'missing.tgz',
});

/** A `running` analysis whose run is open but whose BullMQ job no longer exists (flushed behind the worker's back). */
async function runningWithoutJob(name: string): Promise<AnalysisRecord> {
  const runKey = `run|npm|${name}@1.0.0|registry`;
  const analysis = await store.analyses.create({
    orgId: 'org_test',
    ecosystem: 'npm',
    name,
    version: '1.0.0',
    source: 'registry',
    archiveSha256: null,
    runKey,
    inventoryId: null,
  });
  await store.analyses.subscribe(runKey, analysis.id);
  await store.analyses.update(analysis.id, { status: 'running', startedAt: new Date().toISOString() });
  const target = { kind: 'registry', ecosystem: 'npm', name, version: '1.0.0' };
  await store.analyses.openRun(runKey, { target, source: 'api', openedAt: new Date(Date.now() - 3_600_000).toISOString(), requeues: 0 });
  return analysis;
}

const finished = (id: string) =>
  waitFor(
    `analysis ${id} to finish`,
    async () => {
      const a = await store.analyses.get(id);
      return a && a.status !== 'queued' && a.status !== 'running' ? a : null;
    },
    30_000,
  );

async function sleeper(workerId: string): Promise<string> {
  const image = (await docker.listImages({ filters: { reference: ['airlock/base'] } }))[0]?.RepoTags?.[0];
  if (!image) throw new Error('no airlock/base image: run npm run setup');
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sleep', '300'],
    Labels: { [SANDBOX_LABEL]: '1', [WORKER_LABEL]: workerId, 'airlock.test-lost-work': String(process.pid) },
    HostConfig: { NetworkMode: 'none', AutoRemove: false },
  });
  await container.start();
  return container.id;
}

beforeAll(async () => {
  redis = await startTestRedis();
  store = openStore(redis.url);
  queues = openQueues(redis.url);
});

afterAll(async () => {
  await worker?.close();
  for (const c of await docker.listContainers({ all: true, filters: { label: [testLabel] } }))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  await queues?.close();
  await store?.close();
  await redis?.stop();
});

describe('work lost to faults is finished, never left queued or running', () => {
  let lostRunning: AnalysisRecord;
  let flushed: AnalysisRecord;
  let stalled: AnalysisRecord;

  beforeAll(async () => {
    // Faults that happen while no worker runs.
    lostRunning = await runningWithoutJob('lost-while-running');
    flushed = await submitAnalysis(store, queues, { orgId: 'org_test', target: missingArchive('flushed-job'), source: 'api' });
    await (await queues.analyses.getJob(safeJobId(flushed.runKey)))!.remove();
    stalled = await submitAnalysis(store, queues, { orgId: 'org_test', target: missingArchive('stalled-job'), source: 'api' });
    // A worker takes the job and dies (no lock renewal): its lock expires and the job stalls.
    const dying = new BullWorker(QUEUES.analyses, null, { connection: redisConnection(redis.url), lockDuration: 1_000, autorun: false });
    const taken = await dying.getNextJob('dying-worker-token');
    expect(taken?.id).toBe(safeJobId(stalled.runKey));
    await dying.close(true);
    worker = await startWorker(
      {
        ...workerConfigFromEnv({}),
        redisUrl: redis.url,
        dataDir,
        stalledIntervalMs: 500,
        maxStalledCount: 0,
        heartbeatIntervalMs: 500,
        reconcileIntervalMs: 500,
        reconcileGraceMs: 0,
      },
      quietLog,
    );
  });

  it('fails at worker start a running analysis whose job is gone, with a reason', async () => {
    const done = await finished(lostRunning.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/lost: its job disappeared while it ran/);
    expect(await store.redis.hexists(keys.openRuns(), lostRunning.runKey)).toBe(0);
  });

  it('enqueues again a queued analysis whose job was flushed, and the run then ends it', async () => {
    const done = await finished(flushed.id);
    expect(done.status).toBe('failed');
    // The run's own error, not "lost": the job ran again.
    expect(done.error).toMatch(/cannot read .*missing\.tgz/);
  });

  it('finishes the analyses of a job that stalled for good (the failed handler)', async () => {
    const done = await finished(stalled.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/failed for good: job stalled more than allowable limit/);
  });

  it('the periodic sweep catches a job lost while the worker runs', async () => {
    const later = await runningWithoutJob('lost-later');
    const done = await finished(later.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/lost/);
    // /metrics counts each failure under its reason (the counters are shared by every worker, in Redis).
    const { failuresByReason } = await store.stats.read();
    expect(failuresByReason.lost).toBeGreaterThanOrEqual(2);
    expect(failuresByReason.stalled).toBe(1);
  });

  it('keeps a heartbeat with a TTL, and removes the containers of a dead worker but not of a live one, nor of another service', async () => {
    const workerId = worker!.context.workerId;
    expect(await store.redis.pttl(keys.workerHeartbeat(workerId))).toBeGreaterThan(0);
    // Worker ids are wrk-<service id>-...: this Redis's service id is the worker's second part.
    const service = await store.redis.get(keys.serviceId());
    expect(workerId.startsWith(`wrk-${service}-`)).toBe(true);
    await store.redis.set(keys.workerHeartbeat(`wrk-${service}-test-alive`), '{}', 'PX', 60_000);
    const alive = await sleeper(`wrk-${service}-test-alive`);
    // Alive while its gVisor log folder is made, then its heartbeat goes (the worker dies).
    await store.redis.set(keys.workerHeartbeat(`wrk-${service}-test-dead`), '{}', 'PX', 60_000);
    const dead = await sleeper(`wrk-${service}-test-dead`);
    // A worker of another deployment on this engine: its heartbeat is in its own Redis, not ours.
    const otherService = await sleeper('wrk-0ther5e7-test-live-elsewhere');
    // What gVisor would have left for the dead worker's sandbox: removed with its container.
    const deadLog = join(gvisorLogRoot(), dead);
    mkdirSync(deadLog, { recursive: true });
    await store.redis.del(keys.workerHeartbeat(`wrk-${service}-test-dead`));
    const started = Date.now();
    await waitFor(
      "the dead worker's container to be removed",
      async () => {
        const ids = (await docker.listContainers({ all: true, filters: { label: [testLabel] } })).map((c) => c.Id);
        return !ids.includes(dead);
      },
      30_000,
    );
    console.log(`dead worker's container removed after ${Date.now() - started} ms`);
    const left = (await docker.listContainers({ all: true, filters: { label: [testLabel] } })).map((c) => c.Id);
    expect(left).toContain(alive);
    expect(left).toContain(otherService);
    expect(existsSync(deadLog)).toBe(false);
  });
});
