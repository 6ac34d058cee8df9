// The cost of each view's run on a trivial package (README, Measured): runSandbox with each view's options, 5 runs each, interleaved.
// node test/bench/view-cost.mjs (after npx tsc -b and npm run setup).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const wt = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const { connectDocker, preparePackageArchive, runSandbox, DEFAULT_CLOCK_SHIFT } = await import(`${wt}/packages/sandbox/dist/index.js`);
const docker = connectDocker();
const archive = await preparePackageArchive(`${wt}/test/fixtures/npm/benign-no-scripts`);
const views = {
  developer: {},
  time: { clock: DEFAULT_CLOCK_SHIFT, dwellMs: 30_000 },
  calls: { calls: true },
};
const times = Object.fromEntries(Object.keys(views).map((k) => [k, []]));
for (let i = 0; i < 5; i++) {
  for (const [name, extra] of Object.entries(views)) {
    const id = `cost${i}${name}`;
    const run = await runSandbox({ docker, analysisId: id, archive, artifactsDir: mkdtempSync(join(tmpdir(), 'airlock-cost-')), ...extra });
    times[name].push(run.timings.totalMs);
    console.log(name, i, run.timings.totalMs, JSON.stringify(run.timings.phasesMs));
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const [name, t] of Object.entries(times)) console.log(`${name}: median ${median(t)} ms, min ${Math.min(...t)}, max ${Math.max(...t)}`);
