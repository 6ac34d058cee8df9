/**
 * Submitting and cancelling analyses: the one path used by the API (a user's request) and by the
 * worker (inventory expansion, rescans), so a known verdict, dedupe and priorities behave the same.
 */
import { nanoid } from 'nanoid';
import type { AnalysisRecord, Store } from '@airlock/store';
import { PRIORITY, type AnalysisTarget, type PrioritySource } from './catalog.js';
import { enqueueAnalysis, type Queues } from './queues.js';
import { runKeyOf, safeJobId } from './job-ids.js';

/** Workers listen here for runs to abort (a cancelled analysis whose run is already in a container). */
export const CANCEL_CHANNEL = 'airlock:cancel';

export interface Submission {
  orgId: string;
  target: AnalysisTarget;
  source: PrioritySource;
  inventoryId?: string | null;
  /** Run again even if a verdict for this version (and archive) is known. */
  force?: boolean;
}

export async function submitAnalysis(store: Store, queues: Queues, submission: Submission): Promise<AnalysisRecord> {
  const { orgId, target } = submission;
  const archiveSha256 = target.kind === 'archive' ? target.sha256 : null;
  const base = {
    orgId,
    ecosystem: target.ecosystem,
    name: target.name,
    version: target.version,
    source: target.kind === 'archive' ? ('upload' as const) : ('registry' as const),
    archiveSha256,
    inventoryId: submission.inventoryId ?? null,
  };
  const privateTo = target.kind === 'registry' ? (target.privateTo ?? null) : null;
  const known = submission.force
    ? null
    : await store.verdicts.known(orgId, target.ecosystem, target.name, target.version, archiveSha256, privateTo);
  const isPublic = target.kind === 'registry' && privateTo === null;
  if (known) {
    // Whoever is answered from the public verdict is told if it changes (analysis.verdict_changed).
    if (isPublic) await store.verdicts.addReceiver(target.ecosystem, target.name, target.version, orgId);
    const now = new Date().toISOString();
    return store.analyses.create(
      { ...base, archiveSha256: known.archiveSha256, runKey: runKeyOf(target) },
      {
        status: 'completed',
        cached: true,
        startedAt: now,
        finishedAt: now,
        reportId: known.reportId,
        verdict: known.verdict,
        phases: known.phases,
      },
    );
  }
  const runKey = runKeyOf(target, submission.force ? nanoid(8) : undefined);
  const analysis = await store.analyses.create({ ...base, runKey });
  const outcome = await store.analyses.subscribe(runKey, analysis.id);
  if (outcome) {
    // The run ended already (another organization uploaded the same bytes): its result is this one's too.
    await store.analyses.applyOutcome(analysis.id, outcome);
    if (outcome.status === 'completed' && !isPublic) {
      const { reportId, verdict, phases, archiveSha256: sha256, finishedAt } = outcome;
      const entry = {
        ecosystem: target.ecosystem,
        name: target.name,
        version: target.version,
        archiveSha256: sha256,
        reportId,
        analyzedAt: finishedAt,
        verdict,
        phases,
      };
      if (privateTo !== null) await store.verdicts.recordPrivate(orgId, entry);
      else await store.verdicts.recordUpload(orgId, entry);
    } else if (outcome.status === 'completed') await store.verdicts.addReceiver(target.ecosystem, target.name, target.version, orgId);
    return (await store.analyses.get(analysis.id)) ?? analysis;
  }
  // Open before enqueued: a sweep that finds the run without its job (lost in a Redis restart) enqueues it again.
  const open = { target, source: submission.source, openedAt: new Date().toISOString(), requeues: 0 };
  await store.analyses.openRun(runKey, open);
  await enqueueAnalysis(queues, target, submission.source, runKey);
  return analysis;
}

/**
 * Cancels an analysis. Its run stops only when no other analysis waits on it: removed from the queue
 * if it has not started, else aborted in its worker (the sandbox container is removed). A cancel never
 * stores an outcome under the run key: other organizations' submissions of the same version never read
 * a failure from it. Whoever subscribed while the job was being removed gets the job queued again; a
 * worker that is told to abort checks for waiting analyses first, and runs again for any that joined.
 */
export async function cancelAnalysis(store: Store, queues: Queues, analysis: AnalysisRecord): Promise<boolean> {
  const cancelled = await store.analyses.update(analysis.id, {
    status: 'cancelled',
    finishedAt: new Date().toISOString(),
    error: 'cancelled by the user',
  });
  if (!cancelled) return false;
  const waiting = await store.analyses.unsubscribe(analysis.runKey, analysis.id);
  if (waiting > 0) return true;
  const job = await queues.analyses.getJob(safeJobId(analysis.runKey));
  const state = job ? await job.getState() : 'unknown';
  if (job && (state === 'waiting' || state === 'prioritized' || state === 'delayed')) {
    await job.remove().catch(() => undefined);
    // Someone subscribed between the unsubscribe and the removal: their enqueue was a no-op (the id existed).
    if ((await store.analyses.subscribers(analysis.runKey)).length > 0)
      await enqueueAnalysis(queues, job.data.target, sourceOfPriority(job.opts.priority), analysis.runKey);
  } else await store.redis.publish(CANCEL_CHANNEL, analysis.runKey);
  return true;
}

function sourceOfPriority(priority: number | undefined): PrioritySource {
  return (Object.keys(PRIORITY) as PrioritySource[]).find((source) => PRIORITY[source] === priority) ?? 'api';
}
