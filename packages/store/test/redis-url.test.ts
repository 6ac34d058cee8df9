import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisUrlFromEnv } from '../src/redis-url.js';
import { testTempDir } from '../../../test/support/temp-dir.js';

describe('redisUrlFromEnv', () => {
  const dir = testTempDir('airlock-redis-url-');
  const file = join(dir, 'redis-url');
  writeFileSync(file, 'redis://:0123abcd@127.0.0.1:6379\n');

  it('takes AIRLOCK_REDIS_URL first', () => {
    expect(redisUrlFromEnv({ AIRLOCK_REDIS_URL: 'redis://:x@redis:6379' }, file)).toBe('redis://:x@redis:6379');
  });
  it('else the URL setup wrote, with its password', () => {
    expect(redisUrlFromEnv({}, file)).toBe('redis://:0123abcd@127.0.0.1:6379');
  });
  it('else the local default', () => {
    expect(redisUrlFromEnv({}, join(dir, 'missing'))).toBe('redis://127.0.0.1:6379');
  });
});
