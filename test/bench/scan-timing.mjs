// Wall time of `airlock scan` on a trivial package, split into its parts: median (and min/max) of N
// runs under gVisor (the default: record taken by the Sentry on the host) and runc + strace, each with a
// pair made for the run (pool off) and with a pair from the warm pool (pool on: AIRLOCK_WARM_POOL of 1),
// all interleaved in the same run so every column sees the same machine. The teardown is deferred (as the
// worker and `airlock scan` do) and settled before the next run, outside the timed scan. A bare untraced
// `npm install` of the same tarball in a plain container of the same image is timed too (the 4x
// target). One sandbox run per scan: the planner's extra views (time, calls, platforms, retry) are off, so
// each part is that of one run (`airlock scan` of this package makes two: the calls view runs too).
// One warm-up run per column first (it fills the control-run cache).
// Usage: npm run bench [-- runs]  (default 5); AIRLOCK_BENCH_RUNTIMES=gvisor limits the runtimes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeLocalPackage } from '../../packages/analysis/dist/index.js';
import {
  NPM_IMAGE,
  WarmPool,
  connectDocker,
  preparePackageArchive,
  resolveImage,
  settleTeardowns,
} from '../../packages/sandbox/dist/index.js';

const runs = Number(process.argv[2] ?? 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = resolve(here, '../fixtures/npm/benign-no-scripts');
const docker = connectDocker();
const artifactsRoot = mkdtempSync(join(tmpdir(), 'airlock-bench-'));

const RUNTIMES = (process.env.AIRLOCK_BENCH_RUNTIMES ?? 'gvisor,runc').split(',');
const pool = new WarmPool(docker, 1);
const COLUMNS = RUNTIMES.flatMap((runtime) => [
  { name: `${runtime}`, runtime, pool: null },
  { name: `${runtime}+pool`, runtime, pool },
]);
const rows = Object.fromEntries([...COLUMNS.map((c) => [c.name, []]), ['bare npm install', []]]);

async function scan(column) {
  const t0 = Date.now();
  const report = await analyzeLocalPackage(fixture, {
    docker,
    artifactsRoot,
    runtime: column.runtime,
    deferTeardown: true,
    timeView: false,
    callView: false,
    platformViews: false,
    retry: false,
    ...(column.pool ? { pool: column.pool } : {}),
  });
  const endToEnd = Date.now() - t0;
  await settleTeardowns();
  if (column.pool) column.pool.warm(column.runtime);
  // Pool on: the next pair is made between runs, as a worker's pool refills while the verdict is stored.
  if (column.pool) while (column.pool.readyCount(column.runtime) === 0) await new Promise((r) => setTimeout(r, 100));
  const t = report.timings;
  if (report.views.length !== 1) throw new Error(`expected one sandbox run, the scan made ${report.views.length}`);
  return {
    start: t.containerStartMs,
    install: t.phasesMs.install ?? 0,
    import: t.phasesMs.import ?? 0,
    collect: t.collectMs,
    teardown: t.teardownMs,
    sandbox: t.totalMs,
    endToEnd,
    overTraced: endToEnd - (t.phasesMs.install ?? 0) - (t.phasesMs.import ?? 0),
  };
}

/** `npm install <tarball>` with no tracer, no fake internet, no hardening: the floor a scan is compared with. */
async function bareInstall() {
  const image = await resolveImage(docker, NPM_IMAGE);
  const archive = await preparePackageArchive(fixture);
  const t0 = Date.now();
  const container = await docker.createContainer({
    Image: image.ref,
    Cmd: ['sh', '-c', `mkdir -p /tmp/app && cd /tmp/app && npm install --no-audit --no-fund --offline /tmp/in/${archive.fileName}`],
    User: '0:0',
    HostConfig: { NetworkMode: 'none' },
  });
  const { buildTar } = await import('../../packages/sandbox/dist/tar-builder.js');
  await container.putArchive(
    buildTar([{ path: `in/${archive.fileName}`, type: 'File', mode: 0o644, body: archive.tgz }], { uid: 0, gid: 0, mtime: new Date() }),
    { path: '/tmp' },
  );
  await container.start();
  const { StatusCode } = await container.wait();
  const ms = Date.now() - t0;
  await container.remove({ force: true });
  if (StatusCode !== 0) throw new Error(`bare npm install exited ${StatusCode}`);
  return { endToEnd: ms };
}

pool.warm(RUNTIMES[0]);
for (const column of COLUMNS) await scan(column);
await bareInstall();
for (let i = 0; i < runs; i++) {
  for (const column of COLUMNS) {
    rows[column.name].push(await scan(column));
    process.stderr.write(`run ${i + 1}/${runs} ${column.name}: ${JSON.stringify(rows[column.name].at(-1))}\n`);
  }
  rows['bare npm install'].push(await bareInstall());
  process.stderr.write(`run ${i + 1}/${runs} bare npm install: ${JSON.stringify(rows['bare npm install'].at(-1))}\n`);
}
await pool.drain();
await settleTeardowns();

const stat = (name, key) => {
  const v = rows[name].map((r) => r[key]).sort((a, b) => a - b);
  return { median: v[Math.floor(v.length / 2)], min: v[0], max: v.at(-1) };
};
console.log(`scan of a trivial package (${runs} runs per column, interleaved), milliseconds, median (min-max):`);
const names = COLUMNS.map((c) => c.name);
console.log(['part'.padEnd(11), ...names.map((n) => n.padStart(22))].join(' '));
for (const key of ['start', 'install', 'import', 'collect', 'teardown', 'sandbox', 'endToEnd', 'overTraced']) {
  const cells = names.map((n) => {
    const s = stat(n, key);
    return `${s.median} (${s.min}-${s.max})`.padStart(22);
  });
  console.log([key.padEnd(11), ...cells].join(' '));
}
const bare = stat('bare npm install', 'endToEnd');
console.log(`bare untraced npm install in a plain container: ${bare.median} (${bare.min}-${bare.max})`);
for (const n of names) console.log(`${n}: scan / bare install = ${(stat(n, 'endToEnd').median / bare.median).toFixed(2)}x`);
rmSync(artifactsRoot, { recursive: true, force: true }); // every run's records (about 5 MB each)
