// Service numbers: cached verdict lookups per second through the REST API (GET /v1/verdicts, auth and
// rate limiting included), end-to-end time of one small upload (submit -> verdict, one worker), and a
// 1,000-package inventory whose verdicts are all known (upload -> completed, nothing run).
// Uses a private redis-server on a free port. Usage: node test/bench/service-bench.mjs [seconds] [concurrency]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import * as tar from 'tar';
import { apiConfigFromEnv, startApi } from '../../apps/api/dist/index.js';
import { startWorker, workerConfigFromEnv } from '../../apps/worker/dist/index.js';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 16);
const here = fileURLToPath(new URL('.', import.meta.url));
const log = pino({ level: 'silent' });

const port = await new Promise((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const redisDir = mkdtempSync(join(tmpdir(), 'airlock-bench-redis-'));
const redis = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--save', ''],
  { stdio: 'ignore' },
);
await new Promise((r) => setTimeout(r, 500));
const redisUrl = `redis://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'airlock-bench-data-'));
const api = await startApi({ ...apiConfigFromEnv({}), port: 0, redisUrl, dataDir, adminToken: 'bench', rateLimitPerMinute: 0 }, log);
const created = await (
  await fetch(`${api.url}/v1/admin/organizations`, {
    method: 'POST',
    headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
    body: '{"name":"bench"}',
  })
).json();
const auth = { authorization: `Bearer ${created.apiKey}` };

// 1. Cached verdict lookups.
const verdict = { verdict: 'benign', score: 0, reasons: [] };
await api.context.store.verdicts.recordRun(
  {
    ecosystem: 'npm',
    name: 'left-pad',
    version: '1.3.0',
    archiveSha256: 'a'.repeat(64),
    reportId: 'r',
    analyzedAt: new Date().toISOString(),
    verdict,
    phases: [],
  },
  { requestedBy: [], forced: false },
);
// The load comes from a separate process, so client and server do not share one event loop.
const client = `
  const until = Date.now() + ${seconds} * 1000; let done = 0;
  await Promise.all(Array.from({ length: ${concurrency} }, async () => {
    while (Date.now() < until) {
      const res = await fetch(process.env.URL, { headers: { authorization: process.env.AUTH } });
      if (res.status !== 200) throw new Error('lookup answered ' + res.status);
      await res.arrayBuffer(); done++;
    }
  }));
  console.log(done);`;
const child = spawn(process.execPath, ['--input-type=module', '-e', client], {
  env: { ...process.env, URL: `${api.url}/v1/verdicts/npm/left-pad/1.3.0`, AUTH: auth.authorization },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.on('data', (c) => (out += c));
await new Promise((r) => child.once('exit', r));
const done = Number(out.trim());
console.log(
  `verdict lookups: ${Math.round(done / seconds)} req/s (${done} in ${seconds} s, ${concurrency} concurrent requests from a separate process, one api process)`,
);

// 2. One small upload end to end through the queue and one worker.
// Only the worker settings a bench varies come from the environment.
const workerEnv = Object.fromEntries(
  ['AIRLOCK_WORKER_CONCURRENCY', 'AIRLOCK_WARM_POOL'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]),
);
const workerConfig = { ...workerConfigFromEnv(workerEnv), redisUrl, dataDir };
const worker = await startWorker(workerConfig, log);
const chunks = [];
for await (const c of tar.c({ gzip: true, cwd: resolve(here, '../fixtures/npm/benign-no-scripts'), prefix: 'package', portable: true }, [
  '.',
]))
  chunks.push(c);
const t0 = Date.now();
const submitted = await (
  await fetch(`${api.url}/v1/analyses?filename=bench-1.0.0.tgz`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    body: Buffer.concat(chunks),
  })
).json();
let a;
for (;;) {
  a = await (await fetch(`${api.url}/v1/analyses/${submitted.id}`, { headers: auth })).json();
  if (['completed', 'failed', 'cancelled'].includes(a.status)) break;
  await new Promise((r) => setTimeout(r, 100));
}
console.log(
  `submission end to end: ${((Date.now() - t0) / 1000).toFixed(2)} s (${a.status}, ${a.verdict?.verdict}; sandbox phases ${a.phases.map((p) => `${p.name} ${p.durationMs} ms`).join(', ')})`,
);

// 3. A 1,000-package inventory whose verdicts are all known: through the api, Redis and the worker's
// expansion, nothing run. Timed from the upload to the inventory's completion.
const known = 1000;
for (let i = 0; i < known; i++) {
  await api.context.store.verdicts.recordRun(
    {
      ecosystem: 'pypi',
      name: `bench-known-${i}`,
      version: '1.0.0',
      archiveSha256: 'b'.repeat(64),
      reportId: `r${i}`,
      analyzedAt: new Date().toISOString(),
      verdict,
      phases: [],
    },
    { requestedBy: [], forced: false },
  );
}
const lockfile = Array.from({ length: known }, (_, i) => `bench-known-${i}==1.0.0`).join('\n');
const t1 = Date.now();
const inventory = await (
  await fetch(`${api.url}/v1/inventories?filename=requirements.txt`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/plain' },
    body: lockfile,
  })
).json();
let inv;
for (;;) {
  inv = await (await fetch(`${api.url}/v1/inventories/${inventory.id}`, { headers: auth })).json();
  if (['completed', 'failed'].includes(inv.status)) break;
  await new Promise((r) => setTimeout(r, 50));
}
console.log(
  `inventory of ${known} packages, every verdict known: ${((Date.now() - t1) / 1000).toFixed(2)} s to ${inv.status}${inv.error ? ` (${inv.error})` : ''}`,
);

// 4. Throughput (AIRLOCK_BENCH_THROUGHPUT=N): N distinct small uploads submitted at once, one worker with
// its default concurrency and warm pool (AIRLOCK_WORKER_CONCURRENCY, AIRLOCK_WARM_POOL): packages a minute.
const many = Number(process.env.AIRLOCK_BENCH_THROUGHPUT ?? 0);
const packageDirs = [];
if (many > 0) {
  const bodies = [];
  for (let i = 0; i < many; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-pkg-'));
    packageDirs.push(dir);
    writeFileSync(
      join(dir, 'package.json'),
      // A random suffix, not Date.now(): a 13-digit epoch in the code is a date check to the time view's trigger.
      JSON.stringify({ name: `bench-throughput-${i}-${randomBytes(4).toString('hex')}`, version: '1.0.0', main: 'index.js' }),
    );
    writeFileSync(join(dir, 'index.js'), `module.exports = { n: ${i} };\n`);
    const parts = [];
    for await (const c of tar.c({ gzip: true, cwd: dir, prefix: 'package', portable: true }, ['.'])) parts.push(c);
    bodies.push(Buffer.concat(parts));
  }
  const cpu0 = cpuSeconds();
  const t2 = Date.now();
  const ids = await Promise.all(
    bodies.map(async (body, i) => {
      const res = await fetch(`${api.url}/v1/analyses?filename=bench-throughput-${i}-1.0.0.tgz`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body,
      });
      return (await res.json()).id;
    }),
  );
  const finished = [];
  for (const id of ids) {
    for (;;) {
      const v = await (await fetch(`${api.url}/v1/analyses/${id}`, { headers: auth })).json();
      if (['completed', 'failed', 'cancelled'].includes(v.status)) {
        finished.push(v);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const minutes = (Date.now() - t2) / 60_000;
  const cpu1 = cpuSeconds();
  const w = workerConfig;
  const verdicts = finished.map((v) => v.verdict?.verdict ?? v.status);
  console.log(
    `throughput: ${many} small uploads in ${(minutes * 60).toFixed(1)} s = ${(many / minutes).toFixed(1)} packages/min ` +
      `(worker concurrency ${w.concurrency}, warm pool ${w.warmPool}; verdicts: ${[...new Set(verdicts)].join(', ')})`,
  );
  // Where the time of a queued analysis goes: waiting for a slot, the run as the worker saw it (start to
  // finish), and inside that the pipeline's own total and the views the planner made.
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = (a, b) => Date.parse(b) - Date.parse(a);
  const rows = [];
  for (const v of finished) {
    const report = await (await fetch(`${api.url}/v1/analyses/${v.id}/report`, { headers: auth })).json().catch(() => null);
    rows.push({
      wait: ms(v.submittedAt, v.startedAt),
      run: ms(v.startedAt, v.finishedAt),
      pipeline: report?.timings?.totalMs ?? NaN,
      views: (report?.views ?? []).map((x) => x.view).join('+') || 'developer',
      start: Date.parse(v.startedAt) - t2,
      end: Date.parse(v.finishedAt) - t2,
    });
  }
  const views = Object.entries(rows.reduce((n, r) => ({ ...n, [r.views]: (n[r.views] ?? 0) + 1 }), {}));
  console.log(
    `  per analysis (median): waited ${median(rows.map((r) => r.wait))} ms for a slot, ran ${median(rows.map((r) => r.run))} ms ` +
      `(pipeline ${median(rows.map((r) => r.pipeline))} ms); views ${views.map(([k, n]) => `${k} x${n}`).join(', ')}`,
  );
  if (cpu0 && cpu1) {
    const per = (k) => ((cpu1[k] - cpu0[k]) / many).toFixed(2);
    console.log(
      `  CPU-seconds per analysis: ${per('all')} on the machine, of which ${per('containers')} in containers (gVisor sandboxes and their ` +
        `kernels, fake internets), ${per('self')} in this process (api, worker, record parsers), the rest the engine and others`,
    );
  }
  console.log(
    `  timeline (s from submission, start-end): ${rows
      .sort((a, b) => a.start - b.start)
      .map((r) => `${(r.start / 1000).toFixed(1)}-${(r.end / 1000).toFixed(1)}`)
      .join(' ')}`,
  );
}

/** CPU time so far (cgroup v1 cpuacct, as on this machine): the machine's, Docker's containers', this process's; null elsewhere. */
function cpuSeconds() {
  try {
    const read = (f) => Number(readFileSync(`/sys/fs/cgroup/cpuacct/${f}`, 'utf8')) / 1e9;
    const own = process.cpuUsage();
    return { all: read('cpuacct.usage'), containers: read('docker/cpuacct.usage'), self: (own.user + own.system) / 1e6 };
  } catch {
    return null;
  }
}

await worker.close();
await api.close();
redis.kill('SIGTERM');
// The bench's own folders (Redis, the store with every run's records: about 5 MB per analysis) and packages.
if (redis.exitCode === null) await new Promise((r) => redis.once('exit', r));
for (const dir of [redisDir, dataDir, ...packageDirs]) rmSync(dir, { recursive: true, force: true });
