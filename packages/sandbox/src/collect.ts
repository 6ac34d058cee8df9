import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type Docker from 'dockerode';
import * as tar from 'tar';

const MAX_JSON_BYTES = 1024 * 1024;

/** One file the runner hands back, read right after its phase by its exact path. */
export interface CollectedFile {
  /** Small JSON documents: the text; traces: null (streamed to `hostPath`). */
  text: string | null;
  hostPath: string | null;
  bytes: number;
  truncated: boolean;
  /** Not a regular file (a symlink, a folder): the package replaced it. */
  notAFile: boolean;
}

/**
 * Reads `/airlock/out/<name>` out of the container, by exact path, right after the phase that wrote it, so
 * a later phase cannot rewrite it. The content is untrusted (under runc the package runs as the user that
 * wrote it): only a regular file is accepted, sizes are capped and counted, and the name is never used as a
 * host path. Resolves null when the file does not exist.
 */
export async function collectRunnerFile(
  container: Docker.Container,
  name: string,
  options: { artifactsDir: string; maxBytes: number; stream: boolean },
): Promise<CollectedFile | null> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await container.getArchive({ path: `/airlock/out/${name}` });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
  let result: CollectedFile | null = null;
  const pending: Promise<void>[] = [];
  const parser = new tar.Parser({
    onReadEntry: (entry) => {
      if (result) return entry.resume(); // only the first entry is the file asked for
      if (entry.type !== 'File') {
        result = { text: null, hostPath: null, bytes: 0, truncated: false, notAFile: true };
        return entry.resume();
      }
      if (options.stream) {
        const hostPath = join(options.artifactsDir, name);
        const record: CollectedFile = { text: null, hostPath, bytes: 0, truncated: false, notAFile: false };
        result = record;
        pending.push(streamCapped(entry, hostPath, options.maxBytes, record));
      } else {
        pending.push(
          captureEntry(entry, options.maxBytes).then(({ bytes, size }) => {
            result = { text: bytes.toString('utf8'), hostPath: null, bytes: size, truncated: size > options.maxBytes, notAFile: false };
          }),
        );
      }
    },
  });
  await mkdir(options.artifactsDir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    archive.on('error', reject);
    archive.pipe(parser);
  });
  await Promise.all(pending);
  return result;
}

/** JSON written by the runner; null when missing, not a file or over the cap (each is the package's doing). */
export async function collectRunnerJson(container: Docker.Container, name: string, artifactsDir: string): Promise<string | null> {
  const file = await collectRunnerFile(container, name, { artifactsDir, maxBytes: MAX_JSON_BYTES, stream: false });
  return file && !file.notAFile && !file.truncated ? file.text : null;
}

function streamCapped(entry: tar.ReadEntry, path: string, maxBytes: number, record: CollectedFile): Promise<void> {
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const room = maxBytes - record.bytes;
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
  const done = new Promise<void>((resolve, reject) => {
    file.on('close', resolve);
    file.on('error', reject);
  });
  entry.pipe(cap).pipe(file);
  return done;
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
