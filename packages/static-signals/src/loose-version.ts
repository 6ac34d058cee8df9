/**
 * A deliberately small version comparison for OSV ranges: dotted numeric releases (`1.2.3`,
 * `2024.1`) compare numerically; anything else (pre-releases, local versions) is left undecided
 * so the caller can fall back to a weaker, name-only match instead of guessing.
 */

/** Negative, zero or positive like a sort comparator; null when either side is not a plain release. */
export function compareReleases(a: string, b: string): number | null {
  const pa = release(a);
  const pb = release(b);
  if (pa === null || pb === null) return null;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function release(version: string): number[] | null {
  const m = /^\s*v?(\d+(?:\.\d+)*)\s*$/.exec(version);
  return m ? m[1]!.split('.').map(Number) : null;
}
