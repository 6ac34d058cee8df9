/**
 * The analyses queue: one sandbox run, then every analysis waiting on it finished from its outcome,
 * verdicts recorded, webhooks queued. A package that misbehaves is a result; only infrastructure
 * failures (engine, registry unreachable) are thrown for BullMQ to retry.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { AirlockError, type SandboxReport } from '@airlock/core';
import { runKeyOf, type AnalysisJob, type JobCatalog } from '@airlock/queue';
import {
  summarizeVerdict,
  type AnalysisRecord,
  type FailureReason,
  type RecordedRun,
  type RunOutcome,
  type VerdictEntry,
} from '@airlock/store';
import type { WorkerContext } from './context.js';
import { emitEvent } from './events.js';
import { checkInventoryCompletion } from './inventory-completion.js';
import { runTarget } from './run-target.js';
import { isLastAttempt } from './attempts.js';
import { orgLens, type OrgLens } from './org-view.js';

type Result = JobCatalog['analyses']['result'];

/** Input errors never succeed on retry; an abort is a cancellation. */
const PERMANENT: ReadonlySet<string> = new Set(['INVALID_INPUT', 'ARCHIVE_REJECTED', 'ABORTED']);

/** How many times a run is started again because analyses joined it while it was being cancelled. */
const MAX_RESTARTS_AFTER_CANCEL = 3;

export function analysisProcessor(ctx: WorkerContext, run: typeof runTarget = runTarget) {
  return async (job: Job<AnalysisJob, Result>): Promise<Result> => {
    const { runKey, target } = job.data;
    if (job.attemptsMade === 0) await ctx.store.stats.recordLag(Date.now() - job.timestamp);
    const waiting = await ctx.store.analyses.subscribers(runKey);
    const startedAt = new Date().toISOString();
    for (const id of waiting) await ctx.store.analyses.update(id, { status: 'running', startedAt });
    let report: SandboxReport | null = null;
    for (let restarts = 0; report === null; restarts++) {
      const controller = new AbortController();
      ctx.running.set(runKey, controller);
      try {
        report = await run(ctx, target, controller.signal);
      } catch (err) {
        const code = err instanceof AirlockError ? err.code : 'UNKNOWN';
        if (code === 'ABORTED') {
          // Cancelled by the last analysis waiting on it; another may have joined since: it runs again for them.
          const joined = await ctx.store.analyses.subscribers(runKey);
          ctx.log.info({ runKey, joined: joined.length, restarts }, 'analysis run aborted by a cancel');
          if (joined.length > 0 && restarts < MAX_RESTARTS_AFTER_CANCEL) {
            const restartedAt = new Date().toISOString();
            for (const id of joined) await ctx.store.analyses.update(id, { status: 'running', startedAt: restartedAt });
            continue;
          }
          if (joined.length > 0)
            await finishFailed(ctx, runKey, 'cancelled: the sandbox run was aborted', { shared: false, reason: 'cancelled' });
          // Nothing is stored under the run key: a cancel never answers another organization's submission.
          throw new UnrecoverableError((err as Error).message);
        }
        const final = PERMANENT.has(code) || isLastAttempt(job);
        ctx.log.warn({ runKey, code, attempt: job.attemptsMade + 1, final, err: (err as Error).message }, 'analysis run failed');
        if (!final) throw err;
        await finishFailed(ctx, runKey, (err as Error).message, { reason: failureReasonOf(code) });
        throw new UnrecoverableError((err as Error).message);
      } finally {
        ctx.running.delete(runKey);
      }
    }
    // Serialising and storing the report can fail too (a report too large, Redis refusing it): the
    // analyses then fail with the reason instead of staying `running`.
    try {
      await completeRun(ctx, job.data, report);
    } catch (err) {
      const reason = `the report could not be stored: ${(err as Error).message}`;
      const final = err instanceof ReportNotStorable || isLastAttempt(job);
      ctx.log.warn({ runKey, attempt: job.attemptsMade + 1, final, err: (err as Error).message }, 'storing the report failed');
      if (!final) throw err;
      await finishFailed(ctx, runKey, reason, { reason: 'report' });
      throw new UnrecoverableError(reason);
    }
    return { reportId: report.id, verdict: report.verdict?.verdict ?? 'benign' };
  };
}

