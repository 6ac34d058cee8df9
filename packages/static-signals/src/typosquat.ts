/**
 * Typosquatting: a name that imitates a popular one (a slip of the keyboard, a separator change,
 * a scope dropped or flattened, an affix, a look-alike character). A near miss is evidence, not a
 * verdict: it matters most together with install scripts or install-time network access.
 * A name that is itself in the popular list is never reported.
 */
import { confusableSkeleton, hasNonAscii } from './confusables.js';
import { withinDistance } from './edit-distance.js';
import { affixCores } from './name-affixes.js';
import { normalizeName, separatorKey, splitNpmName } from './package-names.js';
import type { PopularNameIndex } from './popular-names.js';
import { signal, type SignalId, type SignalSeverity, type StaticSignal } from './signal.js';

export type TyposquatTechnique = 'homoglyph' | 'separator' | 'scope-confusion' | 'edit-distance' | 'unscoped-copy' | 'affix';

export interface TyposquatMatch {
  technique: TyposquatTechnique;
  /** The popular name imitated (normalised). */
  target: string;
  /** Position of the target in the popularity list (0 = most popular). */
  targetRank: number;
  /** Damerau distance between the normalised names (always given; 0 for pure separator or case look-alikes). */
  distance: number;
}

export interface TyposquatOptions {
  /** At most this many targets are returned, strongest first (default 3). */
  maxMatches?: number;
}

/** Allowed edits by the length of the (bare) name: short names are too close to each other to judge. */
export function maxEditsFor(length: number): { edits: number; transpositionOnly: boolean } {
  if (length >= 10) return { edits: 2, transpositionOnly: false };
  if (length >= 5) return { edits: 1, transpositionOnly: false };
  if (length === 4) return { edits: 1, transpositionOnly: true };
  return { edits: 0, transpositionOnly: false };
}

/** Popular names this name imitates, strongest technique first, then most popular target first. */
export function findTyposquatTargets(name: string, index: PopularNameIndex, options: TyposquatOptions = {}): TyposquatMatch[] {
  const eco = index.ecosystem;
  const normalized = normalizeName(eco, name);
  if (normalized === '' || index.rank.has(normalized)) return [];
  const found = new Map<string, TyposquatMatch>();
  const add = (technique: TyposquatTechnique, targets: readonly string[] | undefined): void => {
    for (const target of targets ?? []) {
      if (target === normalized || found.has(target)) continue;
      found.set(target, { technique, target, targetRank: index.rank.get(target)!, distance: withinDistance(normalized, target, 64) ?? -1 });
    }
  };

  add('homoglyph', index.bySkeleton.get(normalizeName(eco, confusableSkeleton(name.trim()))));
  add('separator', index.bySeparatorKey.get(separatorKey(normalized)));
  if (eco === 'npm') {
    const { scope, bare } = splitNpmName(normalized);
    if (scope === null) {
      add('scope-confusion', index.byFlattenedScope.get(normalized));
      if (normalized.length >= 4) add('unscoped-copy', index.byScopedBare.get(normalized));
    } else {
      const s = scope.slice(1);
      add(
        'scope-confusion',
        [`${s}-${bare}`, `${s}${bare}`].filter((n) => index.rank.has(n)),
      );
    }
  }
  for (const target of editDistanceTargets(normalized, index)) add('edit-distance', [target]);
  // `expressjs` (a popular name plus an affix) and `dateutil` (a popular name minus its affix).
  add(
    'affix',
    affixCores(eco, normalized).filter((c) => index.rank.has(c)),
  );
  add('affix', index.byAffixCore.get(normalized));

  return [...found.values()].sort(compareMatches).slice(0, options.maxMatches ?? 3);
}

function editDistanceTargets(normalized: string, index: PopularNameIndex): string[] {
  const bare = splitNpmName(normalized).bare;
  const { edits, transpositionOnly } = maxEditsFor(index.ecosystem === 'npm' ? bare.length : normalized.length);
  if (edits === 0) return [];
  const out: string[] = [];
  for (let len = normalized.length - edits; len <= normalized.length + edits; len++) {
    for (const target of index.byLength.get(len) ?? []) {
      const d = withinDistance(normalized, target, edits);
      if (d === null || d === 0) continue;
      // For four-letter names only a swap of neighbours (`lodahs`-style slip) is specific enough.
      if (transpositionOnly && !isTransposition(normalized, target)) continue;
      out.push(target);
    }
  }
  return out;
}

function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]] && a[diff[1]] === b[diff[0]!];
}

const TECHNIQUE_ORDER: readonly TyposquatTechnique[] = [
  'homoglyph',
  'separator',
  'scope-confusion',
  'edit-distance',
  'unscoped-copy',
  'affix',
];

function compareMatches(a: TyposquatMatch, b: TyposquatMatch): number {
  const strength = (m: TyposquatMatch): number =>
    m.technique === 'edit-distance' && m.distance > 1 ? 4.5 : TECHNIQUE_ORDER.indexOf(m.technique);
  return strength(a) - strength(b) || a.targetRank - b.targetRank;
}

const SIGNAL_OF: Record<TyposquatTechnique, SignalId> = {
  homoglyph: 'typosquat.homoglyph',
  separator: 'typosquat.separator',
  'scope-confusion': 'typosquat.scope-confusion',
  'edit-distance': 'typosquat.edit-distance',
  'unscoped-copy': 'typosquat.unscoped-copy',
  affix: 'typosquat.affix',
};

function severityOf(match: TyposquatMatch, name: string): SignalSeverity {
  switch (match.technique) {
    case 'homoglyph':
      return 'high';
    case 'edit-distance':
      return match.distance <= 1 ? 'medium' : 'low';
    case 'affix':
      return 'low';
    default:
      return hasNonAscii(name) ? 'high' : 'medium';
  }
}

const EXPLAIN: Record<TyposquatTechnique, (name: string, target: string, distance: number) => string> = {
  homoglyph: (n, t) => `"${n}" looks like the popular package "${t}" (confusable characters)`,
  separator: (n, t) => `"${n}" is the popular package "${t}" with separators changed`,
  'scope-confusion': (n, t) => `"${n}" imitates the scoped popular package "${t}"`,
  'edit-distance': (n, t, d) => `"${n}" is ${d} edit${d === 1 ? '' : 's'} away from the popular package "${t}"`,
  'unscoped-copy': (n, t) => `"${n}" is an unscoped copy of the popular package "${t}"`,
  affix: (n, t) => `"${n}" is the popular package "${t}" with a prefix or suffix changed`,
};

/** Typosquat signals for one package name against a popular-name index. */
export function checkTyposquat(name: string, index: PopularNameIndex, options: TyposquatOptions & { file?: string } = {}): StaticSignal[] {
  return findTyposquatTargets(name, index, options).map((m) =>
    signal(
      SIGNAL_OF[m.technique],
      severityOf(m, name),
      EXPLAIN[m.technique](name, m.target, m.distance),
      { ...(options.file ? { file: options.file } : {}), value: name },
      {
        target: m.target,
        targetRank: m.targetRank,
        distance: m.distance,
        technique: m.technique,
        ecosystem: index.ecosystem,
      },
    ),
  );
}
