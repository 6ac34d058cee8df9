import { pino } from 'pino';

/**
 * Logs go to stderr (stdout carries the report); AIRLOCK_LOG_LEVEL sets the level, default `info` (a caller
 * showing a progress line on a terminal passes `warn`: JSON lines would break the line it rewrites).
 */
export function createLogger(defaultLevel = 'info') {
  return pino({ level: process.env.AIRLOCK_LOG_LEVEL ?? defaultLevel, base: { app: 'airlock-cli' } }, pino.destination(2));
}
