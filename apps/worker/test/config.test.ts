import { describe, expect, it } from 'vitest';
import { defaultConcurrency, workerConfigFromEnv } from '../src/config.js';

describe('worker settings', () => {
  it('refuse service-wide registry credentials: a private registry belongs to one organization (its settings)', () => {
    expect(() => workerConfigFromEnv({ AIRLOCK_NPMRC: '/etc/airlock/npmrc' })).toThrow(/AIRLOCK_NPMRC is no longer read/);
  });

  it("take the key that opens organizations' tokens from the environment", () => {
    expect(workerConfigFromEnv({}).secretBox).toBeNull();
    expect(workerConfigFromEnv({ AIRLOCK_SECRETS_KEY: 'ab'.repeat(32) }).secretBox).not.toBeNull();
  });
});

describe('the default worker concurrency', () => {
  it('is one run per core, bounded by memory at 2.5 GiB a run after 2 GiB for the host', () => {
    const GIB = 1024 ** 3;
    expect(defaultConcurrency(2, 24 * GIB)).toBe(2); // this machine: the cores bound it
    expect(defaultConcurrency(16, 24 * GIB)).toBe(8); // memory bounds it
    expect(defaultConcurrency(8, 4 * GIB)).toBe(1); // never 0
  });
});

describe('the warm pool size', () => {
  it('is one pair per concurrent run by default and takes a size (0: off)', () => {
    expect(workerConfigFromEnv({ AIRLOCK_WORKER_CONCURRENCY: '3' }).warmPool).toBe(3);
    expect(workerConfigFromEnv({ AIRLOCK_WORKER_CONCURRENCY: '1' }).warmPool).toBe(1);
    expect(workerConfigFromEnv({ AIRLOCK_WORKER_CONCURRENCY: '3', AIRLOCK_WARM_POOL: '3' }).warmPool).toBe(3);
    expect(workerConfigFromEnv({ AIRLOCK_WORKER_CONCURRENCY: '3', AIRLOCK_WARM_POOL: '0' }).warmPool).toBe(0);
    expect(workerConfigFromEnv({ AIRLOCK_WORKER_CONCURRENCY: '1', AIRLOCK_WARM_POOL: '2' }).warmPool).toBe(2);
    expect(() => workerConfigFromEnv({ AIRLOCK_WARM_POOL: '-1' })).toThrow(/AIRLOCK_WARM_POOL/);
  });
});
