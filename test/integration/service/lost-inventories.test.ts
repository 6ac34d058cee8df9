/**
 * Inventory scans lost to faults, with real Redis: an expansion whose job vanished (a Redis restart that
 * lost it) is enqueued again and then expands; a rescan lost mid-expansion continues the same scan; one
 * whose job failed for good fails its inventory with the reason; a schedule whose job scheduler was lost is
 * put back. The sweep is the worker's own (`reconcileInventories`); the jobs run through its processor.
 */
import { Worker as BullWorker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRescanSchedule, QUEUES, redisConnection, scheduleRescan, type RescanJob } from '@airlock/queue';
import type { InventoryRecord } from '@airlock/store';
import { inventoryProcessor, reconcileInventories, type WorkerContext } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { startTestApi } from '../../support/service.js';
import { sandboxlessWorkerContext } from '../../support/worker.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let ctx: WorkerContext;

const packages = ['left-pad@1.3.0', 'ms@2.1.3'].map((spec) => {
  const [name, version] = spec.split('@') as [string, string];
  return { ecosystem: 'npm' as const, name, version, integrity: null, analysisId: null };
});
const newInventory = (schedule: InventoryRecord['schedule'] = null) =>
  ctx.store.inventories.create({
    orgId: 'org_test',
    fileName: 'package-lock.json',
    format: 'package-lock',
    schedule,
    packages,
    skipped: [],
  });

/** Runs the job as the worker would (its processor; the analyses it submits are only queued, never run). */
async function runJob(queue: 'inventories' | 'rescans', jobId: string): Promise<void> {
  const job = (await ctx.queues[queue].getJob(jobId)) as Job<RescanJob> | undefined;
  if (!job) throw new Error(`no job ${jobId} in ${queue}`);
  await inventoryProcessor(ctx, queue === 'inventories' ? 'expand' : 'rescan')(job);
}

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url);
  ctx = sandboxlessWorkerContext(api, redis.url);
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('inventory scans whose jobs are lost or failed', () => {
  it('enqueues a lost expansion again, which then expands the inventory', async () => {
    const inventory = await newInventory(); // listed as open; its job was never enqueued (lost)
    expect(await ctx.queues.inventories.getJob(`expand|${inventory.id}`)).toBeUndefined();
    const swept = await reconcileInventories(ctx, 0);
    expect(swept).toEqual(expect.objectContaining({ requeued: 1 }));
    expect(await ctx.store.inventories.openScanOf(inventory.id)).toEqual(expect.objectContaining({ mode: 'expand', requeues: 1 }));
    await runJob('inventories', `expand|${inventory.id}`);
    const expanded = await ctx.store.inventories.get(inventory.id);
    expect(expanded?.status).toBe('analysing');
    expect(expanded?.packages.every((p) => p.analysisId)).toBe(true);
    expect(await ctx.store.inventories.openScanOf(inventory.id)).toBeNull(); // expanded: the analyses' sweep covers the rest
    expect(await reconcileInventories(ctx, 0)).toEqual(expect.objectContaining({ requeued: 0, failed: 0 }));
  });

  it('continues a rescan lost mid-expansion as the same scan', async () => {
    const inventory = await newInventory();
    await ctx.store.inventories.save({ ...inventory, status: 'expanding', rescans: 1 });
    await ctx.store.inventories.openScan(inventory.id, {
      mode: 'rescan',
      jobId: 'rescan|gone',
      openedAt: new Date(0).toISOString(),
      requeues: 0,
      started: true,
    });
    expect(await reconcileInventories(ctx, 0)).toEqual(expect.objectContaining({ requeued: 1 }));
    const open = await ctx.store.inventories.openScanOf(inventory.id);
    expect(open).toEqual(expect.objectContaining({ mode: 'rescan', requeues: 1, started: true }));
    const job = await ctx.queues.rescans.getJob(open!.jobId!);
    expect(job?.data).toEqual({ inventoryId: inventory.id, resume: true });
    await runJob('rescans', open!.jobId!);
    const after = await ctx.store.inventories.get(inventory.id);
    expect(after?.rescans).toBe(1); // the same scan, not another
    expect(after?.status).toBe('analysing');
  });

  it('fails the inventory with the reason when its expansion job failed for good, and after two requeues', async () => {
    const failed = await newInventory();
    await ctx.queues.inventories.drain(); // the jobs the tests above ran by hand
    await ctx.queues.inventories.add('expand', { inventoryId: failed.id }, { jobId: `expand|${failed.id}` });
    // A worker takes the job and fails it for good (its last attempt).
    const taker = new BullWorker(QUEUES.inventories, null, { connection: redisConnection(redis.url), autorun: false });
    const job = await taker.getNextJob('taker-token');
    expect(job?.id).toBe(`expand|${failed.id}`);
    await job.moveToFailed(new Error('the registry answered 500 three times'), 'taker-token', false);
    await taker.close();
    const lostTwice = await newInventory();
    await ctx.store.inventories.openScan(lostTwice.id, {
      mode: 'expand',
      jobId: `expand|${lostTwice.id}`,
      openedAt: new Date(0).toISOString(),
      requeues: 2,
    });
    expect(await reconcileInventories(ctx, 0)).toEqual(expect.objectContaining({ failed: 2 }));
    expect(await ctx.store.inventories.get(failed.id)).toEqual(
      expect.objectContaining({ status: 'failed', error: expect.stringMatching(/expand job failed for good: the registry answered 500/) }),
    );
    expect(await ctx.store.inventories.get(lostTwice.id)).toEqual(
      expect.objectContaining({ status: 'failed', error: expect.stringMatching(/lost 3 times/) }),
    );
    expect(await ctx.store.inventories.openScanOf(failed.id)).toBeNull();
  });

  it('puts back a rescan schedule whose job scheduler was lost', async () => {
    const inventory = await newInventory({ everyMs: 3_600_000 });
    await ctx.store.inventories.closeScan(inventory.id);
    await scheduleRescan(ctx.queues, inventory.id, { everyMs: 3_600_000 });
    await ctx.queues.rescans.removeJobScheduler(`rescan|${inventory.id}`); // what a Redis that lost data no longer has
    expect(await hasRescanSchedule(ctx.queues, inventory.id)).toBe(false);
    expect(await reconcileInventories(ctx, 0)).toEqual(expect.objectContaining({ rescheduled: 1 }));
    expect(await hasRescanSchedule(ctx.queues, inventory.id)).toBe(true);
  });
});
