/**
 * Reader for the syscall record gVisor's Sentry writes on the host (`runsc --strace --debug
 * --debug-log-format=json`): the same typed events as StraceParser, from a different text.
 *
 * Each call is logged twice, on entry (E) and on exit (X), per task id, with other tasks' lines in
 * between. The X line completes the call with the E line's time, its arguments are rewritten as
 * strace would print them, and strace's own builders make the events. Held per task: at most one
 * open call, plus a clone3 until its child shows whether it is a thread. Bad lines are counted
 * and skipped; nothing here throws.
 *
 * Stats keep StraceParser's meaning where it carries over: `unfinished` counts entry lines,
 * `resumed` exits joined to one, `orphanResumed` exits without one, `interrupted` entries that
 * never returned, `exits` deaths by signal (normal exits are exit/exit_group events).
 */
import { CwdTracker } from '../cwd-tracker.js';
import type { CallResult, StraceEvent } from '../events.js';
import { LineSplitter } from '../line-splitter.js';
import { type ParserStats, emptyStats } from '../parser-stats.js';
import type { StraceParserOptions } from '../strace-parser.js';
import { resolvePath } from '../paths.js';
import type { BuildContext, SyscallRecord } from '../syscall-record.js';
import { syscallBuilders } from '../syscall-table.js';
import { ARG_KINDS } from './arg-kinds.js';
import { splitArgs } from './arg-split.js';
import { type DebugNote, parseDebugNote } from './debug-lines.js';
import { callResult, isRestart } from './errno.js';
import { parseFrame } from './frame.js';
import { type CallLine, type LogHead, parseCallLine, parseLogHead } from './log-line.js';
import { type RootExec, RootExecs } from './root-execs.js';
import { signalName } from './signals.js';
import { SocketTracker } from './sockets.js';
import { BoundedSet, TaskTable } from './tasks.js';
import { translateArgs } from './translate.js';

/** The options of StraceParser apply unchanged. */
export type GvisorParserOptions = StraceParserOptions;

/** An entry line waiting for its exit line. */
interface OpenCall {
  ts: number;
  tgid: number;
  name: string;
  msg: string;
  argsStart: number;
  argsEnd: number;
  line: number;
  /** exit/exit_group: already emitted on entry (they never return); the exit line is only consumed. */
  done: boolean;
}

/** A clone3 waiting for its child's first line: gVisor does not decode clone3's arguments. */
interface HeldClone {
  record: SyscallRecord;
  parentTgid: number;
}

const NO_RESULT: CallResult = { status: 'unknown', raw: '' };
/** exit and exit_group never return: strace prints `= ?`. */
const NEVER_RETURNS: CallResult = { status: 'unknown', raw: '?' };
const SPAWNS = new Set(['clone', 'clone3', 'fork', 'vfork']);
/** Parsed without producing events: they teach the socket tracker a socket's ends. */
const TRACKED_ONLY = new Set(['getsockname', 'getpeername']);

export class GvisorRecordParser {
  private readonly splitter: LineSplitter;
  private readonly cwd = new CwdTracker();
  private readonly counters: ParserStats = emptyStats();
  private readonly context: BuildContext;
  private readonly maxSamples: number;
  private readonly maxSampleLength: number;
  private readonly maxPending: number;
  private readonly open = new Map<number, OpenCall>();
  private readonly held = new Map<number, HeldClone>();
  private readonly tasks = new TaskTable();
  private readonly sockets = new SocketTracker();
  private readonly roots = new RootExecs();
  /** Thread groups that called exit_group: a later `Signal 9 ... terminating` is their threads being reaped. */
  private readonly exiting = new BoundedSet();
  private readonly killed = new BoundedSet();
  /** Tasks a traced clone/fork/vfork created: never a process the Sentry started. */
  private readonly children = new BoundedSet();
  private out: StraceEvent[] = [];
  private seq = 0;
  private lineNo = 0;

  constructor(options: GvisorParserOptions = {}) {
    this.maxSamples = options.maxUnknownSamples ?? 5;
    this.maxSampleLength = options.maxSampleLength ?? 300;
    this.maxPending = options.maxPendingCalls ?? 65_536;
    this.splitter = new LineSplitter(
      options.maxLineLength ?? 16 * 1024 * 1024,
      (line) => this.line(line),
      () => this.counters.overlong++,
    );
    this.context = {
      cwd: this.cwd,
      maxDataBytes: options.maxDataBytes ?? 256,
      emit: (event) => this.emit(event),
      malformed: (call) => this.unknown(`${call.pid} ${call.name}(${call.args.join(', ')})`),
    };
  }

