#!/usr/bin/env node
/**
 * Throughput of the BUILT gVisor reader on real records repeated to a target size, pushed in
 * fixed-size chunks. Default input: the committed gVisor fixtures; pass a path to use another
 * Sentry log (e.g. a full, untrimmed one).
 *
 *   npx tsc -b packages/strace && node packages/strace/test/bench/gvisor-parse.mjs [record.jsonl] [MB]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const { GvisorRecordParser } = await import(`${here}../../dist/index.js`).catch(() => {
  console.error('Build first: npx tsc -b packages/strace');
  process.exit(1);
});

const sources = process.argv[2]
  ? [process.argv[2]]
  : [`${here}../../../../test/fixtures/gvisor/sample-strace.log`, `${here}../fixtures/gvisor/workload.gvisor.jsonl`];
const record = sources.map((f) => readFileSync(f, 'utf8')).join('');
const targetBytes = Number(process.argv[3] ?? 100) * 1024 * 1024;
const repeats = Math.max(1, Math.round(targetBytes / Buffer.byteLength(record)));
const chunkSize = 1024 * 1024;
const mib = (Buffer.byteLength(record) * repeats) / 1024 / 1024;

for (let round = 1; round <= 3; round++) {
  const parser = new GvisorRecordParser();
  let events = 0;
  const started = performance.now();
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < record.length; i += chunkSize) events += parser.push(record.slice(i, i + chunkSize)).length;
  }
  events += parser.end().length;
  const seconds = (performance.now() - started) / 1000;
  const heap = process.memoryUsage().heapUsed / 1024 / 1024;
  console.log(
    `round ${round}: ${mib.toFixed(1)} MiB in ${seconds.toFixed(2)} s = ${(mib / seconds).toFixed(1)} MiB/s, ${events} events, unknown ${parser.stats.unknown}, heap ${heap.toFixed(0)} MiB`,
  );
}
