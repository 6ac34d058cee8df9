/**
 * Typed BullMQ queues over the catalog. Each process (api, worker) opens the queues it needs with the
 * same Redis URL; BullMQ manages its own connections (workers need `maxRetriesPerRequest: null`).
 */
import { Queue, type JobsOptions } from 'bullmq';
import { PRIORITY, QUEUES, type JobCatalog, type PrioritySource, type QueueKey } from './catalog.js';
import { runKeyOf, safeJobId } from './job-ids.js';
import { WEBHOOK_ATTEMPTS } from './backoff.js';
import type { AnalysisTarget } from './catalog.js';

export type TypedQueue<K extends QueueKey> = Queue<JobCatalog[K]['data'], JobCatalog[K]['result'], JobCatalog[K]['name']>;

export function redisConnection(url: string) {
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

export interface Queues {
  analyses: TypedQueue<'analyses'>;
  inventories: TypedQueue<'inventories'>;
  rescans: TypedQueue<'rescans'>;
  webhooks: TypedQueue<'webhooks'>;
  close(): Promise<void>;
}

/** Infrastructure failures (engine down, registry unreachable) retry; a package's behaviour never does. */
const ANALYSIS_DEFAULTS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  // The failure is kept in the run outcome and each analysis; removing the job frees its id for a resubmission.
  removeOnFail: true,
};

export function openQueues(redisUrl: string): Queues {
  const connection = redisConnection(redisUrl);
  const open = <K extends QueueKey>(key: K): TypedQueue<K> => new Queue(QUEUES[key], { connection });
  const queues = { analyses: open('analyses'), inventories: open('inventories'), rescans: open('rescans'), webhooks: open('webhooks') };
  return {
    ...queues,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}

/**
 * Enqueues one sandbox run under its run key. BullMQ ignores an add whose job id already exists, which
 * is the dedupe: a second organization asking for the same package version joins the waiting run.
 * A forced rescan passes a run key with a nonce (runKeyOf), making a new run.
 */
export async function enqueueAnalysis(
  queues: Queues,
  target: AnalysisTarget,
  source: PrioritySource,
  runKey: string = runKeyOf(target),
): Promise<string> {
  await queues.analyses.add('analyze', { runKey, target }, { ...ANALYSIS_DEFAULTS, jobId: safeJobId(runKey), priority: PRIORITY[source] });
  return runKey;
}

export async function enqueueInventoryExpansion(queues: Queues, inventoryId: string): Promise<void> {
  await queues.inventories.add(
    'expand',
    { inventoryId },
    {
      jobId: `expand|${inventoryId}`,
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
}

export async function enqueueWebhookDelivery(queues: Queues, deliveryId: string): Promise<void> {
  await queues.webhooks.add(
    'deliver',
    { deliveryId },
    {
      jobId: `delivery|${deliveryId}`,
      attempts: WEBHOOK_ATTEMPTS,
      backoff: { type: 'webhook' },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
}

/** A repeating rescan of an inventory (cron pattern or a fixed interval); replaces any earlier schedule. */
export async function scheduleRescan(queues: Queues, inventoryId: string, schedule: { pattern?: string; everyMs?: number }): Promise<void> {
  const repeat = schedule.pattern ? { pattern: schedule.pattern } : { every: schedule.everyMs ?? 24 * 3600 * 1000 };
  // BullMQ types scheduler ids as job names; they are free strings.
  await queues.rescans.upsertJobScheduler(`rescan|${inventoryId}` as 'rescan', repeat, {
    name: 'rescan',
    data: { inventoryId },
    opts: { removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
  });
}

/** A new id for a rescan's job, made before it is enqueued (the scan is listed as open under it first). */
export function rescanJobId(inventoryId: string): string {
  return `rescan|${inventoryId}|${Date.now()}|${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * One rescan now (besides any schedule): every package of the inventory runs again. `resume` continues a
 * rescan whose job was lost mid-expansion.
 */
export async function enqueueRescanNow(
  queues: Queues,
  inventoryId: string,
  jobId = rescanJobId(inventoryId),
  resume = false,
): Promise<void> {
  await queues.rescans.add(
    'rescan',
    { inventoryId, ...(resume ? { resume } : {}) },
    {
      jobId,
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
}

/** Whether the inventory's job scheduler exists (a Redis that lost data may have lost it). */
export async function hasRescanSchedule(queues: Queues, inventoryId: string): Promise<boolean> {
  return (await queues.rescans.getJobScheduler(`rescan|${inventoryId}`)) != null;
}

export async function unscheduleRescan(queues: Queues, inventoryId: string): Promise<void> {
  await queues.rescans.removeJobScheduler(`rescan|${inventoryId}`);
}
