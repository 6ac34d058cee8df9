#!/usr/bin/env node
/** `airlock-api`: serves the REST API until SIGTERM/SIGINT. */
import { pino } from 'pino';
import { apiConfigFromEnv } from './config.js';
import { startApi } from './server.js';

const log = pino({ level: process.env.AIRLOCK_LOG_LEVEL ?? 'info', base: { app: 'airlock-api' } });
try {
  const api = await startApi(apiConfigFromEnv(), log);
  const shutdown = (signal: string) => {
    log.info({ signal }, 'closing');
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log.fatal({ err: (err as Error).message }, 'api failed to start');
  process.exit(1);
}
