/**
 * The body of a parser thread (./trace-thread.ts): summarises each record it is sent and posts the
 * result. A failure is thrown out of the thread: it ends it, and the caller reports it.
 */
import { parentPort } from 'node:worker_threads';
import { summarizeTraceFile, type TraceSummaryInput } from './trace-summarize.js';

parentPort!.on('message', (input: TraceSummaryInput) => {
  summarizeTraceFile(input).then(
    (result) => parentPort!.postMessage(result),
    (err: unknown) =>
      process.nextTick(() => {
        throw err;
      }),
  );
});
