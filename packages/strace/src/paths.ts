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
  if (path.indexOf('/.') === -1 && path.indexOf('//') === -1 && (path.length === 1 || !path.endsWith('/'))) {
    return path; // already normal: the common case
  }
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** Resolves `path` against `base` when it is relative and a base is known. */
export function resolvePath(base: string | null, path: string): string {
  if (isAbsolute(path)) return normalizeAbsolute(path);
  if (base === null || !isAbsolute(base)) return path;
  if (path === '') return normalizeAbsolute(base);
  return normalizeAbsolute(`${base}/${path}`);
}
