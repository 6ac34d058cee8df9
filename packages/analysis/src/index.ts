export * from './analyze.js';
export * from './baseline.js';
export * from './signal-policy.js';
