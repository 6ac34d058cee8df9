export * from './types.js';
export * from './random-text.js';
export * from './generate.js';
export * from './encodings.js';
export * from './detect.js';
export * from './stream-match.js';
