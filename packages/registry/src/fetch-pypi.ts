import { createHash } from 'node:crypto';
import { AirlockError } from '@airlock/core';
import { httpGet } from './http-get.js';
import { DEFAULT_PYPI_INDEX, resolveRelease } from './pypi-index.js';
import { chooseFile, type DistributionKind, type PypiFile } from './pypi-files.js';

export interface FetchPypiOptions {
  /** Index base (`https://pypi.org`, a Warehouse mirror) or a pip-style `.../simple` URL. */
  index?: string;
  /** `sdist` (default: setup.py runs at install, where most PyPI malware acts) or a pure-Python wheel. */
  kind?: DistributionKind;
  /** Downloads above this are refused; analysis passes the sandbox's MAX_ARCHIVE_BYTES. */
  maxBytes?: number;
}

export interface PypiDownload {
  name: string;
  version: string;
  file: PypiFile;
  bytes: Buffer;
  /** Which API listed the file. */
  api: 'json' | 'simple';
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/** PEP 508 project names; versions as PEP 440 writes them (checked loosely: they go into a URL). */
const SPEC = /^([A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?)(?:==([\w.!+-]{1,64}))?$/;

/** `name` or `name==version`; anything else (ranges, URLs, paths, extras) is refused. */
export function parsePypiSpec(spec: string): { name: string; version: string | null } {
  const m = SPEC.exec(spec.trim());
  if (!m) throw new AirlockError('INVALID_INPUT', `not a PyPI package spec: ${JSON.stringify(spec)} (expected name or name==version)`);
  return { name: m[1]!, version: m[2] ?? null };
}

/**
 * Resolves a PyPI spec on an index (a bare name: the newest final release that is not yanked) and
 * downloads the chosen file, checked against the index's sha256. Reads metadata and bytes only:
 * nothing is built, unpacked or run on the host.
 */
export async function fetchPypiPackage(spec: string, options: FetchPypiOptions = {}): Promise<PypiDownload> {
  const { name, version: pinned } = parsePypiSpec(spec);
  const index = options.index ?? DEFAULT_PYPI_INDEX;
  const kind = options.kind ?? 'sdist';
  const release = await resolveRelease(name, pinned, index);
  const label = `pypi:${name}==${release.version}`;
  if (release.files.length === 0) throw new AirlockError('INVALID_INPUT', `${label}: the release has no files on ${index}`);
  const file = chooseFile(release.files, kind, pinned !== null);
  if (!file) throw noFileOfKind(label, kind, release.files, pinned !== null);
  const bytes = await downloadPypiFile(file, label, options.maxBytes ?? DEFAULT_MAX_BYTES);
  return { name, version: release.version, file, bytes, api: release.api };
}

function noFileOfKind(label: string, kind: DistributionKind, files: readonly PypiFile[], pinned: boolean): AirlockError {
  const what = kind === 'sdist' ? 'no sdist (.tar.gz or .zip)' : 'no pure-Python wheel (py3-none-any)';
  const yankedOnly =
    !pinned && chooseFile(files, kind, true) !== null ? ' that is not yanked (pin the version to analyse a yanked file)' : '';
  const hint = kind === 'sdist' ? '; try --wheel' : '';
  const list = files
    .slice(0, 8)
    .map((f) => f.filename)
    .join(', ');
  return new AirlockError(
    'INVALID_INPUT',
    `${label} has ${what}${yankedOnly} (files: ${list}${files.length > 8 ? ', ...' : ''})${yankedOnly ? '' : hint}`,
  );
}

/** Downloads a listed file and checks it against the index's sha256 (a file without one is refused). */
export async function downloadPypiFile(file: PypiFile, label: string, maxBytes: number): Promise<Buffer> {
  if (file.size !== undefined && file.size > maxBytes) {
    throw new AirlockError(
      'ARCHIVE_REJECTED',
      `${label}: ${file.filename} is ${file.size} bytes, more than the archive limit of ${maxBytes}; refused`,
    );
  }
  if (!file.sha256 || !/^[0-9a-f]{64}$/.test(file.sha256)) {
    throw new AirlockError(
      'ARCHIVE_REJECTED',
      `${label}: the index gives no sha256 for ${file.filename}; refused (it could not be verified)`,
    );
  }
  const res = await httpGet(file.url, { maxBytes, limitName: 'the archive limit', timeoutMs: 120_000 });
  if (res.status !== 200)
    throw new AirlockError(
      res.status === 404 ? 'INVALID_INPUT' : 'SANDBOX_FAILED',
      `${label}: download of ${file.url} answered ${res.status}`,
    );
  const actual = createHash('sha256').update(res.body).digest('hex');
  if (actual !== file.sha256) {
    throw new AirlockError(
      'ARCHIVE_REJECTED',
      `${label}: ${file.filename} does not match the index's sha256: expected ${file.sha256}, got ${actual}; refused`,
    );
  }
  return res.body;
}
