export * from './analyze.js';
export * from './baseline.js';
export * from './signal-policy.js';
export * from './options.js';
export * from './local-dependencies.js';
