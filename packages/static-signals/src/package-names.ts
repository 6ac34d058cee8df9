/** Package-name normalisation for comparisons: npm names are case-insensitive in practice, PyPI's follow PEP 503. */
import type { Ecosystem } from './signal.js';

/** PEP 503: runs of `-`, `_` and `.` become one `-`, and the name is lower-cased. */
export function normalizePypiName(name: string): string {
  return name
    .trim()
    .replace(/[-_.]+/g, '-')
    .toLowerCase();
}

/** npm names are lower case for new packages; legacy capitals compare equal for squatting purposes. */
export function normalizeNpmName(name: string): string {
  return name.trim().toLowerCase();
}

export function normalizeName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === 'pypi' ? normalizePypiName(name) : normalizeNpmName(name);
}

export interface NpmNameParts {
  /** `@scope` including the `@`, or null for unscoped names. */
  scope: string | null;
  /** The part after the scope (the whole name when unscoped). */
  bare: string;
}

export function splitNpmName(name: string): NpmNameParts {
  const m = /^(@[^/]+)\/(.+)$/.exec(name);
  return m ? { scope: m[1]!, bare: m[2]! } : { scope: null, bare: name };
}

/** The name with separators removed: `cross-env`, `cross_env`, `cross.env` and `crossenv` share one key. */
export function separatorKey(name: string): string {
  return name.replace(/[-_.]/g, '');
}
