/**
 * API keys against a real Redis: an organization lists, creates, revokes and rotates its own keys; names
 * and last-used times; a revoked key is refused at once; a rotation's grace period; another organization's
 * key ids answer 404; keys stay hashed; a key made before keys had records still works and is listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey, keys as redisKeys } from '@airlock/store';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let orgA: { id: string; apiKey: string };
let orgB: { id: string; apiKey: string };

interface KeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  replacedBy: string | null;
  active: boolean;
  current: boolean;
  secret?: string;
  previous?: KeyView;
}

const call = (path: string, key: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  return fetch(`${api.url}${path}`, { ...init, headers });
};
const postJson = (path: string, key: string, body: unknown) =>
  call(path, key, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const list = async (key: string) => ((await (await call('/v1/keys', key)).json()) as { keys: KeyView[] }).keys;

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { rateLimitPerMinute: 1000 });
  orgA = await createOrg(api, 'keys-a');
  orgB = await createOrg(api, 'keys-b');
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('API keys', () => {
  it('lists the first key with its name and last use, and creates named keys whose secret is shown once', async () => {
    const first = await list(orgA.apiKey);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ name: 'default', active: true, current: true, revokedAt: null });
    expect(first[0]!.lastUsedAt).toEqual(expect.any(String)); // this very request used it
    expect(first[0]!.prefix).toBe(orgA.apiKey.slice(0, 8));
    expect(JSON.stringify(first)).not.toContain(orgA.apiKey);

    const created = await postJson('/v1/keys', orgA.apiKey, { name: 'ci' });
    expect(created.status).toBe(201);
    const ci = (await created.json()) as KeyView;
    expect(ci).toMatchObject({ name: 'ci', active: true, current: false, lastUsedAt: null });
    expect(ci.secret).toMatch(/^alk_/);
    expect((await call('/v1/analyses', ci.secret!)).status).toBe(200);
    const after = await list(orgA.apiKey);
    expect(after.map((k) => k.name)).toEqual(['ci', 'default']); // newest first
    expect(after[0]!.lastUsedAt).toEqual(expect.any(String));
    expect(after.every((k) => k.secret === undefined)).toBe(true);
    // Stored hashed: the record is under the secret's SHA-256 and holds no secret.
    const record = await api.context.store.redis.hgetall(redisKeys.apiKey(hashApiKey(ci.secret!)));
    expect(JSON.parse(record.id!)).toBe(ci.id);
    expect(JSON.stringify(record)).not.toContain(ci.secret);

    expect((await postJson('/v1/keys', orgA.apiKey, { name: '' })).status).toBe(400);
    expect((await postJson('/v1/keys', orgA.apiKey, { name: 'x', admin: true })).status).toBe(400);
  });

  it('writes the last-used time at most once a minute per key', async () => {
    const { key, secret } = await api.context.store.apiKeys.create(orgA.id, 'touch');
    const recordKey = redisKeys.apiKey(hashApiKey(secret));
    expect((await call('/v1/keys', secret)).status).toBe(200);
    const firstUse = (await api.context.store.apiKeys.get(orgA.id, key.id))!.lastUsedAt;
    expect(firstUse).toEqual(expect.any(String));
    // Later requests within the minute leave it as it was.
    for (let i = 0; i < 3; i++) expect((await call('/v1/analyses', secret)).status).toBe(200);
    expect((await api.context.store.apiKeys.get(orgA.id, key.id))!.lastUsedAt).toBe(firstUse);
    // Once it is a minute old, the next request writes it again.
    const old = new Date(Date.now() - 61_000).toISOString();
    await api.context.store.redis.hset(recordKey, 'lastUsedAt', JSON.stringify(old));
    expect((await call('/v1/analyses', secret)).status).toBe(200);
    const next = (await api.context.store.apiKeys.get(orgA.id, key.id))!.lastUsedAt!;
    expect(Date.parse(next)).toBeGreaterThan(Date.parse(old) + 60_000);
  });

  it('revokes a key: the next request with it answers 401, and it stays listed as revoked', async () => {
    const made = (await (await postJson('/v1/keys', orgA.apiKey, { name: 'to-revoke' })).json()) as KeyView;
    expect((await call('/v1/analyses', made.secret!)).status).toBe(200);
    const revoked = await call(`/v1/keys/${made.id}`, orgA.apiKey, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: made.id, active: false, revokedAt: expect.any(String) });
    const refused = await call('/v1/analyses', made.secret!);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/revoked/);
    expect((await list(orgA.apiKey)).find((k) => k.id === made.id)).toMatchObject({ active: false });
    expect((await call(`/v1/keys/${made.id}`, orgA.apiKey, { method: 'DELETE' })).status).toBe(200); // again: still revoked
  });

  it("answers 404 for another organization's key ids and never lists them", async () => {
    const aKeys = await list(orgA.apiKey);
    const victim = aKeys.find((k) => k.active)!;
    expect((await call(`/v1/keys/${victim.id}`, orgB.apiKey, { method: 'DELETE' })).status).toBe(404);
    expect((await postJson(`/v1/keys/${victim.id}/rotate`, orgB.apiKey, {})).status).toBe(404);
    expect((await list(orgB.apiKey)).map((k) => k.id)).not.toContain(victim.id);
    expect((await list(orgA.apiKey)).find((k) => k.id === victim.id)?.active).toBe(true);
  });

  it("refuses to revoke an organization's only active key", async () => {
    const org = await createOrg(api, 'keys-single');
    const [only] = await list(org.apiKey);
    const res = await call(`/v1/keys/${only!.id}`, org.apiKey, { method: 'DELETE' });
    expect(res.status).toBe(409);
    expect((await call('/v1/analyses', org.apiKey)).status).toBe(200);
  });

  it('rotates at once by default: a new secret with the same name, the old one refused', async () => {
    const org = await createOrg(api, 'keys-rotate');
    const [old] = await list(org.apiKey);
    const res = await postJson(`/v1/keys/${old!.id}/rotate`, org.apiKey, {});
    expect(res.status).toBe(201);
    const rotated = (await res.json()) as KeyView;
    expect(rotated).toMatchObject({ name: 'default', active: true });
    expect(rotated.previous).toMatchObject({ id: old!.id, active: false, replacedBy: rotated.id, revokedAt: expect.any(String) });
    expect((await call('/v1/analyses', org.apiKey)).status).toBe(401);
    expect((await call('/v1/analyses', rotated.secret!)).status).toBe(200);
    // A revoked key cannot be rotated again.
    expect((await postJson(`/v1/keys/${old!.id}/rotate`, rotated.secret!, {})).status).toBe(409);
  });

  it('rotates with a grace period: the old key works until expiresAt, then answers 401', async () => {
    const org = await createOrg(api, 'keys-grace');
    const [old] = await list(org.apiKey);
    const rotated = (await (await postJson(`/v1/keys/${old!.id}/rotate`, org.apiKey, { gracePeriodSeconds: 3600 })).json()) as KeyView;
    expect(rotated.previous).toMatchObject({ active: true, revokedAt: null, expiresAt: expect.any(String) });
    expect(Date.parse(rotated.previous!.expiresAt!) - Date.now()).toBeGreaterThan(3500_000);
    expect((await call('/v1/analyses', org.apiKey)).status).toBe(200);
    // Rotating the old key again would stretch its grace period: refused.
    const again = await postJson(`/v1/keys/${old!.id}/rotate`, org.apiKey, { gracePeriodSeconds: 86400 });
    expect(again.status).toBe(409);
    expect((await list(org.apiKey)).filter((k) => k.active)).toHaveLength(2);
    // The grace period ends (moved into the past here): the old key is refused, the new one works.
    const record = redisKeys.apiKey(hashApiKey(org.apiKey));
    await api.context.store.redis.hset(record, 'expiresAt', JSON.stringify(new Date(Date.now() - 1000).toISOString()));
    const refused = await call('/v1/analyses', org.apiKey);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/rotated/);
    expect((await call('/v1/analyses', rotated.secret!)).status).toBe(200);
    expect((await postJson(`/v1/keys/${old!.id}/rotate`, rotated.secret!, { gracePeriodSeconds: 90_000 })).status).toBe(400);
  });

  it('keeps the admin route that adds a key to an organization', async () => {
    const res = await fetch(`${api.url}/v1/admin/organizations/${orgB.id}/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.adminToken}` },
    });
    expect(res.status).toBe(201);
    const { apiKey } = (await res.json()) as { apiKey: string };
    expect((await call('/v1/analyses', apiKey)).status).toBe(200);
    expect((await list(orgB.apiKey)).map((k) => k.name).sort()).toEqual(['admin', 'default']);
  });

  it('migrates a key stored before keys had records: it still authenticates, is listed and can be revoked', async () => {
    const org = await createOrg(api, 'keys-legacy');
    const legacy = 'alk_legacy_key_made_before_records_0000000000';
    await api.context.store.redis.set(
      redisKeys.apiKey(hashApiKey(legacy)),
      JSON.stringify({ orgId: org.id, createdAt: '2026-01-01T00:00:00.000Z' }),
    );
    expect((await call('/v1/analyses', legacy)).status).toBe(200);
    const listed = (await list(org.apiKey)).find((k) => k.createdAt === '2026-01-01T00:00:00.000Z');
    expect(listed).toMatchObject({ name: 'default', active: true, prefix: legacy.slice(0, 8) });
    expect((await call(`/v1/keys/${listed!.id}`, org.apiKey, { method: 'DELETE' })).status).toBe(200);
    expect((await call('/v1/analyses', legacy)).status).toBe(401);
  });
});
