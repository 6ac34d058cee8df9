export * from './config.js';
export * from './worker.js';
export type { WorkerContext } from './context.js';
export { sweepRetention, type RetentionSettings, type SweepResult } from './retention.js';