/** A report that cannot be serialised or is over the stored bound: retrying the run would make the same one. */
class ReportNotStorable extends Error {}

/**
 * The largest report stored: twice the report's own cap (REPORT_MAX_BYTES in packages/report, 32 MiB), room
 * for what that cap does not bound (the verdict's evidence lists); far under V8's 512 MiB string limit.
 */
const MAX_STORED_REPORT_BYTES = 64 * 1024 * 1024;

function serializeReport(report: SandboxReport): string {
  let json: string;
  try {
    json = JSON.stringify(report);
  } catch (err) {
    throw new ReportNotStorable(`serialising it failed (${(err as Error).message})`, { cause: err });
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_STORED_REPORT_BYTES) throw new ReportNotStorable(`it is ${bytes} bytes serialised, over ${MAX_STORED_REPORT_BYTES}`);
  return json;
}

/** Fails every analysis waiting on the run; `shared: false` fails them without storing the outcome under the run key. */
/** What /metrics counts a failed run under, from the pipeline's error code. */
function failureReasonOf(code: string): FailureReason {
  if (code === 'DOCKER_UNAVAILABLE' || code === 'IMAGE_MISSING' || code === 'SANDBOX_FAILED') return 'sandbox';
  if (code === 'INVALID_INPUT' || code === 'ARCHIVE_REJECTED') return 'input';
  return 'other';
}

export async function finishFailed(
  ctx: WorkerContext,
  runKey: string,
  error: string,
  { shared = true, reason = 'other' }: { shared?: boolean; reason?: FailureReason } = {},
): Promise<void> {
  const outcome: RunOutcome = { status: 'failed', error, finishedAt: new Date().toISOString() };
  const ids = shared ? await ctx.store.analyses.finishRun(runKey, outcome) : await ctx.store.analyses.subscribers(runKey);
  for (const id of ids) {
    await ctx.store.analyses.applyOutcome(id, outcome);
    const analysis = await ctx.store.analyses.get(id);
    if (analysis?.inventoryId) await checkInventoryCompletion(ctx, analysis.inventoryId);
  }
  await ctx.store.stats.recordRun('failed', 0, { reason });
}

/**
 * Records a completed run and finishes every analysis waiting on it. A registry run is one more entry
 * in the version's history; it becomes the public verdict only as verdict-policy.ts allows (a `malicious`
 * one is sticky), and a change is announced to every organization that had received the old verdict.
 * An upload's verdict is its organization's only, keyed by the archive's sha256.
 */
