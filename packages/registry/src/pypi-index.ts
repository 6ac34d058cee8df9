import { eq } from '@renovatebot/pep440';
import { AirlockError } from '@airlock/core';
import { httpGet } from './http-get.js';
import { fileKind, latestVersion, normalizePypiName, versionOfFile, type PypiFile } from './pypi-files.js';

export const DEFAULT_PYPI_INDEX = 'https://pypi.org';
export const PEP691_JSON = 'application/vnd.pypi.simple.v1+json';
/** Project pages of the largest projects run to tens of MB; anything far beyond is not an index. */
const MAX_INDEX_JSON_BYTES = 64 * 1024 * 1024;

export interface IndexRoots {
  /** `<root>/pypi/<name>/json`: the JSON API (pypi.org, Warehouse mirrors). */
  json: string;
  /** `<root>/<normalized>/`: the simple API. */
  simple: string;
}

/**
 * `https://pypi.org` gives `/pypi/` and `/simple/` below it; a pip-style `--index-url` ending in
 * `/simple` is the simple root itself, with the JSON API looked for beside it.
 */
export function indexRoots(index: string): IndexRoots {
  let url: URL;
  try {
    url = new URL(index);
  } catch {
    throw new AirlockError('INVALID_INPUT', `not an index URL: ${JSON.stringify(index)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AirlockError('INVALID_INPUT', `index URL must be http(s): ${index}`);
  const path = url.pathname.replace(/\/+$/, '');
  const base = `${url.origin}${/\/simple$/.test(path) ? path.slice(0, -'/simple'.length) : path}`;
  return { json: `${base}/pypi/`, simple: `${base}/simple/` };
}

export interface ResolvedRelease {
  version: string;
  files: PypiFile[];
  api: 'json' | 'simple';
}

/** The release to analyse and its files: JSON API first, the simple API when the index has no JSON API. */
export async function resolveRelease(name: string, version: string | null, index: string): Promise<ResolvedRelease> {
  const roots = indexRoots(index);
  return (await fromJsonApi(name, version, roots)) ?? (await fromSimpleApi(name, version, index));
}

/** Null when the index does not offer the JSON API for this request (404 and other 4xx, not JSON). */
async function fromJsonApi(name: string, version: string | null, roots: IndexRoots): Promise<ResolvedRelease | null> {
  const url = `${roots.json}${encodeURIComponent(name)}/${version === null ? '' : `${encodeURIComponent(version)}/`}json`;
  const doc = await getJson(url, 'application/json');
  if (doc === null) return null;
  const d = doc as { urls?: unknown; releases?: unknown; info?: { version?: unknown } };
  if (version !== null) return { version, files: filesOf(d.urls, url), api: 'json' };
  // `releases` is deprecated in Warehouse; without it the simple API has the list.
  if (typeof d.releases !== 'object' || d.releases === null) return null;
  const releases = new Map(Object.entries(d.releases).map(([v, files]) => [v, filesOf(files, url)]));
  const latest = latestVersion(releases);
  if (latest === null) throw new AirlockError('INVALID_INPUT', `pypi:${name}: no release with files that are not yanked`);
  return { version: latest, files: releases.get(latest)!, api: 'json' };
}

/** Every release of a project on the index's simple API (PEP 691) with its files; null when the project is not there (404). */
export async function listPypiReleases(name: string, index: string): Promise<Map<string, PypiFile[]> | null> {
  const roots = indexRoots(index);
  const normalized = normalizePypiName(name);
  const url = `${roots.simple}${encodeURIComponent(normalized)}/`;
  const res = await httpGet(url, { accept: PEP691_JSON, maxBytes: MAX_INDEX_JSON_BYTES });
  if (res.status === 404) return null;
  if (res.status !== 200) throw new AirlockError('SANDBOX_FAILED', `${url} answered ${res.status}`);
  if (!res.contentType.startsWith(PEP691_JSON)) {
    throw new AirlockError(
      'INVALID_INPUT',
      `${index} answers the simple API in ${res.contentType || 'an unknown format'}, not PEP 691 JSON (${PEP691_JSON}); use an index that offers it`,
    );
  }
  const files = filesOf(parseJson(res.body, url).files, res.url);
  const releases = new Map<string, PypiFile[]>();
  for (const f of files) {
    const v = versionOfFile(f.filename, normalized);
    if (v !== null) releases.set(v, [...(releases.get(v) ?? []), f]);
  }
  return releases;
}

async function fromSimpleApi(name: string, version: string | null, index: string): Promise<ResolvedRelease> {
  const releases = await listPypiReleases(name, index);
  if (releases === null) throw new AirlockError('INVALID_INPUT', `pypi:${name}: no such project on ${index} (404)`);
  if (version === null) {
    const latest = latestVersion(releases);
    if (latest === null) throw new AirlockError('INVALID_INPUT', `pypi:${name}: no release with files that are not yanked on ${index}`);
    return { version: latest, files: releases.get(latest)!, api: 'simple' };
  }
  const match = [...releases.keys()].find((v) => v === version || safeEq(v, version));
  if (match === undefined) {
    const known = [...releases.keys()].slice(-5).join(', ') || 'none';
    throw new AirlockError('INVALID_INPUT', `pypi:${name}==${version}: no such version on ${index} (some versions it has: ${known})`);
  }
  return { version: match, files: releases.get(match)!, api: 'simple' };
}

/** A JSON object, or null for "not offered here" (4xx, or a page that is not JSON, e.g. an HTML catch-all). */
async function getJson(url: string, accept: string): Promise<unknown> {
  const res = await httpGet(url, { accept, maxBytes: MAX_INDEX_JSON_BYTES });
  if (res.status >= 400 && res.status < 500) return null;
  if (res.status !== 200) throw new AirlockError('SANDBOX_FAILED', `${url} answered ${res.status}`);
  try {
    return parseJson(res.body, url);
  } catch {
    return null;
  }
}

function parseJson(body: Buffer, url: string): Record<string, unknown> {
  try {
    const doc: unknown = JSON.parse(body.toString('utf8'));
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new AirlockError('SANDBOX_FAILED', `${url} did not answer a JSON object`);
}

/** JSON API `urls[]` entries and PEP 691 `files[]` entries (their fields differ in name only). */
function filesOf(list: unknown, pageUrl: string): PypiFile[] {
  if (!Array.isArray(list)) return [];
  const out: PypiFile[] = [];
  for (const item of list) {
    const f = item as {
      filename?: unknown;
      url?: unknown;
      digests?: { sha256?: unknown };
      hashes?: { sha256?: unknown };
      size?: unknown;
      yanked?: unknown;
      yanked_reason?: unknown;
    };
    if (typeof f.filename !== 'string' || typeof f.url !== 'string' || /[/\\]/.test(f.filename)) continue;
    const sha256 = f.digests?.sha256 ?? f.hashes?.sha256;
    const yanked =
      f.yanked === true
        ? typeof f.yanked_reason === 'string' && f.yanked_reason
          ? f.yanked_reason
          : true
        : typeof f.yanked === 'string'
          ? f.yanked || true
          : false;
    out.push({
      filename: f.filename,
      url: new URL(f.url, pageUrl).href.replace(/#.*$/, ''),
      kind: fileKind(f.filename),
      ...(typeof sha256 === 'string' ? { sha256: sha256.toLowerCase() } : {}),
      ...(typeof f.size === 'number' ? { size: f.size } : {}),
      yanked,
    });
  }
  return out;
}

function safeEq(a: string, b: string): boolean {
  try {
    return eq(a, b);
  } catch {
    return false;
  }
}
