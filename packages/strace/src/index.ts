/**
 * @airlock/strace — a pure, streaming parser for `strace -f -ttt -s 4096 -v -yy` output.
 * Text in, typed ordered events out; no I/O happens in this package.
 */
export * from './events.js';
export {
  StraceParser,
  parseStrace,
  parseStraceChunks,
  parseStraceStream,
  type StraceParserOptions,
} from './strace-parser.js';
export { type ParserStats, emptyStats } from './parser-stats.js';
export {
  ProcessTreeBuilder,
  buildProcessTree,
  lineage,
  currentExec,
  attributeLifecycle,
  envLookup,
  envToRecord,
  type ProcessTree,
  type ProcessNode,
  type ExecRecord,
  type LifecycleAttribution,
} from './process-tree.js';
export {
  normalizePath,
  normalizeEvent,
  eventSignature,
  maskRandomName,
  PLACEHOLDER,
  type NormalizeOptions,
} from './normalize.js';
export { parseDnsQuery, qtypeName, type DnsQuery, type DnsQuestion } from './dns.js';
export { parseSocketAddress, socketAddressFromValue } from './sockaddr.js';
export { parseFdArg, parseSocketDecoration, parseEndpoint, decorationPath, type FdRef } from './fd-decoration.js';
export { parseCallResult } from './call-result.js';
export { decodeEscapedBytes, decodeEscapedText } from './c-string.js';
export { parseValue, countListItems, type ArgValue, type StructField } from './values.js';
export { scanArgs, type ArgScan } from './scanner.js';
export { parseLineHeader, type LineHeader } from './line-header.js';
export { resolvePath, normalizeAbsolute } from './paths.js';
export { openIntent } from './file-calls.js';
export { eventSyscalls } from './syscall-table.js';
