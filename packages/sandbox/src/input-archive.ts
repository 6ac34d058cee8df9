import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AirlockError, parseNpmManifest, parsePythonMetadata, type Ecosystem, type PackageIdentity } from '@airlock/core';
import { checkArchiveListing, type ArchiveEntry } from '@airlock/static-signals';
import * as tar from 'tar';
import { TextCollector } from './text-collector.js';
import { pickZipMetadata, readZip } from './zip-archive.js';

/** Archives larger than this are refused rather than half-analysed. */
export const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Left out when packing a local folder, as `npm pack` would leave them out. */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export interface PreparedArchive {
  identity: PackageIdentity;
  /** The archive's bytes: a gzipped tarball (npm, sdist) or a zip (wheel, zip sdist). */
  tgz: Buffer;
  /** File name inside the sandbox: pip reads name and version from an sdist's and tags from a wheel's. */
  fileName: string;
  /** Every path in the archive, with the text of source-like files (for static signals; never run). */
  files: { path: string; text?: string }[];
  /** Source-like files whose text was not kept because of the size caps. */
  textsSkipped: number;
  /**
   * For a registry package: a project depending on exactly it (package.json, package-lock.json) and
   * every tarball of its tree, installed offline with `npm ci` so dependencies' scripts run too.
   */
  tree?: { manifest: string; lockfile: string; tarballs: { fileName: string; tgz: Buffer }[] };
  /** A Python archive's PKG-INFO or METADATA text (its declared dependencies are read from it). */
  pythonMetadata?: string;
  /** A Python archive's dependencies as wheels, installed before it, offline (`deps/<wheel file name>`). */
  pythonDeps?: { fileName: string; bytes: Buffer }[];
}

/** What an sdist's or a wheel's file name may look like (it reaches pip's command line). */
const SDIST_NAME = /^[A-Za-z0-9][\w.+-]{0,200}\.(tar\.gz|tgz)$/;
const ZIP_SDIST_NAME = /^[A-Za-z0-9][\w.+-]{0,200}\.zip$/;
/** A wheel's file name as pip requires it (it reaches pip's command line). */
export const WHEEL_NAME = /^[A-Za-z0-9][\w.+]{0,150}-[\w.+]{1,64}(-\d[\w.]{0,30})?-[\w.]{1,60}-[\w.]{1,60}-[\w.]{1,100}\.whl$/;

/**
 * Turns a local package into the archive that the sandbox installs, with its identity and hashes: an
 * npm package (a .tgz as `npm pack` makes, or a folder), a Python sdist (.tar.gz or .zip with PKG-INFO)
 * or a wheel (.whl with *.dist-info/METADATA). Nothing from the package runs on the host: a folder is
 * packed with node-tar (not `npm pack`, which would run its `prepare` script) and only the metadata
 * file and source texts are read.
 */
export async function preparePackageArchive(path: string): Promise<PreparedArchive> {
  const abs = resolve(path);
  const info = await stat(abs).catch((err: NodeJS.ErrnoException) => {
    throw new AirlockError('INVALID_INPUT', `cannot read ${path}: ${err.code ?? err.message}`);
  });
  let tgz: Buffer;
  if (info.isDirectory()) tgz = await packDirectory(abs);
  else if (info.isFile()) {
    if (info.size > MAX_ARCHIVE_BYTES) {
      throw new AirlockError('ARCHIVE_REJECTED', `${path} is ${info.size} bytes; the limit is ${MAX_ARCHIVE_BYTES}`);
    }
    tgz = await readFile(abs);
  } else throw new AirlockError('INVALID_INPUT', `${path} is neither a file nor a folder`);
  if (tgz.length > MAX_ARCHIVE_BYTES) {
    throw new AirlockError('ARCHIVE_REJECTED', `${path} packs to ${tgz.length} bytes; the limit is ${MAX_ARCHIVE_BYTES}`);
  }
  return prepareArchiveBuffer(tgz, { label: path, source: info.isDirectory() ? `${abs}/` : basename(abs), fileName: basename(abs) });
}

/**
 * The same for an archive already in memory (a registry download): checks it, reads its identity and
 * source texts. `fileName` is a hint for Python archives (pip reads name, version and tags from it).
 */
export async function prepareArchiveBuffer(
  tgz: Buffer,
  origin: { label: string; source: string; fileName: string },
): Promise<PreparedArchive> {
  const path = origin.label;
  const listing: ArchiveEntry[] = [];
  const texts = new TextCollector();
  let found: { kind: ArchiveKind; text: string; wheelTag?: string | null };
  if (tgz[0] === 0x1f && tgz[1] === 0x8b) {
    const top = await readTopLevelFile(tgz, path, ['package.json', 'PKG-INFO'], listing, texts);
    rejectHostile(path, listing, tgz.length);
    found = { kind: top.name === 'package.json' ? 'npm' : 'sdist', text: top.text };
  } else if (tgz.subarray(0, 4).equals(ZIP_MAGIC) || tgz.subarray(0, 4).equals(EMPTY_ZIP_MAGIC)) {
    const metadata = await readZip(tgz, path, listing, texts);
    rejectHostile(path, listing, tgz.length);
    const zip = pickZipMetadata(path, metadata);
    found = { kind: zip.metadata.kind === 'wheel' ? 'wheel' : 'zip-sdist', text: zip.metadata.text, wheelTag: zip.wheelTag };
  } else {
    throw new AirlockError(
      'ARCHIVE_REJECTED',
      `${path} is not a gzipped tarball (.tgz, .tar.gz), a wheel, a zip sdist or a package folder`,
    );
  }
  const ecosystem: Ecosystem = found.kind === 'npm' ? 'npm' : 'pypi';
  let manifest: { name: string; version: string };
  try {
    manifest = ecosystem === 'npm' ? parseNpmManifest(found.text) : parsePythonMetadata(found.text);
  } catch (err) {
    throw new AirlockError('ARCHIVE_REJECTED', `${path}: ${(err as Error).message}`);
  }
  const fileName = sandboxFileName(found.kind, origin.fileName, manifest, found.wheelTag ?? null);
  return {
    tgz,
    fileName,
    files: listing
      .filter((e) => e.type === 'file')
      .map((e) => ({ path: e.path, ...(texts.get(e.path) !== undefined ? { text: texts.get(e.path)! } : {}) })),
    textsSkipped: texts.skipped,
    ...(ecosystem === 'pypi' ? { pythonMetadata: found.text } : {}),
    identity: {
      ecosystem,
      name: manifest.name,
      version: manifest.version,
      archive: {
        source: origin.source,
        sizeBytes: tgz.length,
        sha256: createHash('sha256').update(tgz).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
      },
    },
  };
}

