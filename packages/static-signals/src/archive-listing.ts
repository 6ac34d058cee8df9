/**
 * Hostile-archive checks on a listing (what `tar t` or a zip central directory says), run before
 * anything is written: path traversal, absolute paths, links that leave the tree or that later
 * entries are written through, device files, and size, count and compression-ratio bombs.
 * The extractor refuses the archive when `ok` is false; every problem has a readable message.
 */
import { isAbsoluteArchivePath, pathComponents, resolveInsideRoot } from './archive-paths.js';

export type ArchiveEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface ArchiveEntry {
  path: string;
  /** Uncompressed size in bytes, as the listing declares it. */
  size: number;
  /** `other` covers character and block devices, FIFOs and anything else that is not a plain entry. */
  type: ArchiveEntryType;
  /** Target of a symlink (relative to the link's directory) or a hardlink (relative to the root). */
  linkTarget?: string;
}

export interface ArchiveLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxFileBytes: number;
  /** Uncompressed / compressed; checked only when the compressed size is given. */
  maxCompressionRatio: number;
  /** Below this many uncompressed bytes the ratio is not judged (tiny archives of zeros are harmless). */
  ratioFloorBytes: number;
  maxPathLength: number;
  maxPathDepth: number;
}

/** Generous for real packages (the largest npm packages unpack to a few hundred MB and ~30k files). */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 100_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxFileBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioFloorBytes: 16 * 1024 * 1024,
  maxPathLength: 1024,
  maxPathDepth: 64,
};

export type ArchiveProblemCode =
  | 'path-traversal'
  | 'absolute-path'
  | 'invalid-path'
  | 'invalid-size'
  | 'special-file'
  | 'link-escape'
  | 'link-loop'
  | 'path-through-link'
  | 'too-many-entries'
  | 'too-large'
  | 'file-too-large'
  | 'compression-ratio';

export interface ArchiveProblem {
  code: ArchiveProblemCode;
  message: string;
  /** The entry concerned; absent for whole-archive problems. */
  path?: string;
}

export interface ArchiveCheck {
  ok: boolean;
  /** Whole-archive problems first, then per-entry problems in listing order, at most `maxProblems`. */
  problems: ArchiveProblem[];
  /** Problems found beyond `maxProblems` (counted, not listed). */
  omittedProblems: number;
  entries: number;
  totalBytes: number;
  /** Uncompressed / compressed, or null when the compressed size was not given. */
  compressionRatio: number | null;
}

export interface ArchiveCheckOptions {
  /** Size of the archive file itself, for the compression-ratio limit. */
  compressedSize?: number;
  limits?: Partial<ArchiveLimits>;
  /** Per-entry problems listed at most (default 100); a hostile archive can have millions. */
  maxProblems?: number;
}

const MIB = 1024 * 1024;

export function checkArchiveListing(entries: readonly ArchiveEntry[], options: ArchiveCheckOptions = {}): ArchiveCheck {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const maxProblems = options.maxProblems ?? 100;
  const whole: ArchiveProblem[] = [];
  const perEntry: ArchiveProblem[] = [];
  let omitted = 0;
  const report = (p: ArchiveProblem): void => {
    if (perEntry.length < maxProblems) perEntry.push(p);
    else omitted++;
  };

  let totalBytes = 0;
  const symlinks = new Map<string, string>();
  const linkTree = new LinkTree();
  for (const e of entries) {
    if ((e.type === 'file' || e.type === 'hardlink') && Number.isFinite(e.size) && e.size > 0) totalBytes += e.size;
    if (e.type !== 'symlink' || e.linkTarget === undefined || isAbsoluteArchivePath(e.path)) continue;
    const parts = pathComponents(e.path);
    if (parts.length === 0 || parts.includes('..')) continue;
    symlinks.set(parts.join('/'), e.linkTarget);
    linkTree.add(parts);
  }

  if (entries.length > limits.maxEntries)
    whole.push({ code: 'too-many-entries', message: `archive has ${entries.length} entries, more than the limit of ${limits.maxEntries}` });
  if (totalBytes > limits.maxTotalBytes)
    whole.push({
      code: 'too-large',
      message: `archive unpacks to ${mib(totalBytes)}, more than the limit of ${mib(limits.maxTotalBytes)}`,
    });
  const ratio = options.compressedSize !== undefined && options.compressedSize > 0 ? totalBytes / options.compressedSize : null;
  if (ratio !== null && ratio > limits.maxCompressionRatio && totalBytes >= limits.ratioFloorBytes) {
    whole.push({
      code: 'compression-ratio',
      message: `archive expands ${ratio.toFixed(0)}x (${mib(options.compressedSize!)} to ${mib(totalBytes)}), more than the limit of ${limits.maxCompressionRatio}x: likely a decompression bomb`,
    });
  }

  for (const e of entries) {
    const parts = pathComponents(e.path);
    const pathProblem = checkPath(e.path, parts, limits);
    if (pathProblem) report(pathProblem);
    if (!Number.isFinite(e.size) || e.size < 0)
      report({ code: 'invalid-size', message: `entry "${show(e.path)}" declares an impossible size (${e.size})`, path: e.path });
    else if ((e.type === 'file' || e.type === 'hardlink') && e.size > limits.maxFileBytes) {
      report({
        code: 'file-too-large',
        message: `entry "${show(e.path)}" is ${mib(e.size)}, more than the per-file limit of ${mib(limits.maxFileBytes)}`,
        path: e.path,
      });
    }
    if (e.type === 'other')
      report({
        code: 'special-file',
        message: `entry "${show(e.path)}" is a device, FIFO or other special file; packages never need one`,
        path: e.path,
      });
    if (e.type === 'symlink' || e.type === 'hardlink') {
      const problem = checkLink(e, symlinks);
      if (problem) report(problem);
    }
    if (pathProblem === null) {
      const through = linkTree.ancestorOf(parts);
      if (through !== null)
        report({
          code: 'path-through-link',
          message: `entry "${show(e.path)}" would be written through the symlink "${show(through)}", possibly outside the target directory`,
          path: e.path,
        });
    }
  }

  const problems = [...whole, ...perEntry];
  return { ok: problems.length === 0, problems, omittedProblems: omitted, entries: entries.length, totalBytes, compressionRatio: ratio };
}

