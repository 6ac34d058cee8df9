/**
 * Streaming strace parser: feed text in chunks of any size, get typed events back in order.
 *
 * State is kept per pid and only for what is still open: the first half of each
 * `<unfinished ...>` call and the working directory. Lines are never accumulated, so memory
 * stays flat however large the trace. Bad input is counted and skipped; nothing here throws.
 */
import { parseCallResult, resultTextAfter } from './call-result.js';
import { CwdTracker } from './cwd-tracker.js';
import type { CallResult, StraceEvent } from './events.js';
import { parseLineHeader } from './line-header.js';
import { LineSplitter } from './line-splitter.js';
import { EventOutput } from './event-output.js';
import type { ParserStats } from './parser-stats.js';
import { scanArgs } from './scanner.js';
import { syscallBuilders } from './syscall-table.js';
import type { BuildContext, SyscallRecord } from './syscall-record.js';
import { parseIntPrefix, parseValue, atomText, field } from './values.js';

export interface StraceParserOptions {
  /** Longer lines are dropped and counted as overlong. Default 16 MiB (execve with -s 4096 and a big env). */
  maxLineLength?: number;
  /** Payload bytes kept on each send/recv event. Default 256. */
  maxDataBytes?: number;
  /** How many unreadable lines to keep as samples. Default 5. */
  maxUnknownSamples?: number;
  /** Samples are cut to this many characters. Default 300. */
  maxSampleLength?: number;
  /**
   * Unfinished calls held at once (one per pid at most). Past this, the oldest is emitted with
   * result `unknown`, so a hostile trace with endless half-calls cannot grow memory. Default 65536.
   */
  maxPendingCalls?: number;
}

interface PendingCall {
  ts: number;
  name: string;
  /** The text before ` <unfinished ...>`. */
  head: string;
}

const UNFINISHED = ' <unfinished ...>';
const NO_RESULT: CallResult = { status: 'unknown', raw: '' };

/** End of a leading `[a-z_][a-z0-9_]*` syscall name (0 if there is none). */
function syscallNameEnd(body: string): number {
  let i = 0;
  for (; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || c === 95 || (i > 0 && c >= 48 && c <= 57);
    if (!ok) break;
  }
  return i;
}

export class StraceParser {
  private readonly splitter: LineSplitter;
  private readonly pending = new Map<number, PendingCall>();
  private readonly cwd = new CwdTracker();
  private readonly output: EventOutput;
  private readonly counters: ParserStats;
  private readonly maxPending: number;
  private readonly context: BuildContext;

  constructor(options: StraceParserOptions = {}) {
    this.output = new EventOutput(options.maxUnknownSamples ?? 5, options.maxSampleLength ?? 300);
    this.counters = this.output.counters;
    this.maxPending = options.maxPendingCalls ?? 65_536;
    this.splitter = new LineSplitter(
      options.maxLineLength ?? 16 * 1024 * 1024,
      (line) => this.line(line),
      () => this.counters.overlong++,
    );
    const maxDataBytes = options.maxDataBytes ?? 256;
    this.context = {
      cwd: this.cwd,
      maxDataBytes,
      emit: (event) => this.emit(event),
      malformed: (call) => this.unknown(`${call.pid} ${call.name}(${call.args.join(',')})`),
    };
  }

  /** Parses a chunk; returns the events it completed. */
  push(chunk: string): StraceEvent[] {
    if (typeof chunk === 'string') this.splitter.push(chunk);
    return this.take();
  }

  /** Ends the input: parses a last line without newline and emits calls still unfinished (result `unknown`). */
  end(): StraceEvent[] {
    this.splitter.end();
    for (const pid of [...this.pending.keys()]) this.flushPending(pid);
    return this.take();
  }

  /** A snapshot of the counters. */
  get stats(): ParserStats {
    return this.output.stats;
  }

  /** Unfinished calls currently held (one at most per pid). */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Pids whose working directory is remembered; dropped when they exit. */
  get trackedPids(): number {
    return this.cwd.size;
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
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
    try {
      this.record(line);
    } catch {
      // Last line of defence: a bug on odd input costs one line, never the whole trace.
      this.unknown(line);
    }
  }

