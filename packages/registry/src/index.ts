export * from './fetch-npm-tree.js';
export * from './npm-integrity.js';
