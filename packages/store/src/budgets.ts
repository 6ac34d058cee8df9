/**
 * Daily per-organization budgets, counted in Redis so every api and worker process shares them: forced
 * runs (`force`, reruns, a manual inventory rescan) and the package runs of inventory rescans. A day is
 * a UTC calendar day; its key expires two days later.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

export type BudgetKind = 'force' | 'rescan';

export interface BudgetUse {
  /** True when a unit was taken; false (nothing taken) when the day's budget is spent. */
  ok: boolean;
  used: number;
  limit: number;
  /** The next UTC midnight, when the budget is whole again. */
  resetsAt: string;
}

/** Takes one unit unless `limit` units were already taken today: one script, so concurrent callers never overspend. */
const TAKE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return -used - 1 end
used = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return used
`;

export class BudgetStore {
  constructor(private readonly redis: Redis) {}

  async take(kind: BudgetKind, orgId: string, limit: number, now: Date = new Date()): Promise<BudgetUse> {
    const day = now.toISOString().slice(0, 10);
    const resetsAt = new Date(Date.parse(`${day}T00:00:00.000Z`) + 24 * 3600 * 1000).toISOString();
    const result = Number(await this.redis.eval(TAKE, 1, keys.budget(kind, orgId, day), String(limit), String(2 * 24 * 3600)));
    return result > 0 ? { ok: true, used: result, limit, resetsAt } : { ok: false, used: -result - 1, limit, resetsAt };
  }
}
