/**
 * Path arithmetic for archive entries, done on strings only. Both `/` and `\` count as separators
 * (zip archives made on Windows use `\`, and a `..\` must not slip through on any platform).
 */

/** Absolute in POSIX or Windows terms: `/x`, `\x`, `C:\x`, `C:x`, `\\server\share`. */
export function isAbsoluteArchivePath(path: string): boolean {
  return /^[\\/]/.test(path) || /^[A-Za-z]:/.test(path);
}

/** Components with empty and `.` parts removed (`..` kept for the caller to judge). */
export function pathComponents(path: string): string[] {
  return path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
}

export type Resolution = { ok: true; components: string[] } | { ok: false; reason: 'escape' | 'absolute' | 'loop' };

/** Symbolic links followed while resolving one path before it counts as a loop (Linux's own limit). */
export const MAX_LINK_HOPS = 40;

/**
 * Where `target` lands when resolved from the directory `from` inside the extraction root, following
 * the archive's own symlinks (`links`: normalised link path -> its target) the way the kernel would.
 * Fails when any step climbs above the root, hits an absolute target, or loops.
 */
export function resolveInsideRoot(
  from: readonly string[],
  target: string,
  links: ReadonlyMap<string, string>,
  hops = { count: 0 },
): Resolution {
  if (isAbsoluteArchivePath(target)) return { ok: false, reason: 'absolute' };
  let stack = [...from];
  for (const part of pathComponents(target)) {
    if (part === '..') {
      if (stack.length === 0) return { ok: false, reason: 'escape' };
      stack.pop();
      continue;
    }
    stack.push(part);
    const link = links.get(stack.join('/'));
    if (link === undefined) continue;
    if (++hops.count > MAX_LINK_HOPS) return { ok: false, reason: 'loop' };
    stack.pop();
    const inner = resolveInsideRoot(stack, link, links, hops);
    if (!inner.ok) return inner;
    stack = inner.components;
  }
  return { ok: true, components: stack };
}
