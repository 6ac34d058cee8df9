/**
 * The analyses queue: one sandbox run, then every analysis waiting on it finished from its outcome,
 * verdicts recorded, webhooks queued. A package that misbehaves is a result; only infrastructure
 * failures (engine, registry unreachable) are thrown for BullMQ to retry.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { AirlockError, type SandboxReport } from '@airlock/core';
import type { AnalysisJob, JobCatalog } from '@airlock/queue';
import { summarizeVerdict, type RunOutcome, type VerdictEntry } from '@airlock/store';
import type { WorkerContext } from './context.js';
import { emitEvent } from './events.js';
import { checkInventoryCompletion } from './inventory-completion.js';
import { runTarget } from './run-target.js';
import { isLastAttempt } from './attempts.js';

type Result = JobCatalog['analyses']['result'];

/** Input errors never succeed on retry; an abort is a cancellation. */
const PERMANENT: ReadonlySet<string> = new Set(['INVALID_INPUT', 'ARCHIVE_REJECTED', 'ABORTED']);

export function analysisProcessor(ctx: WorkerContext) {
  return async (job: Job<AnalysisJob, Result>): Promise<Result> => {
    const { runKey, target } = job.data;
    const waiting = await ctx.store.analyses.subscribers(runKey);
    const startedAt = new Date().toISOString();
    for (const id of waiting) await ctx.store.analyses.update(id, { status: 'running', startedAt });
    const controller = new AbortController();
    ctx.running.set(runKey, controller);
    let report: SandboxReport;
    try {
      report = await runTarget(ctx, target, controller.signal);
    } catch (err) {
      const code = err instanceof AirlockError ? err.code : 'UNKNOWN';
      const final = PERMANENT.has(code) || isLastAttempt(job);
      ctx.log.warn({ runKey, code, attempt: job.attemptsMade + 1, final, err: (err as Error).message }, 'analysis run failed');
      if (!final) throw err;
      await finishFailed(ctx, runKey, code === 'ABORTED' ? 'cancelled: the sandbox run was aborted' : (err as Error).message);
      throw new UnrecoverableError((err as Error).message);
    } finally {
      ctx.running.delete(runKey);
    }
    await finishCompleted(ctx, job.data, report);
    return { reportId: report.id, verdict: report.verdict?.verdict ?? 'benign' };
  };
}

/** Ends a run as failed: every analysis waiting on it is finished with `error` as its reason. */
export async function finishFailed(ctx: WorkerContext, runKey: string, error: string): Promise<void> {
  const outcome: RunOutcome = { status: 'failed', error, finishedAt: new Date().toISOString() };
  const ids = await ctx.store.analyses.finishRun(runKey, outcome);
  for (const id of ids) {
    await ctx.store.analyses.applyOutcome(id, outcome);
    const analysis = await ctx.store.analyses.get(id);
    if (analysis?.inventoryId) await checkInventoryCompletion(ctx, analysis.inventoryId);
  }
  await ctx.store.stats.recordRun('failed', 0);
}

async function finishCompleted(ctx: WorkerContext, { runKey, target }: AnalysisJob, report: SandboxReport): Promise<void> {
  if (!report.verdict) throw new Error('the pipeline returned an unscored report');
  await ctx.store.verdicts.saveReport(report);
  const verdict = summarizeVerdict(report.verdict);
  const phases = report.phases.map((p) => ({ name: p.name, status: p.status, durationMs: p.durationMs }));
  const finishedAt = new Date().toISOString();
  const entry = {
    ecosystem: target.ecosystem,
    name: target.name,
    version: target.version,
    archiveSha256: report.package.archive.sha256,
    reportId: report.id,
    analyzedAt: finishedAt,
    verdict,
    phases,
  };
  // Verdicts first, run outcome second: a submitter checks verdicts, then subscribes, so never misses both.
  const publicEntry = target.kind === 'registry' ? await ctx.store.verdicts.record('public', entry) : null;
  const outcome: RunOutcome = {
    status: 'completed',
    reportId: report.id,
    verdict,
    phases,
    archiveSha256: entry.archiveSha256,
    finishedAt,
    durationMs: report.timings.totalMs,
  };
  const ids = await ctx.store.analyses.finishRun(runKey, outcome);
  const orgEntries = new Map<string, VerdictEntry>();
  for (const id of ids) {
    if (!(await ctx.store.analyses.applyOutcome(id, outcome))) continue;
    const analysis = await ctx.store.analyses.get(id);
    if (!analysis) continue;
    let recorded = publicEntry ?? orgEntries.get(analysis.orgId);
    if (!recorded) {
      recorded = await ctx.store.verdicts.record({ orgId: analysis.orgId }, entry);
      orgEntries.set(analysis.orgId, recorded);
    }
    const data = { analysis, reportUrl: `/v1/analyses/${analysis.id}/report` };
    await emitEvent(ctx.store, ctx.queues, analysis.orgId, 'analysis.verdict', data);
    if (recorded.previousVerdict)
      await emitEvent(ctx.store, ctx.queues, analysis.orgId, 'analysis.verdict_changed', {
        ...data,
        previousVerdict: recorded.previousVerdict,
      });
    if (analysis.inventoryId) await checkInventoryCompletion(ctx, analysis.inventoryId);
  }
  await ctx.store.stats.recordRun(verdict.verdict, report.timings.totalMs);
  ctx.log.info(
    { runKey, reportId: report.id, verdict: verdict.verdict, score: verdict.score, analyses: ids.length },
    'analysis run completed',
  );
}
