export * from './trace-summary.js';
export * from './build-report.js';
export * from './render-text.js';