export async function completeRun(
  ctx: WorkerContext,
  { runKey, target }: AnalysisJob,
  report: SandboxReport,
  finishedAt: string = new Date().toISOString(),
): Promise<void> {
  if (!report.verdict) throw new ReportNotStorable('the pipeline returned an unscored report');
  await ctx.store.verdicts.saveReport(report.id, serializeReport(report));
  const verdict = summarizeVerdict(report.verdict);
  const phases = report.phases.map((p) => ({ name: p.name, status: p.status, durationMs: p.durationMs }));
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
  let recorded: RecordedRun | null = null;
  // A private registry's package is recorded like an upload: its organization's own verdict, never public.
  const isPublic = target.kind === 'registry' && !target.privateTo;
  if (isPublic) {
    const waiting = await Promise.all((await ctx.store.analyses.subscribers(runKey)).map((id) => ctx.store.analyses.get(id)));
    const requestedBy = waiting.flatMap((a) => (a && a.status !== 'cancelled' ? [a.orgId] : []));
    recorded = await ctx.store.verdicts.recordRun(entry, { requestedBy, forced: runKey !== runKeyOf(target) });
    if (recorded.run.held)
      ctx.log.warn({ runKey, verdict: verdict.verdict, public: recorded.entry.verdict.verdict, note: recorded.run.note }, 'verdict held');
  }
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
  const uploadEntries = new Map<string, VerdictEntry>();
  const analysesByOrg = new Map<string, AnalysisRecord>();
  // Each organization's webhooks carry verdicts as it sees them (its accepted false positives).
  const lenses = new Map<string, OrgLens>();
  const lensOf = async (orgId: string) => {
    let lens = lenses.get(orgId);
    if (!lens) lenses.set(orgId, (lens = await orgLens(ctx.store, orgId)));
    return lens;
  };
  for (const id of ids) {
    if (!(await ctx.store.analyses.applyOutcome(id, outcome))) continue;
    const analysis = await ctx.store.analyses.get(id);
    if (!analysis) continue;
    const data = { analysis: (await lensOf(analysis.orgId))(analysis), reportUrl: `/v1/analyses/${analysis.id}/report` };
    await emitEvent(ctx.store, ctx.queues, analysis.orgId, 'analysis.verdict', {
      ...data,
      ...(recorded ? { publicVerdict: recorded.entry.verdict.verdict } : {}),
    });
    if (recorded) {
      if (!analysesByOrg.has(analysis.orgId)) analysesByOrg.set(analysis.orgId, analysis);
      await ctx.store.verdicts.addReceiver(target.ecosystem, target.name, target.version, analysis.orgId);
    } else {
      let upload = uploadEntries.get(analysis.orgId);
      if (!upload) {
        upload =
          target.kind === 'registry'
            ? await ctx.store.verdicts.recordPrivate(analysis.orgId, entry)
            : await ctx.store.verdicts.recordUpload(analysis.orgId, entry);
        uploadEntries.set(analysis.orgId, upload);
        if (upload.previousVerdict)
          await emitEvent(ctx.store, ctx.queues, analysis.orgId, 'analysis.verdict_changed', {
            ...data,
            previousVerdict: upload.previousVerdict,
          });
      }
    }
    if (analysis.inventoryId) await checkInventoryCompletion(ctx, analysis.inventoryId);
  }
  if (recorded?.previousVerdict) {
    const { ecosystem, name, version } = target;
    const change = {
      package: { ecosystem, name, version },
      verdict: recorded.entry.verdict,
      previousVerdict: recorded.previousVerdict,
      verdictUrl: `/v1/verdicts/${ecosystem}/${name}/${version}`,
    };
    // Every organization that received the old verdict, not only those who asked for this run.
    for (const orgId of recorded.notify) {
      const own = analysesByOrg.get(orgId);
      const lens = await lensOf(orgId);
      const seen = lens({ ecosystem, name, version, verdict: change.verdict });
      await emitEvent(ctx.store, ctx.queues, orgId, 'analysis.verdict_changed', {
        ...change,
        verdict: seen.verdict,
        originalVerdict: seen.originalVerdict,
        acceptedFalsePositive: seen.acceptedFalsePositive,
        ...(own ? { analysis: lens(own), reportUrl: `/v1/analyses/${own.id}/report` } : {}),
      });
    }
    ctx.log.info(
      { runKey, from: recorded.previousVerdict, to: verdict.verdict, notified: recorded.notify.length },
      'public verdict changed',
    );
  }
  const causes = verdict.verdict === 'inconclusive' ? verdict.notObserved.filter((n) => n.hidesBehaviour).map((n) => n.kind) : [];
  await ctx.store.stats.recordRun(verdict.verdict, report.timings.totalMs, { causes });
  ctx.log.info(
    { runKey, reportId: report.id, verdict: verdict.verdict, score: verdict.score, analyses: ids.length },
    'analysis run completed',
  );
}
