/**
 * @airlock/strace — pure, streaming readers for the syscall records of Airlock's sandboxes, in two
 * formats: `strace -f -ttt -s 4096 -v -yy` text (in-container strace) and the JSON-lines log gVisor's
 * Sentry writes on the host (`runsc --strace --debug-log-format=json`). Both give the same typed,
 * ordered events; nothing in this package does I/O.
 *
 * Entry points: `recordReader(format)` / `parseRecord` (either format), `StraceParser` and
 * `GvisorRecordParser` (push chunks, get events), `parseStrace` (whole text),
 * `parseStraceChunks` / `parseStraceStream` (iterables), `buildProcessTree` +
 * `attributeLifecycle` (who caused what), `normalizePath` / `eventSignature` (compare runs).
 * The decoders underneath are exported too, for reuse and testing.
 */
export * from './events.js';
export * from './strace-parser.js';
export * from './gvisor/gvisor-parser.js';
export * from './parse-strace.js';
export * from './parser-stats.js';
export * from './process-tree.js';
export * from './normalize.js';
export * from './dns.js';
export * from './sockaddr.js';
export * from './fd-decoration.js';
export * from './call-result.js';
export * from './c-string.js';
export * from './values.js';
export * from './scanner.js';
export * from './line-header.js';
export * from './line-splitter.js';
export * from './paths.js';
export * from './cwd-tracker.js';
export * from './syscall-record.js';
export * from './syscall-table.js';
export * from './process-calls.js';
export * from './file-calls.js';
export * from './network-calls.js';
export * from './privilege-calls.js';
export * from './record-reader.js';
