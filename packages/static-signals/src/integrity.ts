/**
 * Integrity check of a fetched archive against the hash a lockfile (or the registry) declared, in
 * Subresource Integrity form (`sha512-<base64>`, several space-separated hashes allowed). The caller
 * computes the archive's SRI; this compares them. Any disagreement on a shared algorithm is a mismatch.
 */
import { signal, type StaticSignal } from './signal.js';

/** Strongest first; anything else in an SRI string is ignored, as browsers and ssri do. */
export const SRI_ALGORITHMS = ['sha512', 'sha384', 'sha256', 'sha1'] as const;
export type SriAlgorithm = (typeof SRI_ALGORITHMS)[number];

export interface SriHash {
  algorithm: SriAlgorithm;
  /** Base64 digest without padding, so `abc=` and `abc` compare equal. */
  digest: string;
}

const DIGEST_BYTES: Record<SriAlgorithm, number> = { sha512: 64, sha384: 48, sha256: 32, sha1: 20 };

/** Parses an SRI string; malformed or unknown-algorithm tokens are skipped. */
export function parseSri(sri: string): SriHash[] {
  const out: SriHash[] = [];
  for (const token of sri.trim().split(/\s+/)) {
    const m = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/]+={0,2})(?:\?.*)?$/i.exec(token);
    if (!m) continue;
    const algorithm = m[1]!.toLowerCase() as SriAlgorithm;
    const digest = m[2]!.replace(/=+$/, '');
    if (Math.floor((digest.length * 6) / 8) !== DIGEST_BYTES[algorithm]) continue;
    out.push({ algorithm, digest });
  }
  return out;
}

/** `sha256` + hex (PyPI's digests, CycloneDX hashes) -> `sha256-<base64>`. */
export function sriFromHex(algorithm: SriAlgorithm, hex: string): string {
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== DIGEST_BYTES[algorithm] * 2)
    throw new Error(`not a ${algorithm} hex digest: ${hex.slice(0, 80)}`);
  return `${algorithm}-${Buffer.from(hex, 'hex').toString('base64')}`;
}

export interface IntegrityContext {
  /** Where the declared hash came from (e.g. `package-lock.json`). */
  file?: string;
  /** The package the hash belongs to, for the message (e.g. `left-pad@1.3.0`). */
  package?: string;
}

/** Compares a declared SRI with the computed one; no signal when they agree. */
export function checkIntegrity(declared: string, computed: string, context: IntegrityContext = {}): StaticSignal[] {
  const what = context.package ? `${context.package}: ` : '';
  const evidence = { ...(context.file ? { file: context.file } : {}), value: declared };
  const wanted = parseSri(declared);
  const actual = parseSri(computed);
  if (wanted.length === 0)
    return [
      signal(
        'integrity.unverifiable',
        'medium',
        `${what}the declared integrity is missing or malformed, nothing to check against`,
        evidence,
        { computed: firstToken(computed) },
      ),
    ];
  if (actual.length === 0) throw new Error(`computed integrity is not a valid SRI string: ${computed.slice(0, 100)}`);
  const shared = SRI_ALGORITHMS.filter((a) => wanted.some((h) => h.algorithm === a) && actual.some((h) => h.algorithm === a));
  if (shared.length === 0) {
    return [
      signal(
        'integrity.unverifiable',
        'low',
        `${what}the declared integrity uses ${wanted.map((h) => h.algorithm).join(', ')}, the archive was hashed with ${actual.map((h) => h.algorithm).join(', ')}`,
        evidence,
        {
          computed: firstToken(computed),
        },
      ),
    ];
  }
  for (const algorithm of shared) {
    const want = wanted.filter((h) => h.algorithm === algorithm).map((h) => h.digest);
    const have = actual.filter((h) => h.algorithm === algorithm).map((h) => h.digest);
    if (!have.some((d) => want.includes(d))) {
      return [
        signal(
          'integrity.mismatch',
          'high',
          `${what}archive ${algorithm} does not match the declared integrity: the bytes differ from what was locked`,
          evidence,
          {
            algorithm,
            declared: `${algorithm}-${padded(want[0]!)}`,
            computed: `${algorithm}-${padded(have[0]!)}`,
          },
        ),
      ];
    }
  }
  return [];
}

function padded(digest: string): string {
  return digest + '='.repeat((4 - (digest.length % 4)) % 4);
}

function firstToken(sri: string): string {
  return sri.trim().split(/\s+/)[0] ?? '';
}
