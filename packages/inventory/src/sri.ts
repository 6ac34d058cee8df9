/**
 * Subresource Integrity strings. npm-family lockfiles already carry SRI; PyPI tools and SBOMs carry hex
 * digests, converted here so every format hands the scanner the same comparable form.
 */
import { sriFromHex as strictSriFromHex, type SriAlgorithm } from '@airlock/static-signals';

export type { SriAlgorithm };

const STRENGTH: Record<SriAlgorithm, number> = { sha512: 4, sha384: 3, sha256: 2, sha1: 1 };

/** `SHA-256`, `SHA256`, `sha256` (CycloneDX, SPDX, pip spellings) -> `sha256`; undefined for anything else (md5, blake2b…). */
export function sriAlgorithm(name: string): SriAlgorithm | undefined {
  const key = name.toLowerCase().replace(/[-_]/g, '');
  return key === 'sha512' || key === 'sha384' || key === 'sha256' || key === 'sha1' ? key : undefined;
}

/** Hex digest -> `alg-<base64>` (static-signals' conversion); undefined when the hex is not a digest of that algorithm. */
export function sriFromHex(algorithm: SriAlgorithm, hex: string): string | undefined {
  try {
    return strictSriFromHex(algorithm, hex.trim());
  } catch {
    return undefined;
  }
}

/** `[{<algorithm field>: "SHA-256", <value field>: <hex>}]` (CycloneDX hashes, SPDX checksums) -> SRI tokens; MD5, BLAKE and malformed digests are left out. */
export function hexHashesToSri(list: unknown, algorithmField: string, valueField: string): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const fields = entry as Record<string, unknown>;
    const algorithm = typeof fields[algorithmField] === 'string' ? sriAlgorithm(fields[algorithmField]) : undefined;
    const sri = algorithm && typeof fields[valueField] === 'string' ? sriFromHex(algorithm, fields[valueField]) : undefined;
    if (sri) out.push(sri);
  }
  return out;
}

/** Lockfile integrity as written (trimmed); undefined unless every token looks like `alg-base64`. */
export function sriAsWritten(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const tokens = value.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0 || !tokens.every((t) => /^sha(?:1|256|384|512)-[A-Za-z0-9+/]+={0,2}(?:\?\S*)?$/i.test(t))) return undefined;
  return tokens.join(' ');
}

/** Several acceptable hashes (one per wheel/sdist file) as one SRI string: any of them verifies. */
export function joinSri(values: Iterable<string | undefined>): string | undefined {
  const unique = [...new Set([...values].filter((v): v is string => typeof v === 'string' && v !== ''))];
  return unique.length > 0 ? unique.join(' ') : undefined;
}

/** Strongest algorithm in an SRI string (0 when none), to keep the better of two duplicates. */
export function sriStrength(sri: string | undefined): number {
  if (!sri) return 0;
  let best = 0;
  for (const token of sri.split(/\s+/)) {
    const alg = sriAlgorithm(token.split('-')[0] ?? '');
    if (alg) best = Math.max(best, STRENGTH[alg]);
  }
  return best;
}
