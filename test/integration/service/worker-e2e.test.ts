/**
 * The service end to end with real parts: a private Redis, the API, an in-process worker driving the
 * real Docker engine, and a real webhook receiver on loopback. Uploads, verdicts, cached answers,
 * signed webhooks with retries and give-up, inventories with integrity checks, and cancellation.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '@airlock/webhooks';
import { connectDocker } from '@airlock/sandbox';
import { startWorker, workerConfigFromEnv, type RunningWorker } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, quietLog, startTestApi, waitFor } from '../../support/service.js';
import { startReceiver, type Receiver } from '../../../packages/webhooks/test/receiver.js';
import { startIndexServer, type IndexServer } from '../../fixtures/pypi/index-server.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: RunningWorker;
let receiver: Receiver;
let org: { id: string; apiKey: string };
let other: { id: string; apiKey: string };
let secret: string;
let flaky = 0;
let index: IndexServer;
/** Real PyPI malware, served over loopback to the worker and run only inside the sandbox. */
const PYPI_SAMPLE = '../shared/corpus/pypi-malicious/hello_wordl-0.2.0.tar.gz';

const call = async <T = Record<string, unknown>>(path: string, init: RequestInit = {}, key = org.apiKey) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  const res = await fetch(`${api.url}${path}`, { ...init, headers });
  return {
    status: res.status,
    body: (res.headers.get('content-type')?.includes('application/json') ? await res.json() : await res.text()) as T,
  };
};
const upload = (fixture: string, key = org.apiKey, folder = 'npm') =>
  packFixture(`test/fixtures/${folder}/${fixture}`).then((tgz) =>
    call<{ id: string; status: string; cached: boolean }>(
      `/v1/analyses?filename=${fixture}-1.0.0.tgz`,
      { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(tgz) },
      key,
    ),
  );
const analysis = (id: string) =>
  call<{
    status: string;
    verdict: {
      verdict: string;
      reasons: { rule: string }[];
      notObserved: { kind: string; hidesBehaviour: boolean }[];
    } | null;
    error: string | null;
    phases: { name: string }[];
    links: Record<string, string>;
  }>(`/v1/analyses/${id}`);
const finished = (id: string) =>
  waitFor(
    `analysis ${id}`,
    async () => {
      const { body } = await analysis(id);
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : null;
    },
    240_000,
    500,
  );

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { webhookAllowPrivate: true });
  index = await startIndexServer({
    hello_wordl: { '0.2.0': [{ filename: 'hello_wordl-0.2.0.tar.gz', bytes: readFileSync(PYPI_SAMPLE) }] },
  });
  worker = await startWorker(
    {
      ...workerConfigFromEnv({}),
      redisUrl: redis.url,
      dataDir: api.context.config.dataDir,
      pypiIndex: index.url,
      webhookAllowPrivate: true,
      webhookBaseDelayMs: 50,
      installTimeoutMs: 60_000,
      importTimeoutMs: 20_000,
      // No retry of inconclusive runs here (fail-closed.test.ts covers it): it would add a 60 s dwell.
      retryDwellMs: 0,
    },
    quietLog,
  );
  receiver = await startReceiver((hit, res) => {
    if (hit.path === '/flaky' && flaky++ === 0) return void res.writeHead(500).end('try again');
    res.writeHead(hit.path === '/down' ? 503 : 204).end();
  });
  org = await createOrg(api, 'e2e');
  other = await createOrg(api, 'other');
  const hook = await call<{ secret: string }>('/v1/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url('/hook'), events: ['analysis.verdict', 'inventory.completed'] }),
  });
  expect(hook.status).toBe(201);
  secret = hook.body.secret;
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await receiver?.close();
  await index?.close();
  await redis?.stop();
});

