/** PyPI names and versions: PEP 503 normalisation (so `Django_Rest` and `django-rest` dedupe) and a PEP 440 check. */

import { normalizePypiName } from '@airlock/static-signals';

/** PEP 503 normalisation, the one rule static-signals defines. */
export { normalizePypiName };

/** PEP 440 public/local version (the spec's own permissive pattern), no wildcards. */
const PEP440 =
  /^v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

export function isPep440Version(version: string): boolean {
  return PEP440.test(version);
}
