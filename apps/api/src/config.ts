/** API settings from the environment, read once at start. */
import { resolve } from 'node:path';
import { envInt } from '@airlock/core';
import { DEFAULT_GUARD_POLICY, type GuardPolicy } from '@airlock/registry';
import { redisUrlFromEnv, secretBoxFromEnv, type SecretBox } from '@airlock/store';

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
  /** The workers' default rescan budget (AIRLOCK_RESCAN_BUDGET_PER_DAY, default 1000), shown in and bounding /v1/settings. */
  rescanBudgetPerDay: number;
  /** Bearer token for /v1/admin (creating organizations); admin routes are off when unset. */
  adminToken: string | null;
  /** Lets webhook URLs point at loopback and private addresses: for local testing only. */
  webhookAllowPrivate: boolean;
  npmRegistry?: string;
  /** The pip guard's upstream index (AIRLOCK_PYPI_INDEX, default https://pypi.org): a PEP 691 JSON simple index. */
  pypiIndex?: string;
  /** Opens organizations' registry tokens (AIRLOCK_SECRETS_KEY or AIRLOCK_SECRETS_KEY_FILE); null: no private registries. */
  secretBox: SecretBox | null;
  /** How long a signed link to an analysis's HTML report opens it (AIRLOCK_REPORT_LINK_TTL_SECONDS, default 900 s). */
  reportLinkTtlSeconds: number;
  /** The install-time guard's service-wide policy (AIRLOCK_GUARD_UNKNOWN, AIRLOCK_GUARD_MIN_AGE_HOURS). */
  guardPolicy: GuardPolicy;
}

/** What the guard does with versions not analysed yet and with young ones (which verdicts it refuses is each organization's setting). */
function guardPolicyFromEnv(env: NodeJS.ProcessEnv): GuardPolicy {
  const unknown = env.AIRLOCK_GUARD_UNKNOWN ?? DEFAULT_GUARD_POLICY.unknown;
  if (unknown !== 'allow' && unknown !== 'refuse') throw new Error('AIRLOCK_GUARD_UNKNOWN must be allow or refuse');
  return { ...DEFAULT_GUARD_POLICY, unknown, minAgeHours: envInt(env, 'AIRLOCK_GUARD_MIN_AGE_HOURS', DEFAULT_GUARD_POLICY.minAgeHours, 0) };
}

export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const int = (name: string, fallback: number) => envInt(env, name, fallback, 0);
  refuseServiceNpmrc(env);
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
    rescanBudgetPerDay: int('AIRLOCK_RESCAN_BUDGET_PER_DAY', 1000),
    adminToken: env.AIRLOCK_ADMIN_TOKEN || null,
    webhookAllowPrivate: env.AIRLOCK_WEBHOOK_ALLOW_PRIVATE === '1',
    ...(env.AIRLOCK_NPM_REGISTRY ? { npmRegistry: env.AIRLOCK_NPM_REGISTRY } : {}),
    ...(env.AIRLOCK_PYPI_INDEX ? { pypiIndex: env.AIRLOCK_PYPI_INDEX } : {}),
    secretBox: secretBoxFromEnv(env),
    reportLinkTtlSeconds: envInt(env, 'AIRLOCK_REPORT_LINK_TTL_SECONDS', 900, 1),
    guardPolicy: guardPolicyFromEnv(env),
  };
}

/**
 * AIRLOCK_NPMRC (one .npmrc for the whole service) is refused: its tokens served every organization, so
 * any organization could make the service fetch another's private packages and read their reports.
 * Private registries are per organization now (PATCH /v1/settings).
 */
function refuseServiceNpmrc(env: NodeJS.ProcessEnv): void {
  if (env.AIRLOCK_NPMRC)
    throw new Error(
      'AIRLOCK_NPMRC is no longer read: one set of registry credentials for every organization let any organization fetch ' +
        "another's private packages. Unset it and set each organization's registry with PATCH /v1/settings (README, Private registries).",
    );
}
