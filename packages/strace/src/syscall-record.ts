/**
 * The contract between the line parser and the per-syscall event builders: a completed call
 * (unfinished/resumed halves already joined) in, zero or more events out through the context.
 */
import type { CwdTracker } from './cwd-tracker.js';
import type { CallResult, StraceEvent } from './events.js';

export interface SyscallRecord {
  pid: number;
  /** Entry time of the call. */
  ts: number;
  name: string;
  /** Raw top-level argument texts; parse them with values.ts only when needed. */
  args: string[];
  result: CallResult;
}

export interface BuildContext {
  readonly cwd: CwdTracker;
  /** Cap on payload bytes kept per send/recv event. */
  readonly maxDataBytes: number;
  /**
   * Assigns the next sequence number and records the event. Builders write the header fields
   * (seq: 0, ts, pid, syscall, result) out in each literal: object spread is several times slower here.
   */
  emit(event: StraceEvent): void;
  /** Counts a call whose arguments did not have the expected shape. */
  malformed(call: SyscallRecord): void;
}

export type SyscallBuilder = (call: SyscallRecord, ctx: BuildContext) => void;

/** The numeric return value of a successful call, else null. */
export function okValue(call: SyscallRecord): number | null {
  return call.result.status === 'ok' ? call.result.value : null;
}

export function succeeded(call: SyscallRecord): boolean {
  return call.result.status === 'ok';
}
