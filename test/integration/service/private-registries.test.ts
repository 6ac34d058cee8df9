/**
 * Private registries per organization, end to end with real parts: verdaccio on loopback requiring a
 * token for `@acme`, a private Redis, the API, and the real worker running the analysis in the sandbox.
 * Organization A stores its registry token in its settings and gets a verdict; organization B cannot
 * read A's verdict, report or artifacts, cannot tell that the package exists (the same 422 as for any
 * unknown package), and cannot make the service fetch it with A's token; without a token the request
 * fails with a clear error. Before per-organization settings, one AIRLOCK_NPMRC served everyone: B's
 * submission was accepted (202) and fetched with A's token, and its verdict became the public one.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, SecretBox } from '@airlock/store';
import { startWorker, workerConfigFromEnv, type RunningWorker } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, quietLog, startTestApi, waitFor } from '../../support/service.js';
import { startVerdaccio, type TestRegistry } from '../../support/verdaccio.js';

let redis: TestRedis;
let registry: TestRegistry;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: RunningWorker;
let orgA: { id: string; apiKey: string };
let orgB: { id: string; apiKey: string };
let orgC: { id: string; apiKey: string };
const PRIVATE = { ecosystem: 'npm', name: '@acme/private-lib', version: '1.0.0' };
let published: { resolved: string; integrity: string };

const call = async <T = Record<string, unknown>>(key: string, path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  const res = await fetch(`${api.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T };
};
const sendJson = <T = Record<string, unknown>>(key: string, method: string, path: string, body: object) =>
  call<T>(key, path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type Problem = { status: number; detail: string; type: string };

beforeAll(async () => {
  redis = await startTestRedis();
  registry = await startVerdaccio('@acme');
  published = await registry.publish(PRIVATE.name, PRIVATE.version, { 'index.js': 'module.exports = { answer: 42 };\n' });
  const secretBox = new SecretBox(randomBytes(32).toString('hex'));
  // The service's default registry is the same verdaccio, without credentials: nothing goes to the internet.
  api = await startTestApi(redis.url, { npmRegistry: registry.url, secretBox, rateLimitPerMinute: 0 });
  worker = await startWorker(
    {
      ...workerConfigFromEnv({}),
      redisUrl: redis.url,
      dataDir: api.context.config.dataDir,
      npmRegistry: registry.url,
      secretBox,
      installTimeoutMs: 60_000,
      importTimeoutMs: 20_000,
      retryDwellMs: 0,
    },
    quietLog,
  );
  orgA = await createOrg(api, 'acme');
  orgB = await createOrg(api, 'other');
  orgC = await createOrg(api, 'no-token');
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await registry?.stop();
  await redis?.stop();
});

describe('private registries per organization', () => {
  it('stores the token encrypted and never returns it', async () => {
    const set = await sendJson<{ registries: { npm: { url: string; scopes: string[]; tokenSet: boolean; tokenLast4: string } } }>(
      orgA.apiKey,
      'PATCH',
      '/v1/settings',
      { registries: { npm: { url: registry.url, scopes: ['@acme'], token: registry.token } } },
    );
    expect(set.status).toBe(200);
    expect(set.body.registries.npm).toEqual({ url: registry.url, scopes: ['@acme'], tokenSet: true, tokenLast4: registry.token.slice(-4) });
    const read = await call(orgA.apiKey, '/v1/settings');
    expect(JSON.stringify(read.body)).not.toContain(registry.token);
    const stored = (await api.context.store.redis.get(keys.orgSettings(orgA.id)))!;
    expect(stored).not.toContain(registry.token);
    expect(stored).toContain('"tokenSealed":"v1.');
  });

  it("gives organization A a verdict for its private package, fetched with A's token by the real worker", async () => {
    const submitted = await sendJson<{ id: string; status: string }>(orgA.apiKey, 'POST', '/v1/analyses', PRIVATE);
    expect(submitted.status).toBe(202);
    const done = await waitFor(
      'the private analysis',
      async () => {
        const { body } = await call<{ status: string; verdict: { verdict: string } | null; error: string | null }>(
          orgA.apiKey,
          `/v1/analyses/${submitted.body.id}`,
        );
        return ['completed', 'failed'].includes(body.status) ? body : null;
      },
      300_000,
      1000,
    );
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.verdict?.verdict).toBeDefined();
    const own = await call<{ private: boolean; verdict: { verdict: string }; history: unknown[] }>(
      orgA.apiKey,
      `/v1/verdicts/npm/@acme/private-lib/1.0.0`,
    );
    expect(own.status).toBe(200);
    expect(own.body.private).toBe(true);
    expect(own.body.verdict.verdict).toBe(done.verdict!.verdict);
    // Never the shared public verdict: its key, history and version index stay empty.
    const r = api.context.store.redis;
    expect(await r.exists(keys.verdict('npm', PRIVATE.name, PRIVATE.version))).toBe(0);
    expect(await r.exists(keys.verdictHistory('npm', PRIVATE.name, PRIVATE.version))).toBe(0);
    expect(await r.zcard(keys.analysedVersions('npm', PRIVATE.name))).toBe(0);
    expect(await r.get(keys.privateVerdict(orgA.id, 'npm', PRIVATE.name, PRIVATE.version))).toContain(done.verdict!.verdict);
    // A second submission by A is answered from A's own verdict.
    const again = await sendJson<{ status: string; cached: boolean }>(orgA.apiKey, 'POST', '/v1/analyses', PRIVATE);
    expect(again.status).toBe(200);
    expect(again.body.cached).toBe(true);
  });

  it("organization B cannot read A's analysis, report, artifacts or verdict", async () => {
    const aList = await call<{ analyses: { id: string }[] }>(orgA.apiKey, '/v1/analyses');
    const id = aList.body.analyses[0]!.id;
    for (const path of [`/v1/analyses/${id}`, `/v1/analyses/${id}/report`, `/v1/analyses/${id}/artifacts/install.record`]) {
      const res = await call<Problem>(orgB.apiKey, path);
      expect(res.status, path).toBe(404);
    }
    const unknownVersion = await call<Problem>(orgB.apiKey, '/v1/verdicts/npm/@acme/private-lib/9.9.9');
    const lookup = await call<Problem>(orgB.apiKey, '/v1/verdicts/npm/@acme/private-lib/1.0.0');
    expect(lookup.status).toBe(404);
    expect(lookup.body.detail.replace('1.0.0', 'V')).toBe(unknownVersion.body.detail.replace('9.9.9', 'V'));
    expect((await call<{ analyses: unknown[] }>(orgB.apiKey, '/v1/analyses')).body.analyses).toHaveLength(0);
  });

  it('answers B about the private package exactly as about a package that does not exist (no 422-vs-202 probe)', async () => {
    const existing = await sendJson<Problem>(orgB.apiKey, 'POST', '/v1/analyses', PRIVATE);
    const missing = await sendJson<Problem>(orgB.apiKey, 'POST', '/v1/analyses', { ...PRIVATE, name: '@acme/no-such-lib' });
    const missingVersion = await sendJson<Problem>(orgB.apiKey, 'POST', '/v1/analyses', { ...PRIVATE, version: '9.9.9' });
    const missingPublic = await sendJson<Problem>(orgB.apiKey, 'POST', '/v1/analyses', { ...PRIVATE, name: 'no-such-public-lib' });
    for (const res of [existing, missing, missingVersion, missingPublic]) expect(res.status).toBe(422);
    const shape = (p: Problem, name: string, version: string) => ({
      type: p.type,
      detail: p.detail.replace(`${name}@${version}`, 'PKG'),
    });
    expect(shape(existing.body, PRIVATE.name, PRIVATE.version)).toEqual(shape(missing.body, '@acme/no-such-lib', PRIVATE.version));
    expect(shape(existing.body, PRIVATE.name, PRIVATE.version)).toEqual(shape(missingVersion.body, PRIVATE.name, '9.9.9'));
    expect(shape(existing.body, PRIVATE.name, PRIVATE.version)).toEqual(shape(missingPublic.body, 'no-such-public-lib', PRIVATE.version));
    expect(existing.body.detail).toMatch(/unknown package/);
    expect((await call<{ analyses: unknown[] }>(orgB.apiKey, '/v1/analyses')).body.analyses).toHaveLength(0);
  });

  it("B pointing its own settings at A's registry gets no use of A's token: a clear error, nothing queued", async () => {
    const set = await sendJson(orgB.apiKey, 'PATCH', '/v1/settings', { registries: { npm: { url: registry.url, scopes: ['@acme'] } } });
    expect(set.status).toBe(200);
    const res = await sendJson<Problem>(orgB.apiKey, 'POST', '/v1/analyses', PRIVATE);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/refused .*no token is set.*PATCH \/v1\/settings/);
    expect((await call<{ analyses: unknown[] }>(orgB.apiKey, '/v1/analyses')).body.analyses).toHaveLength(0);
    // And B's own (private) view has no verdict for it: A's is A's.
    expect((await call(orgB.apiKey, '/v1/verdicts/npm/@acme/private-lib/1.0.0')).status).toBe(404);
  });

  it("keeps A's private verdict out of B's inventory of the same lockfile; A's inventory is answered from it", async () => {
    const lockfile = JSON.stringify({
      name: 'app',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', dependencies: { [PRIVATE.name]: PRIVATE.version } },
        [`node_modules/${PRIVATE.name}`]: { version: PRIVATE.version, ...published },
      },
    });
    type Inventory = {
      id: string;
      status: string;
      summary: { byVerdict: Record<string, number> };
      packages: { analysisId: string | null; status: string; verdict: string | null }[];
      integrityMismatches: unknown[];
      integrityUnchecked: { reason: string }[];
    };
    const upload = (key: string) =>
      call<{ id: string }>(key, '/v1/inventories?filename=package-lock.json', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: lockfile,
      });
    const settled = (key: string, id: string) =>
      waitFor(
        `inventory ${id}`,
        async () => {
          const { body } = await call<Inventory>(key, `/v1/inventories/${id}`);
          return body.packages.every((p) => ['completed', 'failed'].includes(p.status)) && body.status !== 'expanding' ? body : null;
        },
        300_000,
        1000,
      );
    const invA = await settled(orgA.apiKey, (await upload(orgA.apiKey)).body.id);
    expect(invA.integrityMismatches).toEqual([]);
    expect(invA.integrityUnchecked).toEqual([]);
    const aVerdict = (await call<{ verdict: { verdict: string } }>(orgA.apiKey, '/v1/verdicts/npm/@acme/private-lib/1.0.0')).body.verdict;
    expect(invA.packages[0]).toMatchObject({ status: 'completed', verdict: aVerdict.verdict });

    // B (its own settings point @acme at the registry without a token): fetched with no token, it fails; never A's verdict.
    const invB = await settled(orgB.apiKey, (await upload(orgB.apiKey)).body.id);
    expect(invB.packages[0]).toMatchObject({ status: 'failed', verdict: null });
    expect(Object.values(invB.summary.byVerdict).reduce((a, b) => a + b, 0)).toBe(0);
    const bAnalysis = await call<{ error: string; verdict: unknown }>(orgB.apiKey, `/v1/analyses/${invB.packages[0]!.analysisId}`);
    expect(bAnalysis.body.verdict).toBeNull();
    expect(bAnalysis.body.error).toMatch(/E401/);
  });

  it('a request without a token fails with a clear error; a wrong token too', async () => {
    await sendJson(orgC.apiKey, 'PATCH', '/v1/settings', { registries: { npm: { url: registry.url, scopes: ['@acme'] } } });
    const none = await sendJson<Problem>(orgC.apiKey, 'POST', '/v1/analyses', PRIVATE);
    expect(none.status).toBe(422);
    expect(none.body.detail).toContain(`the private registry ${registry.url} refused @acme/private-lib@1.0.0 (no token is set)`);
    await sendJson(orgC.apiKey, 'PATCH', '/v1/settings', {
      registries: { npm: { url: registry.url, scopes: ['@acme'], token: 'not-the-token-0000' } },
    });
    const wrong = await sendJson<Problem>(orgC.apiKey, 'POST', '/v1/analyses', PRIVATE);
    expect(wrong.status).toBe(422);
    expect(wrong.body.detail).toContain('(its token was refused)');
  });

  it('drops a stored token when the registry URL changes, so it is never sent to another host', async () => {
    const moved = await sendJson<{ registries: { npm: { tokenSet: boolean } } }>(orgA.apiKey, 'PATCH', '/v1/settings', {
      registries: { npm: { url: 'http://127.0.0.1:9/', scopes: ['@acme'] } },
    });
    expect(moved.body.registries.npm.tokenSet).toBe(false);
  });
});
