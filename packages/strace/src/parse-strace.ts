/** Convenience entry points over StraceParser: whole text, iterables of chunks, byte streams. */
import type { StraceEvent } from './events.js';
import type { ParserStats } from './parser-stats.js';
import { StraceParser, type StraceParserOptions } from './strace-parser.js';

/** Parses a whole trace at once. */
export function parseStrace(text: string, options?: StraceParserOptions): { events: StraceEvent[]; stats: ParserStats } {
  const parser = new StraceParser(options);
  const events = parser.push(text);
  for (const e of parser.end()) events.push(e);
  return { events, stats: parser.stats };
}

/** Yields events from chunks of text as they arrive; the generator's return value is the final stats. */
export function* parseStraceChunks(chunks: Iterable<string>, options?: StraceParserOptions): Generator<StraceEvent, ParserStats> {
  const parser = new StraceParser(options);
  for (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
  return parser.stats;
}

/**
 * Async variant for streams of strings or bytes (bytes are decoded as UTF-8, split characters
 * across chunks handled). The caller owns the I/O; this only consumes what it is given.
 */
export async function* parseStraceStream(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options?: StraceParserOptions,
): AsyncGenerator<StraceEvent, ParserStats> {
  const parser = new StraceParser(options);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for await (const chunk of source) {
    yield* parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  const tail = decoder.decode();
  if (tail !== '') yield* parser.push(tail);
  yield* parser.end();
  return parser.stats;
}
