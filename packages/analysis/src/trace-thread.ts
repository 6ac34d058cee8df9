/**
 * Parser isolation: a syscall record is written by what the package did, so it is hostile input, and its
 * reader and summarizer run in a worker thread with its own V8 heap limit. A record that crashes them or
 * blows their memory fails that one analysis with the reason; the worker process and its other jobs (each
 * with its own thread) go on. The bounds inside (caps.ts, the readers' line limits) still apply; this is
 * the floor under them if one of them is wrong.
 *
 * A thread that answered is kept for the next record (a thread's start and module load were about a third
 * of a CPU-second per trivial analysis, two records each); one that failed is never reused. The readers
 * and the summarizer are made anew for each record, so nothing of one record is left for the next.
 */
import { Worker } from 'node:worker_threads';
import { AirlockError } from '@airlock/core';
import type { TraceSummaryInput, TraceSummaryResult } from './trace-summarize.js';

/** The parser thread's old-generation heap (AIRLOCK_PARSER_MEMORY_MB); the 100 MiB records measured need 13-23 MiB. */
export const DEFAULT_PARSER_MEMORY_MB = 512;

/** Idle threads kept per heap limit: a worker parses at most two records per slot at once. */
const MAX_IDLE = 4;
const idle = new Map<number, Worker[]>();
/** What an idle thread listens to while it waits (removed when it is taken again). */
const idleListeners = new WeakMap<Worker, { exit: () => void; error: () => void }>();

function takeThread(memoryMb: number): Worker {
  const kept = idle.get(memoryMb)?.pop();
  if (kept) {
    const listeners = idleListeners.get(kept)!;
    kept.off('exit', listeners.exit).off('error', listeners.error);
    kept.ref();
    return kept;
  }
  // The built file, from src/ (tests run the sources) as from dist/: a thread runs JavaScript only.
  return new Worker(new URL('../dist/trace-thread-main.js', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, memoryMb / 8)) },
  });
}

/** Back to the idle list, not keeping the process alive; dropped from it if it ever exits. */
function keepThread(memoryMb: number, thread: Worker): void {
  const list = idle.get(memoryMb) ?? [];
  if (list.length >= MAX_IDLE) {
    void thread.terminate();
    return;
  }
  // A thread dying while idle has no caller waiting: its error goes with it, and it leaves the list.
  const leave = () => {
    const at = list.indexOf(thread);
    if (at >= 0) list.splice(at, 1);
  };
  const listeners = { exit: leave, error: () => undefined };
  idleListeners.set(thread, listeners);
  thread.unref();
  thread.once('exit', listeners.exit).once('error', listeners.error);
  list.push(thread);
  idle.set(memoryMb, list);
}

/** Parser threads waiting for a record, for that heap limit (what the reuse keeps; tests read it). */
export function idleParserThreads(memoryMb = DEFAULT_PARSER_MEMORY_MB): number {
  return idle.get(memoryMb)?.length ?? 0;
}

export function summarizeTraceInThread(input: TraceSummaryInput, memoryMb = DEFAULT_PARSER_MEMORY_MB): Promise<TraceSummaryResult> {
  return new Promise((resolve, reject) => {
    const thread = takeThread(memoryMb);
    const detach = () => {
      thread.off('message', onMessage);
      thread.off('error', onError);
      thread.off('exit', onExit);
    };
    const fail = (why: string, cause?: unknown) => {
      detach();
      void thread.terminate();
      reject(
        new AirlockError(
          'SANDBOX_FAILED',
          `the ${input.phase} phase's syscall record could not be parsed: ${why}`,
          cause ? { cause } : undefined,
        ),
      );
    };
    const onMessage = (result: TraceSummaryResult) => {
      detach();
      keepThread(memoryMb, thread);
      resolve(result);
    };
    const onError = (err: Error & { code?: string }) =>
      fail(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `its parser ran out of its ${memoryMb} MiB memory limit (AIRLOCK_PARSER_MEMORY_MB)`
          : `its parser failed (${err.message})`,
        err,
      );
    const onExit = (code: number) => fail(`its parser exited with code ${code} before answering`);
    thread.on('message', onMessage);
    thread.on('error', onError);
    thread.on('exit', onExit);
    thread.postMessage(input);
  });
}
