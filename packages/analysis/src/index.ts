export * from './analyze.js';
export * from './baseline.js';
export * from './signal-policy.js';
export * from './options.js';
export { runParallel, type Settled } from './parallel.js';
export { summarizeTraceInThread, idleParserThreads, DEFAULT_PARSER_MEMORY_MB } from './trace-thread.js';
export * from './local-dependencies.js';
export { MAX_DEPENDENCY_BYTES, MAX_DEPENDENCY_WHEELS, pythonDependencySource, type PythonDependencySource } from './python-dependencies.js';
