/**
 * An inventory costs O(N) Redis commands overall: expansion (half the packages with a known verdict, half
 * queued) and the worker's finish of every queued run, counted with INFO commandstats on a private Redis.
 * Twice the packages must cost about twice the commands (before: every finish re-read every analysis).
 */
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueues, runKeyOf, type InventoryJob, type Queues } from '@airlock/queue';
import { connectDocker } from '@airlock/sandbox';
import { openStore, type Store } from '@airlock/store';
import { workerConfigFromEnv, type WorkerContext } from '@airlock/worker';
import { finishFailed } from '../../../apps/worker/src/analysis-processor.js';
import { inventoryProcessor } from '../../../apps/worker/src/inventory-processor.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { quietLog } from '../../support/service.js';

let redis: TestRedis;
let store: Store;
let queues: Queues;
let ctx: WorkerContext;

beforeAll(async () => {
  redis = await startTestRedis();
  store = openStore(redis.url);
  queues = openQueues(redis.url);
  ctx = {
    config: { ...workerConfigFromEnv({}), redisUrl: redis.url },
    workerId: 'wrk-test',
    store,
    queues,
    docker: connectDocker(),
    log: quietLog,
    running: new Map(),
    signalPolicy: {},
  };
});

afterAll(async () => {
  await queues?.close();
  await store?.close();
  await redis?.stop();
});

/** Redis commands run since the last reset (INFO and CONFIG themselves left out). */
async function commandsSinceReset(): Promise<number> {
  const info = await store.redis.info('commandstats');
  let total = 0;
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    if (name !== 'info' && name !== 'config') total += Number(calls);
  return total;
}

/** An inventory of `n` packages, the even ones with a known verdict; expanded, then every queued run finished by the worker's code. */
async function inventoryCost(n: number): Promise<{ commands: number; status: string; finished: number }> {
  const name = (i: number) => `scale-${n}-${i}`;
  const verdict = { verdict: 'benign' as const, score: 0, reasons: [], notObserved: [] };
  for (let i = 0; i < n; i += 2)
    await store.verdicts.recordRun(
      {
        ecosystem: 'npm',
        name: name(i),
        version: '1.0.0',
        archiveSha256: 'a'.repeat(64),
        reportId: `rep_${i}`,
        analyzedAt: new Date().toISOString(),
        verdict,
        phases: [],
      },
      { requestedBy: ['org_scale'], forced: false },
    );
  const inventory = await store.inventories.create({
    orgId: 'org_scale',
    fileName: 'package-lock.json',
    format: 'package-lock-v3',
    schedule: null,
    packages: Array.from({ length: n }, (_, i) => ({
      ecosystem: 'npm' as const,
      name: name(i),
      version: '1.0.0',
      integrity: null,
      analysisId: null,
    })),
    skipped: [],
  });
  await store.redis.config('RESETSTAT');
  await inventoryProcessor(ctx, 'expand')({ data: { inventoryId: inventory.id } } as Job<InventoryJob>);
  for (let i = 1; i < n; i += 2)
    await finishFailed(
      ctx,
      runKeyOf({ kind: 'registry', ecosystem: 'npm', name: name(i), version: '1.0.0' }),
      'the test finishes this run',
    );
  const commands = await commandsSinceReset();
  const done = await store.inventories.get(inventory.id);
  const finished = (await Promise.all(done!.packages.map((p) => store.analyses.get(p.analysisId!)))).filter(
    (a) => a?.status === 'completed' || a?.status === 'failed',
  ).length;
  return { commands, status: done!.status, finished };
}

describe('inventory cost in Redis commands', () => {
  it('grows linearly with the number of packages (500 vs 1000)', async () => {
    const small = await inventoryCost(500);
    const large = await inventoryCost(1000);
    console.log(
      `Redis commands: 500 packages ${small.commands} (${(small.commands / 500).toFixed(1)}/package), 1000 packages ${large.commands} (${(large.commands / 1000).toFixed(1)}/package), ratio ${(large.commands / small.commands).toFixed(2)}`,
    );
    expect(small).toMatchObject({ status: 'completed', finished: 500 });
    expect(large).toMatchObject({ status: 'completed', finished: 1000 });
    expect(large.commands / small.commands).toBeLessThan(2.2);
    expect(large.commands / 1000).toBeLessThan(40);
  });
});