describe('analyses through the queue and the sandbox', () => {
  it('runs an upload to a benign verdict with report, artifacts and a signed webhook; the second submission is cached', async () => {
    const submitted = await upload('benign-no-scripts');
    expect(submitted.status).toBe(202);
    const done = await finished(submitted.body.id);
    expect(done.status).toBe('completed');
    expect(done.verdict?.verdict).toBe('benign');
    expect(done.phases.map((p) => p.name)).toEqual(expect.arrayContaining(['install', 'import']));

    const report = await call<{ id: string; package: { name: string } }>(done.links.report!);
    expect(report.body.package.name).toBe('airlock-fixture-benign');
    const trace = await call<string>(done.links.trace!);
    expect(trace.status).toBe(200);
    expect(trace.body).toMatch(/ X execve\(/); // the gVisor Sentry's record, read on the host
    expect((await call(`/v1/analyses/${submitted.body.id}/artifacts/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);

    const hit = await waitFor('the verdict webhook', async () =>
      receiver.hits.find((h) => h.path === '/hook' && h.body.includes(submitted.body.id)),
    );
    verifyWebhook(secret, hit.headers, hit.body);
    expect(() => verifyWebhook(secret, hit.headers as Record<string, string>, hit.body.replace('benign', 'malicious'))).toThrow();
    expect(JSON.parse(hit.body)).toMatchObject({
      type: 'analysis.verdict',
      data: { analysis: { id: submitted.body.id, verdict: { verdict: 'benign' } } },
    });

    const again = await upload('benign-no-scripts');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'completed', cached: true });
  });

  it('finds the honeytoken stealer malicious; an upload verdict stays with its analysis, never a registry verdict', async () => {
    const submitted = await upload('honeytoken-stealer');
    const done = await finished(submitted.body.id);
    expect(done.verdict?.verdict).toBe('malicious');
    expect(done.verdict?.reasons.map((r) => r.rule)).toContain('honeytoken-exfiltration');
    // An upload is keyed by its archive's sha256: the registry lookup of its name answers for no one.
    expect((await call('/v1/verdicts/npm/airlock-fixture-honeytoken-stealer/1.0.0')).status).toBe(404);
    expect((await call('/v1/verdicts/npm/airlock-fixture-honeytoken-stealer/1.0.0', {}, other.apiKey)).status).toBe(404);
    expect((await call(`/v1/analyses/${submitted.body.id}`, {}, other.apiKey)).status).toBe(404);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/airlock_analysis_runs_total\{verdict="malicious"\} [1-9]/);
  });

  it('calls a payload that outlives the install inconclusive everywhere: verdict, webhook, list by verdict, metrics; an operator reruns it', async () => {
    // An hour: past every dwell, the time view's (ten times faster) included.
    const submitted = await upload('steal-after-1h', org.apiKey, 'delayed');
    const done = await finished(submitted.body.id);
    expect(done.status).toBe('completed');
    expect(done.verdict?.verdict).toBe('inconclusive');
    expect(done.verdict?.notObserved).toContainEqual(expect.objectContaining({ kind: 'lingering-processes', hidesBehaviour: true }));
    const hit = await waitFor('the verdict webhook', async () =>
      receiver.hits.find((h) => h.path === '/hook' && h.body.includes(submitted.body.id)),
    );
    expect(JSON.parse(hit.body)).toMatchObject({
      data: {
        analysis: {
          verdict: { verdict: 'inconclusive', notObserved: expect.arrayContaining([expect.objectContaining({ hidesBehaviour: true })]) },
        },
      },
    });
    const listed = await call<{ analyses: { id: string }[] }>('/v1/analyses?verdict=inconclusive');
    expect(listed.body.analyses.map((a) => a.id)).toEqual([submitted.body.id]);
    expect((await call<{ analyses: unknown[] }>('/v1/analyses?verdict=inconclusive', {}, other.apiKey)).body.analyses).toEqual([]);
    expect((await call('/v1/analyses?verdict=clean')).status).toBe(400);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/airlock_analysis_runs_total\{verdict="inconclusive"\} 1/);
    expect(metrics).toMatch(/airlock_analysis_inconclusive_causes_total\{cause="lingering-processes"\} 1/);
    expect(metrics).toMatch(/airlock_queue_lag_seconds_count [1-9]/);

    const rerun = await call<{ id: string; status: string; cached: boolean }>(`/v1/analyses/${submitted.body.id}/rerun`, {
      method: 'POST',
    });
    expect(rerun.status).toBe(202);
    expect(rerun.body).toMatchObject({ cached: false });
    expect(rerun.body.id).not.toBe(submitted.body.id);
    expect((await call(`/v1/analyses/${submitted.body.id}/rerun`, { method: 'POST' }, other.apiKey)).status).toBe(404);
    expect((await finished(rerun.body.id)).verdict?.verdict).toBe('inconclusive');
  });

  it('cancels a running analysis and removes its sandbox containers', async () => {
    const submitted = await upload('infinite-loop');
    await waitFor('the run to start', async () => (await analysis(submitted.body.id)).body.status === 'running');
    const docker = connectDocker();
    const owned = { label: [`airlock.owner=${hostname()}:${process.pid}`] };
    // The run's containers: its started analysis container and the fake internet whose namespace it joined
    // (the worker's warm pool keeps other pairs of this process, made but not started: not the run's).
    const runContainers = async () =>
      (await docker.listContainers({ filters: owned }))
        .filter((c) => c.Image.includes('sandbox-npm'))
        .flatMap((c) => [c.Id, (c.HostConfig.NetworkMode ?? '').replace(/^container:/, '')]);
    let ids: string[] = [];
    await waitFor('the containers to come up', async () => (ids = await runContainers()).length > 0, 60_000, 500);
    const cancel = await call<{ status: string }>(`/v1/analyses/${submitted.body.id}/cancel`, { method: 'POST' });
    expect(cancel.body.status).toBe('cancelled');
    await waitFor(
      'the containers to go',
      async () => {
        const left = (await docker.listContainers({ all: true, filters: owned })).map((c) => c.Id);
        return worker.context.running.size === 0 && ids.every((id) => !left.includes(id));
      },
      60_000,
      500,
    );
    expect((await analysis(submitted.body.id)).body.status).toBe('cancelled');
  });
});

describe('webhook deliveries', () => {
  it('retries a 500 and then delivers; gives up on an endpoint that keeps failing and records every attempt', async () => {
    const flakyHook = await call<{ id: string }>('/v1/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url('/flaky'), events: ['analysis.verdict'] }),
    });
    const downHook = await call<{ id: string }>('/v1/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url('/down'), events: ['analysis.verdict'] }),
    });
    const submitted = await upload('postinstall-shell-write');
    await finished(submitted.body.id);
    type Deliveries = { deliveries: { status: string; attempts: { ok: boolean; status: number }[] }[] };
    const flakyLog = await waitFor(
      'the flaky delivery',
      async () => {
        const { body } = await call<Deliveries>(`/v1/webhooks/${flakyHook.body.id}/deliveries`);
        return body.deliveries[0]?.status === 'delivered' ? body.deliveries[0] : null;
      },
      30_000,
    );
    expect(flakyLog.attempts.map((a) => a.status)).toEqual([500, 204]);
    const downLog = await waitFor(
      'the failing delivery to give up',
      async () => {
        const { body } = await call<Deliveries>(`/v1/webhooks/${downHook.body.id}/deliveries`);
        return body.deliveries[0]?.status === 'failed' ? body.deliveries[0] : null;
      },
      60_000,
    );
    expect(downLog.attempts).toHaveLength(8);
    expect(downLog.attempts.every((a) => a.status === 503 && !a.ok)).toBe(true);
  });
});

describe('inventories', () => {
  it('expands a lockfile, reports an integrity mismatch against the registry, and announces completion', async () => {
    const wrong = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
    const lock = JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', dependencies: { 'left-pad': '1.3.0' } },
        'node_modules/left-pad': {
          version: '1.3.0',
          resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
          integrity: wrong,
        },
      },
    });
    const submitted = await call<{ id: string }>('/v1/inventories?filename=package-lock.json', { method: 'POST', body: lock });
    expect(submitted.status).toBe(202);
    type Inventory = {
      status: string;
      integrityMismatches: { name: string; lockfile: string }[];
      summary: { total: number; finished: number; byVerdict: Record<string, number> };
    };
    const done = await waitFor(
      'the inventory',
      async () => {
        const { body } = await call<Inventory>(`/v1/inventories/${submitted.body.id}`);
        return body.status === 'completed' ? body : null;
      },
      240_000,
      1000,
    );
    expect(done.summary).toMatchObject({ total: 1, finished: 1 });
    expect(done.integrityMismatches).toEqual([expect.objectContaining({ name: 'left-pad', lockfile: wrong })]);
    const event = await waitFor('the inventory webhook', async () =>
      receiver.hits.find((h) => h.body.includes('"inventory.completed"') && h.body.includes(submitted.body.id)),
    );
    expect(JSON.parse(event.body).data.integrityMismatches[0].name).toBe('left-pad');

    // A rescan runs the package again; a verdict that differs from the stored one is announced as changed.
    // The stored verdict is set to `suspicious` first, standing in for an earlier run that saw something else.
    const changedHook = await call('/v1/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url('/changed'), events: ['analysis.verdict_changed'] }),
    });
    expect(changedHook.status).toBe(201);
    // Recorded as finished two days ago, so the rescan does not take the fresh verdict as its answer.
    const stored = (await api.context.store.verdicts.latest('npm', 'left-pad', '1.3.0'))!;
    await api.context.store.verdicts.recordRun(
      {
        ...stored,
        reportId: `${stored.reportId}-earlier`,
        analyzedAt: new Date(Date.now() - 48 * 3600e3).toISOString(),
        verdict: { ...stored.verdict, verdict: 'suspicious' },
      },
      { requestedBy: [], forced: false },
    );
    expect((await call(`/v1/inventories/${submitted.body.id}/rescan`, { method: 'POST' })).status).toBe(202);
    const changed = await waitFor(
      'the verdict_changed webhook',
      async () => receiver.hits.find((h) => h.path === '/changed'),
      240_000,
      1000,
    );
    expect(JSON.parse(changed.body)).toMatchObject({
      type: 'analysis.verdict_changed',
      data: { previousVerdict: 'suspicious', analysis: { name: 'left-pad', verdict: { verdict: stored.verdict.verdict } } },
    });
    const rescanned = await waitFor(
      'the rescan to complete',
      async () => {
        const { body } = await call<Inventory & { rescans: number }>(`/v1/inventories/${submitted.body.id}`);
        return body.status === 'completed' && body.rescans === 1 ? body : null;
      },
      60_000,
      1000,
    );
    expect(rescanned.summary.finished).toBe(1);
  });

  it('runs a requirements.txt inventory of PyPI packages from the configured index and lists the finding', async () => {
    const submitted = await call<{ id: string; packages: number }>('/v1/inventories?filename=requirements.txt', {
      method: 'POST',
      body: 'hello-wordl==0.2.0 --hash=sha256:' + '0'.repeat(64) + '\n',
    });
    expect(submitted.status).toBe(202);
    type Inventory = {
      status: string;
      integrityMismatches: { name: string }[];
      summary: { findings: { name: string; verdict: string; reasons: { rule: string }[] }[]; failed: unknown[] };
    };
    const done = await waitFor(
      'the PyPI inventory',
      async () => {
        const { body } = await call<Inventory>(`/v1/inventories/${submitted.body.id}`);
        return body.status === 'completed' ? body : null;
      },
      240_000,
      1000,
    );
    expect(done.summary.failed).toEqual([]);
    // The requirement pins a hash no file of the release has: reported, the index's file is still analysed.
    expect(done.integrityMismatches).toEqual([expect.objectContaining({ name: 'hello-wordl' })]);
    expect(done.summary.findings).toEqual([
      expect.objectContaining({ name: 'hello-wordl', verdict: expect.stringMatching(/malicious|suspicious/) }),
    ]);
    expect(index.requests.some((r) => r.includes('hello'))).toBe(true);
  });
});
