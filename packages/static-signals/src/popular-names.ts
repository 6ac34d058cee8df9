/**
 * Indexes of popular package names, the targets typosquatters imitate. Built once (lookups are then
 * constant time except the edit-distance scan, which only visits names of a similar length).
 * npm's comes from npm-high-impact; PyPI's from a vendored top-pypi-packages snapshot (or the caller's list).
 */
import { npmHighImpact } from 'npm-high-impact';
import { confusableSkeleton } from './confusables.js';
import { affixCores } from './name-affixes.js';
import { asRecord } from './manifest-fields.js';
import { normalizeName, separatorKey, splitNpmName } from './package-names.js';
import type { Ecosystem } from './signal.js';
import { TOP_PYPI_NAMES } from './top-pypi-names.js';

export interface PopularNameIndex {
  ecosystem: Ecosystem;
  /** Normalised names in popularity order (most popular first); the rank is the position. */
  names: readonly string[];
  rank: ReadonlyMap<string, number>;
  byLength: ReadonlyMap<number, readonly string[]>;
  bySeparatorKey: ReadonlyMap<string, readonly string[]>;
  bySkeleton: ReadonlyMap<string, readonly string[]>;
  /** npm only: `@scope/bare` flattened to `scope-bare` and `scopebare` -> the scoped name. */
  byFlattenedScope: ReadonlyMap<string, readonly string[]>;
  /** npm only: the bare part of a popular scoped name -> the scoped names (unscoped copies). */
  byScopedBare: ReadonlyMap<string, readonly string[]>;
  /** A popular name with a known affix removed (`python-dateutil` -> `dateutil`) -> the popular names. */
  byAffixCore: ReadonlyMap<string, readonly string[]>;
}

/** Builds an index from names in popularity order (duplicates after normalisation are dropped). */
export function buildPopularNameIndex(ecosystem: Ecosystem, names: Iterable<string>): PopularNameIndex {
  const ordered: string[] = [];
  const rank = new Map<string, number>();
  for (const raw of names) {
    const name = normalizeName(ecosystem, raw);
    if (name === '' || rank.has(name)) continue;
    rank.set(name, ordered.length);
    ordered.push(name);
  }
  const byLength = new Map<number, string[]>();
  const bySeparatorKey = new Map<string, string[]>();
  const bySkeleton = new Map<string, string[]>();
  const byFlattenedScope = new Map<string, string[]>();
  const byScopedBare = new Map<string, string[]>();
  const byAffixCore = new Map<string, string[]>();
  for (const name of ordered) {
    for (const core of affixCores(ecosystem, name)) push(byAffixCore, core, name);
    push(byLength, name.length, name);
    push(bySeparatorKey, separatorKey(name), name);
    push(bySkeleton, confusableSkeleton(name), name);
    if (ecosystem === 'npm') {
      const { scope, bare } = splitNpmName(name);
      if (scope !== null) {
        const s = scope.slice(1);
        for (const flat of new Set([`${s}-${bare}`, `${s}${bare}`, `${s}_${bare}`, `${s}.${bare}`])) push(byFlattenedScope, flat, name);
        push(byScopedBare, bare, name);
      }
    }
  }
  return { ecosystem, names: ordered, rank, byLength, bySeparatorKey, bySkeleton, byFlattenedScope, byScopedBare, byAffixCore };
}

function push<K>(map: Map<K, string[]>, key: K, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

let npmIndex: PopularNameIndex | undefined;

/** The npm high-impact list (~17k names with >= 1M weekly downloads or >= 500 dependents), indexed once. */
export function npmPopularNameIndex(): PopularNameIndex {
  npmIndex ??= buildPopularNameIndex('npm', npmHighImpact);
  return npmIndex;
}

let pypiIndex: PopularNameIndex | undefined;

/** The 5000 most downloaded PyPI projects (vendored snapshot, see top-pypi-names.ts), indexed once. */
export function pypiPopularNameIndex(): PopularNameIndex {
  pypiIndex ??= buildPopularNameIndex('pypi', TOP_PYPI_NAMES);
  return pypiIndex;
}

/**
 * Project names from a parsed top-pypi-packages document (`{rows: [{project, download_count}]}`),
 * most downloaded first. The caller reads the file; malformed rows are skipped.
 */
export function pypiNamesFromTopPackages(document: unknown, limit = Infinity): string[] {
  const rows = asRecord(document)?.rows;
  if (!Array.isArray(rows)) throw new Error('top-pypi-packages document has no "rows" array');
  const entries: { project: string; downloads: number }[] = [];
  for (const row of rows) {
    const r = asRecord(row);
    if (typeof r?.project === 'string')
      entries.push({ project: r.project, downloads: typeof r.download_count === 'number' ? r.download_count : 0 });
  }
  entries.sort((a, b) => b.downloads - a.downloads);
  return entries.slice(0, limit).map((e) => e.project);
}
