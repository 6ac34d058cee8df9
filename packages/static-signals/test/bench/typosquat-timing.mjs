// Typosquat check time per name against the npm high-impact list (17k names), from the built dist.
// Run after `npx tsc -b`: node packages/static-signals/test/bench/typosquat-timing.mjs
import { checkTyposquat, npmPopularNameIndex } from '../../dist/index.js';

const t0 = performance.now();
const index = npmPopularNameIndex();
const buildMs = performance.now() - t0;

// A mix: near misses of popular names, popular names themselves (early exit), unrelated names of many lengths.
const probes = [];
for (let i = 0; i < 1000; i++) {
  const popular = index.names[(i * 17) % index.names.length];
  probes.push(`${popular}x`, popular, `unrelated-package-name-${i}`, `pkg${i}`);
}

for (const name of probes.slice(0, 200)) checkTyposquat(name, index); // warm-up
const runs = [];
for (let r = 0; r < 5; r++) {
  const start = performance.now();
  let hits = 0;
  for (const name of probes) hits += checkTyposquat(name, index).length > 0 ? 1 : 0;
  runs.push({ ms: performance.now() - start, hits });
}
const perName = runs.map((r) => r.ms / probes.length).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    popularNames: index.names.length,
    indexBuildMs: Number(buildMs.toFixed(1)),
    probes: probes.length,
    flagged: runs[0].hits,
    msPerNameMedian: Number(perName[2].toFixed(3)),
    msPerNameMin: Number(perName[0].toFixed(3)),
    msPerNameMax: Number(perName[4].toFixed(3)),
  }),
);
