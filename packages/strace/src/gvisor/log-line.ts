/**
 * The text of a Sentry log message: `file.go:NNN] ` (the line number varies between builds and with
 * the argument count, so it is never matched), then for task logs `[tgid:tid] ` with both ids
 * space-padded to 4, then the message. Strace messages are `comm E name(args)` on entry and
 * `comm X name(args) = N (0xN)[ errno=K (text)] (duration)` on exit.
 */

export interface LogHead {
  /** Source file of the log call: `strace.go`, `task_signals.go`, `kernel.go`, ... */
  source: string;
  /** From the `[tgid:tid]` prefix of task logs; null for sandbox-wide lines. */
  tgid: number | null;
  tid: number | null;
  /** Index of the message text after both prefixes. */
  body: number;
}

export interface SyscallReturn {
  /** gVisor prints 0 as the value of a failed call; the errno is what matters then. */
  value: number;
  errno: number | null;
  message: string | null;
}

export interface CallLine {
  exit: boolean;
  /** The task name; on an execve exit line it is still the old name. */
  comm: string;
  name: string;
  /** The argument text is `msg.slice(argsStart, argsEnd)`: after `name(`, before the closing `)`. */
  argsStart: number;
  argsEnd: number;
  /** Exit lines only. */
  ret: SyscallReturn | null;
}

/** Comm is at most 15 bytes (TASK_COMM_LEN - 1), so at most 15 characters. */
const MAX_COMM = 15;
const RETURN = /^(\d{1,20}) \(0x[0-9a-f]+\)(?: errno=(\d{1,6}) \(([^()]*)\))? \([^()]*\)$/;

/** Index after a run of digits at `i` (i itself if none). */
function digitsEnd(text: string, i: number): number {
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return i;
}

function spacesEnd(text: string, i: number): number {
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

export function parseLogHead(msg: string): LogHead | null {
  const go = msg.indexOf('.go:');
  if (go <= 0 || go > 64) return null;
  const lineEnd = digitsEnd(msg, go + 4);
  if (lineEnd === go + 4 || msg.charCodeAt(lineEnd) !== 93 /* ] */ || msg.charCodeAt(lineEnd + 1) !== 32) return null;
  const source = msg.slice(0, go + 3);
  const body = lineEnd + 2;
  if (msg.charCodeAt(body) !== 91 /* [ */) return { source, tgid: null, tid: null, body };
  const tgidStart = spacesEnd(msg, body + 1);
  const tgidEnd = digitsEnd(msg, tgidStart);
  if (tgidEnd === tgidStart || tgidEnd - tgidStart > 10 || msg.charCodeAt(tgidEnd) !== 58 /* : */) return null;
  const tidStart = spacesEnd(msg, tgidEnd + 1);
  const tidEnd = digitsEnd(msg, tidStart);
  if (tidEnd === tidStart || tidEnd - tidStart > 10 || msg.charCodeAt(tidEnd) !== 93 || msg.charCodeAt(tidEnd + 1) !== 32) return null;
  return { source, tgid: +msg.slice(tgidStart, tgidEnd), tid: +msg.slice(tidStart, tidEnd), body: tidEnd + 2 };
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/** End of `name(` starting at `i` (index of the `(`), or -1. */
function callNameEnd(msg: string, i: number): number {
  let j = i;
  while (j < msg.length && isNameChar(msg.charCodeAt(j))) j++;
  return j > i && msg.charCodeAt(j) === 40 /* ( */ ? j : -1;
}

/**
 * Splits `comm E|X name(...)` at `at`. A comm may contain spaces, even ` E x(`, so every split
 * within 15 characters is a candidate; the one matching the comm last known for the task wins,
 * else the shortest comm.
 */
export function parseCallLine(msg: string, at: number, knownComm: string | undefined): CallLine | null {
  let chosen = -1;
  let paren = -1;
  for (let k = 0; k <= MAX_COMM && at + k + 3 < msg.length; k++) {
    const p = at + k;
    if (msg.charCodeAt(p) !== 32 || msg.charCodeAt(p + 2) !== 32) continue;
    const phase = msg.charCodeAt(p + 1);
    if (phase !== 69 /* E */ && phase !== 88 /* X */) continue;
    const open = callNameEnd(msg, p + 3);
    if (open === -1) continue;
    if (chosen === -1 || (knownComm !== undefined && msg.slice(at, p) === knownComm)) {
      chosen = p;
      paren = open;
      if (knownComm === undefined || msg.slice(at, p) === knownComm) break;
    }
  }
  if (chosen === -1) return null;
  const exit = msg.charCodeAt(chosen + 1) === 88;
  const line: CallLine = {
    exit,
    comm: msg.slice(at, chosen),
    name: msg.slice(chosen + 3, paren),
    argsStart: paren + 1,
    argsEnd: msg.length - 1,
    ret: null,
  };
  if (!exit) return msg.charCodeAt(msg.length - 1) === 41 /* ) */ ? line : null;
  // The return part never contains `) = `, so the last one ends the arguments.
  const eq = msg.lastIndexOf(') = ');
  if (eq < paren) return null;
  const m = RETURN.exec(msg.slice(eq + 4));
  if (!m) return null;
  line.argsEnd = eq;
  line.ret = { value: +m[1]!, errno: m[2] === undefined ? null : +m[2], message: m[3] ?? null };
  return line;
}
