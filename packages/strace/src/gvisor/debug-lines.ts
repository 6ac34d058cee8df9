/**
 * The non-strace Sentry lines the reader needs (`--debug`): process starts without an execve
 * (`EXEC:`, the OCI spec, the process registry), fatal and delivered signals, thread names and
 * task ends. Everything else in the log (systrap patching, mounts, seccomp, urpc) is noise.
 */
import { decodeGoBody, skipGoString } from './quoting.js';

export type DebugNote =
  /** `EXEC: [argv joined by spaces]`: the Sentry starts the container's first process or a `docker exec`. */
  | { kind: 'exec'; text: string }
  /** `updated processes: map[{cid pid}:0x.. ...]`: the exec'd processes registered so far. */
  | { kind: 'processes'; pids: number[] }
  /** The OCI spec: the exact argv, env and cwd of the container's first process. */
  | { kind: 'spec'; argv: string[]; env: string[] | null; cwd: string | null }
  | { kind: 'thread-name'; name: string }
  /** `Signal N, PID: P, TID: T, ...: terminating thread group`. */
  | { kind: 'fatal-signal'; signo: number; pid: number }
  /** `Signal N: delivering to handler` / `Signal N: ignored`. */
  | { kind: 'signal'; signo: number }
  | { kind: 'task-dead' };

const FATAL = /^Signal (\d+), PID: (\d+), TID: \d+, fault addr: 0x[0-9a-f]+: terminating thread group$/;
const DELIVERED = /^Signal (\d+): (?:delivering to handler|ignored)$/;
const utf8 = new TextDecoder('utf-8', { fatal: false });

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
}

function spec(json: string): DebugNote | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const proc = (parsed as { process?: { args?: unknown; env?: unknown; cwd?: unknown } } | null)?.process;
  const argv = stringList(proc?.args);
  if (!argv) return null;
  return { kind: 'spec', argv, env: stringList(proc?.env), cwd: typeof proc?.cwd === 'string' ? proc.cwd : null };
}

export function parseDebugNote(msg: string, body: number): DebugNote | null {
  const c = msg.charCodeAt(body);
  if (c === 69 /* E */ && msg.startsWith('EXEC: [', body) && msg.endsWith(']')) return { kind: 'exec', text: msg.slice(body + 7, -1) };
  if (c === 83 /* S */) {
    if (msg.startsWith('Signal ', body)) {
      const text = msg.slice(body);
      const fatal = FATAL.exec(text);
      if (fatal) return { kind: 'fatal-signal', signo: +fatal[1]!, pid: +fatal[2]! };
      const delivered = DELIVERED.exec(text);
      return delivered ? { kind: 'signal', signo: +delivered[1]! } : null;
    }
    if (msg.startsWith('Set thread name to "', body)) {
      const open = body + 19;
      const close = skipGoString(msg, open);
      return close === -1 ? null : { kind: 'thread-name', name: utf8.decode(decodeGoBody(msg.slice(open + 1, close - 1))) };
    }
    if (msg.startsWith('Spec:\n', body)) return spec(msg.slice(body + 6));
  }
  if (c === 84 /* T */ && msg.startsWith('Transitioning from exit state TaskExitZombie to TaskExitDead', body))
    return { kind: 'task-dead' };
  if (c === 117 /* u */ && msg.startsWith('updated processes: map[', body)) {
    const pids = [...msg.slice(body).matchAll(/\{[0-9a-zA-Z_.-]+ (\d+)\}:/g)].map((m) => +m[1]!);
    return { kind: 'processes', pids };
  }
  return null;
}
