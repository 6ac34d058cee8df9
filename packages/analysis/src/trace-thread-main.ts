/**
 * The body of a parser thread (./trace-thread.ts): summarises each record it is sent and posts the
 * result. A failure is not caught: it ends the thread, and the caller reports it.
 */
import { parentPort } from 'node:worker_threads';
import { summarizeTraceFile, type TraceSummaryInput } from './trace-summarize.js';

parentPort!.on('message', async (input: TraceSummaryInput) => parentPort!.postMessage(await summarizeTraceFile(input)));
