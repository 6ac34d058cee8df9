/**
 * Dependency confusion: an organization's private package names and scopes must never be satisfied
 * from the public registry. A public package that carries one, or that jumps to a huge version so it
 * wins version resolution against the private one, is the attack.
 */
import { normalizeName, splitNpmName } from './package-names.js';
import { signal, type Ecosystem, type StaticSignal } from './signal.js';

export interface InternalNamespacePolicy {
  /** Package names the organization publishes privately (PyPI names compare PEP 503-normalised). */
  names?: readonly string[];
  /** npm scopes the organization owns, with or without the leading `@`. */
  scopes?: readonly string[];
  /** Name prefixes reserved for internal packages (e.g. `acme-`), compared on normalised names. */
  prefixes?: readonly string[];
  /** A public version with a major at least this high is suspicious (default 99). */
  highMajorThreshold?: number;
}

export interface PackageCoordinates {
  ecosystem: Ecosystem;
  name: string;
  version?: string;
}

export interface DependencyConfusionInput extends PackageCoordinates {
  /** Where the package comes from; only `public` packages can shadow internal names (default `public`). */
  source?: 'public' | 'internal';
  /** Where the name was seen (a lockfile, package.json), for evidence. */
  file?: string;
}

export function checkDependencyConfusion(pkg: DependencyConfusionInput, policy: InternalNamespacePolicy): StaticSignal[] {
  if ((pkg.source ?? 'public') === 'internal') return [];
  const name = normalizeName(pkg.ecosystem, pkg.name);
  const evidence = { ...(pkg.file ? { file: pkg.file } : {}), value: pkg.version ? `${pkg.name}@${pkg.version}` : pkg.name };
  const out: StaticSignal[] = [];

  const internalNames = new Set((policy.names ?? []).map((n) => normalizeName(pkg.ecosystem, n)));
  const scope = pkg.ecosystem === 'npm' ? splitNpmName(name).scope : null;
  const scopes = new Set((policy.scopes ?? []).map((s) => `@${s.replace(/^@/, '').toLowerCase()}`));
  const prefix = (policy.prefixes ?? []).map((p) => normalizeName(pkg.ecosystem, p)).find((p) => p !== '' && name.startsWith(p));

  let internal = false;
  if (internalNames.has(name)) {
    internal = true;
    out.push(
      signal(
        'dependency-confusion.internal-name',
        'high',
        `public package "${pkg.name}" has a name the organization declares internal`,
        evidence,
        { match: 'name' },
      ),
    );
  } else if (scope !== null && scopes.has(scope)) {
    internal = true;
    out.push(
      signal(
        'dependency-confusion.internal-scope',
        'high',
        `public package "${pkg.name}" is in the organization's internal scope ${scope}`,
        evidence,
        { match: 'scope', scope },
      ),
    );
  } else if (prefix !== undefined) {
    internal = true;
    out.push(
      signal(
        'dependency-confusion.internal-name',
        'medium',
        `public package "${pkg.name}" uses the internal name prefix "${prefix}"`,
        evidence,
        { match: 'prefix', prefix },
      ),
    );
  }

  const major = pkg.version === undefined ? null : majorOf(pkg.version);
  const threshold = policy.highMajorThreshold ?? 99;
  if (major !== null && major >= threshold && (internal || !isCalendarMajor(major))) {
    out.push(
      signal(
        'dependency-confusion.high-version',
        internal ? 'high' : 'low',
        internal
          ? `internal-looking public package at version ${pkg.version}, high enough to win over the private one`
          : `unusually high version ${pkg.version} (major ${major} >= ${threshold}), a dependency-confusion trademark`,
        evidence,
        { major, threshold },
      ),
    );
  }
  return out;
}

/** Leading integer of a version string (`v100.0.0`, `99.99.99`, `2024.1`), or null. */
export function majorOf(version: string): number | null {
  const m = /^\s*[v=]?\s*(\d{1,15})(?:\D|$)/.exec(version);
  return m ? Number(m[1]) : null;
}

/** Calendar versions (pytz 2024.1, certifi 2024.2.2, 20240101) are high majors by design. */
function isCalendarMajor(major: number): boolean {
  return (major >= 1990 && major <= 2100) || (major >= 19900101 && major <= 21001231);
}
