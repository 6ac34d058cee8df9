/** Version order and ranges per ecosystem (npm: semver, PyPI: PEP 440): "the previous version", accepted false positives by range. */
import semver from 'semver';
import {
  compare as pep440Compare,
  satisfies as pep440Satisfies,
  valid as pep440Valid,
  validRange as pep440ValidRange,
} from '@renovatebot/pep440';
import type { Ecosystem } from '@airlock/core';

/** Negative, zero or positive like a sort comparator; null when either version does not parse. */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number | null {
  if (ecosystem === 'npm') return semver.valid(a) && semver.valid(b) ? semver.compare(a, b) : null;
  return pep440Valid(a) && pep440Valid(b) ? pep440Compare(a, b) : null;
}

/** The highest of `candidates` below `version`, or null. */
export function previousVersion(ecosystem: Ecosystem, version: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  for (const candidate of candidates) {
    const below = compareVersions(ecosystem, candidate, version);
    if (below === null || below >= 0) continue;
    if (best === null || (compareVersions(ecosystem, candidate, best) ?? 0) > 0) best = candidate;
  }
  return best;
}

/**
 * Whether `version` names one exact release: canonical semver for npm (what the registry lists), any PEP 440
 * version for PyPI (`1.0-1` is the post-release 1.0.post1, `v1.0` is 1.0). Ranges, tags and wildcards are not.
 */
export function isExactVersion(ecosystem: Ecosystem, version: string): boolean {
  if (ecosystem === 'npm') return /^\d/.test(version) && semver.valid(version) !== null; // no v or = prefix: the registry lists bare versions
  return !/[*,<>=~\s]/.test(version) && pep440Valid(version) !== null;
}

/** Whether `range` parses as a range of the ecosystem (npm: a semver range, PyPI: a PEP 440 specifier set like `>=1.0,<2`). */
export function isValidRange(ecosystem: Ecosystem, range: string): boolean {
  return ecosystem === 'npm' ? semver.validRange(range) !== null : pep440ValidRange(range);
}

/** Whether `version` is in `range`; false when either does not parse (an unreadable range covers nothing). */
export function versionInRange(ecosystem: Ecosystem, version: string, range: string): boolean {
  if (ecosystem === 'npm') return semver.valid(version) !== null && semver.satisfies(version, range);
  return pep440Valid(version) !== null && pep440ValidRange(range) && pep440Satisfies(version, range);
}
