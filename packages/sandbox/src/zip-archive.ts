import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AirlockError } from '@airlock/core';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveEntry } from '@airlock/static-signals';
import type { TextCollector } from './text-collector.js';

export interface ZipPackage {
  /** `METADATA` of a wheel's `*.dist-info/`, or `PKG-INFO` of a zip sdist's top folder. */
  metadata: { kind: 'wheel' | 'sdist'; text: string };
  /** First `Tag:` of the wheel's `WHEEL` file (`py3-none-any`), to name a wheel pip will accept. */
  wheelTag: string | null;
}

const MAX_METADATA_BYTES = 1024 * 1024;
const MAX_LINK_TARGET_BYTES = 4096;
const S_IFMT = 0o170000;

/**
 * Lists a wheel or zip sdist into `listing` (for the hostile-archive check) and reads its metadata
 * files and source texts, from memory; `pickZipMetadata` then says what it is. Names are decoded
 * without yauzl's own checks so that `..`, absolute and backslash paths reach the shared listing
 * check with the same messages as for tarballs.
 */
export async function readZip(
  zip: Buffer,
  label: string,
  listing: ArchiveEntry[],
  texts: TextCollector,
  maxEntries = DEFAULT_ARCHIVE_LIMITS.maxEntries,
): Promise<Map<string, string>> {
  let file: ZipFile;
  try {
    file = await yauzl.fromBufferPromise(zip, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true });
  } catch (err) {
    throw notReadable(label, err);
  }
  // Refused from the central directory's count, before a million entries are walked.
  if (file.entryCount > maxEntries) {
    file.close();
    throw new AirlockError(
      'ARCHIVE_REJECTED',
      `${label} is a hostile archive: archive has ${file.entryCount} entries, more than the limit of ${maxEntries}`,
    );
  }
  const metadata = new Map<string, string>();
  let directoryBytes = 0;
  try {
    for await (const entry of file.eachEntry()) {
      directoryBytes += 46 + entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength;
      const { path, alias } = entryNames(entry);
      const type = entryType(entry, path);
      const item: ArchiveEntry = { path, size: entry.uncompressedSize, type };
      listing.push(item);
      if (alias !== undefined) listing.push({ path: alias, size: 0, type: type === 'symlink' ? 'file' : type });
      if (entry.isEncrypted()) continue;
      if (type === 'symlink')
        item.linkTarget = (
          await readEntry(file, entry, MAX_LINK_TARGET_BYTES, `${label}: symlink ${JSON.stringify(path.slice(0, 200))}`)
        ).toString('utf8');
      if (type !== 'file') continue;
      const wanted = /^[^/]+\/(PKG-INFO|METADATA|WHEEL)$/.test(path);
      if (wanted && entry.uncompressedSize <= MAX_METADATA_BYTES)
        metadata.set(path, (await readEntry(file, entry, MAX_METADATA_BYTES, label)).toString('utf8'));
      else if (texts.wants(path, entry.uncompressedSize)) texts.add(path, await readEntry(file, entry, entry.uncompressedSize, label));
    }
  } catch (err) {
    throw err instanceof AirlockError ? err : notReadable(label, err);
  } finally {
    file.close();
  }
  // yauzl reads as many records as the end record counts; Python's zipfile (pip) reads the directory
  // to its declared size. Records beyond the count would be seen by pip and never checked here.
  const declared = centralDirectorySize(zip);
  if (declared !== null && declared !== directoryBytes) {
    throw new AirlockError(
      'ARCHIVE_REJECTED',
      `${label} is a hostile archive: its central directory holds ${declared} bytes but its ${file.entryCount} counted entries take ${directoryBytes}: entries are hidden from some unzippers`,
    );
  }
  return metadata;
}

/** Size of the central directory from the (zip64) end record, found as yauzl finds it: last one first. */
function centralDirectorySize(zip: Buffer): number | null {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) !== 0x06054b50) continue;
    if (i >= 20 && zip.readUInt32LE(i - 20) === 0x07064b50) {
      const at = Number(zip.readBigUInt64LE(i - 20 + 8));
      return at + 56 <= zip.length && zip.readUInt32LE(at) === 0x06064b50 ? Number(zip.readBigUInt64LE(at + 40)) : null;
    }
    return zip.readUInt32LE(i + 12);
  }
  return null;
}

/** A wheel has exactly one `*.dist-info/METADATA` (pip refuses more); otherwise a top-level `PKG-INFO`. */
export function pickZipMetadata(label: string, metadata: ReadonlyMap<string, string>): ZipPackage {
  const distInfo = [...metadata.keys()].filter((p) => /^[^/]+\.dist-info\/METADATA$/.test(p));
  if (distInfo.length > 1)
    throw new AirlockError(
      'ARCHIVE_REJECTED',
      `${label}: more than one .dist-info/METADATA (${distInfo.slice(0, 3).join(', ')}); pip refuses such wheels`,
    );
  if (distInfo.length === 1) {
    const wheel = metadata.get(distInfo[0]!.replace(/METADATA$/, 'WHEEL')) ?? '';
    const tag = /^Tag:[ \t]*([\w.]+-[\w.]+-[\w.]+)[ \t]*$/im.exec(wheel)?.[1] ?? null;
    return { metadata: { kind: 'wheel', text: metadata.get(distInfo[0]!)! }, wheelTag: tag };
  }
  const pkgInfo = [...metadata.keys()].find((p) => /^[^/]+\/PKG-INFO$/.test(p) && !/\.(egg|dist)-info\//.test(p));
  if (pkgInfo) return { metadata: { kind: 'sdist', text: metadata.get(pkgInfo)! }, wheelTag: null };
  throw new AirlockError(
    'ARCHIVE_REJECTED',
    `${label} has neither a *.dist-info/METADATA (wheel) nor a PKG-INFO in its top-level folder (zip sdist)`,
  );
}

/**
 * The entry's name as extractors see it: the Info-ZIP Unicode path when present, else the raw bytes
 * (UTF-8 by flag, otherwise latin1, which keeps every `/`, `\` and `.` in place); backslashes kept.
 * When the two differ both are returned, so a harmless Unicode path cannot hide a hostile raw one.
 */
function entryNames(entry: Entry): { path: string; alias?: string } {
  const raw = entry.fileNameRaw;
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
  const plain = raw.toString((entry.generalPurposeBitFlag & 0x800) !== 0 ? 'utf8' : 'latin1');
  return name === plain ? { path: name } : { path: name, alias: plain };
}

function entryType(entry: Entry, path: string): ArchiveEntry['type'] {
  const unixMode = entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0;
  const format = unixMode & S_IFMT;
  if (format === 0o120000) return 'symlink';
  if (format === 0o040000 || path.endsWith('/')) return 'directory';
  if (format === 0 || format === 0o100000) return 'file';
  return 'other';
}

async function readEntry(file: ZipFile, entry: Entry, max: number, what: string): Promise<Buffer> {
  if (entry.uncompressedSize > max) throw new AirlockError('ARCHIVE_REJECTED', `${what} is larger than ${max} bytes`);
  const stream: Readable = await file.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function notReadable(label: string, err: unknown): AirlockError {
  return new AirlockError('ARCHIVE_REJECTED', `${label} is not a readable zip: ${(err as Error).message}`, { cause: err });
}
