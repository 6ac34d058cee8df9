/** Package ecosystems Airlock analyses. */
export type Ecosystem = 'npm' | 'pypi';

/** Which package was analysed and the exact bytes that were handed to the sandbox. */
export interface PackageIdentity {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  archive: ArchiveIdentity;
}

export interface ArchiveIdentity {
  /** Where the archive came from, as the user named it (a path for local scans). */
  source: string;
  sizeBytes: number;
  sha256: string;
  /** Subresource-integrity form, comparable with npm's `integrity` field. */
  integrity: string;
}

/** The fields of an npm package.json the sandbox needs, validated. Pure: the caller reads the bytes. */
export function parseNpmManifest(text: string): { name: string; version: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`package.json is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('package.json is not an object');
  const { name, version } = data as Record<string, unknown>;
  if (typeof name !== 'string' || !NPM_NAME.test(name)) {
    throw new Error(`package.json has no valid "name" (got ${JSON.stringify(name)?.slice(0, 100)})`);
  }
  if (version !== undefined && typeof version !== 'string') throw new Error('package.json "version" is not a string');
  return { name, version: version ?? '0.0.0' };
}

/** npm's naming rule, loose enough for legacy names (capitals) but never a path or a URL. */
const NPM_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]{0,213}$/;

/**
 * Name and version from Python core metadata (PKG-INFO of an sdist, METADATA of a wheel): RFC 822
 * style headers up to the first blank line. Pure: the caller reads the bytes.
 */
export function parsePythonMetadata(text: string): { name: string; version: string } {
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const field = (key: string) => new RegExp(`^${key}:[ \\t]*(.+)$`, 'im').exec(head)?.[1]?.trim();
  const name = field('Name');
  const version = field('Version');
  if (!name || !PYPI_NAME.test(name)) throw new Error(`metadata has no valid Name (got ${JSON.stringify(name ?? null)})`);
  if (!version || !/^[\w.!+-]{1,64}$/.test(version))
    throw new Error(`metadata has no valid Version (got ${JSON.stringify(version ?? null)})`);
  return { name, version };
}

/** PEP 508 project names: letters, digits, and . _ - inside. */
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?$/;
