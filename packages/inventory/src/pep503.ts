/** PyPI names and versions: PEP 503 normalisation (so `Django_Rest` and `django-rest` dedupe) and a PEP 440 check. */

/** PEP 503: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizePypiName(name: string): string {
  return name.trim().replace(/[-_.]+/g, '-').toLowerCase();
}

/** PEP 508 project name. */
export function isPypiName(name: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name);
}

/** PEP 440 public/local version (the spec's own permissive pattern), no wildcards. */
const PEP440 =
  /^v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

export function isPep440Version(version: string): boolean {
  return PEP440.test(version);
}
