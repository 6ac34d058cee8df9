#!/usr/bin/env node
/**
 * Throughput and memory benchmark for @airlock/strace.
 *
 * Builds a large synthetic trace from the real recorded traces in packages/strace/test/fixtures
 * (pids and timestamps rewritten per repetition so processes do not collide), and streams it
 * through the BUILT parser in fixed-size chunks cut at arbitrary points. The trace is generated
 * on the fly and never held whole, so peak memory is the parser's, not the input's.
 *
 *   npx tsc -b && node test/bench/strace-parse.mjs
 *   STRACE_BENCH_MB=50 STRACE_BENCH_CHUNK_KB=64 node test/bench/strace-parse.mjs
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { StraceParser } = await import(`${root}packages/strace/dist/index.js`).catch(() => {
  console.error('Build first: npx tsc -b packages/strace');
  process.exit(1);
});

const targetBytes = Number(process.env.STRACE_BENCH_MB ?? 200) * 1024 * 1024;
const chunkSize = Number(process.env.STRACE_BENCH_CHUNK_KB ?? 1024) * 1024;

const fixtureDir = `${root}packages/strace/test/fixtures/`;
const samples = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.strace'))
  .sort()
  .flatMap((f) =>
    readFileSync(fixtureDir + f, 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );
const HEADER = /^(\d+) (\d+)\.(\d+) /;
const parsedSamples = samples
  .map((line) => {
    const m = HEADER.exec(line);
    return m ? { pid: Number(m[1]), usec: Number(m[3]), rest: line.slice(m[0].length) } : null;
  })
  .filter(Boolean);

/** One repetition of all sample lines, with pids and timestamps moved so rounds do not collide. */
function renderRound(round) {
  const pidOffset = (round % 40) * 100_000;
  const seconds = 1_700_000_000 + round;
  return parsedSamples.map((s) => `${s.pid + pidOffset} ${seconds}.${String(s.usec).padStart(6, '0')} ${s.rest}\n`).join('');
}

/** Yields chunks of exactly `chunkSize` characters (the last may be shorter), split mid-line. */
function* syntheticTrace() {
  let produced = 0;
  let carry = '';
  for (let round = 0; produced < targetBytes; round++) {
    const text = carry + renderRound(round);
    let pos = 0;
    while (text.length - pos >= chunkSize && produced < targetBytes) {
      const size = Math.min(chunkSize, targetBytes - produced);
      yield text.slice(pos, pos + size);
      pos += size;
      produced += size;
    }
    carry = text.slice(pos);
  }
}

const parser = new StraceParser();
let parseNs = 0n;
let bytes = 0;
let events = 0;
let peakHeap = 0;
let chunks = 0;
const wallStart = process.hrtime.bigint();
for (const chunk of syntheticTrace()) {
  const t0 = process.hrtime.bigint();
  events += parser.push(chunk).length;
  parseNs += process.hrtime.bigint() - t0;
  bytes += chunk.length;
  if (++chunks % 16 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
const t0 = process.hrtime.bigint();
events += parser.end().length;
parseNs += process.hrtime.bigint() - t0;
const wallNs = process.hrtime.bigint() - wallStart;
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);

const mb = bytes / 1024 / 1024;
const parseSec = Number(parseNs) / 1e9;
const wallSec = Number(wallNs) / 1e9;
const stats = parser.stats;
console.log(`trace:        ${mb.toFixed(1)} MiB, ${stats.lines.toLocaleString()} lines, chunks of ${chunkSize / 1024} KiB`);
console.log(
  `events:       ${events.toLocaleString()} (unknown lines ${stats.unknown}, ignored syscalls ${stats.ignored.toLocaleString()})`,
);
console.log(`parse only:   ${(mb / parseSec).toFixed(1)} MiB/s (${parseSec.toFixed(2)} s)`);
console.log(`with input generation: ${(mb / wallSec).toFixed(1)} MiB/s (${wallSec.toFixed(2)} s)`);
console.log(`peak RSS:     ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`peak heap:    ${(peakHeap / 1024 / 1024).toFixed(0)} MiB (sampled every 16 chunks)`);
console.log(`pending calls at end: ${parser.pendingCalls}`);
if (stats.unknownSamples.length)
  console.log(
    `unknown samples (the input is cut at the size limit, so the last line is partial):\n  ${stats.unknownSamples.map((s) => s.slice(0, 120)).join('\n  ')}`,
  );
