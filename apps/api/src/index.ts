export * from './config.js';
export * from './app.js';
export * from './server.js';
export { openApiDocument } from './openapi.js';
