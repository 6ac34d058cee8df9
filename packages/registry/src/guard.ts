/**
 * The install-time guard's decisions, pure: which versions of a package an install may get, given their
 * verdicts, their publication times and the policy. The npm and PyPI guard routes of the API apply them to
 * packuments, tarballs and simple-index pages.
 */
import semver from 'semver';
import type { VerdictLabel } from '@airlock/core';

export interface GuardPolicy {
  /** Verdicts an install is refused (default malicious and inconclusive: the gate fails closed). */
  refuse: readonly VerdictLabel[];
  /** A version no run has judged yet: let it through (and have it analysed), or refuse it until it is. */
  unknown: 'allow' | 'refuse';
  /** Versions younger than this are held back (0: none): most malicious releases are removed within days. */
  minAgeHours: number;
}

export const DEFAULT_GUARD_POLICY: GuardPolicy = { refuse: ['malicious', 'inconclusive'], unknown: 'allow', minAgeHours: 0 };

export interface VersionFacts {
  /** The public verdict, null when none is known. */
  verdict: { verdict: VerdictLabel; reasons: { explanation: string }[] } | null;
  /**
   * When the registry says the version was published (ISO 8601). Null: the registry gives no time, so a
   * minimum age cannot be checked and the version is held (fail closed); absent: age is not checked here.
   */
  publishedAt?: string | null;
}

export type GuardDecision = { allow: true; unknown: boolean } | { allow: false; unknown: boolean; reason: string };

export function guardDecision(id: string, facts: VersionFacts, policy: GuardPolicy, now: number): GuardDecision {
  const unknown = facts.verdict === null;
  if (facts.verdict && policy.refuse.includes(facts.verdict.verdict)) {
    const why = facts.verdict.reasons[0]?.explanation;
    return { allow: false, unknown, reason: `${id} is ${facts.verdict.verdict} by Airlock's analysis${why ? `: ${why}` : ''}` };
  }
  if (policy.minAgeHours > 0 && facts.publishedAt === null)
    return {
      allow: false,
      unknown,
      reason: `${id}: the registry gives no publication time, so it cannot be checked against this organization's minimum age of ${policy.minAgeHours} h`,
    };
  const published = facts.publishedAt ? Date.parse(facts.publishedAt) : NaN;
  if (policy.minAgeHours > 0 && Number.isFinite(published) && now - published < policy.minAgeHours * 3_600_000) {
    const hours = Math.max(0, Math.floor((now - published) / 3_600_000));
    return {
      allow: false,
      unknown,
      reason: `${id} was published ${hours} h ago; this organization installs versions at least ${policy.minAgeHours} h old`,
    };
  }
  if (unknown && policy.unknown === 'refuse')
    return { allow: false, unknown, reason: `${id} has not been analysed yet; Airlock is analysing it now, retry in a few minutes` };
  return { allow: true, unknown };
}

/**
 * Whether an index page lists a version as installable: the decision with unknown versions let through,
 * because a version not analysed yet must stay listed for its download to decide (and start its analysis).
 */
export function listingDecision(id: string, facts: VersionFacts, policy: GuardPolicy, now: number): GuardDecision {
  return guardDecision(id, facts, { ...policy, unknown: 'allow' }, now);
}

interface Packument {
  name?: string;
  versions?: Record<string, { dist?: { tarball?: string } } & Record<string, unknown>>;
  'dist-tags'?: Record<string, string>;
  time?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The packument an install sees: refused versions are left out (so a range resolves to an allowed one),
 * tarballs are fetched through the guard (`tarballBase/<name>/-/<file>`, so each download is checked again),
 * and a dist-tag that pointed at a refused version points at the highest allowed stable one, or is dropped.
 */
export function guardPackument(packument: Packument, allowed: ReadonlySet<string>, tarballBase: string): Packument {
  const versions = Object.fromEntries(
    Object.entries(packument.versions ?? {})
      .filter(([v]) => allowed.has(v))
      .map(([v, manifest]) => {
        const file = manifest.dist?.tarball?.split('/').pop();
        const dist = { ...manifest.dist, ...(file ? { tarball: `${tarballBase}/${packument.name ?? ''}/-/${file}` } : {}) };
        return [v, { ...manifest, dist }];
      }),
  );
  const stable = Object.keys(versions).filter((v) => semver.valid(v) && !semver.prerelease(v));
  const highest = stable.sort(semver.rcompare)[0];
  const tags: Record<string, string> = {};
  for (const [tag, v] of Object.entries(packument['dist-tags'] ?? {})) {
    if (allowed.has(v)) tags[tag] = v;
    else if (tag === 'latest' && highest) tags[tag] = highest;
  }
  return { ...packument, versions, 'dist-tags': tags };
}

/** The version in an npm tarball file name (`name-1.2.3.tgz`, the unscoped part of the name). */
export function tarballVersion(name: string, file: string): string | null {
  const base = name.split('/').pop()!;
  if (!file.startsWith(`${base}-`) || !file.endsWith('.tgz')) return null;
  const version = file.slice(base.length + 1, -'.tgz'.length);
  return semver.valid(version) ? version : null;
}
