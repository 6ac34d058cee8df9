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
 *
 * What this log cannot give, so the events lack it (the rest matches strace's; see the parity tests):
 * an open's resolved path and a new socket's decoration (a returned fd is a bare number); AF_UNIX
 * addresses; sendmsg's destination (msg_name is a pointer); sendto/recvfrom and sendmmsg payloads;
 * getdents64's entry count; clone3's flags (a thread or a process is inferred); who sent a
 * signal; `+++ exited +++` for every task; the argv of a docker exec (logged space-joined, split
 * as a guess) and its env and cwd; names that are not UTF-8 (U+FFFD in the JSON).
 */
import { CwdTracker } from '../cwd-tracker.js';
import type { CallResult, StraceEvent } from '../events.js';
import { LineSplitter } from '../line-splitter.js';
import { EventOutput } from '../event-output.js';
import type { ParserStats } from '../parser-stats.js';
import type { StraceParserOptions } from '../strace-parser.js';
import type { BuildContext, SyscallRecord } from '../syscall-record.js';
import { syscallBuilders } from '../syscall-table.js';
import { ARG_KINDS } from './arg-kinds.js';
import { splitArgs } from './arg-split.js';
import { type DebugNote, parseDebugNote } from './debug-lines.js';
import { callResult, isRestart } from './errno.js';
import { parseFrame } from './frame.js';
import { type CallLine, type LogHead, parseCallLine, parseLogHead } from './log-line.js';
import { Lifecycle } from './lifecycle.js';
import { SocketTracker } from './sockets.js';
import { TaskTable } from './tasks.js';
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

const NO_RESULT: CallResult = { status: 'unknown', raw: '' };
/** exit and exit_group never return: strace prints `= ?`. */
const NEVER_RETURNS: CallResult = { status: 'unknown', raw: '?' };
const SPAWNS = new Set(['clone', 'clone3', 'fork', 'vfork']);
/** Parsed without producing events: they teach the socket tracker a socket's ends. */
const TRACKED_ONLY = new Set(['getsockname', 'getpeername']);

export class GvisorRecordParser {
  private readonly splitter: LineSplitter;
  private readonly cwd = new CwdTracker();
  private readonly output: EventOutput;
  private readonly counters: ParserStats;
  private readonly context: BuildContext;
  private readonly tasks = new TaskTable();
  private readonly maxPending: number;
  private readonly open = new Map<number, OpenCall>();
  private readonly sockets = new SocketTracker();
  private readonly lifecycle: Lifecycle;
  private lineNo = 0;

  constructor(options: GvisorParserOptions = {}) {
    this.output = new EventOutput(options.maxUnknownSamples ?? 5, options.maxSampleLength ?? 300);
    this.counters = this.output.counters;
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
    this.lifecycle = new Lifecycle(
      {
        context: this.context,
        tasks: this.tasks,
        counters: this.counters,
        openCalls: () => this.openCalls(),
        interrupt: (tid) => this.interrupt(tid),
      },
      this.maxPending,
    );
  }

  /** Parses a chunk; returns the events it completed. */
  push(chunk: string): StraceEvent[] {
    if (typeof chunk === 'string') this.splitter.push(chunk);
    return this.take();
  }

  /** Ends the input: calls still open are emitted with result `unknown`, held clones as processes. */
  end(): StraceEvent[] {
    this.splitter.end();
    for (const tid of [...this.open.keys()]) this.interrupt(tid);
    this.lifecycle.end();
    return this.take();
  }

  /** A snapshot of the counters. */
  get stats(): ParserStats {
    return this.output.stats;
  }

  /** Calls whose entry line came and exit line has not (one at most per task). */
  get pendingCalls(): number {
    return this.open.size;
  }

  /** Tasks whose working directory is remembered; dropped when they exit. */
  get trackedPids(): number {
    return this.cwd.size;
  }

  /** The calls still open, for the lifecycle. */
  private *openCalls(): Iterable<{ tid: number; tgid: number; name: string }> {
    for (const [tid, call] of this.open) if (!call.done) yield { tid, tgid: call.tgid, name: call.name };
  }

  /** An entry that will never see its exit line: emitted with result `unknown`, as strace does. */
  private interrupt(tid: number): void {
    const call = this.open.get(tid);
    if (!call) return;
    this.open.delete(tid);
    if (call.done) return;
    this.counters.interrupted++;
    try {
      this.complete(tid, call, call, NO_RESULT);
    } catch {
      this.unknown(call.msg);
    }
  }

  private take(): StraceEvent[] {
    return this.output.take();
  }

  private emit(event: StraceEvent): void {
    this.output.emit(event);
  }

  private unknown(line: string): void {
    this.output.unknown(line);
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
    this.lifecycle.newTask(tid, tgid);
  }

  private straceLine(msg: string, ts: number, head: LogHead, line: string): void {
    const tid = head.tid!;
    const tgid = head.tgid!;
    const task = this.tasks.get(tid);
    const call = parseCallLine(msg, head.body, task?.comm);
    if (!call) return this.unknown(line);
    if (task?.comm === undefined) this.lifecycle.firstStraceLine(tid, tgid, call.comm, task?.firstLine ?? this.lineNo);
    this.tasks.setComm(tid, call.comm);
    if (call.exit) return this.exitLine(tid, tgid, ts, call, msg);
    this.interrupt(tid);
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
      if (call.name === 'exit_group') this.lifecycle.exitGroup(tgid);
      this.complete(tid, entry, entry, NEVER_RETURNS);
      entry.done = true;
      this.cwd.forget(tid);
    }
    this.open.set(tid, entry);
    if (this.open.size > this.maxPending) {
      this.interrupt(this.open.keys().next().value!);
    }
  }

  private exitLine(tid: number, tgid: number, ts: number, call: CallLine, msg: string): void {
    let entry = this.open.get(tid);
    if (entry && entry.name !== call.name) {
      this.interrupt(tid);
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
    if (SPAWNS.has(call.name) && value !== null && value > 0) this.lifecycle.spawned(value, call.line);
    if (call.name === 'sendmmsg') translated[1] = mmsgVector(value ?? parseInt(translated[2] ?? '0', 10));
    const record: SyscallRecord = { pid: tid, ts: call.ts, name: call.name, args: translated, result };
    if (call.name === 'clone3' && value !== null && value > 0) return this.lifecycle.clone3(record, call.tgid, value, call.line);
    builder(record, this.context);
  }

  private debugNote(note: DebugNote, ts: number, head: LogHead): void {
    if (note.kind === 'thread-name' && head.tid !== null) this.tasks.setComm(head.tid, note.name);
    if (note.kind === 'task-dead' && head.tid !== null) {
      this.interrupt(head.tid);
      this.tasks.delete(head.tid);
      this.cwd.forget(head.tid);
    }
    this.lifecycle.debugNote(note, ts, head.tid, this.lineNo);
  }
}

/** sendmmsg's messages are not decoded: one unknown message per message sent, so each still makes a send event. */
function mmsgVector(count: number): string {
  const n = Number.isFinite(count) ? Math.max(0, Math.min(count, 64)) : 0;
  return `[${new Array<string>(n).fill('{msg_hdr={msg_name=NULL, msg_iov=NULL}}').join(', ')}]`;
}