type ArchiveKind = 'npm' | 'sdist' | 'zip-sdist' | 'wheel';
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ZIP_MAGIC = Buffer.from('PK\x05\x06', 'latin1');

/** The given name when it is safe and of the right kind, else one made from the metadata. */
function sandboxFileName(kind: ArchiveKind, given: string, manifest: { name: string; version: string }, wheelTag: string | null): string {
  const { name, version } = manifest;
  switch (kind) {
    case 'npm':
      return 'package.tgz';
    case 'sdist':
      return SDIST_NAME.test(given) ? given : `${name}-${version}.tar.gz`;
    case 'zip-sdist':
      return ZIP_SDIST_NAME.test(given) ? given : `${name}-${version}.zip`;
    case 'wheel': {
      if (WHEEL_NAME.test(given)) return given;
      // The wheel naming rule: `-` in name and version becomes `_`; the tag comes from WHEEL.
      const escape = (s: string) => s.replace(/[^\w.+]+/g, '_');
      return `${escape(name)}-${escape(version)}-${wheelTag ?? 'py3-none-any'}.whl`;
    }
  }
}

async function packDirectory(dir: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = tar.c(
    {
      gzip: true,
      cwd: dir,
      prefix: 'package',
      portable: true,
      filter: (path) => !path.split('/').some((part) => SKIPPED_DIRS.has(part)),
    },
    ['.'],
  );
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The first of `names` found in the archive's top-level folder (npm uses `package/`, sdists
 * `name-version/`), by order of `names`.
 */
async function readTopLevelFile(
  tgz: Buffer,
  label: string,
  names: string[],
  listing: ArchiveEntry[],
  texts: TextCollector,
): Promise<{ name: string; text: string }> {
  const found = new Map<string, string>();
  let tooBig = false;
  const parser = new tar.Parser({
    onReadEntry: (entry) => {
      listing.push({
        path: entry.path,
        size: entry.size ?? 0,
        type: entryType(entry.type),
        ...(entry.linkpath ? { linkTarget: entry.linkpath } : {}),
      });
      const parts = entry.path.replace(/^\.\//, '').split('/');
      const name = parts[1] ?? '';
      if (entry.type === 'File' && texts.wants(entry.path, entry.size ?? 0)) {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => texts.add(entry.path, Buffer.concat(chunks)));
      }
      if (parts.length === 2 && names.includes(name) && !found.has(name) && entry.type === 'File') {
        if (entry.size > MAX_MANIFEST_BYTES) {
          tooBig = true;
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          if (!found.has(name)) found.set(name, Buffer.concat(chunks).toString('utf8'));
        });
      } else entry.resume();
    },
  });
  await new Promise<void>((resolvePromise, reject) => {
    parser.on('error', reject);
    parser.on('warn', (code: string, message: string) => {
      if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') reject(new Error(message));
    });
    parser.on('end', () => resolvePromise());
    parser.end(tgz);
  }).catch((err: Error) => {
    throw new AirlockError('ARCHIVE_REJECTED', `${label} is not a readable tarball: ${err.message}`);
  });
  if (tooBig) throw new AirlockError('ARCHIVE_REJECTED', `${label}: its metadata file is larger than ${MAX_MANIFEST_BYTES} bytes`);
  for (const name of names) {
    const text = found.get(name);
    if (text !== undefined) return { name, text };
  }
  throw new AirlockError('ARCHIVE_REJECTED', `${label} has no ${names.join(' or ')} in its top-level folder`);
}

function entryType(type: string): ArchiveEntry['type'] {
  if (type === 'File' || type === 'OldFile' || type === 'ContiguousFile') return 'file';
  if (type === 'Directory') return 'directory';
  if (type === 'SymbolicLink') return 'symlink';
  if (type === 'Link') return 'hardlink';
  return 'other';
}

/**
 * Refuses tar bombs, path traversal, absolute paths, links out of the tree and device files before the
 * archive goes anywhere: the sandbox would contain them, but a report on a hostile archive must say so
 * plainly rather than show whatever an extractor made of it.
 */
function rejectHostile(label: string, listing: ArchiveEntry[], compressedSize: number): void {
  const check = checkArchiveListing(listing, { compressedSize, maxProblems: 5 });
  if (check.ok) return;
  const more = check.problems.length - 5 + check.omittedProblems;
  const list = check.problems
    .slice(0, 5)
    .map((p) => p.message)
    .join('; ');
  throw new AirlockError('ARCHIVE_REJECTED', `${label} is a hostile archive: ${list}${more > 0 ? ` (and ${more} more)` : ''}`);
}
