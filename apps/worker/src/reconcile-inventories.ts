/**
 * Inventories whose expansion job was lost (a Redis restart) or failed never finish by themselves: their
 * packages never become analyses, so the analyses' sweep (reconcile.ts) cannot see them. Every scan is
 * listed as open from its submission until it is expanded (`InventoryStore.openScan`); this sweep (at
 * worker start and periodically, under the same lock as the runs' sweep) enqueues a lost one again (twice
 * at most; an expansion resumes where it stopped), and fails one whose job failed for good, with the
 * reason. Schedules whose job scheduler was lost are put back.
 */
import type { Job } from 'bullmq';
import {
  enqueueInventoryExpansion,
  enqueueRescanNow,
  hasRescanSchedule,
  rescanJobId,
  scheduleRescan,
  type RescanJob,
} from '@airlock/queue';
import { keys, type OpenScan } from '@airlock/store';
import type { WorkerContext } from './context.js';
import { checkInventoryCompletion } from './inventory-completion.js';

const MAX_REQUEUES = 2;
const RELEASE_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const LIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

export interface InventoryReconcileResult {
  requeued: number;
  failed: number;
  closed: number;
  rescheduled: number;
}

/** One sweep (one worker at a time: null when another holds the lock). */
export async function reconcileInventories(
  ctx: WorkerContext,
  graceMs: number,
  now = Date.now(),
): Promise<InventoryReconcileResult | null> {
  const lock = await ctx.store.redis.set(keys.inventoriesReconcileLock(), ctx.workerId, 'PX', 60_000, 'NX');
  if (lock !== 'OK') return null;
  try {
    return await sweep(ctx, graceMs, now);
  } finally {
    await ctx.store.redis.eval(RELEASE_IF_OURS, 1, keys.inventoriesReconcileLock(), ctx.workerId);
  }
}

async function sweep(ctx: WorkerContext, graceMs: number, now: number): Promise<InventoryReconcileResult> {
  const result: InventoryReconcileResult = { requeued: 0, failed: 0, closed: 0, rescheduled: 0 };
  for (const [id, open] of await ctx.store.inventories.openScans()) {
    if (now - Date.parse(open.openedAt) < graceMs) continue;
    const inventory = await ctx.store.inventories.get(id);
    if (!inventory) {
      await ctx.store.inventories.closeScan(id);
      result.closed++;
      continue;
    }
    const queue = open.mode === 'expand' ? ctx.queues.inventories : ctx.queues.rescans;
    const job = open.jobId ? await queue.getJob(open.jobId) : undefined;
    const state = job ? await job.getState() : 'unknown';
    if (LIVE_STATES.has(state)) continue;
    const expanded = open.mode === 'expand' || open.started ? inventory.status !== 'expanding' : false;
    if (state === 'completed' || expanded) {
      // Its job expanded it and ended between two writes (or before the close): the analyses take it from here.
      await ctx.store.inventories.closeScan(id, open.jobId ?? undefined);
      await checkInventoryCompletion(ctx, id);
      result.closed++;
      continue;
    }
    if (state === 'failed') {
      await failInventory(ctx, id, `the inventory's ${open.mode} job failed for good: ${job?.failedReason ?? 'unknown reason'}`);
      result.failed++;
      continue;
    }
    if (open.requeues >= MAX_REQUEUES) {
      await failInventory(
        ctx,
        id,
        `the inventory's ${open.mode} job was lost ${open.requeues + 1} times (worker or Redis failure): submit it again`,
      );
      result.failed++;
      continue;
    }
    await requeue(ctx, id, open, open.started === true && inventory.status === 'expanding', now);
    ctx.log.warn({ inventoryId: id, mode: open.mode, requeues: open.requeues + 1 }, 'an inventory scan had lost its job: enqueued again');
    result.requeued++;
  }
  result.rescheduled = await restoreSchedules(ctx);
  return result;
}

async function requeue(ctx: WorkerContext, id: string, open: OpenScan, midScan: boolean, now: number): Promise<void> {
  const openedAt = new Date(now).toISOString();
  if (open.mode === 'expand') {
    await ctx.store.inventories.openScan(id, { ...open, requeues: open.requeues + 1, openedAt });
    await enqueueInventoryExpansion(ctx.queues, id);
    return;
  }
  // A rescan lost after it started (the inventory is `expanding`) continues that scan; one never started starts.
  const jobId = rescanJobId(id);
  await ctx.store.inventories.openScan(id, { mode: 'rescan', jobId, requeues: open.requeues + 1, openedAt, started: midScan });
  await enqueueRescanNow(ctx.queues, id, jobId, midScan);
}

/** The `failed` event of the inventories and rescans queues: a job that will not run again fails its inventory. */
export async function onInventoryJobFailed(ctx: WorkerContext, job: Job<RescanJob> | undefined, err: Error): Promise<void> {
  const id = job?.data?.inventoryId;
  if (!id || !job.id) return;
  const state = await job.getState();
  if (state !== 'failed' && state !== 'unknown') return; // retried later
  const open = await ctx.store.inventories.openScanOf(id);
  if (open?.jobId !== job.id && !(open?.mode === 'expand' && job.id === `expand|${id}`)) return; // another scan is open now
  await failInventory(ctx, id, `the inventory's ${open.mode} job failed for good: ${err.message}`);
}

async function failInventory(ctx: WorkerContext, id: string, error: string): Promise<void> {
  const inventory = await ctx.store.inventories.get(id);
  if (inventory && inventory.status === 'expanding') await ctx.store.inventories.save({ ...inventory, status: 'failed', error });
  await ctx.store.inventories.closeScan(id);
  ctx.log.warn({ inventoryId: id, error }, 'inventory failed');
}

/** Each scheduled inventory's job scheduler, put back if Redis lost it; forgotten once the schedule is gone. */
async function restoreSchedules(ctx: WorkerContext): Promise<number> {
  let restored = 0;
  for (const id of await ctx.store.inventories.scheduled()) {
    const inventory = await ctx.store.inventories.get(id);
    if (!inventory?.schedule) {
      await ctx.store.inventories.setScheduled(id, false);
      continue;
    }
    if (await hasRescanSchedule(ctx.queues, id)) continue;
    await scheduleRescan(ctx.queues, id, inventory.schedule);
    ctx.log.warn({ inventoryId: id }, 'an inventory schedule had lost its job scheduler: scheduled again');
    restored++;
  }
  return restored;
}
