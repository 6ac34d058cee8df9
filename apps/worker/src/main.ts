#!/usr/bin/env node
/** `airlock-worker`: processes the service's queues until SIGTERM/SIGINT, then closes gracefully. */
import { pino } from 'pino';
import { workerConfigFromEnv } from './config.js';
import { startWorker } from './worker.js';

const log = pino({ level: process.env.AIRLOCK_LOG_LEVEL ?? 'info', base: { app: 'airlock-worker' } });
try {
  const worker = await startWorker(workerConfigFromEnv(), log);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'closing: waiting for running jobs');
    worker.close().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err: err.message }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'worker failed to start');
  process.exit(1);
}
