export * from './catalog.js';
export * from './job-ids.js';
export * from './backoff.js';
export * from './queues.js';
export * from './submissions.js';
export * from './webhook-events.js';
