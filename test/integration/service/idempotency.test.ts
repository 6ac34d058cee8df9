/**
 * Idempotency-Key against a real Redis (no worker): the same key and request from the same organization
 * answers the first response again and creates nothing more, on every creating POST; another request
 * with the key answers 422; keys are per organization; concurrent repeats create one thing (the others
 * wait for nothing: 409); a failed first request leaves the key free.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, startTestApi } from '../../support/service.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let orgA: { id: string; apiKey: string };
let orgB: { id: string; apiKey: string };

const call = (path: string, key: string, init: RequestInit & { idem?: string } = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  if (init.idem !== undefined) headers.set('idempotency-key', init.idem);
  return fetch(`${api.url}${path}`, { ...init, headers });
};
const postJson = (path: string, key: string, body: unknown, idem?: string) =>
  call(path, key, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), idem });
const hook = (n: number) => ({ url: `http://127.0.0.1:9/hook-${n}`, events: ['analysis.verdict'] });
const webhookCount = async (key: string) => ((await (await call('/v1/webhooks', key)).json()) as { webhooks: unknown[] }).webhooks.length;

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { rateLimitPerMinute: 10_000, webhookAllowPrivate: true });
  orgA = await createOrg(api, 'idem-a');
  orgB = await createOrg(api, 'idem-b');
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('Idempotency-Key', () => {
  it('replays the first answer of POST /v1/webhooks (status, body, Location) and registers once', async () => {
    const before = await webhookCount(orgA.apiKey);
    const first = await postJson('/v1/webhooks', orgA.apiKey, hook(1), 'wh-1');
    const second = await postJson('/v1/webhooks', orgA.apiKey, hook(1), 'wh-1');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(second.headers.get('content-type')).toMatch(/application\/json/);
    expect(await second.json()).toEqual(await first.json());
    expect(await webhookCount(orgA.apiKey)).toBe(before + 1);
  });

  it('answers 422 for the same key with another body, creating nothing', async () => {
    const before = await webhookCount(orgA.apiKey);
    expect((await postJson('/v1/webhooks', orgA.apiKey, hook(2), 'wh-2')).status).toBe(201);
    const other = await postJson('/v1/webhooks', orgA.apiKey, hook(3), 'wh-2');
    expect(other.status).toBe(422);
    expect(((await other.json()) as { detail: string }).detail).toMatch(/another request/);
    // The same key on another endpoint is another request too.
    expect((await postJson('/v1/keys', orgA.apiKey, { name: 'x' }, 'wh-2')).status).toBe(422);
    expect(await webhookCount(orgA.apiKey)).toBe(before + 1);
  });

  it('keeps keys per organization', async () => {
    const a = await postJson('/v1/webhooks', orgA.apiKey, hook(4), 'shared');
    const b = await postJson('/v1/webhooks', orgB.apiKey, hook(4), 'shared');
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(((await b.json()) as { id: string }).id).not.toBe(((await a.json()) as { id: string }).id);
  });

  it('creates one analysis for a repeated POST /v1/analyses (JSON and upload), and one rerun', async () => {
    const target = { ecosystem: 'pypi', name: 'requests', version: '2.31.0' };
    const first = await postJson('/v1/analyses', orgA.apiKey, target, 'an-1');
    const again = await postJson('/v1/analyses', orgA.apiKey, target, 'an-1');
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    expect(((await again.json()) as { id: string }).id).toBe(id);
    // Without the key the same body is a new analysis (so the replay above is the key's doing).
    const plain = (await (await postJson('/v1/analyses', orgA.apiKey, target)).json()) as { id: string };
    expect(plain.id).not.toBe(id);

    const archive = new Uint8Array(await packFixture('test/fixtures/npm/benign-no-scripts'));
    const upload = () =>
      call('/v1/analyses?filename=benign-1.0.0.tgz', orgA.apiKey, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: archive,
        idem: 'up-1',
      });
    const u1 = (await (await upload()).json()) as { id: string };
    const u2 = await upload();
    expect(u2.headers.get('idempotent-replayed')).toBe('true');
    expect(((await u2.json()) as { id: string }).id).toBe(u1.id);

    expect((await call(`/v1/analyses/${id}/cancel`, orgA.apiKey, { method: 'POST' })).status).toBe(200);
    const r1 = await call(`/v1/analyses/${id}/rerun`, orgA.apiKey, { method: 'POST', idem: 'rerun-1' });
    const r2 = await call(`/v1/analyses/${id}/rerun`, orgA.apiKey, { method: 'POST', idem: 'rerun-1' });
    expect(r1.status).toBe(202);
    expect(r2.status).toBe(202);
    expect(((await r2.json()) as { id: string }).id).toBe(((await r1.json()) as { id: string }).id);
    // One forced run taken from the budget, not two.
    expect(r1.headers.get('x-force-budget')).toMatch(/used=1,/);
    const used = await api.context.store.budgets.take('force', orgA.id, 1000);
    expect(used.used).toBe(2);
  });

  it('creates one inventory and one API key for repeated requests', async () => {
    const inventory = () =>
      call('/v1/inventories?filename=requirements.txt', orgB.apiKey, { method: 'POST', body: 'requests==2.31.0\n', idem: 'inv-1' });
    const i1 = await inventory();
    const i2 = await inventory();
    expect(i1.status).toBe(202);
    expect(((await i2.json()) as { id: string }).id).toBe(((await i1.json()) as { id: string }).id);
    expect(await api.context.store.inventories.list(orgB.id, 100)).toHaveLength(1);

    const k1 = (await (await postJson('/v1/keys', orgB.apiKey, { name: 'ci' }, 'key-1')).json()) as { id: string; secret: string };
    const k2 = (await (await postJson('/v1/keys', orgB.apiKey, { name: 'ci' }, 'key-1')).json()) as { id: string; secret: string };
    expect(k2).toEqual(k1);
    expect((await api.context.store.apiKeys.list(orgB.id)).filter((k) => k.name === 'ci')).toHaveLength(1);
  });

  it('lets concurrent repeats create one webhook: the others replay it or answer 409', async () => {
    const before = await webhookCount(orgA.apiKey);
    const answers = await Promise.all(Array.from({ length: 8 }, () => postJson('/v1/webhooks', orgA.apiKey, hook(5), 'race')));
    const statuses = answers.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    const conflict = answers.find((r) => r.status === 409);
    if (conflict) expect(conflict.headers.get('retry-after')).toBe('1');
    const ids = new Set(
      await Promise.all(answers.filter((r) => r.status === 201).map(async (r) => ((await r.json()) as { id: string }).id)),
    );
    expect(ids.size).toBe(1);
    expect(await webhookCount(orgA.apiKey)).toBe(before + 1);
  });

  it('keeps no failed answer: after a 400 the key is free for the corrected request', async () => {
    const bad = await postJson('/v1/webhooks', orgA.apiKey, { url: 'x' }, 'fix-1');
    expect(bad.status).toBe(400);
    const badAgain = await postJson('/v1/webhooks', orgA.apiKey, { url: 'x' }, 'fix-1');
    expect(badAgain.status).toBe(400);
    expect(badAgain.headers.get('idempotent-replayed')).toBeNull();
    expect((await postJson('/v1/webhooks', orgA.apiKey, hook(6), 'fix-1')).status).toBe(201);
    expect((await postJson('/v1/webhooks', orgA.apiKey, hook(6), 'x'.repeat(256))).status).toBe(400);
  });

  it('expires with the 24 h TTL', async () => {
    const keysInRedis = await api.context.store.redis.keys(`airlock:org:${orgA.id}:idempotency:*`);
    expect(keysInRedis.length).toBeGreaterThan(0);
    const ttl = await api.context.store.redis.pttl(keysInRedis[0]!);
    expect(ttl).toBeGreaterThan(23 * 3600e3);
    expect(ttl).toBeLessThanOrEqual(24 * 3600e3);
  });
});
