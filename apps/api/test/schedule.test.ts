import { describe, expect, it } from 'vitest';
import { cronMinIntervalMs, MIN_RESCAN_INTERVAL_MS, scheduleProblem } from '../src/schedule.js';
import { InventoryQuery } from '../src/schemas.js';

const from = new Date('2026-12-04T23:00:00Z');

describe('rescan schedules', () => {
  it('computes the shortest interval between two consecutive cron runs', () => {
    expect(cronMinIntervalMs('0 3 * * *', from)).toBe(86_400_000);
    expect(cronMinIntervalMs('*/5 * * * *', from)).toBe(300_000);
    expect(cronMinIntervalMs('* * * * * *', from)).toBe(1_000);
    // Irregular: 00:00 and 00:58 each hour -> 2 minutes between 00:58 and the next 00:00.
    expect(cronMinIntervalMs('0,58 * * * *', from)).toBe(120_000);
    // Across a month end: the 31st at 23:59 and the 1st at 00:00.
    expect(cronMinIntervalMs('0,59 0,23 1,31 * *', from)).toBe(60_000);
    expect(cronMinIntervalMs('0 3 * * 1', from)).toBe(7 * 86_400_000);
    expect(cronMinIntervalMs('0 0 29 2 *', from)).toBe(1461 * 86_400_000);
    // Computed, not walked run by run: a pattern firing every second is answered at once.
    const t0 = performance.now();
    cronMinIntervalMs('* * * * * *', from);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('holds every kind of schedule to the 5-minute floor', () => {
    for (const ok of ['hourly', 'daily', 'weekly', 'every:5m', 'every:6h', 'cron:0 3 * * *', 'cron:*/5 * * * *', 'cron:0 */10 * * * *'])
      expect(scheduleProblem(ok, from), ok).toBeNull();
    expect(scheduleProblem('every:10s', from)).toMatch(/more often than every 5 minutes/);
    expect(scheduleProblem('every:0m', from)).toMatch(/more often than every 5 minutes/);
    expect(scheduleProblem('cron:* * * * * *', from)).toMatch(/runs 1 s apart.*at most every 5 minutes/);
    expect(scheduleProblem('cron:* * * * *', from)).toMatch(/runs 60 s apart/);
    expect(scheduleProblem('cron:0,58 * * * *', from)).toMatch(/runs 120 s apart/);
    expect(MIN_RESCAN_INTERVAL_MS).toBe(300_000);
  });

  it("refuses invalid cron patterns with the parser's reason", () => {
    expect(scheduleProblem('cron:61 * * * *', from)).toMatch(/^invalid cron pattern "61 \* \* \* \*"/);
    expect(scheduleProblem('cron:0 3 * * * * *', from)).toMatch(/5 or 6 fields/);
    expect(scheduleProblem('cron:a b c d e', from)).toMatch(/^invalid cron pattern/);
  });

  it('refuses them in the inventory query, so nothing is stored', () => {
    const refused = InventoryQuery.safeParse({ filename: 'x', schedule: 'cron:* * * * * *' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/at most every 5 minutes/);
    expect(InventoryQuery.safeParse({ filename: 'x', schedule: 'cron:61 * * * *' }).success).toBe(false);
    expect(InventoryQuery.safeParse({ filename: 'x', schedule: 'cron:15 3 * * 1' }).success).toBe(true);
  });
});
