import { describe, expect, it } from 'vitest';
import { runParallel } from '../src/parallel.js';

describe('the parallel runner', () => {
  it('never runs more than N at once, keeps input order, and keeps a failure to its own item', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const results = await runParallel(
      [30, 5, 20, 1, 10],
      2,
      async (ms, i) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        if (i === 3) throw new Error('boom');
        return ms * 2;
      },
      (_r, _item, i) => seen.push(i),
    );
    expect(peak).toBe(2);
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([60, 10, 40, 'boom', 20]);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a concurrency that would run nothing', async () => {
    await expect(runParallel([1], 0, async (x) => x)).rejects.toThrow(/positive integer/);
  });
});
