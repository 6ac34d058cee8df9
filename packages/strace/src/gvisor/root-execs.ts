/**
 * The container's first process and every `docker exec` are started by the Sentry itself: no
 * execve line exists for them, only `EXEC: [argv]`. This matches each start to its pid so the
 * reader can emit the exec strace would have shown for a root process: from the process registry
 * line that follows it (`--debug`), else from the first line of a new process whose comm is the
 * program's name. A record may be a slice of the log, so processes seen before the start are never
 * taken for it.
 */

export interface RootExec {
  ts: number;
  argv: string[];
  env: string[] | null;
  cwd: string | null;
  /** Line number of the `EXEC:` line. */
  line: number;
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

/** The comm a process gets from its program: the file name, at most 15 bytes. */
function commOf(argv0: string): string {
  const name = argv0.slice(argv0.lastIndexOf('/') + 1);
  let bytes = 0;
  let end = 0;
  for (const ch of name) {
    bytes += new TextEncoder().encode(ch).length;
    if (bytes > 15) break;
    end += ch.length;
  }
  return name.slice(0, end);
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

  started(ts: number, text: string, line: number): void {
    const spec = this.spec;
    if (spec && !this.specUsed && spec.argv.join(' ') === text) {
      // Only the first start is the spec's process; a later identical argv is a docker exec.
      this.specUsed = true;
      this.waiting.push({ ts, argv: spec.argv, env: spec.env, cwd: spec.cwd, line });
    } else {
      this.waiting.push({ ts, argv: splitExecText(text), env: null, cwd: null, line });
    }
    if (this.waiting.length > MAX_WAITING) this.waiting.shift();
  }

  /**
   * The registry lists the live exec'd processes (sorted by pid). New ones, not seen before the
   * oldest waiting start, are matched to the waiting starts in order; older leftovers are skipped.
   */
  registered(pids: number[], firstLine: (pid: number) => number | undefined): [number, RootExec][] {
    if (this.waiting.length === 0) return [];
    const since = this.waiting[0]!.line;
    const fresh = pids.filter((pid) => pid > 0 && !this.bound.has(pid) && (firstLine(pid) ?? Infinity) > since).sort((a, b) => a - b);
    return fresh.slice(-this.waiting.length).map((pid) => [pid, this.bind(pid, 0)]);
  }

  /** A new process's first strace line: the oldest start before it whose program has this comm. */
  firstLine(pid: number, comm: string, line: number): RootExec | null {
    if (this.bound.has(pid)) return null;
    const i = this.waiting.findIndex((w) => w.line < line && commOf(w.argv[0] ?? '') === comm);
    return i === -1 ? null : this.bind(pid, i);
  }

  private bind(pid: number, index: number): RootExec {
    this.bound.add(pid);
    if (this.bound.size > 4096) this.bound.delete(this.bound.values().next().value!);
    return this.waiting.splice(index, 1)[0]!;
  }
}
