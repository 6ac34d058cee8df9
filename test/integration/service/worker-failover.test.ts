/**
 * Failure of the parts around a run: a worker process killed with SIGKILL mid-analysis (another worker
 * takes the job over once its lock expires and completes it; the dead worker's containers are reaped),
 * and a Redis restart (AOF) that loses no verdict while the API keeps answering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker } from '@airlock/sandbox';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, startTestApi, waitFor } from '../../support/service.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let org: { id: string; apiKey: string };
const workers: ChildProcess[] = [];

/** The built worker binary as a separate process, as production runs it (`npm test` builds first). */
function spawnWorker(name: string): ChildProcess {
  const child = spawn(process.execPath, ['apps/worker/dist/main.js'], {
    env: {
      ...process.env,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_DATA_DIR: api.context.config.dataDir,
      AIRLOCK_LOCK_DURATION_MS: '5000',
      AIRLOCK_STALLED_INTERVAL_MS: '2000',
      AIRLOCK_INSTALL_TIMEOUT_MS: '15000',
      AIRLOCK_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.once(
    'exit',
    (code, signal) =>
      void (code !== 0 && signal !== 'SIGKILL' && signal !== 'SIGTERM' && console.error(`${name} exited ${code} ${signal}`)),
  );
  workers.push(child);
  return child;
}

const get = async (path: string) =>
  (await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${org.apiKey}` } })).json() as Promise<Record<string, unknown>>;

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url);
  org = await createOrg(api, 'failover');
});

afterAll(async () => {
  for (const w of workers.filter((w) => w.exitCode === null && w.signalCode === null)) {
    const exited = new Promise((r) => w.once('exit', r));
    w.kill('SIGTERM');
    const timer = setTimeout(() => w.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  await api?.close();
  await redis?.stop();
});

describe('worker and Redis failures', () => {
  it('completes an analysis on a second worker after the first is SIGKILLed mid-run', async () => {
    const first = spawnWorker('worker-1');
    const tgz = await packFixture('test/fixtures/npm/infinite-loop');
    const res = await fetch(`${api.url}/v1/analyses?filename=loop-1.0.0.tgz`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(tgz),
    });
    const { id } = (await res.json()) as { id: string };
    await waitFor('the first worker to start the run', async () => (await get(`/v1/analyses/${id}`)).status === 'running', 60_000);
    const docker = connectDocker();
    const owned = { label: [`airlock.owner=${hostname()}:${first.pid}`] };
    await waitFor('its sandbox containers', async () => (await docker.listContainers({ filters: owned })).length > 0, 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    spawnWorker('worker-2');
    const done = await waitFor(
      'the second worker to complete it',
      async () => {
        const a = await get(`/v1/analyses/${id}`);
        return a.status === 'completed' || a.status === 'failed' ? a : null;
      },
      240_000,
      1000,
    );
    expect(done.status).toBe('completed');
    expect((done.verdict as { verdict: string }).verdict).toMatch(/benign|suspicious|malicious|inconclusive/); // an endless install is a phase timeout: inconclusive since 149554b
    // The killed worker's containers are gone too (a dead pid on this host, or a worker heartbeat gone).
    expect(await docker.listContainers({ all: true, filters: owned })).toHaveLength(0);
  });

  it('keeps every verdict across a Redis restart and answers again once it is back', async () => {
    // The upload's analysis (an upload's verdict is its organization's, read through its analysis).
    const id = (await api.context.store.analyses.list(org.id, 1))[0]!.id;
    const before = await get(`/v1/analyses/${id}`);
    expect(before.verdict).toEqual(expect.objectContaining({ verdict: expect.any(String) }));
    await redis.restart();
    const after = await waitFor(
      'the API to answer again',
      async () => {
        const res = await fetch(`${api.url}/v1/analyses/${id}`, {
          headers: { authorization: `Bearer ${org.apiKey}` },
        });
        return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : null;
      },
      30_000,
      500,
    );
    expect(after).toEqual(before);
    const report = await fetch(`${api.url}/v1/analyses/${(await api.context.store.analyses.list(org.id, 1))[0]!.id}/report`, {
      headers: { authorization: `Bearer ${org.apiKey}` },
    });
    expect(report.status).toBe(200);
  });
});
