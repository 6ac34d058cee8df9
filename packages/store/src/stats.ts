/**
 * Service-wide counters kept in Redis, so /metrics on any api instance shows what every worker did:
 * runs by verdict, failures, and a histogram of run durations.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import type { VerdictName } from './types.js';

export const DURATION_BUCKETS_S = [5, 10, 20, 30, 60, 120, 300, 600] as const;

export interface ServiceStats {
  runsByVerdict: Record<string, number>;
  runsFailed: number;
  durationBuckets: { le: number; count: number }[];
  durationSumS: number;
  durationCount: number;
}

export class StatsStore {
  constructor(private readonly redis: Redis) {}

  async recordRun(verdict: VerdictName | 'failed', durationMs: number): Promise<void> {
    const seconds = durationMs / 1000;
    const m = this.redis.multi().hincrby(keys.stats(), verdict === 'failed' ? 'runs_failed' : `verdict:${verdict}`, 1);
    if (verdict !== 'failed') {
      for (const le of DURATION_BUCKETS_S) if (seconds <= le) m.hincrby(keys.stats(), `duration_le:${le}`, 1);
      m.hincrbyfloat(keys.stats(), 'duration_sum', seconds).hincrby(keys.stats(), 'duration_count', 1);
    }
    await m.exec();
  }

  async read(): Promise<ServiceStats> {
    const raw = await this.redis.hgetall(keys.stats());
    const num = (field: string) => Number(raw[field] ?? 0);
    const runsByVerdict: Record<string, number> = {};
    for (const [field, value] of Object.entries(raw)) if (field.startsWith('verdict:')) runsByVerdict[field.slice(8)] = Number(value);
    return {
      runsByVerdict,
      runsFailed: num('runs_failed'),
      durationBuckets: DURATION_BUCKETS_S.map((le) => ({ le, count: num(`duration_le:${le}`) })),
      durationSumS: num('duration_sum'),
      durationCount: num('duration_count'),
    };
  }
}
