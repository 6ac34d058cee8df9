import type Docker from 'dockerode';
import {
  PERSISTENCE_FILE_HEAD_BYTES,
  PERSISTENCE_FILES_MAX,
  isPersistencePlace,
  isRepositoryHookPath,
  type EvidenceGap,
  type FsChange,
  type PersistenceFileRead,
} from '@airlock/core';
import { captureEntry, readContainerPath } from './collect.js';

/** Package folders carry their authors' own `.git` and templates: not the machine's. */
const PACKAGE_FOLDER = /\/(?:node_modules|site-packages|dist-packages)\//;

/**
 * Reads back the first bytes of every file the run left in a persistence place or a repository's git hooks,
 * so the scorer can tell a hook installer's launcher (it hands over to code in the project's dependencies)
 * from an implant (a download, a shell, a script elsewhere), and a reader can see what would have run next.
 * Read after the phases, while the container still exists; what a file says is the package's, untrusted.
 */
export async function readPersistenceFiles(
  container: Docker.Container,
  changes: FsChange[],
): Promise<{ files: PersistenceFileRead[]; gaps: EvidenceGap[] }> {
  const wanted = changes
    .filter((c) => c.kind !== 'deleted' && !PACKAGE_FOLDER.test(c.path))
    .filter((c) => isPersistencePlace(c.path) || isRepositoryHookPath(c.path))
    .map((c) => c.path);
  const files: PersistenceFileRead[] = [];
  for (const path of wanted.slice(0, PERSISTENCE_FILES_MAX)) {
    let read: PersistenceFileRead | null = null;
    const pending: Promise<void>[] = [];
    await readContainerPath(container, path, (entry) => {
      if (read || entry.type !== 'File') return entry.resume(); // a folder or link: its own entries are listed apart
      const file: PersistenceFileRead = { path, bytes: 0, head: '', truncated: false };
      read = file;
      pending.push(
        captureEntry(entry, PERSISTENCE_FILE_HEAD_BYTES).then(({ bytes, size }) => {
          Object.assign(file, { bytes: size, head: bytes.toString('utf8'), truncated: size > PERSISTENCE_FILE_HEAD_BYTES });
        }),
      );
    }).catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err; // removed since the diff: nothing left to run
    });
    await Promise.all(pending);
    if (read) files.push(read);
  }
  const dropped = wanted.length - Math.min(wanted.length, PERSISTENCE_FILES_MAX);
  const gaps: EvidenceGap[] =
    dropped > 0
      ? [
          {
            source: 'sandbox',
            kind: 'sandbox.persistence-files-capped',
            phase: null,
            message: `${wanted.length} files were left in persistence places or git hooks; the first ${PERSISTENCE_FILES_MAX} were read back`,
            dropped,
            limit: PERSISTENCE_FILES_MAX,
            hidesBehaviour: false,
          },
        ]
      : [];
  return { files, gaps };
}
