/**
 * Which Redis the api and worker use: AIRLOCK_REDIS_URL, else the URL `npm run setup` wrote for the Redis
 * it found or started (`.airlock/redis-url` in the checkout: with the password when setup started that
 * Redis), else the local default. So a password on the host Redis needs no setting by hand.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `<checkout>/.airlock/redis-url`, from this module's place (packages/store/dist/). */
const SETUP_URL_FILE = fileURLToPath(new URL('../../../.airlock/redis-url', import.meta.url));

export function redisUrlFromEnv(env: NodeJS.ProcessEnv = process.env, setupFile = SETUP_URL_FILE): string {
  if (env.AIRLOCK_REDIS_URL) return env.AIRLOCK_REDIS_URL;
  try {
    const url = readFileSync(setupFile, 'utf8').trim();
    if (url) return url;
  } catch {
    // no setup file (a deployment that sets AIRLOCK_REDIS_URL, or setup not run): the local default
  }
  return 'redis://127.0.0.1:6379';
}
