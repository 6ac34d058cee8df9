export * from './package.js';
export * from './phase.js';
export * from './progress.js';
export * from './errors.js';
export * from './report.js';
export * from './network.js';
export * from './honeytoken.js';
export * from './env.js';
