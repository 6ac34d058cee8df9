import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { readGuardedArchive, UploadTooLargeError } from '../src/archive-stream-guard.js';

/** A gzip bomb: `members` copies of one gzip member of `memberMiB` MiB of zeros (gzip allows concatenated members). */
function zeroBomb(memberMiB: number, members: number): Buffer {
  const member = gzipSync(Buffer.alloc(memberMiB * 1024 * 1024));
  return Buffer.concat(Array.from({ length: members }, () => member));
}

const chunked = (bytes: Buffer, size: number) =>
  Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

describe('archive limits while streaming', () => {
  it('passes an ordinary archive through unchanged, even one byte at a time', async () => {
    const tgz = gzipSync(Buffer.alloc(10_240));
    expect((await readGuardedArchive(chunked(tgz, 1), 'ok.tgz', { maxBytes: 1 << 20 })).equals(tgz)).toBe(true);
    const notGzip = Buffer.from('PK\x03\x04 a zip is bounded by size only', 'latin1');
    expect((await readGuardedArchive(chunked(notGzip, 3), 'ok.zip', { maxBytes: 1 << 20 })).equals(notGzip)).toBe(true);
  });

  it('refuses a body over its size limit, and a declared length over it at once', async () => {
    await expect(readGuardedArchive(chunked(Buffer.alloc(5000), 1000), 'x.tgz', { maxBytes: 4096 })).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    await expect(readGuardedArchive(chunked(Buffer.alloc(10), 10), 'x.tgz', { maxBytes: 4096 }, 1 << 30)).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
  });

  it('refuses a gzip bomb by its ratio and by its inflated size, while inflating', async () => {
    const t0 = performance.now();
    // 128 MiB inflated from about 130 KiB, behind a valid header whose entry holds the zeros.
    const header = Buffer.alloc(512);
    new tar.Header({ path: 'package/zeros', size: 1 << 30, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(header, 0);
    const bomb = Buffer.concat([gzipSync(header), zeroBomb(16, 8)]);
    await expect(readGuardedArchive(chunked(bomb, 16_384), 'bomb.tgz', { maxBytes: 64 << 20 })).rejects.toThrow(
      /hostile archive: archive inflates more than 100 times/,
    );
    await expect(
      readGuardedArchive(chunked(bomb, 16_384), 'bomb.tgz', { maxBytes: 64 << 20, maxTotalBytes: 32 << 20, maxCompressionRatio: 1e9 }),
    ).rejects.toThrow(/archive unpacks to more than 32\.0 MiB, the limit \(stopped while inflating\)/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('refuses data after the end of the tar archive (a gzip of zeros is an empty tar)', async () => {
    const zeros = zeroBomb(64, 4);
    const t0 = performance.now();
    await expect(readGuardedArchive(chunked(zeros, 65_536), 'zeros.tgz', { maxBytes: 64 << 20 }, 64 << 20)).rejects.toThrow(
      /more than 1\.0 MiB of data after the end of the tar archive/,
    );
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('refuses a tarball with more entries than the limit', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => i);
    const header = (i: number) => {
      const h = new tar.Header({ path: `package/f${i}.txt`, size: 0, type: 'File', mode: 0o644, mtime: new Date(0) });
      const block = Buffer.alloc(512);
      h.encode(block, 0);
      return block;
    };
    const tgz = gzipSync(Buffer.concat([...entries.map(header), Buffer.alloc(1024)]));
    await expect(readGuardedArchive(chunked(tgz, 100), 'many.tgz', { maxBytes: 1 << 20, maxEntries: 30 })).rejects.toThrow(
      /more than 30 entries/,
    );
    expect((await readGuardedArchive(chunked(tgz, 100), 'many.tgz', { maxBytes: 1 << 20, maxEntries: 40 })).equals(tgz)).toBe(true);
  });
});
