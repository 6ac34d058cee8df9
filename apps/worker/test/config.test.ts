import { describe, expect, it } from 'vitest';
import { workerConfigFromEnv } from '../src/config.js';

describe('worker settings', () => {
  it('refuse service-wide registry credentials: a private registry belongs to one organization (its settings)', () => {
    expect(() => workerConfigFromEnv({ AIRLOCK_NPMRC: '/etc/airlock/npmrc' })).toThrow(/AIRLOCK_NPMRC is no longer read/);
  });

  it("take the key that opens organizations' tokens from the environment", () => {
    expect(workerConfigFromEnv({}).secretBox).toBeNull();
    expect(workerConfigFromEnv({ AIRLOCK_SECRETS_KEY: 'ab'.repeat(32) }).secretBox).not.toBeNull();
  });
});