  /** Parses a chunk; returns the events it completed. */
  push(chunk: string): StraceEvent[] {
    if (typeof chunk === 'string') this.splitter.push(chunk);
    return this.take();
  }

  /** Ends the input: calls still open are emitted with result `unknown`, held clones as processes. */
  end(): StraceEvent[] {
    this.splitter.end();
    for (const [tid, call] of [...this.open]) this.interrupt(tid, call);
    for (const child of [...this.held.keys()]) this.release(child, null);
    return this.take();
  }

  /** A snapshot of the counters. */
  get stats(): ParserStats {
    return { ...this.counters, unknownSamples: [...this.counters.unknownSamples] };
  }

  /** Calls whose entry line came and exit line has not (one at most per task). */
  get pendingCalls(): number {
    return this.open.size;
  }

  /** Tasks whose working directory is remembered; dropped when they exit. */
  get trackedPids(): number {
    return this.cwd.size;
  }

  private take(): StraceEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  private emit(event: StraceEvent): void {
    event.seq = this.seq++;
    this.counters.events++;
    this.out.push(event);
  }

  private unknown(line: string): void {
    this.counters.unknown++;
    if (this.counters.unknownSamples.length < this.maxSamples) {
      this.counters.unknownSamples.push(line.length > this.maxSampleLength ? `${line.slice(0, this.maxSampleLength)}…` : line);
    }
  }

  private line(line: string): void {
    this.counters.lines++;
    this.lineNo++;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
    try {
      this.record(line);
    } catch {
      // Last line of defence: a bug on odd input costs one line, never the whole record.
      this.unknown(line);
    }
  }

  private record(line: string): void {
    const frame = parseFrame(line);
    if (!frame) return this.unknown(line);
    const head = parseLogHead(frame.msg);
    const strace = frame.msg.startsWith('strace.go:');
    if (!head) return strace ? this.unknown(line) : undefined;
    if (head.tgid !== null) this.sawTask(head.tgid, head.tid!);
    if (strace) return head.tgid === null ? this.unknown(line) : this.straceLine(frame.msg, frame.ts, head, line);
    const note = parseDebugNote(frame.msg, head.body);
    if (note) this.debugNote(note, frame.ts, head);
  }

  /** Every task line names its thread group: a held clone3's child is now known to be a thread or a process. */
  private sawTask(tgid: number, tid: number): void {
    const known = this.tasks.get(tid);
    if (known && known.tgid === tgid) return;
    this.tasks.add(tid, tgid, this.lineNo, known?.comm);
    if (this.held.has(tid)) this.release(tid, tgid);
  }

  private cloneInFlight(): boolean {
    for (const call of this.open.values()) if (SPAWNS.has(call.name)) return true;
    return false;
  }

  private straceLine(msg: string, ts: number, head: LogHead, line: string): void {
    const tid = head.tid!;
    const tgid = head.tgid!;
    const task = this.tasks.get(tid);
    const call = parseCallLine(msg, head.body, task?.comm);
    if (!call) return this.unknown(line);
    // A process's first strace line: if no clone announced it, it may be one the Sentry started.
    if (task?.comm === undefined && tid === tgid && !this.children.has(tid) && !this.cloneInFlight()) {
      const root = this.roots.firstLine(tid, call.comm, task?.firstLine ?? this.lineNo);
      if (root) this.rootExec(tid, root);
    }
    this.tasks.setComm(tid, call.comm);
    if (call.exit) return this.exitLine(tid, tgid, ts, call, msg);
    const previous = this.open.get(tid);
    if (previous) this.interrupt(tid, previous);
    this.counters.unfinished++;
    const entry: OpenCall = {
      ts,
      tgid,
      name: call.name,
      msg,
      argsStart: call.argsStart,
      argsEnd: call.argsEnd,
      line: this.lineNo,
      done: false,
    };
    if (call.name === 'exit' || call.name === 'exit_group') {
      if (call.name === 'exit_group') this.exiting.add(tgid);
      this.complete(tid, entry, entry, NEVER_RETURNS);
      entry.done = true;
      this.cwd.forget(tid);
    }
    this.open.set(tid, entry);
    if (this.open.size > this.maxPending) {
      const [oldest, call] = this.open.entries().next().value!;
      this.interrupt(oldest, call);
    }
  }

