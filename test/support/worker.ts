/** Helpers for tests that drive the worker's own code (completion, cancel, inventories) with no sandbox. */
import type { SandboxReport } from '@airlock/core';
import type { VerdictName } from '@airlock/store';
import { workerConfigFromEnv, type WorkerContext } from '@airlock/worker';
import type { startTestApi } from './service.js';
import { quietLog } from './service.js';

/** A worker context on the test API's store and queues; runs are completed with crafted reports, never run. */
export function sandboxlessWorkerContext(api: Awaited<ReturnType<typeof startTestApi>>, redisUrl: string): WorkerContext {
  return {
    config: { ...workerConfigFromEnv({}), redisUrl, dataDir: api.context.config.dataDir },
    workerId: 'wrk-test',
    store: api.context.store,
    queues: api.context.queues,
    docker: undefined as never, // no sandbox here
    signalPolicy: undefined as never,
    log: quietLog,
    running: new Map(),
  };
}

/** A scored report as the pipeline returns one; only what the worker's completion reads. */
export function craftedReport(id: string, verdict: VerdictName, { score = 0, sha256 = 'c'.repeat(64) } = {}): SandboxReport {
  return {
    id,
    package: { archive: { sha256 } },
    phases: [{ name: 'install', status: 'ok', durationMs: 10 }],
    timings: { totalMs: 20 },
    verdict: { verdict, score, reasons: [], notObserved: [] },
  } as unknown as SandboxReport;
}
