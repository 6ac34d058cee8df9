/** API settings from the environment, read once at start. */
import { resolve } from 'node:path';
import { envInt } from '@airlock/core';
import { loadNpmrc, type NpmRegistryConfig } from '@airlock/registry';
import { redisUrlFromEnv } from '@airlock/store';

export interface ApiConfig {
  port: number;
  host: string;
  redisUrl: string;
  /** Shared with the workers: uploads/ and artifacts/. */
  dataDir: string;
  maxUploadBytes: number;
  maxInventoryBytes: number;
  /** Packages in one inventory (AIRLOCK_MAX_INVENTORY_PACKAGES, default 5000): each is a sandbox run per scan. */
  maxInventoryPackages: number;
  /** Requests per organization per minute. */
  rateLimitPerMinute: number;
  /** Forced runs (force, rerun, a manual inventory rescan) per organization per UTC day; 0: none. */
  forceBudgetPerDay: number;
  /** Bearer token for /v1/admin (creating organizations); admin routes are off when unset. */
  adminToken: string | null;
  /** Lets webhook URLs point at loopback and private addresses: for local testing only. */
  webhookAllowPrivate: boolean;
  npmRegistry?: string;
  npmrc?: NpmRegistryConfig;
}

export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const int = (name: string, fallback: number) => envInt(env, name, fallback, 0);
  return {
    port: int('AIRLOCK_API_PORT', 8080),
    host: env.AIRLOCK_API_HOST ?? '127.0.0.1',
    redisUrl: redisUrlFromEnv(env),
    dataDir: resolve(env.AIRLOCK_DATA_DIR ?? '.airlock/data'),
    maxUploadBytes: int('AIRLOCK_MAX_UPLOAD_BYTES', 64 * 1024 * 1024),
    maxInventoryBytes: int('AIRLOCK_MAX_INVENTORY_BYTES', 32 * 1024 * 1024),
    maxInventoryPackages: int('AIRLOCK_MAX_INVENTORY_PACKAGES', 5_000),
    rateLimitPerMinute: int('AIRLOCK_RATE_LIMIT_PER_MINUTE', 600),
    forceBudgetPerDay: int('AIRLOCK_FORCE_BUDGET_PER_DAY', 50),
    adminToken: env.AIRLOCK_ADMIN_TOKEN || null,
    webhookAllowPrivate: env.AIRLOCK_WEBHOOK_ALLOW_PRIVATE === '1',
    ...(env.AIRLOCK_NPM_REGISTRY ? { npmRegistry: env.AIRLOCK_NPM_REGISTRY } : {}),
    ...(env.AIRLOCK_NPMRC ? { npmrc: loadNpmrc(env.AIRLOCK_NPMRC, env) } : {}),
  };
}
