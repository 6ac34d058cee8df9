/**
 * Edit distances for typosquat detection. fastest-levenshtein (Myers' bit-parallel algorithm) is the
 * cheap pre-filter over thousands of names; damerau-levenshtein then gives the optimal string alignment
 * distance, where swapping two neighbours (`lodahs`) costs one edit, as a typing slip does.
 */
import damerauLevenshtein from 'damerau-levenshtein';
import { distance as levenshtein } from 'fastest-levenshtein';

export { levenshtein };

/** Optimal-string-alignment distance (adjacent transpositions count as one edit). */
export function damerauDistance(a: string, b: string): number {
  return damerauLevenshtein(a, b).steps;
}

/**
 * The Damerau distance if it is at most `max`, else null. Levenshtein is never below Damerau and at
 * most twice it (a transposition is two Levenshtein edits), so `lev > 2 * max` rules a pair out cheaply.
 */
export function withinDistance(a: string, b: string, max: number): number | null {
  if (Math.abs(a.length - b.length) > max) return null;
  const lev = levenshtein(a, b);
  if (lev <= max) return lev === 0 ? 0 : Math.min(lev, damerauDistance(a, b));
  if (lev > 2 * max) return null;
  const d = damerauDistance(a, b);
  return d <= max ? d : null;
}
