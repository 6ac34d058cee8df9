// Cost of each view: wall time of one sandbox run (container start to teardown) of a trivial npm package
// and of a typical PyPI sdist, as the developer view (Linux), the windows and macOS views, the time view and
// the call view, interleaved so all see the same machine; median (min-max) of N runs each after one warm-up.
// Usage: node test/bench/view-cost.mjs [runs]  (default 5; build first with `npx tsc -b`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectDocker, DEFAULT_CLOCK_SHIFT, preparePackageArchive, runSandbox } from '../../packages/sandbox/dist/index.js';

const runs = Number(process.argv[2] ?? 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const packages = {
  'trivial npm': resolve(here, '../fixtures/npm/benign-no-scripts'),
  'typical sdist': resolve(here, '../fixtures/incidents/pypi-ben-data-build/airlock_fixture_data_build-1.4.0.tar.gz'),
};
const VIEWS = {
  developer: {},
  windows: { platform: 'win32' },
  macos: { platform: 'darwin' },
  time: { clock: DEFAULT_CLOCK_SHIFT, dwellMs: 30_000 },
  calls: { calls: true },
};
const docker = connectDocker();
const artifactsDir = mkdtempSync(join(tmpdir(), 'airlock-view-cost-'));
const rows = {};
let id = 0;
for (const [label, path] of Object.entries(packages)) {
  const archive = await preparePackageArchive(path);
  for (let i = 0; i <= runs; i++) {
    for (const [view, extra] of Object.entries(VIEWS)) {
      const run = await runSandbox({ docker, analysisId: `view-cost-${id++}`, archive, artifactsDir, ...extra });
      if (i === 0) continue; // warm-up
      (rows[`${label} / ${view}`] ??= []).push(run.timings.totalMs);
      process.stderr.write(`${label} ${view} ${i}/${runs}: ${run.timings.totalMs} ms\n`);
    }
  }
}
rmSync(artifactsDir, { recursive: true, force: true });
for (const [key, values] of Object.entries(rows)) {
  const v = values.sort((a, b) => a - b);
  console.log(
    `${key.padEnd(28)} median ${(v[Math.floor(v.length / 2)] / 1000).toFixed(1)} s  (${(v[0] / 1000).toFixed(1)}-${(v.at(-1) / 1000).toFixed(1)} s)`,
  );
}
