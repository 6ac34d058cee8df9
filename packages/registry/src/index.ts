export * from './fetch-npm-tree.js';
