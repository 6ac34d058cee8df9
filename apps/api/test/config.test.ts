import { describe, expect, it } from 'vitest';
import { apiConfigFromEnv } from '../src/config.js';

describe('api settings', () => {
  it('refuse service-wide registry credentials: a private registry belongs to one organization (its settings)', () => {
    expect(() => apiConfigFromEnv({ AIRLOCK_NPMRC: '/etc/airlock/npmrc' })).toThrow(
      /AIRLOCK_NPMRC is no longer read.*PATCH \/v1\/settings/,
    );
  });

  it("take the key that seals organizations' tokens from the environment (none: no tokens)", () => {
    expect(apiConfigFromEnv({}).secretBox).toBeNull();
    expect(apiConfigFromEnv({ AIRLOCK_SECRETS_KEY: 'ab'.repeat(32) }).secretBox).not.toBeNull();
  });
});