  private record(line: string): void {
    const h = parseLineHeader(line);
    if (!h) return this.unknown(line);
    const body = line.slice(h.bodyStart);
    if (body.startsWith('+++ ')) return this.statusLine(h.pid, h.ts, body, line);
    if (body.startsWith('--- ')) return this.signalLine(h.pid, h.ts, body, line);
    if (body.startsWith('<... ')) return this.resumedLine(h.pid, body, line);
    const open = syscallNameEnd(body);
    if (open <= 0 || body.charCodeAt(open) !== 40 /* ( */) return this.unknown(line);
    const name = body.slice(0, open);
    if (body.endsWith(UNFINISHED)) {
      this.counters.unfinished++;
      if (this.pending.has(h.pid)) this.flushPending(h.pid);
      if (this.pending.size >= this.maxPending) this.flushPending(this.pending.keys().next().value!);
      this.pending.set(h.pid, { ts: h.ts, name, head: body.slice(0, -UNFINISHED.length) });
      return;
    }
    // A complete call while one is pending means the pending one will never resume.
    if (this.pending.has(h.pid)) this.flushPending(h.pid);
    this.call(h.pid, h.ts, name, body, true, line);
  }

  /** Builds events for one complete (or abandoned, when `complete` is false) call text `name(args) = ret`. */
  private call(pid: number, ts: number, name: string, text: string, complete: boolean, line: string): void {
    this.counters.syscalls++;
    const builder = syscallBuilders.get(name);
    if (!builder) {
      this.counters.ignored++;
      return;
    }
    const scan = scanArgs(text, name.length);
    let result = NO_RESULT;
    if (complete) {
      const resultText = scan.close === -1 ? null : resultTextAfter(text, scan.close);
      if (resultText === null) return this.unknown(line);
      result = parseCallResult(resultText);
    }
    const record: SyscallRecord = { pid, ts, name, args: scan.args, result };
    builder(record, this.context);
  }

  private flushPending(pid: number): void {
    const p = this.pending.get(pid);
    if (!p) return;
    this.pending.delete(pid);
    this.counters.interrupted++;
    try {
      this.call(pid, p.ts, p.name, p.head, false, p.head);
    } catch {
      // Also reached from end(), outside the per-line guard.
      this.unknown(p.head);
    }
  }

  /** `<... NAME resumed>REST`: joined with the held first half. */
  private resumedLine(pid: number, body: string, line: string): void {
    const marker = body.indexOf(' resumed>');
    const name = marker === -1 ? '' : body.slice(5, marker);
    const p = this.pending.get(pid);
    if (marker === -1 || !p || p.name !== name) {
      this.counters.orphanResumed++;
      return this.unknown(line);
    }
    this.pending.delete(pid);
    this.counters.resumed++;
    this.call(pid, p.ts, name, p.head + body.slice(marker + ' resumed>'.length), true, line);
  }

  /** `+++ exited with 0 +++`, `+++ killed by SIGKILL (core dumped) +++`, `+++ superseded by execve in pid N +++`. */
  private statusLine(pid: number, ts: number, body: string, line: string): void {
    const text = body.endsWith(' +++') ? body.slice(4, -4) : body.slice(4);
    const superseded = /^superseded by execve in pid (\d+)$/.exec(text);
    if (superseded) {
      // The exec'ing thread takes over this (leader) pid; its execve resumes under it.
      const thread = parseInt(superseded[1]!, 10);
      this.flushPending(pid);
      const p = this.pending.get(thread);
      if (p) {
        this.pending.delete(thread);
        this.pending.set(pid, p);
      }
      this.cwd.move(thread, pid);
      return;
    }
    const exited = /^exited with (-?\d+)$/.exec(text);
    const killed = exited ? null : /^killed by (\S+)( \(core dumped\))?$/.exec(text);
    if (!exited && !killed) return this.unknown(line);
    this.counters.exits++;
    this.flushPending(pid);
    this.cwd.forget(pid);
    this.emit({
      seq: 0,
      ts,
      pid,
      syscall: null,
      result: { status: 'none' },
      category: 'process',
      type: 'exit',
      code: exited ? parseInt(exited[1]!, 10) : null,
      signal: killed ? killed[1]! : null,
      coreDumped: killed?.[2] !== undefined,
      source: 'status',
    });
  }

  /** `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, ...} ---` or `--- stopped by SIGSTOP ---`. */
  private signalLine(pid: number, ts: number, body: string, line: string): void {
    const text = body.endsWith(' ---') ? body.slice(4, -4) : body.slice(4);
    const stopped = /^stopped by (SIG\w+)$/.exec(text);
    const m = stopped ? null : /^(SIG\w+|\d+)\s*(.*)$/.exec(text);
    if (!stopped && !m) return this.unknown(line);
    this.counters.signals++;
    const info = m && m[2] ? parseValue(m[2]) : undefined;
    this.emit({
      seq: 0,
      ts,
      pid,
      syscall: null,
      result: { status: 'none' },
      category: 'process',
      type: 'signal',
      signal: stopped ? stopped[1]! : m![1]!,
      code: stopped ? 'stopped' : atomText(field(info, 'si_code')),
      senderPid: parseIntPrefix(atomText(field(info, 'si_pid'))),
    });
  }
}
