/**
 * Archive limits applied while an upload streams in, before the whole body is buffered or inflated: the
 * body's size, and for a gzip (tarball, sdist) the inflated size, the compression ratio and the number of
 * tar entries, counted as the bytes inflate. A 64 MiB gzip of zeros is refused after its first megabyte,
 * in milliseconds, instead of inflating for minutes. A zip's directory is at its end: its limits apply
 * from the directory (`readZip`), on the buffered body, whose size is bounded here.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { AirlockError } from '@airlock/core';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '@airlock/static-signals';

export type StreamLimits = Pick<ArchiveLimits, 'maxEntries' | 'maxTotalBytes' | 'maxCompressionRatio' | 'ratioFloorBytes'> & {
  /** The body itself (compressed). */
  maxBytes: number;
};

/** Thrown when the body itself is over `maxBytes` (an API answers 413; an archive limit is ARCHIVE_REJECTED). */
export class UploadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the upload is more than ${limit} bytes; the limit is ${limit} bytes`);
  }
}

/** Padding after a tar's end marker (tar pads to its record size, 10 KiB for GNU tar): more is not an archive. */
const MAX_TRAILING_BYTES = 1024 * 1024;

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Reads `source` into one buffer, refusing it as soon as a limit is passed; a `declaredBytes` (a
 * Content-Length) over `maxBytes` is refused before reading. The compression ratio is judged on what has
 * arrived so far (past `ratioFloorBytes` inflated), so the inflating never outruns the upload by more than it.
 */
export async function readGuardedArchive(
  source: NodeJS.ReadableStream | AsyncIterable<Buffer>,
  label: string,
  limits: Partial<StreamLimits> & Pick<StreamLimits, 'maxBytes'>,
  declaredBytes?: number,
): Promise<Buffer> {
  const l: StreamLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  if (declaredBytes !== undefined && declaredBytes > l.maxBytes) throw new UploadTooLargeError(l.maxBytes);
  const chunks: Buffer[] = [];
  let compressed = 0;
  let inflated = 0;
  let entries = 0;
  let head: Buffer = Buffer.alloc(0);
  let sniffed = false;
  let gunzip: Gunzip | null = null;
  let failure: Error | null = null;
  let finished: Promise<void> = Promise.resolve();
  const reject = (message: string) => new AirlockError('ARCHIVE_REJECTED', `${label} is a hostile archive: ${message}`);

  const startGunzip = (): Gunzip => {
    const inflater = createGunzip();
    const headers = new TarHeaderWalker(() => {
      entries += 1;
      if (entries > l.maxEntries) fail(reject(`archive has more than ${l.maxEntries} entries, the limit`));
    });
    inflater.on('data', (data: Buffer) => {
      if (failure) return;
      inflated += data.length;
      // The ratio so far (what arrived): work stays within 100 times the bytes received, whatever is declared.
      const denominator = Math.max(compressed, 1);
      if (inflated > l.maxTotalBytes)
        return fail(reject(`archive unpacks to more than ${mib(l.maxTotalBytes)}, the limit (stopped while inflating)`));
      if (inflated > l.ratioFloorBytes && inflated / denominator > l.maxCompressionRatio)
        return fail(
          reject(
            `archive inflates more than ${l.maxCompressionRatio} times (${mib(inflated)} from ${mib(denominator)} so far; stopped while inflating)`,
          ),
        );
      headers.write(data);
      if (headers.endedAt !== null && inflated - headers.endedAt > MAX_TRAILING_BYTES)
        return fail(reject(`more than ${mib(MAX_TRAILING_BYTES)} of data after the end of the tar archive`));
    });
    finished = new Promise<void>((resolve) => {
      inflater.on('end', () => resolve());
      inflater.on('close', () => resolve());
      // Not a gzip after all, or cut: the full reader afterwards says so.
      inflater.on('error', () => resolve());
    });
    return inflater;
  };

  /** The sink's callback for the chunk being inflated: answered once, by the inflater or by a failure. */
  let pending: ((err?: Error | null) => void) | null = null;
  const settle = (err: Error | null) => {
    const callback = pending;
    pending = null;
    callback?.(err);
  };

  function fail(err: Error): void {
    if (failure) return;
    failure = err;
    // A destroyed inflater never answers the write in flight: the failure does.
    gunzip?.destroy();
    settle(err);
  }

  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      compressed += chunk.length;
      if (compressed > l.maxBytes) return callback(new UploadTooLargeError(l.maxBytes));
      chunks.push(chunk);
      if (!sniffed) {
        // The magic may arrive a byte at a time: held until two bytes are known.
        head = Buffer.concat([head, chunk]);
        if (head.length < 2) return callback();
        sniffed = true;
        if (head[0] !== 0x1f || head[1] !== 0x8b) return callback(); // not a gzip: only the body's size is bounded here
        gunzip = startGunzip();
        chunk = head;
      }
      if (!gunzip || failure) return callback(failure);
      // Next chunk once this one is inflated and inspected (or the inflater is stopped by a limit).
      pending = callback;
      gunzip.write(chunk, () => settle(failure));
    },
  });
  // Set from stream callbacks, which the compiler's flow analysis does not see.
  const failed = (): Error | null => failure;
  await pipeline(source, sink);
  const early = failed();
  if (early) throw early;
  const inflater = gunzip as Gunzip | null;
  if (inflater) {
    inflater.end();
    await finished;
    const late = failed();
    if (late) throw late;
  }
  return Buffer.concat(chunks, compressed);
}

/**
 * Counts a tar stream's entries from its 512-byte headers, skipping their data by size: fast on any
 * input (node-tar's parser takes about a second per 16 MiB of zero blocks). Stops at the end-of-archive
 * marker (two zero blocks) or at a header it cannot read: the full reader afterwards says what is wrong.
 */
class TarHeaderWalker {
  private skip = 0;
  private partial: Buffer = Buffer.alloc(0);
  private zeroBlocks = 0;
  private ended = false;
  private seen = 0;
  /** Inflated offset of the end-of-archive marker's end, once seen (null: not yet, or a header was unreadable). */
  endedAt: number | null = null;

  constructor(private readonly onEntry: () => void) {}

  write(data: Buffer): void {
    const base = this.seen;
    this.seen += data.length;
    let offset = 0;
    while (offset < data.length && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length - offset);
        this.skip -= n;
        offset += n;
        continue;
      }
      const piece = data.subarray(offset, offset + 512 - this.partial.length);
      offset += piece.length;
      this.partial = this.partial.length === 0 ? piece : Buffer.concat([this.partial, piece]);
      if (this.partial.length < 512) return;
      const block = this.partial;
      this.partial = Buffer.alloc(0);
      this.header(block);
      if (this.ended && this.endedAt === null && this.zeroBlocks >= 2) this.endedAt = base + offset;
    }
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      if (++this.zeroBlocks >= 2) this.ended = true;
      return;
    }
    this.zeroBlocks = 0;
    const size = tarSize(block.subarray(124, 136));
    if (size === null) {
      this.ended = true;
      return;
    }
    // pax and GNU long-name headers describe the next entry; they are not entries themselves.
    if (!'xgLK'.includes(String.fromCharCode(block[156]!))) this.onEntry();
    this.skip = Math.ceil(size / 512) * 512;
  }
}

/** A tar header's size field: octal text, or base-256 when its first byte has the high bit set. */
function tarSize(field: Buffer): number | null {
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (const byte of field.subarray(1)) n = n * 256 + byte;
    return Number.isSafeInteger(n) ? n : null;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : text === '' ? 0 : null;
}
