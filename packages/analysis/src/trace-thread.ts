/**
 * Parser isolation: a syscall record is written by what the package did, so it is hostile input, and its
 * reader and summarizer run in a worker thread with its own V8 heap limit. A record that crashes them or
 * blows their memory fails that one analysis with the reason; the worker process and its other jobs (each
 * with its own thread) go on. The bounds inside (caps.ts, the readers' line limits) still apply; this is
 * the floor under them if one of them is wrong.
 */
import { Worker } from 'node:worker_threads';
import { AirlockError } from '@airlock/core';
import type { TraceSummaryInput, TraceSummaryResult } from './trace-summarize.js';

/** The parser thread's old-generation heap (AIRLOCK_PARSER_MEMORY_MB); the 100 MiB records measured need 13-23 MiB. */
export const DEFAULT_PARSER_MEMORY_MB = 512;

export function summarizeTraceInThread(input: TraceSummaryInput, memoryMb = DEFAULT_PARSER_MEMORY_MB): Promise<TraceSummaryResult> {
  return new Promise((resolve, reject) => {
    // The built file, from src/ (tests run the sources) as from dist/: a thread runs JavaScript only.
    const thread = new Worker(new URL('../dist/trace-thread-main.js', import.meta.url), {
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, memoryMb / 8)) },
    });
    let settled = false;
    const fail = (why: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      reject(
        new AirlockError(
          'SANDBOX_FAILED',
          `the ${input.phase} phase's syscall record could not be parsed: ${why}`,
          cause ? { cause } : undefined,
        ),
      );
    };
    thread.once('message', (result: TraceSummaryResult) => {
      settled = true;
      resolve(result);
    });
    thread.once('error', (err: Error & { code?: string }) =>
      fail(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `its parser ran out of its ${memoryMb} MiB memory limit (AIRLOCK_PARSER_MEMORY_MB)`
          : `its parser failed (${err.message})`,
        err,
      ),
    );
    thread.once('exit', (code) => fail(`its parser exited with code ${code} before answering`));
  });
}
