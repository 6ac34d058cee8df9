export * from './config.js';
export * from './worker.js';
export type { WorkerContext } from './context.js';
export { sweepRetention, type RetentionSettings, type SweepResult } from './retention.js';
// The completion and cancel paths, for tests that drive them with crafted reports (no sandbox).
export { analysisProcessor, completeRun } from './analysis-processor.js';
export { cancelRunning } from './cancel.js';
export { inventoryProcessor } from './inventory-processor.js';
export { reconcileInventories } from './reconcile-inventories.js';
