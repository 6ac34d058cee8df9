/** Worker settings from the environment, read once at start; every value has a safe default. */
import { availableParallelism, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { envInt } from '@airlock/core';
import { VIEW_POLICIES, type ViewPolicy } from '@airlock/analysis';
import { secretBoxFromEnv, type SecretBox } from '@airlock/store';
import { diskLimitBytes } from '@airlock/sandbox';
import { redisUrlFromEnv } from '@airlock/store';

export interface WorkerConfig {
  redisUrl: string;
  /** Shared with the api: uploads/ (archives to analyse) and artifacts/ (raw traces, network logs). */
  dataDir: string;
  /** Sandbox runs at once in this process (AIRLOCK_WORKER_CONCURRENCY, default defaultConcurrency()). */
  concurrency: number;
  /** Sandbox pairs kept ready (AIRLOCK_WARM_POOL, default one per concurrent run; 0: none). */
  warmPool: number;
  /** How long a job's lock lives without renewal; a killed worker's job is taken over after about this. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** A job stalled (its lock lost) more than this often fails for good (AIRLOCK_MAX_STALLED_COUNT, default 2). */
  maxStalledCount: number;
  /** Refresh of the worker's heartbeat in Redis (AIRLOCK_HEARTBEAT_MS, default 5 s); it expires after 6 of them. */
  heartbeatIntervalMs: number;
  /** The sweep of open runs whose job is gone or failed (AIRLOCK_RECONCILE_INTERVAL_MS, default 60 s), also run at start. */
  reconcileIntervalMs: number;
  /** Runs opened less than this ago are not swept: their job may be on its way (AIRLOCK_RECONCILE_GRACE_MS, default 60 s). */
  reconcileGraceMs: number;
  npmRegistry?: string;
  /** Opens organizations' registry tokens (AIRLOCK_SECRETS_KEY or AIRLOCK_SECRETS_KEY_FILE); null: no private registries. */
  secretBox: SecretBox | null;
  pypiIndex?: string;
  /** AIRLOCK_PYPI_WHEELS: a folder of wheels Python packages' dependencies come from, before the index. */
  pypiWheels?: string;
  /** AIRLOCK_INTERNAL_NAMESPACES and AIRLOCK_OSV_DIR (see @airlock/analysis signal-policy). */
  internalNamespaces?: string;
  osvDir?: string;
  /** Lets webhooks reach loopback and private addresses: for local testing only. */
  webhookAllowPrivate: boolean;
  webhookBaseDelayMs: number;
  installTimeoutMs?: number;
  importTimeoutMs?: number;
  /** The dwell of the retry of an inconclusive run (AIRLOCK_RETRY_DWELL_MS, default 60 s); 0: no retry. */
  retryDwellMs: number;
  /** Extra views (CI profile, time, calls, Windows, macOS), AIRLOCK_VIEWS: auto (default: the planner decides), all, none. */
  views: ViewPolicy;
  /** What one sandbox run may write (AIRLOCK_DISK_LIMIT_BYTES, default 2 GiB); checked at start. */
  maxDiskBytes: number;
  /** The heap limit of each syscall record's parser thread (AIRLOCK_PARSER_MEMORY_MB, default 512). */
  parserMemoryMb: number;
  /** Retention of `artifacts/<report id>/` and `uploads/<sha256>/` (0: kept for ever), and how often the sweep runs. */
  artifactRetentionMs: number;
  uploadRetentionMs: number;
  retentionSweepMs: number;
  /** Package re-runs inventory rescans may make per organization per UTC day (AIRLOCK_RESCAN_BUDGET_PER_DAY). */
  rescanBudgetPerDay: number;
}

const DAY_MS = 24 * 3600_000;
const GIB = 1024 ** 3;

/**
 * Runs at once that the machine holds: one per core (a run's sandbox gets one CPU), and no more than the
 * memory holds at 2.5 GiB a run (the sandbox's 2 GiB and its fake internet's 512 MiB, which are limits,
 * not reservations) after 2 GiB for the host, Redis and the parser threads. At least 1.
 */
export function defaultConcurrency(cores: number, memoryBytes: number): number {
  return Math.max(1, Math.min(cores, Math.floor((memoryBytes - 2 * GIB) / (2.5 * GIB))));
}

export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const int = (name: string, fallback: number) => envInt(env, name, fallback);
  const optionalInt = (name: string) => (env[name] ? int(name, 0) : undefined);
  refuseServiceNpmrc(env);
  const concurrency = int('AIRLOCK_WORKER_CONCURRENCY', defaultConcurrency(availableParallelism(), totalmem()));
  return {
    redisUrl: redisUrlFromEnv(env),
    dataDir: resolve(env.AIRLOCK_DATA_DIR ?? '.airlock/data'),
    concurrency,
    // One ready pair per slot: a job's start is then its own files copied in and the container started, and
    // the next pair is made while the slot's run goes on (README, Measured: +8% packages a minute on 2 cores).
    warmPool: envInt(env, 'AIRLOCK_WARM_POOL', concurrency, 0),
    lockDurationMs: int('AIRLOCK_LOCK_DURATION_MS', 30_000),
    stalledIntervalMs: int('AIRLOCK_STALLED_INTERVAL_MS', 30_000),
    maxStalledCount: envInt(env, 'AIRLOCK_MAX_STALLED_COUNT', 2, 0),
    heartbeatIntervalMs: int('AIRLOCK_HEARTBEAT_MS', 5_000),
    reconcileIntervalMs: int('AIRLOCK_RECONCILE_INTERVAL_MS', 60_000),
    reconcileGraceMs: int('AIRLOCK_RECONCILE_GRACE_MS', 60_000),
    ...(env.AIRLOCK_NPM_REGISTRY ? { npmRegistry: env.AIRLOCK_NPM_REGISTRY } : {}),
    secretBox: secretBoxFromEnv(env),
    ...(env.AIRLOCK_PYPI_INDEX ? { pypiIndex: env.AIRLOCK_PYPI_INDEX } : {}),
    ...(env.AIRLOCK_PYPI_WHEELS ? { pypiWheels: env.AIRLOCK_PYPI_WHEELS } : {}),
    ...(env.AIRLOCK_INTERNAL_NAMESPACES ? { internalNamespaces: env.AIRLOCK_INTERNAL_NAMESPACES } : {}),
    ...(env.AIRLOCK_OSV_DIR ? { osvDir: env.AIRLOCK_OSV_DIR } : {}),
    webhookAllowPrivate: env.AIRLOCK_WEBHOOK_ALLOW_PRIVATE === '1',
    webhookBaseDelayMs: int('AIRLOCK_WEBHOOK_BASE_DELAY_MS', 5_000),
    ...(optionalInt('AIRLOCK_INSTALL_TIMEOUT_MS') ? { installTimeoutMs: optionalInt('AIRLOCK_INSTALL_TIMEOUT_MS') } : {}),
    ...(optionalInt('AIRLOCK_IMPORT_TIMEOUT_MS') ? { importTimeoutMs: optionalInt('AIRLOCK_IMPORT_TIMEOUT_MS') } : {}),
    retryDwellMs: envInt(env, 'AIRLOCK_RETRY_DWELL_MS', 60_000, 0),
    views: viewPolicy(env),
    maxDiskBytes: diskLimitBytes(undefined, env),
    parserMemoryMb: int('AIRLOCK_PARSER_MEMORY_MB', 512),
    artifactRetentionMs: envInt(env, 'AIRLOCK_ARTIFACT_RETENTION_DAYS', 14, 0) * DAY_MS,
    uploadRetentionMs: envInt(env, 'AIRLOCK_UPLOAD_RETENTION_DAYS', 14, 0) * DAY_MS,
    retentionSweepMs: int('AIRLOCK_RETENTION_SWEEP_MS', 3600_000),
    rescanBudgetPerDay: envInt(env, 'AIRLOCK_RESCAN_BUDGET_PER_DAY', 1000, 0),
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

/** AIRLOCK_VIEWS: `auto` (default), `all` or `none`; anything else, or the retired AIRLOCK_ALL_VIEWS, is refused at start. */
function viewPolicy(env: NodeJS.ProcessEnv): ViewPolicy {
  if (env.AIRLOCK_ALL_VIEWS)
    throw new Error('AIRLOCK_ALL_VIEWS is no longer read: set AIRLOCK_VIEWS=all (one switch for every extra view)');
  const value = env.AIRLOCK_VIEWS;
  if (value === undefined || value === '') return 'auto';
  if ((VIEW_POLICIES as readonly string[]).includes(value)) return value as ViewPolicy;
  throw new Error(`AIRLOCK_VIEWS must be auto, all or none (got "${value}")`);
}
