/**
 * POSIX path joining, done lexically (no filesystem): the trace is all we have, and the same
 * input must always give the same path. `..` is collapsed lexically, which can differ from the
 * kernel when symlinks are involved; open events also carry the kernel's own resolved path.
 */

export function isAbsolute(path: string): boolean {
  return path.charCodeAt(0) === 47;
}

/** Collapses `//`, `.` and `..` in an absolute path; relative paths are returned unchanged. */
export function normalizeAbsolute(path: string): string {
  if (!isAbsolute(path)) return path;
  if (isNormal(path)) return path; // the common case: nothing to collapse
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** True when no segment is empty, `.` or `..` (dotfiles like `/.npm` are fine). */
function isNormal(path: string): boolean {
  const n = path.length;
  if (n > 1 && path.charCodeAt(n - 1) === 47) return false;
  for (let i = 0; i < n; i++) {
    if (path.charCodeAt(i) !== 47) continue;
    const a = path.charCodeAt(i + 1);
    if (a === 47) return false;
    if (a !== 46) continue;
    const b = path.charCodeAt(i + 2);
    if (i + 2 >= n || b === 47) return false; // "/." segment
    if (b === 46 && (i + 3 >= n || path.charCodeAt(i + 3) === 47)) return false; // "/.." segment
  }
  return true;
}

/** Resolves `path` against `base` when it is relative and a base is known. */
export function resolvePath(base: string | null, path: string): string {
  if (isAbsolute(path)) return normalizeAbsolute(path);
  if (base === null || !isAbsolute(base)) return path;
  if (path === '') return normalizeAbsolute(base);
  return normalizeAbsolute(`${base}/${path}`);
}
