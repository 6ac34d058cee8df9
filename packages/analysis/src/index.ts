export * from './analyze.js';
export * from './baseline.js';
