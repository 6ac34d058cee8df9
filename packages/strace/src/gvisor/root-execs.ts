/**
 * The container's first process and every `docker exec` are started by the Sentry itself: no
 * execve line exists for them, only `EXEC: [argv]`. This matches each such start to its pid
 * (from the process registry line that follows it, else the first new thread group seen while no
 * clone is in flight) so the reader can emit the exec strace would have shown for a root process.
 */

export interface RootExec {
  ts: number;
  argv: string[];
  env: string[] | null;
  cwd: string | null;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);
/** Starts waiting for their pid at once; more means the log is not what this reader expects. */
const MAX_WAITING = 16;

/**
 * `EXEC:` joins argv with spaces, so the split is a guess: on spaces, except that the script of
 * `sh -c SCRIPT` is kept whole (the usual way a runner starts work).
 */
export function splitExecText(text: string): string[] {
  const words = text.split(' ');
  const shell = words[0]?.slice(words[0].lastIndexOf('/') + 1) ?? '';
  if (words.length > 3 && SHELLS.has(shell) && words[1] === '-c') return [words[0]!, '-c', words.slice(2).join(' ')];
  return words;
}

export class RootExecs {
  private waiting: RootExec[] = [];
  private spec: { argv: string[]; env: string[] | null; cwd: string | null } | null = null;
  private specUsed = false;
  private readonly bound = new Set<number>();

  /** The OCI spec gives the container's first process exactly; runsc logs it twice. */
  setSpec(argv: string[], env: string[] | null, cwd: string | null): void {
    this.spec ??= { argv, env, cwd };
  }

  started(ts: number, text: string): void {
    const spec = this.spec;
    if (spec && !this.specUsed && spec.argv.join(' ') === text) {
      // Only the first start is the spec's process; a later identical argv is a docker exec.
      this.specUsed = true;
      this.waiting.push({ ts, argv: spec.argv, env: spec.env, cwd: spec.cwd });
    } else {
      this.waiting.push({ ts, argv: splitExecText(text), env: null, cwd: null });
    }
    if (this.waiting.length > MAX_WAITING) this.waiting.shift();
  }

  /** Pids the registry lists that were not bound yet, each with the oldest waiting start. */
  registered(pids: number[]): [number, RootExec][] {
    const out: [number, RootExec][] = [];
    for (const pid of pids) {
      if (pid <= 0 || this.bound.has(pid) || this.waiting.length === 0) continue;
      out.push([pid, this.bind(pid)]);
    }
    return out;
  }

  /** A new thread group appeared while no clone was in flight: the oldest waiting start, if any. */
  firstSeen(pid: number): RootExec | null {
    return this.waiting.length === 0 || this.bound.has(pid) ? null : this.bind(pid);
  }

  private bind(pid: number): RootExec {
    this.bound.add(pid);
    if (this.bound.size > 4096) this.bound.delete(this.bound.values().next().value!);
    return this.waiting.shift()!;
  }
}
