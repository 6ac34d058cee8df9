/** Unauthenticated operations endpoints: liveness, readiness (Redis answers), Prometheus metrics. */
import { Router } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { VERDICT_LABELS } from '@airlock/core';
import { QUEUES } from '@airlock/queue';
import type { ApiContext } from '../context.js';

export function operationsRouter(ctx: ApiContext): Router {
  const router = Router();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'airlock_api_' });

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const ping = await Promise.race([
      ctx.store.redis.ping(),
      new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 1000)),
    ]).catch((err: Error) => err.message);
    if (ping === 'PONG') res.json({ status: 'ready', redis: 'ok' });
    else res.status(503).json({ status: 'not ready', redis: ping });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send((await serviceMetrics(ctx)) + (await registry.metrics()));
  });
  return router;
}

/** Queue depths and the workers' counters from Redis, so every api instance reports the same numbers. */
async function serviceMetrics(ctx: ApiContext): Promise<string> {
  const lines: string[] = ['# HELP airlock_queue_jobs Jobs per queue and state.', '# TYPE airlock_queue_jobs gauge'];
  for (const [key, queue] of Object.entries(ctx.queues)) {
    if (typeof queue === 'function') continue;
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
    for (const [state, n] of Object.entries(counts))
      lines.push(`airlock_queue_jobs{queue="${QUEUES[key as keyof typeof QUEUES]}",state="${state}"} ${n}`);
  }
  const stats = await ctx.store.stats.read();
  lines.push('# HELP airlock_analysis_runs_total Sandbox runs finished, by verdict.', '# TYPE airlock_analysis_runs_total counter');
  for (const verdict of VERDICT_LABELS)
    lines.push(`airlock_analysis_runs_total{verdict="${verdict}"} ${stats.runsByVerdict[verdict] ?? 0}`);
  lines.push(
    '# HELP airlock_analysis_runs_failed_total Sandbox runs that ended in an error.',
    '# TYPE airlock_analysis_runs_failed_total counter',
    `airlock_analysis_runs_failed_total ${stats.runsFailed}`,
    '# HELP airlock_analysis_failures_total Failed sandbox runs by reason (sandbox, registry, input, report, lost, stalled, cancelled, other).',
    '# TYPE airlock_analysis_failures_total counter',
    ...Object.entries(stats.failuresByReason).map(([reason, n]) => `airlock_analysis_failures_total{reason="${reason}"} ${n}`),
    '# HELP airlock_analysis_inconclusive_causes_total Inconclusive runs by blind spot (a run with several counts under each).',
    '# TYPE airlock_analysis_inconclusive_causes_total counter',
    ...Object.entries(stats.inconclusiveCauses).map(([cause, n]) => `airlock_analysis_inconclusive_causes_total{cause="${cause}"} ${n}`),
    '# HELP airlock_queue_lag_seconds Time from submission to a worker starting the run (first attempts).',
    '# TYPE airlock_queue_lag_seconds histogram',
    ...stats.lagBuckets.map((b) => `airlock_queue_lag_seconds_bucket{le="${b.le}"} ${b.count}`),
    `airlock_queue_lag_seconds_bucket{le="+Inf"} ${stats.lagCount}`,
    `airlock_queue_lag_seconds_sum ${stats.lagSumS}`,
    `airlock_queue_lag_seconds_count ${stats.lagCount}`,
  );
  lines.push(
    '# HELP airlock_analysis_duration_seconds Duration of completed sandbox runs.',
    '# TYPE airlock_analysis_duration_seconds histogram',
  );
  for (const bucket of stats.durationBuckets) lines.push(`airlock_analysis_duration_seconds_bucket{le="${bucket.le}"} ${bucket.count}`);
  lines.push(`airlock_analysis_duration_seconds_bucket{le="+Inf"} ${stats.durationCount}`);
  lines.push(
    `airlock_analysis_duration_seconds_sum ${stats.durationSumS}`,
    `airlock_analysis_duration_seconds_count ${stats.durationCount}`,
  );
  return `${lines.join('\n')}\n`;
}
