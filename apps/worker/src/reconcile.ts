/**
 * Nothing stays `queued` or `running` for ever. A job that fails for good without its processor finishing
 * it (out of memory, stalled too often) is finished by the `failed` handler; a sweep (at start, then
 * periodically) looks at every open run whose job is gone or failed: a run whose outcome is known is
 * applied, one never started is enqueued again (twice at most), the rest are failed with a reason.
 */
import type { Job } from 'bullmq';
import { enqueueAnalysis, safeJobId, type AnalysisJob, type AnalysisTarget, type PrioritySource } from '@airlock/queue';
import { keys, TERMINAL_STATUSES, type AnalysisRecord } from '@airlock/store';
import { finishFailed } from './analysis-processor.js';
import type { WorkerContext } from './context.js';
import { checkInventoryCompletion } from './inventory-completion.js';

/** A lost queued job is enqueued again at most this often; after that its analyses fail. */
const MAX_REQUEUES = 2;
const RELEASE_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const LIVE_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The worker's `failed` event on the analyses queue: when the job will not run again (no attempt left,
 * unrecoverable, stalled too often) and no outcome was recorded, its analyses are failed with the reason.
 */
export async function onAnalysisJobFailed(ctx: WorkerContext, job: Job<AnalysisJob> | undefined, err: Error): Promise<void> {
  if (!job?.data?.runKey) return;
  const state = await job.getState();
  if (state !== 'failed' && state !== 'unknown') return; // retried later: not final
  const { runKey } = job.data;
  if (await ctx.store.analyses.runOutcome(runKey)) return; // the processor finished it
  ctx.log.warn({ runKey, err: err.message }, 'analysis job failed for good outside its processor');
  await finishFailed(ctx, runKey, `the sandbox run failed for good: ${err.message}`, {
    reason: /stalled/i.test(err.message) ? 'stalled' : 'other',
  });
}

export interface ReconcileResult {
  applied: number;
  requeued: number;
  failed: number;
  closed: number;
}

/**
 * One sweep over the open runs (one worker at a time): runs opened less than `graceMs` ago are left
 * alone (their job may be on its way to the queue).
 */
export async function reconcileRuns(ctx: WorkerContext, graceMs: number, now = Date.now()): Promise<ReconcileResult | null> {
  const result: ReconcileResult = { applied: 0, requeued: 0, failed: 0, closed: 0 };
  const lock = await ctx.store.redis.set(keys.reconcileLock(), ctx.workerId, 'PX', 60_000, 'NX');
  if (lock !== 'OK') return null;
  try {
    for await (const [runKey, open] of ctx.store.analyses.openRuns()) {
      if (now - Date.parse(open.openedAt) < graceMs) continue;
      const outcome = await ctx.store.analyses.runOutcome(runKey);
      const waiting = await unfinishedSubscribers(ctx, runKey);
      if (outcome) {
        for (const analysis of waiting) await ctx.store.analyses.applyOutcome(analysis.id, outcome);
        await ctx.store.analyses.closeRun(runKey);
        result.applied += waiting.length;
        await checkInventories(ctx, waiting);
        continue;
      }
      if (waiting.length === 0) {
        await ctx.store.analyses.closeRun(runKey);
        result.closed += 1;
        continue;
      }
      const job = await ctx.queues.analyses.getJob(safeJobId(runKey));
      const state = job ? await job.getState() : 'unknown';
      if (LIVE_STATES.has(state)) continue;
      const started = waiting.some((a) => a.status === 'running');
      if (state === 'unknown' && !started && open.requeues < MAX_REQUEUES) {
        await ctx.store.analyses.openRun(runKey, { ...open, requeues: open.requeues + 1, openedAt: new Date(now).toISOString() });
        await enqueueAnalysis(ctx.queues, open.target as AnalysisTarget, open.source as PrioritySource, runKey);
        ctx.log.warn({ runKey, requeues: open.requeues + 1 }, 'a queued run had lost its job: enqueued again');
        result.requeued += 1;
        continue;
      }
      const reason =
        state === 'failed'
          ? `the sandbox run failed for good: ${job?.failedReason ?? 'unknown reason'}`
          : started
            ? 'the sandbox run was lost: its job disappeared while it ran (worker or Redis failure); submit it again'
            : `the queued run was lost ${open.requeues + 1} times (worker or Redis failure); submit it again`;
      ctx.log.warn({ runKey, state, reason }, 'failing the analyses of a lost run');
      await finishFailed(ctx, runKey, reason, { reason: state === 'failed' ? 'other' : 'lost' });
      result.failed += waiting.length;
    }
  } finally {
    // Released only if still ours (a sweep longer than the lock's life must not free another worker's).
    await ctx.store.redis.eval(RELEASE_IF_OURS, 1, keys.reconcileLock(), ctx.workerId);
  }
  return result;
}

async function unfinishedSubscribers(ctx: WorkerContext, runKey: string): Promise<AnalysisRecord[]> {
  const ids = await ctx.store.analyses.subscribers(runKey);
  const records = await Promise.all(ids.map((id) => ctx.store.analyses.get(id)));
  return records.filter((r): r is AnalysisRecord => r !== null && !TERMINAL_STATUSES.includes(r.status));
}

async function checkInventories(ctx: WorkerContext, analyses: readonly AnalysisRecord[]): Promise<void> {
  for (const inventoryId of new Set(analyses.flatMap((a) => (a.inventoryId ? [a.inventoryId] : []))))
    await checkInventoryCompletion(ctx, inventoryId);
}
