// Install-phase wall time of a package that makes ten outbound HTTP connections to unknown hosts versus
// one that makes none: the fake internet must answer at once, so the ratio should stay near 1.
// Usage: npm run bench:egress [-- runs]  (default 3). Needs `npm run setup`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeLocalPackage } from '../../packages/analysis/dist/index.js';
import { connectDocker } from '../../packages/sandbox/dist/index.js';

const runs = Number(process.argv[2] ?? 3);
const here = fileURLToPath(new URL('.', import.meta.url));
const docker = connectDocker();
const artifactsRoot = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const results = {};
for (const name of ['net-none', 'net-ten-hosts']) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const report = await analyzeLocalPackage(resolve(here, '../fixtures/npm', name), { docker, artifactsRoot });
    const install = report.phases.find((p) => p.name === 'install');
    if (name === 'net-ten-hosts' && report.network.tcp.length !== 10)
      throw new Error(`expected 10 connections, saw ${report.network.tcp.length}`);
    times.push(install.durationMs);
    process.stderr.write(`${name} run ${i + 1}: install ${install.durationMs} ms, ${report.network.tcp.length} connections\n`);
  }
  results[name] = median(times);
}
console.log(
  `install phase, median of ${runs}: no network ${results['net-none']} ms, ten unknown hosts ${results['net-ten-hosts']} ms, ratio ${(results['net-ten-hosts'] / results['net-none']).toFixed(2)}`,
);
rmSync(artifactsRoot, { recursive: true, force: true }); // every run's records
