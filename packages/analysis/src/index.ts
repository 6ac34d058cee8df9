export * from './analyze.js';
