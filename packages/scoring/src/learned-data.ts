/**
 * Where the learned baselines ship: JSON data files in this package (`packages/scoring/data/`), written
 * by `airlock baseline learn` with their provenance, never typed by hand. The scorer stays pure: this
 * module only names the files (resolved next to `src/` and `dist/` alike); the analysis pipeline reads
 * one, checks it with `isBaselineFile` and passes `baselineFromFile(...)` to `scoreReport`.
 */
export const LEARNED_BASELINE_FILES = {
  npm: new URL('../data/baseline-npm.json', import.meta.url),
  /** Absent until learned: the PyPI test splits have no false positive for an ordinary signature yet. */
  pypi: new URL('../data/baseline-pypi.json', import.meta.url),
} as const;
