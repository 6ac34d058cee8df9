// The compose fault drill (issue 14): the real stack of this checkout (docker-compose.yml: Redis with its
// password, the api, one worker driving this host's engine), two organizations, uploads of small local
// packages and an inventory; the worker container SIGKILLed twice mid-run and Redis restarted once. Then,
// once every analysis has drained: each one `completed` (any verdict) or `failed` with a reason, none
// `queued`/`running`, no sandbox container of the drill's workers left, each organization's list exactly
// its own analyses. Prints the numbers, and with --json one JSON line (the CI test reads it).
// Usage: node test/bench/fault-drill.mjs [--ci] [--json] [--runtime gvisor|runc]
//   full: 56 uploads + a 4-package inventory (60 analyses); --ci: 8 uploads + a 2-package inventory.
// Needs `npm run setup` (the build, the images, .env with the Redis password and the docker.sock gid).
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tar from 'tar';

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const args = process.argv.slice(2);
const ci = args.includes('--ci');
const asJson = args.includes('--json');
const runtime = args.includes('--runtime') ? args[args.indexOf('--runtime') + 1] : 'gvisor';
const UPLOADS = ci ? 8 : 56;
/** Tiny registry packages without dependencies (the worker fetches them from the npm registry). */
const INVENTORY = [
  ['left-pad', '1.3.0'],
  ['is-number', '7.0.0'],
  ['isarray', '2.0.5'],
  ['ms', '2.1.3'],
].slice(0, ci ? 2 : 4);
/** Uploads both organizations make of the same archive: one shared run, two analyses, each org sees its own. */
const SHARED_UPLOADS = ci ? 1 : 4;
const DRAIN_TIMEOUT_MS = (ci ? 12 : 45) * 60_000;
const project = `airlock-drill-${randomBytes(3).toString('hex')}`;
const say = (...m) =>
  void (asJson ? process.stderr : process.stdout).write(`[drill ${new Date().toISOString().slice(11, 19)}] ${m.join(' ')}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const composeCmd = await run('docker-compose', ['version', '--short']).then(
  () => ['docker-compose'],
  () => ['docker', 'compose'],
);
const port = await new Promise((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const adminToken = randomBytes(16).toString('hex');
const env = {
  ...process.env,
  COMPOSE_PROJECT_NAME: project,
  AIRLOCK_API_PORT: String(port),
  AIRLOCK_ADMIN_TOKEN: adminToken,
  AIRLOCK_RUNTIME: runtime,
  AIRLOCK_WORKER_CONCURRENCY: '2',
  // This checkout's service image under its own tag: another checkout's compose keeps its `latest`.
  AIRLOCK_SERVICE_IMAGE: `airlock/service:drill-${createHash('sha256')
    .update(readFileSync(join(root, 'sandbox-images/service/Dockerfile')))
    .digest('hex')
    .slice(0, 12)}`,
};
// Drill-only settings: a sweep every 10 s (runs older than 20 s), shorter job locks, no retry dwell of
// inconclusive runs; the rest is the production compose file as is.
const overrideDir = mkdtempSync(join(tmpdir(), 'airlock-drill-'));
const override = join(overrideDir, 'drill.override.yml');
writeFileSync(
  override,
  [
    'version: "3"',
    'services:',
    '  worker:',
    '    environment:',
    '      AIRLOCK_RECONCILE_INTERVAL_MS: "10000"',
    '      AIRLOCK_RECONCILE_GRACE_MS: "20000"',
    '      AIRLOCK_LOCK_DURATION_MS: "15000"',
    '      AIRLOCK_STALLED_INTERVAL_MS: "10000"',
    '      AIRLOCK_RETRY_DWELL_MS: "0"',
    '      AIRLOCK_LOG_LEVEL: "warn"',
    '',
  ].join('\n'),
);
const compose = (...a) =>
  run(composeCmd[0], [...composeCmd.slice(1), '-f', join(root, 'docker-compose.yml'), '-f', override, ...a], {
    cwd: root,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
const containerOf = async (service) => (await compose('ps', '-q', service)).stdout.trim();
const api = `http://127.0.0.1:${port}`;
const call = async (method, path, key, body, headers = {}) => {
  const res = await fetch(`${api}${path}`, {
    method,
    signal: AbortSignal.timeout(30_000),
    headers: { authorization: `Bearer ${key}`, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

/** A fixture with its name and version changed, packed as `npm pack` would (one distinct archive each). */
async function packDistinct(fixture, name, version) {
  const dir = mkdtempSync(join(overrideDir, 'pkg-'));
  mkdirSync(join(dir, 'package'));
  const manifest = JSON.parse(readFileSync(join(root, 'test/fixtures/npm', fixture, 'package.json'), 'utf8'));
  writeFileSync(join(dir, 'package', 'package.json'), JSON.stringify({ ...manifest, name, version }));
  writeFileSync(join(dir, 'package', 'index.js'), readFileSync(join(root, 'test/fixtures/npm', fixture, 'index.js')));
  const chunks = [];
  for await (const chunk of tar.c({ gzip: true, cwd: dir, portable: true }, ['package'])) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// A fetch waiting on a connection keeps no handle of its own: without this the process could end mid-await.
const keepAlive = setInterval(() => undefined, 60_000);
const started = Date.now();
const result = { project, mode: ci ? 'ci' : 'full', runtime, submissions: 0, faults: [], errors: [] };
const workerIds = new Set();
/** Set once the workers are known: the drill's sandbox containers, for the check after `compose down`. */
let drillContainersAfterDown = null;
try {
  say(`compose project ${project}, api on ${api}, runtime ${runtime}`);
  if (runtime === 'gvisor') {
    // The non-root worker reads and deletes the records through the group bits scripts/install-gvisor.sh sets.
    const mode = (await stat(process.env.AIRLOCK_GVISOR_LOGS || '/var/lib/airlock/gvisor-logs')).mode;
    if ((mode & 0o070) !== 0o070)
      throw new Error('the gVisor log root is not group-writable: run scripts/install-gvisor.sh (npm run setup)');
  }
  await compose('up', '-d', '--build');
  say('stack up');
  await waitFor(
    'the api',
    async () => (await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(5000) }).catch(() => null))?.ok,
    120_000,
  );

  say('api ready');
  const orgs = [];
  for (const name of ['drill-a', 'drill-b']) {
    const res = await fetch(`${api}/v1/admin/organizations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${await res.text()}`);
    const body = await res.json();
    orgs.push({ name, id: body.organization.id, key: body.apiKey, analyses: new Set(), inventory: null });
  }

  // Submissions, interleaved between the organizations; the inventory first (its runs queue behind uploads).
  const lockfile = {
    name: 'drill',
    lockfileVersion: 3,
    requires: true,
    packages: Object.fromEntries([
      ['', { name: 'drill', version: '1.0.0' }],
      ...INVENTORY.map(([n, v]) => [`node_modules/${n}`, { version: v, resolved: `https://registry.npmjs.org/${n}/-/${n}-${v}.tgz` }]),
    ]),
  };
  const inv = await call('POST', '/v1/inventories?filename=package-lock.json', orgs[0].key, JSON.stringify(lockfile), {
    'content-type': 'application/octet-stream',
  });
  if (inv.status !== 202 && inv.status !== 201) throw new Error(`inventory: ${inv.status} ${JSON.stringify(inv.body)}`);
  orgs[0].inventory = inv.body.id;
  const fixtures = ['benign-no-scripts', 'postinstall-shell-write'];
  const shared = [];
  for (let i = 0; i < SHARED_UPLOADS; i++) shared.push(await packDistinct(fixtures[i % 2], `drill-shared-${i}`, '1.0.0'));
  for (let i = 0; i < UPLOADS; i++) {
    const org = orgs[i % 2];
    const sharedIndex = Math.floor(i / 2);
    const tgz =
      sharedIndex < SHARED_UPLOADS ? shared[sharedIndex] : await packDistinct(fixtures[i % 2], `drill-${org.name}-${i}`, `1.0.${i}`);
    const res = await call('POST', `/v1/analyses?filename=drill-${i}.tgz`, org.key, tgz, { 'content-type': 'application/octet-stream' });
    if (res.status !== 202 && res.status !== 200) throw new Error(`upload ${i}: ${res.status} ${JSON.stringify(res.body)}`);
    org.analyses.add(res.body.id);
  }
  // The inventory's analyses are its organization's too.
  const expanded = await waitFor(
    'the inventory expansion',
    async () => {
      const got = await call('GET', `/v1/inventories/${orgs[0].inventory}`, orgs[0].key);
      const ids = (got.body?.packages ?? []).map((p) => p.analysisId).filter(Boolean);
      return ids.length === INVENTORY.length ? ids : null;
    },
    180_000,
  );
  for (const id of expanded) orgs[0].analyses.add(id);
  result.submissions = orgs.reduce((n, o) => n + o.analyses.size, 0);
  say(
    `${result.submissions} analyses submitted (${UPLOADS} uploads, ${SHARED_UPLOADS} archives in both orgs, inventory of ${INVENTORY.length})`,
  );

  const statuses = async () => {
    const all = [];
    for (const org of orgs) for (const id of org.analyses) all.push((await call('GET', `/v1/analyses/${id}`, org.key)).body);
    return all;
  };
  const count = (all, status) => all.filter((a) => a?.status === status).length;
  const rememberWorker = async () => {
    const id = await containerOf('worker');
    if (id) workerIds.add(id);
  };
  await rememberWorker();
  // The drill's sandbox containers as they come and go: afterwards none may be left, nor its gVisor log folder.
  const sandboxIds = new Set();
  drillContainersAfterDown = (includePool) => drillContainers(includePool);
  // A live worker keeps a warm pool of made, unstarted pairs (`airlock.analysis=pool-…`): not an analysis's.
  const drillContainers = async (includePool = false) => {
    // Worker ids are wrk-<service id>-<hostname>-...; the hostname is the worker container's short id.
    const hosts = [...workerIds].map((id) => `-${id.slice(0, 12)}-`);
    const out = (
      await run('docker', [
        'ps',
        '-a',
        '--no-trunc',
        '--filter',
        'label=airlock.sandbox',
        '--format',
        '{{.ID}} {{.Label "airlock.worker"}} {{.Label "airlock.analysis"}}',
      ])
    ).stdout;
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .filter(([, worker]) => hosts.some((h) => (worker ?? '').includes(h)))
      .filter(([, , analysis]) => includePool || !(analysis ?? '').startsWith('pool-'))
      .map(([id]) => id);
  };
  // Every container the drill's workers made, pool pairs included (a claimed pair keeps its pool label): the
  // gVisor folder check covers them all; containersLeftAfterDown catches any pair left at the end.
  const watcher = setInterval(() => {
    drillContainers(true).then(
      (ids) => ids.forEach((id) => sandboxIds.add(id)),
      () => undefined,
    );
  }, 2000);
  // Faults, each while a sandbox run is in progress: kill at a quarter done, Redis at half, kill at 70%.
  const plan = [
    { kind: 'kill-worker', at: 0.25 },
    { kind: 'restart-redis', at: 0.5 },
    { kind: 'kill-worker', at: 0.7 },
  ];
  for (const fault of plan) {
    await waitFor(
      `${Math.round(fault.at * 100)}% done with a run in progress`,
      async () => {
        const all = await statuses();
        const done = count(all, 'completed') + count(all, 'failed');
        return done >= fault.at * result.submissions && count(all, 'running') > 0;
      },
      DRAIN_TIMEOUT_MS,
      1000,
    );
    const at = Date.now();
    if (fault.kind === 'kill-worker') {
      const worker = await containerOf('worker');
      await run('docker', ['kill', '-s', 'KILL', worker]);
      // The restart policy brings it back; started by hand if the engine did not.
      await sleep(5000);
      const state = (await run('docker', ['inspect', '-f', '{{.State.Running}}', worker])).stdout.trim();
      if (state !== 'true') await run('docker', ['start', worker]);
    } else {
      await run('docker', ['restart', await containerOf('redis')]);
    }
    await rememberWorker();
    result.faults.push({ kind: fault.kind, atSeconds: Math.round((at - started) / 1000) });
    say(`fault: ${fault.kind}`);
  }
  const lastFault = Date.now();

  const final = await waitFor(
    'every analysis to finish',
    async () => {
      const all = await statuses();
      const inventory = await call('GET', `/v1/inventories/${orgs[0].inventory}`, orgs[0].key);
      return count(all, 'queued') + count(all, 'running') === 0 && inventory.body?.status === 'completed' ? all : null;
    },
    DRAIN_TIMEOUT_MS,
    2000,
  );
  result.drainSeconds = Math.round((Date.now() - started) / 1000);
  result.drainAfterLastFaultSeconds = Math.round((Date.now() - lastFault) / 1000);
  result.completed = count(final, 'completed');
  result.failed = count(final, 'failed');
  result.failedWithoutReason = final.filter((a) => a?.status === 'failed' && !a.error).length;
  result.failures = final.filter((a) => a?.status === 'failed').map((a) => a.error);
  result.byVerdict = {};
  for (const a of final) if (a?.verdict) result.byVerdict[a.verdict.verdict] = (result.byVerdict[a.verdict.verdict] ?? 0) + 1;
  // Lost: an analysis that is gone, or neither completed nor failed with a reason.
  result.lost = final.filter((a) => !a || !(a.status === 'completed' || (a.status === 'failed' && a.error))).length;

  // Each organization's list is exactly its own analyses; another's id answers 404.
  result.isolation = [];
  for (const [i, org] of orgs.entries()) {
    const listed = new Set();
    for (let before; ;) {
      const page = await call('GET', `/v1/analyses?limit=200${before ? `&before=${before}` : ''}`, org.key);
      for (const a of page.body.analyses) listed.add(a.id);
      if (!page.body.next) break;
      before = page.body.next;
    }
    const other = orgs[1 - i];
    const foreign = [...listed].filter((id) => other.analyses.has(id)).length;
    const missing = [...org.analyses].filter((id) => !listed.has(id)).length;
    const extra = [...listed].filter((id) => !org.analyses.has(id)).length;
    const probe = (await call('GET', `/v1/analyses/${[...other.analyses][0]}`, org.key)).status;
    const invProbe = i === 1 ? (await call('GET', `/v1/inventories/${orgs[0].inventory}`, org.key)).status : 404;
    result.isolation.push({
      org: org.name,
      listed: listed.size,
      foreign,
      missing,
      extra,
      otherAnalysisStatus: probe,
      otherInventoryStatus: invProbe,
    });
  }

  // No sandbox container of the drill's workers left (the worker id starts with its container's hostname):
  // a run that finished removes its containers at once; a killed worker's are reaped by the next sweep.
  clearInterval(watcher);
  let left = await drillContainers();
  for (let i = 0; i < 12 && left.length > 0; i++) {
    await sleep(5000);
    left = await drillContainers();
  }
  result.containersLeft = left.length;
  result.sandboxContainersSeen = sandboxIds.size;
  // The non-root worker read the gVisor records (the reports' tracer) and deleted their folders.
  const logRoot = process.env.AIRLOCK_GVISOR_LOGS || '/var/lib/airlock/gvisor-logs';
  const foldersLeft = async () => {
    const folders = new Set(await readdir(logRoot).catch(() => []));
    return [...sandboxIds].filter((id) => folders.has(id)).length;
  };
  // A folder whose container went before it (a worker killed in between) goes at a live worker's next sweep.
  result.gvisorLogFoldersLeft = await foldersLeft();
  for (let i = 0; i < 6 && result.gvisorLogFoldersLeft > 0; i++) {
    await sleep(5000);
    result.gvisorLogFoldersLeft = await foldersLeft();
  }
  const sample = final.find((a) => a?.status === 'completed');
  const owner = orgs.find((o) => o.analyses.has(sample?.id));
  const report = sample && owner ? (await call('GET', `/v1/analyses/${sample.id}/report`, owner.key)).body : null;
  result.tracer = report?.sandbox?.tracer ?? null;
} catch (err) {
  result.errors.push(err.message);
  say(`error: ${err.message}`);
  const logs = await compose('logs', '--tail', '60', 'worker').catch(() => ({ stdout: '' }));
  process.stderr.write(logs.stdout);
} finally {
  await compose('down', '-v', '--remove-orphans', '--timeout', '20').catch((err) => result.errors.push(`down: ${err.message}`));
  rmSync(overrideDir, { recursive: true, force: true });
  // The last worker drains its warm pool when stopped; a killed one's pairs were reaped by the live worker.
  if (drillContainersAfterDown) {
    let after = await drillContainersAfterDown(true).catch(() => []);
    for (let i = 0; i < 6 && after.length > 0; i++) {
      await sleep(5000);
      after = await drillContainersAfterDown(true).catch(() => []);
    }
    result.containersLeftAfterDown = after.length;
    if (after.length > 0) await run('docker', ['rm', '-f', ...after]).catch(() => undefined);
  }
}

const ok =
  result.errors.length === 0 &&
  result.lost === 0 &&
  result.failedWithoutReason === 0 &&
  result.containersLeft === 0 &&
  (result.containersLeftAfterDown ?? 0) === 0 &&
  (runtime !== 'gvisor' || (result.tracer === 'gvisor-sentry' && result.gvisorLogFoldersLeft === 0)) &&
  result.isolation.every(
    (o) => o.foreign === 0 && o.missing === 0 && o.extra === 0 && o.otherAnalysisStatus === 404 && o.otherInventoryStatus === 404,
  );
result.ok = ok;
if (asJson) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  say(`submissions ${result.submissions} (2 organizations, uploads and an inventory), runtime ${runtime}`);
  say(`faults ${result.faults.map((f) => `${f.kind}@${f.atSeconds}s`).join(', ')}`);
  say(`time to drain ${result.drainSeconds} s from the first submission (${result.drainAfterLastFaultSeconds} s after the last fault)`);
  say(
    `completed ${result.completed} ${JSON.stringify(result.byVerdict)}, failed ${result.failed} (all with a reason: ${result.failedWithoutReason === 0})`,
  );
  for (const reason of new Set(result.failures)) say(`  failed: ${reason}`);
  say(
    `sandbox containers seen ${result.sandboxContainersSeen}, left ${result.containersLeft} (${result.containersLeftAfterDown ?? '?'} after down, warm pools included); gVisor log folders left ${result.gvisorLogFoldersLeft}; tracer ${result.tracer}`,
  );
  say(`analyses lost ${result.lost}; isolation ${JSON.stringify(result.isolation)}`);
  say(ok ? 'OK' : `FAILED ${result.errors.join('; ')}`);
}
clearInterval(keepAlive);
process.exit(ok ? 0 : 1);

async function waitFor(what, probe, timeoutMs, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.race([probe(), sleep(60_000).then(() => null)]).catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
