import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type Docker from 'dockerode';
import * as tar from 'tar';

/** Names the runner writes into /airlock/out; anything else found there is ignored. */
const TRACE_FILE = /^(install|import)\.strace$/;
const JSON_FILE = /^(install|import)\.(status|result)\.json$/;
const MAX_JSON_BYTES = 1024 * 1024;

export interface CollectedOutputs {
  /** Small JSON documents by file name, unparsed. */
  json: Map<string, string>;
  /** Raw traces copied to the host: file name -> { path, bytes, truncated }. */
  traces: Map<string, { path: string; bytes: number; truncated: boolean }>;
}

/**
 * Streams the runner's output folder out of the container. Its content is untrusted (the package ran
 * as the same user that wrote it): entry names are matched against a fixed list and never used as
 * host paths, symlinks are skipped, and every size is capped with the excess counted.
 */
export async function collectOutputs(container: Docker.Container, artifactsDir: string, maxTraceBytes: number): Promise<CollectedOutputs> {
  await mkdir(artifactsDir, { recursive: true });
  const result: CollectedOutputs = { json: new Map(), traces: new Map() };
  const pending: Promise<void>[] = [];
  await readContainerPath(container, '/airlock/out', (entry) => {
    const name = entry.path.split('/').pop() ?? '';
    if (entry.type !== 'File') return entry.resume();
    if (TRACE_FILE.test(name)) {
      const path = join(artifactsDir, name);
      const record = { path, bytes: 0, truncated: false };
      result.traces.set(name, record);
      const cap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          const room = maxTraceBytes - record.bytes;
          record.bytes += chunk.length;
          if (room <= 0) {
            record.truncated = true;
            return done();
          }
          if (chunk.length > room) record.truncated = true;
          done(null, chunk.subarray(0, room));
        },
      });
      const file = createWriteStream(path);
      pending.push(
        new Promise<void>((resolve, reject) => {
          file.on('close', resolve);
          file.on('error', reject);
        }),
      );
      entry.pipe(cap).pipe(file);
    } else if (JSON_FILE.test(name)) {
      pending.push(
        captureEntry(entry, MAX_JSON_BYTES).then(({ bytes, size }) => {
          if (size <= MAX_JSON_BYTES) result.json.set(name, bytes.toString('utf8'));
        }),
      );
    } else entry.resume();
  });
  await Promise.all(pending);
  return result;
}

/** Streams `path` out of a container as a tar, handing every entry to `onEntry`; resolves once all is read. */
export async function readContainerPath(container: Docker.Container, path: string, onEntry: (entry: tar.ReadEntry) => void): Promise<void> {
  const archive = await container.getArchive({ path });
  const parser = new tar.Parser({ onReadEntry: onEntry });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    archive.on('error', reject);
    archive.pipe(parser);
  });
}

/** An entry's first `cap` bytes, and its full size, so a cap is never silent. */
export function captureEntry(entry: tar.ReadEntry, cap: number): Promise<{ bytes: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve, reject) => {
    entry.on('data', (chunk: Buffer) => {
      if (size < cap) chunks.push(chunk.subarray(0, cap - size));
      size += chunk.length;
    });
    entry.on('end', () => resolve({ bytes: Buffer.concat(chunks), size }));
    entry.on('error', reject);
  });
}
