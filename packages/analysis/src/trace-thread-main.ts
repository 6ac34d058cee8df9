/** The body of a parser thread (./trace-thread.ts): summarises one record and posts the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { summarizeTraceFile, type TraceSummaryInput } from './trace-summarize.js';

parentPort!.postMessage(await summarizeTraceFile(workerData as TraceSummaryInput));
