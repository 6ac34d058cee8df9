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

  it('take the lifetime of signed report links from the environment (default 15 minutes), refusing nonsense', () => {
    expect(apiConfigFromEnv({}).reportLinkTtlSeconds).toBe(900);
    expect(apiConfigFromEnv({ AIRLOCK_REPORT_LINK_TTL_SECONDS: '60' }).reportLinkTtlSeconds).toBe(60);
    expect(() => apiConfigFromEnv({ AIRLOCK_REPORT_LINK_TTL_SECONDS: '0' })).toThrow(/AIRLOCK_REPORT_LINK_TTL_SECONDS/);
  });
});
