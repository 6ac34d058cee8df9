// Wall time of `airlock scan` on a trivial package, split into its parts: median (and min/max) of N
// runs, each in a fresh container. Usage: npm run bench [-- runs]  (default 5). Needs `npm run setup`.
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

const rows = [];
for (let i = 0; i < runs; i++) {
  const t0 = Date.now();
  const report = await analyzeLocalPackage(fixture, { docker, artifactsRoot });
  const t = report.timings;
  rows.push({
    start: t.containerStartMs,
    install: t.phasesMs.install ?? 0,
    import: t.phasesMs.import ?? 0,
    collect: t.collectMs,
    teardown: t.teardownMs,
    sandbox: t.totalMs,
    endToEnd: Date.now() - t0,
  });
  process.stderr.write(`run ${i + 1}/${runs}: ${JSON.stringify(rows.at(-1))}\n`);
}

const stat = (key) => {
  const v = rows.map((r) => r[key]).sort((a, b) => a - b);
  return { median: v[Math.floor(v.length / 2)], min: v[0], max: v.at(-1) };
};
console.log(`scan of a trivial package (${runs} runs, fresh container each), milliseconds:`);
console.log('part        median    min    max');
for (const key of ['start', 'install', 'import', 'collect', 'teardown', 'sandbox', 'endToEnd']) {
  const s = stat(key);
  console.log(`${key.padEnd(10)} ${String(s.median).padStart(7)} ${String(s.min).padStart(6)} ${String(s.max).padStart(6)}`);
}
