/**
 * Inventories listed (newest first, paged) and deleted, against a real Redis (no worker): a delete stops
 * the schedule and removes the inventory from the list, its analyses stay; another organization's id
 * answers 404 and its list never shows ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let orgA: { id: string; apiKey: string };
let orgB: { id: string; apiKey: string };

interface ListItem {
  id: string;
  fileName: string;
  packages: number;
  skipped: number;
  schedule: unknown;
  links: { self: string };
}
interface Page {
  inventories: ListItem[];
  next: string | null;
}

const call = (path: string, key: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  return fetch(`${api.url}${path}`, { ...init, headers });
};
const upload = async (key: string, body: string, query = '') => {
  const res = await call(`/v1/inventories?filename=requirements.txt${query}`, key, { method: 'POST', body });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
};
const page = async (key: string, query = '') => (await (await call(`/v1/inventories${query}`, key)).json()) as Page;
const pause = () => new Promise((r) => setTimeout(r, 5));

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { rateLimitPerMinute: 10_000 });
  orgA = await createOrg(api, 'inv-a');
  orgB = await createOrg(api, 'inv-b');
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('inventory list and delete', () => {
  it("lists an organization's inventories newest first, paged, never another organization's", async () => {
    const first = await upload(orgA.apiKey, 'requests==2.31.0\n');
    await pause();
    const second = await upload(orgA.apiKey, 'requests==2.31.0\nurllib3==2.0.7\n');
    await pause();
    const third = await upload(orgA.apiKey, 'idna==3.6\n', '&schedule=daily');
    const other = await upload(orgB.apiKey, 'idna==3.6\n');

    const all = await page(orgA.apiKey);
    expect(all.inventories.map((i) => i.id)).toEqual([third, second, first]);
    expect(all.next).toBeNull();
    expect(all.inventories[1]).toMatchObject({
      fileName: 'requirements.txt',
      packages: 2,
      skipped: 0,
      links: { self: `/v1/inventories/${second}` },
    });
    expect(all.inventories[0]!.schedule).toEqual({ everyMs: 86_400_000 });
    expect(JSON.stringify(all)).not.toContain(orgA.id); // no orgId, no package lists in the list

    const p1 = await page(orgA.apiKey, '?limit=2');
    expect(p1.inventories.map((i) => i.id)).toEqual([third, second]);
    expect(p1.next).toMatch(/^\d+:inv_[\w-]+$/);
    const p2 = await page(orgA.apiKey, `?limit=2&before=${encodeURIComponent(p1.next!)}`);
    expect(p2.inventories.map((i) => i.id)).toEqual([first]);
    expect(p2.next).toBeNull();

    expect((await page(orgB.apiKey)).inventories.map((i) => i.id)).toEqual([other]);
    expect((await call('/v1/inventories?limit=0', orgA.apiKey)).status).toBe(400);
  });

  it('deletes an inventory: its schedule stops, it leaves the list, its analyses stay', async () => {
    const id = await upload(orgA.apiKey, 'six==1.16.0\n', '&schedule=every:10m');
    const schedulers = async () => (await api.context.queues.rescans.getJobSchedulers()).map((s) => s.key);
    expect(await schedulers()).toContain(`rescan|${id}`);
    const analysis = await api.context.store.analyses.create({
      orgId: orgA.id,
      ecosystem: 'pypi',
      name: 'six',
      version: '1.16.0',
      source: 'registry',
      archiveSha256: null,
      runKey: 'pypi|six|1.16.0|registry',
      inventoryId: id,
    });

    // Another organization cannot see or delete it.
    expect((await call(`/v1/inventories/${id}`, orgB.apiKey, { method: 'DELETE' })).status).toBe(404);
    expect(await schedulers()).toContain(`rescan|${id}`);

    expect((await call(`/v1/inventories/${id}`, orgA.apiKey, { method: 'DELETE' })).status).toBe(204);
    expect(await schedulers()).not.toContain(`rescan|${id}`);
    expect((await page(orgA.apiKey)).inventories.map((i) => i.id)).not.toContain(id);
    expect((await call(`/v1/inventories/${id}`, orgA.apiKey)).status).toBe(404);
    expect((await call(`/v1/inventories/${id}`, orgA.apiKey, { method: 'DELETE' })).status).toBe(404);
    const kept = await call(`/v1/analyses/${analysis.id}`, orgA.apiKey);
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({ id: analysis.id, inventoryId: id });
  });
});
