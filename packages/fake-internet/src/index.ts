export * from './fake-addresses.js';
export * from './dns-answer.js';
export * from './http-request.js';
export * from './tls-client-hello.js';
export * from './conntrack.js';
export * from './service.js';
