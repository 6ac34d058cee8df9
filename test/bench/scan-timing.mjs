// Wall time of `airlock scan` on a trivial package, split into its parts: median (and min/max) of N
// runs, each in a fresh container, under gVisor (the default: record taken by the Sentry on the host) and
// under runc + strace, interleaved in the same run so both see the same machine. One warm-up run per
// runtime first (it fills the control-run cache). Usage: npm run bench [-- runs]  (default 5).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeLocalPackage } from '../../packages/analysis/dist/index.js';
import { connectDocker } from '../../packages/sandbox/dist/index.js';

const runs = Number(process.argv[2] ?? 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = resolve(here, '../fixtures/npm/benign-no-scripts');
const docker = connectDocker();
const artifactsRoot = mkdtempSync(join(tmpdir(), 'airlock-bench-'));

const RUNTIMES = ['gvisor', 'runc'];
const rows = Object.fromEntries(RUNTIMES.map((r) => [r, []]));
for (const runtime of RUNTIMES) await analyzeLocalPackage(fixture, { docker, artifactsRoot, runtime });
for (let i = 0; i < runs; i++) {
  for (const runtime of RUNTIMES) {
    const t0 = Date.now();
    const report = await analyzeLocalPackage(fixture, { docker, artifactsRoot, runtime });
    const t = report.timings;
    rows[runtime].push({
      start: t.containerStartMs,
      install: t.phasesMs.install ?? 0,
      import: t.phasesMs.import ?? 0,
      collect: t.collectMs,
      teardown: t.teardownMs,
      sandbox: t.totalMs,
      endToEnd: Date.now() - t0,
    });
    process.stderr.write(`run ${i + 1}/${runs} ${runtime}: ${JSON.stringify(rows[runtime].at(-1))}\n`);
  }
}

const stat = (runtime, key) => {
  const v = rows[runtime].map((r) => r[key]).sort((a, b) => a - b);
  return { median: v[Math.floor(v.length / 2)], min: v[0], max: v.at(-1) };
};
console.log(`scan of a trivial package (${runs} runs per runtime, interleaved, fresh container each), milliseconds:`);
console.log(`part        ${RUNTIMES.map((r) => `${r} median    min    max`).join('   ')}   ratio`);
for (const key of ['start', 'install', 'import', 'collect', 'teardown', 'sandbox', 'endToEnd']) {
  const cells = RUNTIMES.map((r) => {
    const s = stat(r, key);
    return `${String(s.median).padStart(r.length + 7)} ${String(s.min).padStart(6)} ${String(s.max).padStart(6)}`;
  });
  const ratio = (stat('gvisor', key).median / Math.max(1, stat('runc', key).median)).toFixed(2);
  console.log(`${key.padEnd(10)} ${cells.join('   ')}   ${ratio}x`);
}
