/**
 * One worker process: a BullMQ Worker per queue over the shared context, a cancel listener, and a
 * graceful close (running sandbox runs finish unless the process is killed; a killed worker's job is
 * taken over by another worker once its lock expires).
 */
import { Worker } from 'bullmq';
import { signalPolicyFromSettings } from '@airlock/analysis';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CANCEL_CHANNEL, QUEUES, openQueues, redisConnection, webhookBackoffMs, type RescanJob } from '@airlock/queue';
import { WarmPool, connectDocker, runtimeFromSetting, settleTeardowns } from '@airlock/sandbox';
import { openStore } from '@airlock/store';
import { analysisProcessor } from './analysis-processor.js';
import { cancelRunning } from './cancel.js';
import type { WorkerConfig } from './config.js';
import type { WorkerContext } from './context.js';
import { inventoryProcessor } from './inventory-processor.js';
import { scheduleRetention } from './retention.js';
import { webhookProcessor } from './webhook-processor.js';
import { beat, newWorkerId, reapContainersOfDeadWorkers, serviceIdOf, stopBeating } from './heartbeat.js';
import { onAnalysisJobFailed, reconcileRuns } from './reconcile.js';
import { onInventoryJobFailed, reconcileInventories } from './reconcile-inventories.js';
import { completeReadyInventories } from './inventory-completion.js';

export interface RunningWorker {
  context: WorkerContext;
  close(): Promise<void>;
}

export async function startWorker(config: WorkerConfig, log: Logger): Promise<RunningWorker> {
  const store = openStore(config.redisUrl, (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queues = openQueues(config.redisUrl);
  const signalPolicy = await signalPolicyFromSettings(config);
  const workerId = newWorkerId(await serviceIdOf(store));
  const docker = connectDocker();
  const pool = new WarmPool(docker, config.warmPool, { workerId, log: (message, fields) => log.warn(fields ?? {}, message) });
  const context: WorkerContext = { config, workerId, store, queues, docker, log, running: new Map(), signalPolicy, pool };
  // The heartbeat first: this worker's containers must never look like a dead worker's to another worker.
  await beat(context);
  pool.warm(runtimeFromSetting(process.env.AIRLOCK_RUNTIME));
  const connection = redisConnection(config.redisUrl);
  const lock = { lockDuration: config.lockDurationMs, stalledInterval: config.stalledIntervalMs, maxStalledCount: config.maxStalledCount };
  const analyses = new Worker(QUEUES.analyses, analysisProcessor(context), { connection, concurrency: config.concurrency, ...lock });
  const workers = [
    analyses,
    new Worker(QUEUES.inventories, inventoryProcessor(context, 'expand'), { connection, concurrency: 2, ...lock }),
    new Worker(QUEUES.rescans, inventoryProcessor(context, 'rescan'), { connection, concurrency: 1, ...lock }),
    new Worker(QUEUES.webhooks, webhookProcessor(context), {
      connection,
      concurrency: 8,
      ...lock,
      settings: { backoffStrategy: (attemptsMade: number) => webhookBackoffMs(attemptsMade, config.webhookBaseDelayMs) },
    }),
  ];
  for (const worker of workers) {
    worker.on('failed', (job, err) => log.debug({ queue: worker.name, jobId: job?.id, err: err.message }, 'job failed'));
    worker.on('error', (err) => log.error({ queue: worker.name, err: err.message }, 'worker error'));
  }
  // A job that fails for good without its processor finishing it (stalled too often, a crash) still finishes its analyses.
  analyses.on('failed', (job, err) => {
    onAnalysisJobFailed(context, job, err).catch((e: Error) => log.error({ jobId: job?.id, err: e.message }, 'failed-job handler failed'));
  });
  // An inventory expansion or rescan that fails for good fails its inventory with the reason.
  for (const worker of [workers[1]!, workers[2]!] as Worker<RescanJob>[])
    worker.on('failed', (job, err) => {
      onInventoryJobFailed(context, job, err).catch((e: Error) =>
        log.error({ jobId: job?.id, err: e.message }, 'failed-job handler failed'),
      );
    });
  const subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  subscriber.on('error', (err: Error) => log.warn({ err: err.message }, 'redis cancel-listener error'));
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on('message', (_channel: string, runKey: string) => {
    cancelRunning(context, runKey).catch((err: Error) => log.warn({ runKey, err: err.message }, 'cancel failed'));
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const sweep = async (): Promise<void> => {
    try {
      const result = await reconcileRuns(context, config.reconcileGraceMs);
      if (result && result.applied + result.requeued + result.failed > 0) log.warn(result, 'reconciled open runs');
      const inventories = await reconcileInventories(context, config.reconcileGraceMs);
      if (inventories && inventories.requeued + inventories.failed + inventories.rescheduled > 0)
        log.warn(inventories, 'reconciled open inventory scans');
      await completeReadyInventories(context);
      await reapContainersOfDeadWorkers(context);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'reconciliation failed');
    }
  };
  // At start (work lost while no worker ran), then periodically; each timer is unref'd and cleared on close.
  await sweep();
  const timers = [
    setInterval(
      () => void beat(context).catch((err: Error) => log.warn({ err: err.message }, 'heartbeat failed')),
      config.heartbeatIntervalMs,
    ),
    setInterval(() => void sweep(), config.reconcileIntervalMs),
  ];
  for (const timer of timers) timer.unref();
  log.info({ workerId, concurrency: config.concurrency, dataDir: config.dataDir }, 'worker ready');
  const stopRetention = scheduleRetention(config, context, config.retentionSweepMs);
  return {
    context,
    async close() {
      for (const timer of timers) clearInterval(timer);
      stopRetention();
      // The pool first, beside the running jobs: a stop with a grace period (compose: 10 s) must not kill
      // the worker while its unused pairs are still there (no live worker would be left to reap them).
      await Promise.all([pool.drain(), ...workers.map((w) => w.close())]);
      await settleTeardowns(); // the last runs' containers, removed in the background
      await stopBeating(context).catch(() => undefined);
      subscriber.disconnect();
      await queues.close();
      await store.close();
    },
  };
}
