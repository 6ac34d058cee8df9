/**
 * Service-wide counters kept in Redis, so /metrics on any api instance shows what every worker did:
 * runs by verdict, failures by reason, why runs were inconclusive, and histograms of run durations and
 * of queue lag (submission to start).
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import type { VerdictName } from './types.js';

export const DURATION_BUCKETS_S = [5, 10, 20, 30, 60, 120, 300, 600] as const;
export const LAG_BUCKETS_S = [1, 5, 15, 60, 300, 900, 3600] as const;

/** Why a run failed, as /metrics counts it: few values, so a dashboard can alert on one. */
export type FailureReason = 'sandbox' | 'registry' | 'input' | 'report' | 'lost' | 'stalled' | 'cancelled' | 'other';

export interface ServiceStats {
  runsByVerdict: Record<string, number>;
  runsFailed: number;
  failuresByReason: Record<string, number>;
  /** Blind spots (notObserved kinds with hidesBehaviour) of the runs that came out inconclusive. */
  inconclusiveCauses: Record<string, number>;
  lagBuckets: { le: number; count: number }[];
  lagSumS: number;
  lagCount: number;
  durationBuckets: { le: number; count: number }[];
  durationSumS: number;
  durationCount: number;
}

export class StatsStore {
  constructor(private readonly redis: Redis) {}

  async recordRun(
    verdict: VerdictName | 'failed',
    durationMs: number,
    detail: { reason?: FailureReason; causes?: string[] } = {},
  ): Promise<void> {
    const seconds = durationMs / 1000;
    const m = this.redis.multi().hincrby(keys.stats(), verdict === 'failed' ? 'runs_failed' : `verdict:${verdict}`, 1);
    if (verdict === 'failed') m.hincrby(keys.stats(), `failure:${detail.reason ?? 'other'}`, 1);
    else {
      for (const le of DURATION_BUCKETS_S) if (seconds <= le) m.hincrby(keys.stats(), `duration_le:${le}`, 1);
      m.hincrbyfloat(keys.stats(), 'duration_sum', seconds).hincrby(keys.stats(), 'duration_count', 1);
      for (const cause of new Set(detail.causes ?? [])) m.hincrby(keys.stats(), `inconclusive:${cause}`, 1);
    }
    await m.exec();
  }

  /** Queue lag of a run that starts: from its job's creation to a worker taking it. */
  async recordLag(lagMs: number): Promise<void> {
    const seconds = Math.max(0, lagMs) / 1000;
    const m = this.redis.multi();
    for (const le of LAG_BUCKETS_S) if (seconds <= le) m.hincrby(keys.stats(), `lag_le:${le}`, 1);
    await m.hincrbyfloat(keys.stats(), 'lag_sum', seconds).hincrby(keys.stats(), 'lag_count', 1).exec();
  }

  async read(): Promise<ServiceStats> {
    const raw = await this.redis.hgetall(keys.stats());
    const num = (field: string) => Number(raw[field] ?? 0);
    const prefixed = (prefix: string) =>
      Object.fromEntries(
        Object.entries(raw).flatMap(([field, value]) => (field.startsWith(prefix) ? [[field.slice(prefix.length), Number(value)]] : [])),
      );
    return {
      runsByVerdict: prefixed('verdict:'),
      runsFailed: num('runs_failed'),
      failuresByReason: prefixed('failure:'),
      inconclusiveCauses: prefixed('inconclusive:'),
      lagBuckets: LAG_BUCKETS_S.map((le) => ({ le, count: num(`lag_le:${le}`) })),
      lagSumS: num('lag_sum'),
      lagCount: num('lag_count'),
      durationBuckets: DURATION_BUCKETS_S.map((le) => ({ le, count: num(`duration_le:${le}`) })),
      durationSumS: num('duration_sum'),
      durationCount: num('duration_count'),
    };
  }
}