  private exitLine(tid: number, tgid: number, ts: number, call: CallLine, msg: string): void {
    let entry = this.open.get(tid);
    if (entry && entry.name !== call.name) {
      this.interrupt(tid, entry);
      entry = undefined;
    }
    // A thread that execs becomes the group leader: its exit line carries the leader's tid.
    if (!entry && (call.name === 'execve' || call.name === 'execveat')) entry = this.takeExec(tgid, call.name, tid);
    if (entry) {
      this.open.delete(tid);
      this.counters.resumed++;
      if (entry.done) return;
    } else {
      this.counters.orphanResumed++;
    }
    const ret = call.ret!;
    if (isRestart(ret)) {
      this.counters.syscalls++;
      this.counters.ignored++;
      return;
    }
    const exit: OpenCall = {
      ts: entry?.ts ?? ts,
      tgid,
      name: call.name,
      msg,
      argsStart: call.argsStart,
      argsEnd: call.argsEnd,
      line: entry?.line ?? this.lineNo,
      done: false,
    };
    // sendmsg's payload is printed on entry only; every other call's exit line has all arguments.
    this.complete(tid, exit, call.name === 'sendmsg' && entry ? entry : exit, callResult(ret));
    if (call.name === 'execve' && ret.errno === null) this.tasks.setComm(tid, this.execName(exit));
  }

  private takeExec(tgid: number, name: string, tid: number): OpenCall | undefined {
    for (const [other, call] of this.open) {
      if (call.tgid === tgid && call.name === name && !call.done) {
        this.open.delete(other);
        this.open.set(tid, call);
        this.cwd.move(other, tid);
        return call;
      }
    }
    return undefined;
  }

  /** The comm after a successful execve: the program's file name, at most 15 bytes. */
  private execName(call: OpenCall): string {
    const raw = splitArgs(call.msg, call.argsStart, call.argsEnd, ['path', 'vec', 'vec']);
    const path = raw?.[0]?.replace(/^0x[0-9a-f]+ /, '') ?? '';
    return path.slice(path.lastIndexOf('/') + 1).slice(0, 15);
  }

  /** An entry that will never see its exit line: emitted with result `unknown`, as strace does. */
  private interrupt(tid: number, call: OpenCall): void {
    this.open.delete(tid);
    if (call.done) return;
    this.counters.interrupted++;
    try {
      this.complete(tid, call, call, NO_RESULT);
    } catch {
      this.unknown(call.msg);
    }
  }

  /** Builds the record of a finished call from `args` (entry or exit line) and hands it to strace's builder. */
  private complete(tid: number, call: OpenCall, args: OpenCall, result: CallResult): void {
    this.counters.syscalls++;
    const builder = syscallBuilders.get(call.name);
    const kinds = ARG_KINDS.get(call.name);
    if (!kinds || (!builder && !TRACKED_ONLY.has(call.name))) {
      this.counters.ignored++;
      return;
    }
    const cwd = this.cwd.get(tid);
    const raw = splitArgs(args.msg, args.argsStart, args.argsEnd, kinds, cwd === null ? undefined : `AT_FDCWD ${cwd}`);
    if (!raw) return this.unknown(args.msg);
    const translated = translateArgs(call.name, kinds, raw, { tgid: call.tgid, sockets: this.sockets });
    const value = result.status === 'ok' ? result.value : null;
    const ok = result.status === 'ok' || (result.status === 'error' && result.errno === 'EINPROGRESS');
    this.sockets.observe(call.name, call.tgid, raw, translated, value, ok);
    if (!builder) {
      this.counters.ignored++;
      return;
    }
    if (SPAWNS.has(call.name) && value !== null && value > 0) {
      this.forgetStale(value, call.line);
      this.children.add(value);
    }
    if (call.name === 'sendmmsg') translated[1] = mmsgVector(value ?? parseInt(translated[2] ?? '0', 10));
    const record: SyscallRecord = { pid: tid, ts: call.ts, name: call.name, args: translated, result };
    if (call.name === 'clone3' && value !== null && value > 0) return this.clone3(record, call, value);
    builder(record, this.context);
  }

  /**
   * A new task's id may have belonged to one that is gone: its first line must count as new, and a
   * thread group of that id (whose leader had the id) has ended.
   */
  private forgetStale(child: number, entryLine: number): void {
    const task = this.tasks.get(child);
    // Seen since the call began: that is the new task already (it ran before its parent returned).
    if (task && task.firstLine > entryLine) return;
    this.tasks.delete(child);
    this.exiting.delete(child);
    this.killed.delete(child);
  }

