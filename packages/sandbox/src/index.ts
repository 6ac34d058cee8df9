export * from './docker.js';
export * from './hardening.js';
export * from './input-archive.js';
export * from './run-sandbox.js';
export * from './phase-status.js';
export * from './images/ensure-images.js';
export * from './images/inputs-hash.js';
export * from './images/locate.js';
