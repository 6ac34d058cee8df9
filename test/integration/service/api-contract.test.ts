/**
 * The REST contract against a real Redis (no worker running, so submissions stay queued): auth,
 * organization isolation, validation, uploads, known verdicts, dedupe, priorities, webhooks (SSRF),
 * inventories, rate limits, operations endpoints and the OpenAPI document.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIORITY, safeJobId } from '@airlock/queue';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, startTestApi } from '../../support/service.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let orgA: { id: string; apiKey: string };
let orgB: { id: string; apiKey: string };

const call = (path: string, init: RequestInit & { key?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.key) headers.set('authorization', `Bearer ${init.key}`);
  return fetch(`${api.url}${path}`, { ...init, headers });
};
const postJson = (path: string, key: string, body: unknown) =>
  call(path, { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { maxUploadBytes: 64 * 1024, rateLimitPerMinute: 1000 });
  orgA = await createOrg(api, 'org-a');
  orgB = await createOrg(api, 'org-b');
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('authentication and organizations', () => {
  it('refuses requests without a key or with a wrong key, as problem+json', async () => {
    const none = await call('/v1/analyses');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await none.json()) as { detail: string }).detail).toMatch(/Authorization: Bearer/);
    expect((await call('/v1/analyses', { key: 'alk_not-a-real-key' })).status).toBe(401);
    expect((await call('/v1/analyses', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('stores API keys only as hashes', async () => {
    const keys = await api.context.store.redis.keys('airlock:apikey:*');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.some((k) => k.includes(orgA.apiKey))).toBe(false);
    const values = await Promise.all(keys.map((k) => api.context.store.redis.hgetall(k)));
    expect(JSON.stringify(values)).toContain(orgA.id);
    expect(JSON.stringify(values)).not.toContain(orgA.apiKey);
  });

  it('admin routes need the operator token', async () => {
    const res = await call('/v1/admin/organizations', {
      method: 'POST',
      headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(res.status).toBe(401);
  });

  it("hides one organization's analyses, inventories and webhooks from another", async () => {
    const upload = await call('/v1/analyses?filename=benign-1.0.0.tgz', {
      method: 'POST',
      key: orgA.apiKey,
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(await packFixture('test/fixtures/npm/benign-no-scripts')),
    });
    expect(upload.status).toBe(202);
    const { id } = (await upload.json()) as { id: string };
    expect((await call(`/v1/analyses/${id}`, { key: orgA.apiKey })).status).toBe(200);
    expect((await call(`/v1/analyses/${id}`, { key: orgB.apiKey })).status).toBe(404);
    expect((await call(`/v1/analyses/${id}/cancel`, { method: 'POST', key: orgB.apiKey })).status).toBe(404);
    const listB = (await (await call('/v1/analyses', { key: orgB.apiKey })).json()) as { analyses: { id: string }[] };
    expect(listB.analyses.map((a) => a.id)).not.toContain(id);

    const inventory = await call('/v1/inventories?filename=requirements.txt', {
      method: 'POST',
      key: orgA.apiKey,
      body: 'requests==2.31.0\n',
    });
    expect(inventory.status).toBe(202);
    const { id: invId } = (await inventory.json()) as { id: string };
    expect((await call(`/v1/inventories/${invId}`, { key: orgA.apiKey })).status).toBe(200);
    expect((await call(`/v1/inventories/${invId}`, { key: orgB.apiKey })).status).toBe(404);
  });
});

describe('submissions', () => {
  it('rejects malformed bodies, unknown ecosystems, ranges and unknown fields with field-level errors', async () => {
    const bad = await call('/v1/analyses', {
      method: 'POST',
      key: orgA.apiKey,
      headers: { 'content-type': 'application/json' },
      body: '{"ecosystem": "npm",',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/not valid JSON/);
    const eco = await postJson('/v1/analyses', orgA.apiKey, { ecosystem: 'cargo', name: 'serde', version: '1.0.0' });
    expect(eco.status).toBe(400);
    expect(((await eco.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('ecosystem');
    const range = await postJson('/v1/analyses', orgA.apiKey, { ecosystem: 'npm', name: 'left-pad', version: '^1.3.0' });
    expect(range.status).toBe(400);
    expect(((await range.json()) as { detail: string }).detail).toMatch(/version: not an exact npm version/);
    const path = await postJson('/v1/analyses', orgA.apiKey, { ecosystem: 'npm', name: '../../etc/passwd', version: '1.0.0' });
    expect(path.status).toBe(400);
    const extra = await postJson('/v1/analyses', orgA.apiKey, {
      ecosystem: 'npm',
      name: 'left-pad',
      version: '1.3.0',
      command: 'rm -rf /',
    });
    expect(extra.status).toBe(400);
    const media = await call('/v1/analyses', {
      method: 'POST',
      key: orgA.apiKey,
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(media.status).toBe(415);
  });

  it('refuses an unknown npm package at submission (real registry)', async () => {
    const res = await postJson('/v1/analyses', orgA.apiKey, {
      ecosystem: 'npm',
      name: 'airlock-surely-not-a-package-7f3a9c',
      version: '1.0.0',
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/unknown package/);
  });

  it('refuses oversize uploads with 413 and hostile or corrupt archives with 422, storing nothing', async () => {
    const before = await api.context.queues.analyses.count();
    const big = await call('/v1/analyses?filename=big-1.0.0.tgz', {
      method: 'POST',
      key: orgA.apiKey,
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(65 * 1024),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { detail: string }).detail).toMatch(/limit is 65536 bytes/);
    const corrupt = await call('/v1/analyses?filename=bad-1.0.0.tgz', {
      method: 'POST',
      key: orgA.apiKey,
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(gzipSync(Buffer.from('this is not a tar archive at all'))),
    });
    expect(corrupt.status).toBe(422);
    const noName = await call('/v1/analyses?filename=pkg.exe', {
      method: 'POST',
      key: orgA.apiKey,
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(noName.status).toBe(400);
    expect(await api.context.queues.analyses.count()).toBe(before);
  });

  it('dedupes the same package version across organizations into one run, API before inventory priority', async () => {
    const a = await postJson('/v1/analyses', orgA.apiKey, { ecosystem: 'npm', name: 'left-pad', version: '1.3.0' });
    const b = await postJson('/v1/analyses', orgB.apiKey, { ecosystem: 'npm', name: 'left-pad', version: '1.3.0' });
    expect([a.status, b.status]).toEqual([202, 202]);
    const [ra, rb] = (await Promise.all([a.json(), b.json()])) as { id: string }[];
    expect(ra!.id).not.toBe(rb!.id);
    const recA = await api.context.store.analyses.get(ra!.id);
    const recB = await api.context.store.analyses.get(rb!.id);
    expect(recA!.runKey).toBe(recB!.runKey);
    const job = await api.context.queues.analyses.getJob(safeJobId(recA!.runKey));
    expect(job?.opts.priority).toBe(PRIORITY.api);
    expect(await api.context.store.analyses.subscribers(recA!.runKey)).toEqual(expect.arrayContaining([ra!.id, rb!.id]));
    const jobs = await api.context.queues.analyses.getJobs(['prioritized', 'waiting']);
    expect(jobs.filter((j) => j.data.runKey === recA!.runKey)).toHaveLength(1);
  });

  it('answers at once from a known verdict unless a rescan is forced', async () => {
    const verdict = { verdict: 'benign' as const, score: 0, reasons: [], notObserved: [] };
    await api.context.store.verdicts.recordRun(
      {
        ecosystem: 'npm',
        name: 'is-number',
        version: '7.0.0',
        archiveSha256: 'a'.repeat(64),
        reportId: 'r_known',
        analyzedAt: new Date().toISOString(),
        verdict,
        phases: [],
      },
      { requestedBy: [], forced: false },
    );
    const res = await postJson('/v1/analyses', orgB.apiKey, { ecosystem: 'npm', name: 'is-number', version: '7.0.0' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; cached: boolean; verdict: { verdict: string } };
    expect(body).toMatchObject({ status: 'completed', cached: true, verdict: { verdict: 'benign' } });
    const forced = await postJson('/v1/analyses', orgB.apiKey, { ecosystem: 'npm', name: 'is-number', version: '7.0.0', force: true });
    expect(forced.status).toBe(202);
    const lookup = await call('/v1/verdicts/npm/is-number/7.0.0', { key: orgA.apiKey });
    expect(lookup.status).toBe(200);
    expect(((await lookup.json()) as { reportId: string }).reportId).toBe('r_known');
    expect((await call('/v1/verdicts/npm/is-number/9.9.9', { key: orgA.apiKey })).status).toBe(404);
    expect((await call('/v1/verdicts/cargo/serde/1.0.0', { key: orgA.apiKey })).status).toBe(400);
  });

  it('cancels a queued analysis and removes its job when no one else waits on it', async () => {
    const res = await postJson('/v1/analyses', orgA.apiKey, { ecosystem: 'npm', name: 'is-odd', version: '3.0.1' });
    const { id } = (await res.json()) as { id: string };
    const record = await api.context.store.analyses.get(id);
    const cancel = await call(`/v1/analyses/${id}/cancel`, { method: 'POST', key: orgA.apiKey });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as { status: string }).status).toBe('cancelled');
    expect(await api.context.queues.analyses.getJob(safeJobId(record!.runKey))).toBeUndefined();
    expect((await call(`/v1/analyses/${id}/cancel`, { method: 'POST', key: orgA.apiKey })).status).toBe(409);
  });
});

describe('webhooks', () => {
  it('refuses loopback, private and metadata destinations', async () => {
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://169.254.169.254/latest',
      'http://10.0.0.5/x',
      'http://localhost/x',
      'http://[::1]/x',
      'ftp://example.com/x',
      'http://user:pw@example.com/',
    ]) {
      const res = await postJson('/v1/webhooks', orgA.apiKey, { url, events: ['analysis.verdict'] });
      expect(res.status, url).toBe(422);
      expect(((await res.json()) as { detail: string }).detail, url).toMatch(/webhook URL refused/);
    }
    expect((await postJson('/v1/webhooks', orgA.apiKey, { url: 'https://x.example/', events: ['nope'] })).status).toBe(400);
  });
});

describe('webhook registrations', () => {
  it('shows the secret once, never in the list, and deletes', async () => {
    const local = await startTestApi(redis.url, { webhookAllowPrivate: true });
    try {
      const org = await createOrg(local, 'org-hooks');
      const headers = { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' };
      const created = await fetch(`${local.url}/v1/webhooks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['inventory.completed', 'inventory.completed'] }),
      });
      expect(created.status).toBe(201);
      const hook = (await created.json()) as { id: string; secret: string; events: string[] };
      expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(hook.events).toEqual(['inventory.completed']);
      const list = (await (await fetch(`${local.url}/v1/webhooks`, { headers })).json()) as { webhooks: Record<string, unknown>[] };
      expect(list.webhooks).toHaveLength(1);
      expect(list.webhooks[0]).not.toHaveProperty('secret');
      expect(JSON.stringify(list)).not.toContain(hook.secret);
      // Another organization cannot see, read the log of, or delete it.
      const other = await createOrg(local, 'org-hooks-other');
      const otherHeaders = { authorization: `Bearer ${other.apiKey}` };
      expect((await fetch(`${local.url}/v1/webhooks/${hook.id}`, { method: 'DELETE', headers: otherHeaders })).status).toBe(404);
      expect((await fetch(`${local.url}/v1/webhooks/${hook.id}/deliveries`, { headers: otherHeaders })).status).toBe(404);
      expect(
        ((await (await fetch(`${local.url}/v1/webhooks`, { headers: otherHeaders })).json()) as { webhooks: unknown[] }).webhooks,
      ).toHaveLength(0);
      expect((await fetch(`${local.url}/v1/webhooks/${hook.id}`, { method: 'DELETE', headers })).status).toBe(204);
      expect(((await (await fetch(`${local.url}/v1/webhooks`, { headers })).json()) as { webhooks: unknown[] }).webhooks).toHaveLength(0);
      expect((await fetch(`${local.url}/v1/webhooks/${hook.id}`, { method: 'DELETE', headers })).status).toBe(404);
    } finally {
      await local.close();
    }
  });
});

describe('inventories', () => {
  it('parses a lockfile, queues its expansion, and reports what it skipped', async () => {
    const lock = JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', dependencies: { 'left-pad': '1.3.0', local: 'file:../local' } },
        'node_modules/left-pad': {
          version: '1.3.0',
          resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
          integrity: 'sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQ9V1R2dfh9Se9AbTBu2i3kPzvDe1/tPVT2ZOLWx3UpBhNEA==',
        },
        'node_modules/local': { resolved: '../local', link: true },
      },
    });
    const res = await call('/v1/inventories?filename=package-lock.json&schedule=daily', { method: 'POST', key: orgA.apiKey, body: lock });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      id: string;
      format: string;
      packages: number;
      skipped: { name: string }[];
      schedule: { everyMs: number };
    };
    expect(body).toMatchObject({ format: 'package-lock', packages: 1, schedule: { everyMs: 86_400_000 } });
    expect(body.skipped.map((s) => s.name)).toContain('local');
    expect(await api.context.queues.inventories.getJob(`expand|${body.id}`)).toBeDefined();
    const schedulers = await api.context.queues.rescans.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain(`rescan|${body.id}`);
    expect((await call(`/v1/inventories/${body.id}/schedule`, { method: 'DELETE', key: orgB.apiKey })).status).toBe(404);
    expect((await call(`/v1/inventories/${body.id}/schedule`, { method: 'DELETE', key: orgA.apiKey })).status).toBe(204);
    expect((await api.context.queues.rescans.getJobSchedulers()).map((s) => s.key)).not.toContain(`rescan|${body.id}`);
    const page = (await (await call('/v1/analyses?limit=1', { key: orgA.apiKey })).json()) as { analyses: unknown[]; next: string | null };
    expect(page.analyses).toHaveLength(1);
    expect(page.next).toMatch(/^\d+:an_[\w-]+$/);
    expect((await call('/v1/analyses?limit=0', { key: orgA.apiKey })).status).toBe(400);
  });

  it('refuses files that are not a lockfile or SBOM with a clear message', async () => {
    const res = await call('/v1/inventories?filename=package-lock.json', {
      method: 'POST',
      key: orgA.apiKey,
      body: '{"lockfileVersion": 3, "packages": [',
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail.length).toBeGreaterThan(10);
    const unknown = await call('/v1/inventories?filename=notes.txt', { method: 'POST', key: orgA.apiKey, body: 'hello world' });
    expect(unknown.status).toBe(422);
  });
});

describe('operations', () => {
  it('serves health, readiness, metrics and the OpenAPI 3.1 document', async () => {
    expect(await (await call('/healthz')).json()).toEqual({ status: 'ok' });
    expect(((await (await call('/readyz')).json()) as { redis: string }).redis).toBe('ok');
    const metrics = await (await call('/metrics')).text();
    expect(metrics).toMatch(/airlock_queue_jobs\{queue="airlock-analyses",state="prioritized"\} [1-9]/);
    expect(metrics).toContain('airlock_analysis_runs_total{verdict="malicious"}');
    const doc = (await (await call('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/analyses',
        '/v1/analyses/{id}',
        '/v1/verdicts/{ecosystem}/{name}/{version}',
        '/v1/inventories',
        '/v1/webhooks',
      ]),
    );
  });

  it('rate-limits an organization with RateLimit headers and a 429 problem', async () => {
    const limited = await startTestApi(redis.url, { rateLimitPerMinute: 3 });
    try {
      const org = await createOrg(limited, 'org-limited');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await fetch(`${limited.url}/v1/analyses`, { headers: { authorization: `Bearer ${org.apiKey}` } })).status);
      // A minute boundary can fall inside the loop; then the count restarts once.
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
      const res = await fetch(`${limited.url}/v1/analyses`, { headers: { authorization: `Bearer ${org.apiKey}` } });
      expect(res.headers.get('ratelimit-policy')).toBe('3;w=60');
    } finally {
      await limited.close();
    }
  });
});
