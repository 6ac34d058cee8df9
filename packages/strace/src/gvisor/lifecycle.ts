/**
 * Process lifecycle events that gVisor's log does not state the way strace does: whether a clone3
 * made a thread (known from the child's `[tgid:tid]`), the exec of a process the Sentry started
 * itself (no execve line), and a death by signal (no exit call; a `Signal N ... terminating thread
 * group` line, which gVisor also logs for the threads of a group that exits or execs).
 */
import type { ParserStats } from '../parser-stats.js';
import { resolvePath } from '../paths.js';
import type { BuildContext, SyscallRecord } from '../syscall-record.js';
import { syscallBuilders } from '../syscall-table.js';
import type { DebugNote } from './debug-lines.js';
import { type RootExec, RootExecs } from './root-execs.js';
import { signalName } from './signals.js';
import { BoundedSet, type TaskTable } from './tasks.js';

/** What the lifecycle needs from the reader. */
export interface LifecycleHost {
  readonly context: BuildContext;
  readonly tasks: TaskTable;
  readonly counters: ParserStats;
  /** Calls still open: task id, thread group and syscall name. */
  openCalls(): Iterable<{ tid: number; tgid: number; name: string }>;
  /** Emits a call that will never return (result unknown), as strace does. */
  interrupt(tid: number): void;
}

/** A clone3 waiting for its child's first line: gVisor does not decode clone3's arguments. */
interface HeldClone {
  record: SyscallRecord;
  parentTgid: number;
}

const SPAWNS = new Set(['clone', 'clone3', 'fork', 'vfork']);
const EXECS = new Set(['execve', 'execveat']);

export class Lifecycle {
  private readonly held = new Map<number, HeldClone>();
  private readonly roots = new RootExecs();
  /** Thread groups that called exit_group: a later `Signal 9 ... terminating` is their threads being reaped. */
  private readonly exiting = new BoundedSet();
  private readonly killed = new BoundedSet();
  /** Tasks a traced clone/fork/vfork created: never a process the Sentry started. */
  private readonly children = new BoundedSet();

  constructor(
    private readonly host: LifecycleHost,
    private readonly maxHeld: number,
  ) {}

  /** A task's first line (or its id now in another group): a held clone3's child shows what it is. */
  newTask(tid: number, tgid: number): void {
    if (this.held.has(tid)) this.release(tid, tgid);
  }

  /**
   * A spawn returned `child`. Its id may have belonged to a task that is gone: the child's first
   * line must count as new, and a thread group of that id (its leader had the id) has ended.
   */
  spawned(child: number, entryLine: number): void {
    this.children.add(child);
    const task = this.host.tasks.get(child);
    // Seen since the call began: that is the new task already (it ran before its parent returned).
    if (task && task.firstLine > entryLine) return;
    this.host.tasks.delete(child);
    this.ended(child);
  }

  /** A clone3 whose child has already logged a line resolves now; otherwise it waits for that line. */
  clone3(record: SyscallRecord, parentTgid: number, child: number, entryLine: number): void {
    const task = this.host.tasks.get(child);
    this.held.set(child, { record, parentTgid });
    if (task && task.firstLine > entryLine) return this.release(child, task.tgid);
    if (this.held.size > this.maxHeld) this.release(this.held.keys().next().value!, null);
  }

  /** The end of the record: clones whose child never showed are emitted without claiming a kind. */
  end(): void {
    for (const child of [...this.held.keys()]) this.release(child, null);
  }

  exitGroup(tgid: number): void {
    this.exiting.add(tgid);
  }

  /** A process's first strace line: if no clone announced it, it may be one the Sentry started. */
  firstStraceLine(tid: number, tgid: number, comm: string, firstLine: number): void {
    if (tid !== tgid || this.children.has(tid) || this.inFlight(SPAWNS)) return;
    const root = this.roots.firstLine(tid, comm, firstLine);
    if (root) this.rootExec(tid, root);
  }