function checkPath(path: string, parts: readonly string[], limits: ArchiveLimits): ArchiveProblem | null {
  if (path === '' || /[\x00-\x1f\x7f]/.test(path))
    return { code: 'invalid-path', message: `entry "${show(path)}" has an empty path or control characters in it`, path };
  if (isAbsoluteArchivePath(path))
    return {
      code: 'absolute-path',
      message: `entry "${show(path)}" has an absolute path and would be written outside the target directory`,
      path,
    };
  if (parts.includes('..'))
    return {
      code: 'path-traversal',
      message: `entry "${show(path)}" contains ".." and could be written outside the target directory`,
      path,
    };
  if (path.length > limits.maxPathLength || parts.length > limits.maxPathDepth || parts.some((p) => p.length > 255)) {
    return {
      code: 'invalid-path',
      message: `entry "${show(path)}" is too long or too deep (${path.length} characters, ${parts.length} levels)`,
      path,
    };
  }
  return null;
}

function checkLink(e: ArchiveEntry, symlinks: ReadonlyMap<string, string>): ArchiveProblem | null {
  const kind = e.type === 'symlink' ? 'symlink' : 'hardlink';
  if (e.linkTarget === undefined || e.linkTarget === '')
    return { code: 'link-escape', message: `${kind} "${show(e.path)}" has no target`, path: e.path };
  // A symlink's target is relative to its own directory; a hardlink's to the archive root.
  const from = e.type === 'symlink' ? pathComponents(e.path).slice(0, -1) : [];
  const resolved = resolveInsideRoot(from, e.linkTarget, symlinks);
  if (resolved.ok) return null;
  if (resolved.reason === 'loop')
    return {
      code: 'link-loop',
      message: `${kind} "${show(e.path)}" -> "${show(e.linkTarget)}" never resolves (a loop of symlinks)`,
      path: e.path,
    };
  const why = resolved.reason === 'absolute' ? 'an absolute path' : 'a path outside the archive';
  return { code: 'link-escape', message: `${kind} "${show(e.path)}" points to ${why} ("${show(e.linkTarget)}")`, path: e.path };
}

/** The archive's symlinks as a tree of path components, to find a link among an entry's parents in O(depth). */
class LinkTree {
  private readonly root = new Map<string, LinkNode>();

  add(parts: readonly string[]): void {
    let level = this.root;
    parts.forEach((part, i) => {
      let node = level.get(part);
      if (!node) level.set(part, (node = { children: new Map(), isLink: false }));
      if (i === parts.length - 1) node.isLink = true;
      level = node.children;
    });
  }

  /** The first proper ancestor of the path that is a symlink, as a path, or null. */
  ancestorOf(parts: readonly string[]): string | null {
    let level = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const node = level.get(parts[i]!);
      if (!node) return null;
      if (node.isLink) return parts.slice(0, i + 1).join('/');
      level = node.children;
    }
    return null;
  }
}

interface LinkNode {
  children: Map<string, LinkNode>;
  isLink: boolean;
}

function mib(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${bytes} bytes`;
}

/** Entry paths are attacker-chosen: show them bounded and without control characters. */
function show(path: string): string {
  const printable = path.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return printable.length > 200 ? `${printable.slice(0, 199)}…` : printable;
}
