import { compare, explain } from '@renovatebot/pep440';
import { normalizePypiName } from '@airlock/static-signals';

/** One distribution file as an index lists it (JSON API `urls[]` or PEP 691 `files[]`). */
export interface PypiFile {
  filename: string;
  /** Absolute URL (relative links are resolved against the page that listed them). */
  url: string;
  kind: 'sdist' | 'wheel' | 'other';
  /** Hex digest from the index; absent when the index gave none (the file is then refused). */
  sha256?: string;
  size?: number;
  /** PEP 592: false, or the reason (true when none was given). */
  yanked: boolean | string;
}

export type DistributionKind = 'sdist' | 'wheel';

export { normalizePypiName };

export function fileKind(filename: string): PypiFile['kind'] {
  if (/\.whl$/i.test(filename)) return 'wheel';
  if (/\.(tar\.gz|zip)$/i.test(filename)) return 'sdist';
  return 'other';
}

/**
 * The version a file belongs to, from its name: a wheel's second field; for an sdist, what follows the
 * project name (legacy sdists keep `-` and `.` in the name, so the name is matched PEP 503-normalised).
 */
export function versionOfFile(filename: string, normalizedName: string): string | null {
  const kind = fileKind(filename);
  if (kind === 'wheel') return filename.split('-')[1] ?? null;
  if (kind !== 'sdist') return null;
  const stem = filename.replace(/\.(tar\.gz|zip)$/i, '');
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
    if (normalizePypiName(stem.slice(0, i)) === normalizedName) return stem.slice(i + 1) || null;
  }
  return null;
}

/** A wheel any CPython 3 on any platform installs: python tag with `py3`, abi `none`, platform `any`. */
export function isPureWheel(filename: string): boolean {
  const parts = filename.replace(/\.whl$/i, '').split('-');
  if (parts.length !== 5 && parts.length !== 6) return false;
  const [py, abi, platform] = parts.slice(-3);
  return py!.split('.').includes('py3') && abi === 'none' && platform === 'any';
}

/**
 * The newest release by PEP 440 ordering that has at least one file that is not yanked (PEP 592) and is
 * not a pre- or dev-release; pre-releases only when there is nothing else, as pip does.
 */
export function latestVersion(releases: ReadonlyMap<string, readonly PypiFile[]>): string | null {
  const candidates = [...releases.entries()]
    .filter(([version, files]) => explain(version) !== null && files.some((f) => f.yanked === false))
    .map(([version]) => version);
  const finals = candidates.filter((v) => !explain(v)!.is_prerelease);
  const pool = finals.length > 0 ? finals : candidates;
  return pool.sort(compare).at(-1) ?? null;
}

/**
 * The file to analyse: the sdist (`.tar.gz` before `.zip`) or a pure-Python wheel. Yanked files only
 * when pinned, and even then after the others. Null when the release has none of that kind.
 */
export function chooseFile(files: readonly PypiFile[], kind: DistributionKind, pinned: boolean): PypiFile | null {
  const usable = files.filter((f) => (kind === 'wheel' ? f.kind === 'wheel' && isPureWheel(f.filename) : f.kind === 'sdist'));
  const rank = (f: PypiFile) => (f.yanked === false ? 0 : 2) + (/\.zip$/i.test(f.filename) ? 1 : 0);
  return usable.filter((f) => pinned || f.yanked === false).sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/**
 * A wheel the sandbox's CPython 3.11 on x86_64 Linux installs: pure, or built for cp311 (or a stable-ABI
 * `abi3` wheel of an earlier CPython 3) for linux_x86_64 or a manylinux x86_64 tag.
 */
export function isSandboxWheel(filename: string): boolean {
  if (isPureWheel(filename)) return true;
  const parts = filename.replace(/\.whl$/i, '').split('-');
  if (parts.length !== 5 && parts.length !== 6) return false;
  const [py, abi, platform] = parts.slice(-3) as [string, string, string];
  const platformOk = platform.split('.').some((p) => p === 'linux_x86_64' || /^manylinux[\w]*_x86_64$/.test(p));
  const exact = py.split('.').includes('cp311') && abi.split('.').some((a) => a === 'cp311' || a === 'none' || a === 'abi3');
  const stable = abi === 'abi3' && py.split('.').some((p) => /^cp3(\d+)$/.test(p) && Number(p.slice(3)) <= 11);
  return platformOk && (exact || stable);
}

/**
 * The release a dependency install takes: the newest final version in `specifier` (pre-releases only when
 * nothing else matches, as pip does) that has a wheel the sandbox installs and that is not yanked; its pure
 * wheel first. Null when there is none (the dependency is then reported missing with this reason).
 */
export function chooseDependencyWheel(
  releases: ReadonlyMap<string, readonly PypiFile[]>,
  inRange: (version: string) => boolean,
): { version: string; file: PypiFile } | null {
  const candidates = [...releases.entries()]
    .filter(([version]) => explain(version) !== null && inRange(version))
    .map(([version, files]) => ({
      version,
      file: files.filter((f) => f.yanked === false && isSandboxWheel(f.filename)).sort(pureFirst)[0],
    }))
    .filter((c): c is { version: string; file: PypiFile } => c.file !== undefined)
    .sort((a, b) => compare(b.version, a.version));
  return candidates.find((c) => !explain(c.version)!.is_prerelease) ?? candidates[0] ?? null;
}

const pureFirst = (a: PypiFile, b: PypiFile) => Number(!isPureWheel(a.filename)) - Number(!isPureWheel(b.filename));