  debugNote(note: DebugNote, ts: number, tid: number | null, line: number): void {
    switch (note.kind) {
      case 'exec':
        return this.roots.started(ts, note.text, line);
      case 'spec':
        return this.roots.setSpec(note.argv, note.env, note.cwd);
      case 'processes':
        for (const [pid, exec] of this.roots.registered(note.pids, (p) => this.host.tasks.get(p)?.firstLine)) this.rootExec(pid, exec);
        return;
      case 'signal':
        if (tid !== null) this.signal(tid, ts, note.signo);
        return;
      case 'fatal-signal':
        return this.fatalSignal(note.pid, tid ?? note.pid, ts, note.signo);
      case 'thread-name':
      case 'task-dead':
        return;
    }
  }

  private inFlight(names: Set<string>, tgid?: number): boolean {
    for (const call of this.host.openCalls()) if (names.has(call.name) && (tgid === undefined || call.tgid === tgid)) return true;
    return false;
  }

  private ended(tgid: number): void {
    this.exiting.delete(tgid);
    this.killed.delete(tgid);
  }

  /** Emits a held clone3 with the flags its child's thread group implies (null: never seen). */
  private release(child: number, childTgid: number | null): void {
    const held = this.held.get(child);
    if (!held) return;
    this.held.delete(child);
    const thread = childTgid !== null && childTgid === held.parentTgid && childTgid !== child;
    const flags = childTgid === null ? '0' : thread ? 'CLONE_VM|CLONE_SIGHAND|CLONE_THREAD' : 'SIGCHLD';
    held.record.args = [`{flags=${flags}}`, held.record.args[1] ?? ''];
    syscallBuilders.get('clone3')!(held.record, this.host.context);
  }

  /** strace's `--- SIGCHLD {...} ---`; gVisor does not say who sent it or why. */
  private signal(pid: number, ts: number, signo: number): void {
    this.host.counters.signals++;
    const signal = signalName(signo);
    this.host.context.emit({
      seq: 0,
      ts,
      pid,
      syscall: null,
      result: { status: 'none' },
      category: 'process',
      type: 'signal',
      signal,
      code: null,
      senderPid: null,
    });
  }

  /** strace's `+++ killed by SIG +++`, once per thread group, and not for one exiting or exec'ing. */
  private fatalSignal(tgid: number, tid: number, ts: number, signo: number): void {
    if (this.exiting.has(tgid) || this.killed.has(tgid) || this.inFlight(EXECS, tgid)) return;
    this.killed.add(tgid);
    for (const call of [...this.host.openCalls()]) if (call.tgid === tgid) this.host.interrupt(call.tid);
    if (signo !== 9) this.signal(tid, ts, signo);
    this.host.counters.exits++;
    this.host.context.cwd.forget(tgid);
    const signal = signalName(signo);
    this.host.context.emit({
      seq: 0,
      ts,
      pid: tgid,
      syscall: null,
      result: { status: 'none' },
      category: 'process',
      type: 'exit',
      code: null,
      signal,
      coreDumped: false,
      source: 'status',
    });
  }

  /** The exec of a process the Sentry started itself, which has no execve line. */
  private rootExec(pid: number, exec: RootExec): void {
    const program = exec.argv[0] ?? '';
    this.ended(pid);
    if (exec.cwd !== null) this.host.context.cwd.set(pid, exec.cwd);
    this.host.context.emit({
      seq: 0,
      ts: exec.ts,
      pid,
      syscall: null,
      result: { status: 'none' },
      category: 'process',
      type: 'exec',
      // A bare name was looked up in PATH, which the log does not show: it stays as given.
      path: program.includes('/') ? resolvePath(exec.cwd, program) : program,
      argv: exec.argv,
      env: exec.env,
      envCount: exec.env === null ? null : exec.env.length,
      cwd: exec.cwd,
      truncated: false,
    });
  }
}
