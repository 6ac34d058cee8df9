import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISK_LIMIT_BYTES, diskLimitBytes, watchDiskBound } from '../src/disk-bound.js';

/** A container whose writable layer grows by `step` bytes at each inspect, from `start`. */
function growing(start: number, step: number) {
  let size = start;
  let inspects = 0;
  const container = {
    inspect: async (options?: { size?: boolean }) => {
      inspects++;
      const info = options?.size ? { SizeRw: size } : {};
      size += step;
      return info;
    },
  } as unknown as Docker.Container;
  return { container, inspects: () => inspects };
}

describe('diskLimitBytes', () => {
  it('takes the option, else AIRLOCK_DISK_LIMIT_BYTES, else 2 GiB', () => {
    expect(diskLimitBytes(5, { AIRLOCK_DISK_LIMIT_BYTES: '7' })).toBe(5);
    expect(diskLimitBytes(undefined, { AIRLOCK_DISK_LIMIT_BYTES: '7' })).toBe(7);
    expect(diskLimitBytes(undefined, {})).toBe(DEFAULT_DISK_LIMIT_BYTES);
    expect(DEFAULT_DISK_LIMIT_BYTES).toBe(2 * 1024 ** 3);
  });
  it('refuses a value that is not a positive integer', () => {
    expect(() => diskLimitBytes(undefined, { AIRLOCK_DISK_LIMIT_BYTES: '2G' })).toThrow(/AIRLOCK_DISK_LIMIT_BYTES/);
  });
});

describe('watchDiskBound', () => {
  it('counts only what was written past the baseline, and calls onReached once past the bound', async () => {
    const sandbox = growing(1000, 100);
    const reached: unknown[] = [];
    const watch = watchDiskBound([{ name: 'sandbox', container: sandbox.container, baselineBytes: 1000 }], 250, (r) => reached.push(r), 1);
    await expect.poll(() => reached.length).toBe(1);
    expect(reached[0]).toEqual({ layer: 'sandbox', bytes: 300 });
    expect(watch.reached).toEqual({ layer: 'sandbox', bytes: 300 });
    const after = sandbox.inspects();
    await watch.stop();
    await new Promise((r) => setTimeout(r, 20));
    expect(sandbox.inspects()).toBe(after); // polling ended at the bound
    expect(reached).toHaveLength(1);
  });
  it('names the layer that grew (the fake internet) and leaves a layer under the bound alone', async () => {
    const quiet = growing(5000, 0);
    const network = growing(10, 50);
    let layer = '';
    const watch = watchDiskBound(
      [
        { name: 'sandbox', container: quiet.container, baselineBytes: 5000 },
        { name: 'fake-internet', container: network.container, baselineBytes: 10 },
      ],
      120,
      (r) => (layer = r.layer),
      1,
    );
    await expect.poll(() => layer).toBe('fake-internet');
    await watch.stop();
  });
  it('never reports when stopped before the bound, and a failing inspect is retried, not fatal', async () => {
    let calls = 0;
    const flaky = {
      inspect: async () => {
        if (calls++ % 2 === 0) throw new Error('engine busy');
        return { SizeRw: 10 };
      },
    } as unknown as Docker.Container;
    const watch = watchDiskBound(
      [{ name: 'sandbox', container: flaky, baselineBytes: 0 }],
      100,
      () => {
        throw new Error('must not be reached');
      },
      1,
    );
    await expect.poll(() => calls).toBeGreaterThan(4);
    await watch.stop();
    expect(watch.reached).toBeNull();
    expect(watch.peakBytes).toBe(10);
  });
});