  /** A clone3 whose child has already logged a line resolves now; otherwise it waits for that line. */
  private clone3(record: SyscallRecord, call: OpenCall, child: number): void {
    const task = this.tasks.get(child);
    this.held.set(child, { record, parentTgid: call.tgid });
    if (task && task.firstLine > call.line) return this.release(child, task.tgid);
    if (this.held.size > this.maxPending) this.release(this.held.keys().next().value!, null);
  }

  /** Emits a held clone3 with the flags its child's thread group implies (null: never seen). */
  private release(child: number, childTgid: number | null): void {
    const held = this.held.get(child);
    if (!held) return;
    this.held.delete(child);
    const thread = childTgid !== null && childTgid === held.parentTgid && childTgid !== child;
    const flags = childTgid === null ? '0' : thread ? 'CLONE_VM|CLONE_SIGHAND|CLONE_THREAD' : 'SIGCHLD';
    held.record.args = [`{flags=${flags}}`, held.record.args[1] ?? ''];
    syscallBuilders.get('clone3')!(held.record, this.context);
  }

  private debugNote(note: DebugNote, ts: number, head: LogHead): void {
    switch (note.kind) {
      case 'exec':
        return this.roots.started(ts, note.text, this.lineNo);
      case 'spec':
        return this.roots.setSpec(note.argv, note.env, note.cwd);
      case 'processes':
        for (const [pid, exec] of this.roots.registered(note.pids, (pid) => this.tasks.get(pid)?.firstLine)) this.rootExec(pid, exec);
        return;
      case 'thread-name':
        if (head.tid !== null) this.tasks.setComm(head.tid, note.name);
        return;
      case 'signal':
        if (head.tid !== null) this.signal(head.tid, ts, note.signo);
        return;
      case 'fatal-signal':
        return this.fatalSignal(note.pid, head.tid ?? note.pid, ts, note.signo);
      case 'task-dead':
        if (head.tid !== null) {
          const call = this.open.get(head.tid);
          if (call) this.interrupt(head.tid, call);
          this.tasks.delete(head.tid);
          this.cwd.forget(head.tid);
        }
        return;
    }
  }

  /** strace's `--- SIGCHLD {...} ---`; gVisor does not say who sent it or why. */
  private signal(pid: number, ts: number, signo: number): void {
    this.counters.signals++;
    this.emit({
      seq: 0,
      ts,
      pid,
      syscall: null,
      result: { status: 'none' },
      category: 'process',
      type: 'signal',
      signal: signalName(signo),
      code: null,
      senderPid: null,
    });
  }

  /**
   * A thread group killed by a signal writes no exit call; this is strace's `+++ killed by SIG +++`.
   * gVisor logs the same line for the other threads of a group that is exiting or exec'ing: not a kill.
   */
  private fatalSignal(tgid: number, tid: number, ts: number, signo: number): void {
    if (this.exiting.has(tgid) || this.killed.has(tgid)) return;
    for (const call of this.open.values())
      if (call.tgid === tgid && (call.name === 'execve' || call.name === 'execveat') && !call.done) return;
    this.killed.add(tgid);
    for (const [other, call] of [...this.open]) if (call.tgid === tgid) this.interrupt(other, call);
    if (signo !== 9) this.signal(tid, ts, signo);
    this.counters.exits++;
    this.cwd.forget(tgid);
    this.emit({
      seq: 0,
      ts,
      pid: tgid,
      syscall: null,
      result: { status: 'none' },
      category: 'process',
      type: 'exit',
      code: null,
      signal: signalName(signo),
      coreDumped: false,
      source: 'status',
    });
  }

  /** The exec of a process the Sentry started itself, which has no execve line. */
  private rootExec(pid: number, exec: RootExec): void {
    const program = exec.argv[0] ?? '';
    this.exiting.delete(pid);
    this.killed.delete(pid);
    if (exec.cwd !== null) this.cwd.set(pid, exec.cwd);
    this.emit({
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

/** sendmmsg's messages are not decoded: one unknown message per message sent, so each still makes a send event. */
function mmsgVector(count: number): string {
  const n = Number.isFinite(count) ? Math.max(0, Math.min(count, 64)) : 0;
  return `[${new Array<string>(n).fill('{msg_hdr={msg_name=NULL, msg_iov=NULL}}').join(', ')}]`;
}
