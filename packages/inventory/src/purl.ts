/**
 * A small package-URL reader (https://github.com/package-url/purl-spec), enough for SBOMs:
 * `pkg:type/namespace/name@version?qualifiers#subpath`. packageurl-js is not a dependency here.
 */
import type { Ecosystem } from '@airlock/core';
import { isExactSemver } from './npm-spec.js';
import { isPep440Version, normalizePypiName } from './pep503.js';

export interface Purl {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
  subpath?: string;
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** Strips leading and trailing slashes without a regex (`/\/+$/` is quadratic on hostile input). */
function trimSlashes(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value[start] === '/') start++;
  while (end > start && value[end - 1] === '/') end--;
  return value.slice(start, end);
}

/** Parses a purl; undefined when it is not one. */
export function parsePurl(input: string): Purl | undefined {
  let rest = input.trim();
  if (!/^pkg:/i.test(rest)) return undefined;
  rest = trimSlashes(rest.slice(4));
  let subpath: string | undefined;
  const hash = rest.indexOf('#');
  if (hash !== -1) {
    subpath = decode(trimSlashes(rest.slice(hash + 1)));
    rest = rest.slice(0, hash);
  }
  const qualifiers: Record<string, string> = {};
  const question = rest.indexOf('?');
  if (question !== -1) {
    for (const pair of rest.slice(question + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const value = decode(pair.slice(eq + 1));
      if (value !== undefined && value !== '') qualifiers[pair.slice(0, eq).toLowerCase()] = value;
    }
    rest = rest.slice(0, question);
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const type = rest.slice(0, slash).toLowerCase();
  rest = trimSlashes(rest.slice(slash + 1));
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > 0 && rest.lastIndexOf('/') < at) {
    version = decode(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const segments = rest
    .split('/')
    .filter((s) => s !== '')
    .map(decode);
  if (segments.length === 0 || segments.some((s) => s === undefined)) return undefined;
  const name = segments.pop() as string;
  const namespace = segments.length > 0 ? segments.join('/') : undefined;
  if (!/^[a-z][a-z0-9.+-]*$/.test(type) || name === '') return undefined;
  return { type, name, qualifiers, ...(namespace ? { namespace } : {}), ...(version ? { version } : {}), ...(subpath ? { subpath } : {}) };
}

export type PurlPackage =
  { ok: true; ecosystem: Ecosystem; name: string; version: string; resolved?: string } | { ok: false; name: string; reason: string };

/** An SBOM purl as a scannable package, or why it is not one. */
export function packageFromPurl(purl: string): PurlPackage {
  const p = parsePurl(purl);
  if (!p) return { ok: false, name: purl, reason: 'not a valid package URL (purl)' };
  const display = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  if (p.type !== 'npm' && p.type !== 'pypi') {
    return { ok: false, name: display, reason: `purl type "${p.type}" is not an ecosystem Airlock scans (npm, pypi)` };
  }
  if (p.type === 'npm') {
    const scope = p.namespace === undefined ? undefined : p.namespace.startsWith('@') ? p.namespace : `@${p.namespace}`;
    const name = scope ? `${scope}/${p.name}` : p.name;
    if (!p.version) return { ok: false, name, reason: 'the purl has no version' };
    if (p.qualifiers.vcs_url)
      return { ok: false, name, reason: `installed from a git repository (${p.qualifiers.vcs_url}), not from the registry` };
    if (!isExactSemver(p.version)) return { ok: false, name, reason: `version "${p.version}" is not an exact npm version` };
    const url = p.qualifiers.download_url;
    return { ok: true, ecosystem: 'npm', name, version: p.version, ...(url && /^https?:\/\//i.test(url) ? { resolved: url } : {}) };
  }
  const name = normalizePypiName(p.name);
  if (!p.version) return { ok: false, name, reason: 'the purl has no version' };
  if (p.qualifiers.vcs_url)
    return { ok: false, name, reason: `installed from a version-control repository (${p.qualifiers.vcs_url}), not from the index` };
  if (!isPep440Version(p.version)) return { ok: false, name, reason: `version "${p.version}" is not a PEP 440 version` };
  const url = p.qualifiers.download_url;
  return { ok: true, ecosystem: 'pypi', name, version: p.version, ...(url && /^https?:\/\//i.test(url) ? { resolved: url } : {}) };
}
