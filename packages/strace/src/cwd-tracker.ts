/**
 * Per-pid working directory, so relative paths in calls without a decorated dirfd (`open`,
 * `mkdir`, `rename`, `execve`, ...) can still be made absolute. Learned from chdir/fchdir, from
 * `AT_FDCWD</dir>` decorations, and inherited by children at clone time.
 *
 * Entries are removed when a process exits; a hard cap keeps memory bounded even if exits are
 * missing from a cut trace.
 */
export class CwdTracker {
  private readonly cwd = new Map<number, string>();

  constructor(private readonly maxEntries = 65_536) {}

  get(pid: number): string | null {
    return this.cwd.get(pid) ?? null;
  }

  set(pid: number, dir: string): void {
    if (this.cwd.get(pid) === dir) return;
    this.cwd.delete(pid);
    this.cwd.set(pid, dir);
    if (this.cwd.size > this.maxEntries) {
      const oldest = this.cwd.keys().next();
      if (!oldest.done) this.cwd.delete(oldest.value);
    }
  }

  /** A new child starts where its parent was, unless we already learned better. */
  inherit(parent: number, child: number): void {
    const dir = this.cwd.get(parent);
    if (dir !== undefined && !this.cwd.has(child)) this.set(child, dir);
  }

  /** Moves state to another pid (a thread that exec'd takes over the thread-group leader's pid). */
  move(from: number, to: number): void {
    const dir = this.cwd.get(from);
    this.cwd.delete(from);
    if (dir !== undefined) this.set(to, dir);
  }

  forget(pid: number): void {
    this.cwd.delete(pid);
  }

  get size(): number {
    return this.cwd.size;
  }
}
