import { pino } from 'pino';

/** Logs go to stderr (stdout carries the report); AIRLOCK_LOG_LEVEL sets the level, default `info`. */
export function createLogger() {
  return pino({ level: process.env.AIRLOCK_LOG_LEVEL ?? 'info', base: { app: 'airlock-cli' } }, pino.destination(2));
}
