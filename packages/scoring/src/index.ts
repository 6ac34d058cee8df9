/**
 * @airlock/scoring — turns a sandbox report (plus optional static signals and a learned baseline)
 * into a verdict with explained, evidence-linked reasons. Pure: objects in, verdict out.
 */
export * from './types.js';
export * from './rule-catalog.js';
export * from './baseline.js';
export * from './signatures.js';
export * from './learn.js';
export * from './learned-data.js';
export * from './score.js';
export { STATIC_CAP, STATIC_WEIGHTS } from './static-signals.js';
export { isEncodedLabel } from './rules/network.js';
export { DESTRUCTIVE_MIN_FILES } from './rules/filesystem.js';
export { isPipeToShell, isReverseShell } from './commands.js';
export { ruleHelp } from './rule-help.js';
