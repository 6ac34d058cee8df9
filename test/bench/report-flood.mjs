// Peak heap of the analysis process for the report-flood attack fixture (test/fixtures/attacks/report-flood):
// N failing mkdir calls in one process, a few execs with a 1 MB argument, then a honeytoken POST. Runs the
// fixture (a copy with `config.calls` set to N) through the real pipeline under gVisor and samples
// process.memoryUsage() every 50 ms; prints the peak heap, the report's serialised size, its evidence gaps
// and the verdict. Usage: tsc -b && node --expose-gc [--max-old-space-size=MiB] test/bench/report-flood.mjs [calls]
// (default 3000000). Sampled heapUsed includes garbage not yet collected; a run that completes under a small
// --max-old-space-size is the bound on live memory.
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeLocalPackage } from '../../packages/analysis/dist/index.js';
import { connectDocker } from '../../packages/sandbox/dist/index.js';

const calls = Number(process.argv[2] ?? 3_000_000);
const here = fileURLToPath(new URL('.', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'airlock-flood-bench-'));
const fixture = join(work, 'report-flood');
cpSync(resolve(here, '../fixtures/attacks/report-flood'), fixture, { recursive: true });
const manifest = JSON.parse(readFileSync(join(fixture, 'package.json'), 'utf8'));
manifest.config.calls = String(calls);
writeFileSync(join(fixture, 'package.json'), JSON.stringify(manifest, null, 2));

const docker = connectDocker();
const artifactsRoot = join(work, 'artifacts');
globalThis.gc?.();
const base = process.memoryUsage();
let peakHeap = base.heapUsed;
let peakRss = base.rss;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}, 50);
const t0 = Date.now();
let report;
let size = null;
let error = null;
try {
  report = await analyzeLocalPackage(fixture, {
    docker,
    artifactsRoot,
    runtime: 'gvisor',
    timeoutsMs: { install: 900_000, import: 60_000 },
    ciProfile: false,
  });
  size = Buffer.byteLength(JSON.stringify(report));
} catch (err) {
  error = err.message;
}
clearInterval(sampler);
globalThis.gc?.();
const retained = process.memoryUsage().heapUsed;
const mib = (n) => `${(n / 1024 ** 2).toFixed(1)} MiB`;
const record = report?.artifacts
  ? Object.values(report.artifacts).filter((p) => p.endsWith('install.gvisor.log') || p.includes('install.'))
  : [];
console.log(
  JSON.stringify(
    {
      calls,
      ms: Date.now() - t0,
      installMs: report?.timings.phasesMs.install,
      heapBefore: mib(base.heapUsed),
      peakHeap: mib(peakHeap),
      peakRss: mib(peakRss),
      heapLimit: mib(v8.getHeapStatistics().heap_size_limit),
      retainedWithReport: mib(retained),
      reportBytes: size === null ? null : mib(size),
      verdict: report?.verdict?.verdict,
      rules: report?.verdict?.reasons.map((r) => r.rule),
      lists: report && { processes: report.processes.length, fileWrites: report.fileWrites.length, denied: report.denied.length },
      trace: report?.trace,
      records: record.map((p) => `${p}: ${mib(statSync(p).size)}`),
      gaps: report?.evidenceGaps.map((g) => `${g.kind} ${g.phase} dropped=${g.dropped} limit=${g.limit} hides=${g.hidesBehaviour}`),
      error,
    },
    null,
    2,
  ),
);
