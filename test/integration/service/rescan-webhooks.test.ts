/**
 * Inventory rescans announced in one webhook event, against a real Redis and the real API, with the
 * worker's own expansion, rescan and completion paths driven by crafted reports (no sandbox): a webhook
 * subscribed to inventory.rescanned gets one event per rescan listing the verdicts that changed and no
 * analysis.verdict per package of the rescan; a webhook that did not subscribe keeps getting them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisTarget } from '@airlock/queue';
import type { VerdictName } from '@airlock/store';
import { completeRun, inventoryProcessor, type WorkerContext } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';
import { craftedReport, sandboxlessWorkerContext } from '../../support/worker.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let ctx: WorkerContext;
let org: { id: string; apiKey: string };

const report = (id: string, verdict: VerdictName) =>
  craftedReport(id, verdict, { score: verdict === 'benign' ? 0 : 40, sha256: 'd'.repeat(64) });

const call = async (path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${org.apiKey}`);
  return fetch(`${api.url}${path}`, { ...init, headers });
};
async function webhook(events: string[]): Promise<string> {
  const res = await call('/v1/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
const deliveries = async (hookId: string) =>
  ((await (await call(`/v1/webhooks/${hookId}/deliveries`)).json()) as { deliveries: { event: string; body: string }[] }).deliveries
    .reverse() // oldest first
    .map((d) => ({ event: d.event, data: (JSON.parse(d.body) as { data: Record<string, unknown> }).data }));

/** Completes every queued analysis of the inventory's current scan with the verdict named for its package. */
async function finishScan(inventoryId: string, verdicts: Record<string, VerdictName>, finishedAt: string, tag: string) {
  const inventory = (await api.context.store.inventories.get(inventoryId))!;
  for (const p of inventory.packages) {
    const analysis = (await api.context.store.analyses.get(p.analysisId!))!;
    if (analysis.status !== 'queued') continue;
    const target: AnalysisTarget = { kind: 'registry', ecosystem: p.ecosystem, name: p.name, version: p.version };
    await completeRun(ctx, { runKey: analysis.runKey, target }, report(`r_${tag}_${p.name}`, verdicts[p.name]!), finishedAt);
  }
}

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { webhookAllowPrivate: true, rateLimitPerMinute: 0 });
  ctx = sandboxlessWorkerContext(api, redis.url);
  org = await createOrg(api, 'rescan-org');
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('inventory.rescanned', () => {
  it('sends one event per rescan with the changed verdicts instead of analysis.verdict per package', async () => {
    const batched = await webhook(['analysis.verdict', 'inventory.completed', 'inventory.rescanned']);
    const legacy = await webhook(['analysis.verdict']);
    const names = ['pkg-same', 'pkg-worse', 'pkg-better'];
    const inventory = await api.context.store.inventories.create({
      orgId: org.id,
      fileName: 'requirements.txt',
      format: 'requirements',
      schedule: null,
      skipped: [],
      packages: names.map((name) => ({ ecosystem: 'pypi' as const, name, version: '1.0.0', integrity: null, analysisId: null })),
    });
    const job = { data: { inventoryId: inventory.id } } as Parameters<ReturnType<typeof inventoryProcessor>>[0];

    // The first scan, finished two days ago (so the rescan runs every package again): per-package events.
    await inventoryProcessor(ctx, 'expand')(job);
    const twoDaysAgo = new Date(Date.now() - 48 * 3600e3).toISOString();
    await finishScan(inventory.id, { 'pkg-same': 'benign', 'pkg-worse': 'benign', 'pkg-better': 'suspicious' }, twoDaysAgo, 'one');
    expect((await api.context.store.inventories.get(inventory.id))!.status).toBe('completed');
    const firstScan = await deliveries(batched);
    expect(firstScan.map((d) => d.event)).toEqual(['analysis.verdict', 'analysis.verdict', 'analysis.verdict', 'inventory.completed']);

    // The rescan: every package runs again; two verdicts change.
    await inventoryProcessor(ctx, 'rescan')(job);
    await finishScan(
      inventory.id,
      { 'pkg-same': 'benign', 'pkg-worse': 'suspicious', 'pkg-better': 'benign' },
      new Date().toISOString(),
      'two',
    );
    const after = (await api.context.store.inventories.get(inventory.id))!;
    expect(after).toMatchObject({ status: 'completed', rescans: 1 });

    const rescan = (await deliveries(batched)).slice(firstScan.length);
    expect(rescan.map((d) => d.event)).toEqual(['inventory.completed', 'inventory.rescanned']);
    const data = rescan[1]!.data as {
      inventory: { id: string; rescans: number };
      previousScanKnown: boolean;
      packages: number;
      byVerdict: Record<string, number>;
      changed: { name: string; verdict: string; previousVerdict: string; analysisId: string }[];
    };
    expect(data).toMatchObject({
      inventory: { id: inventory.id, rescans: 1 },
      previousScanKnown: true,
      packages: 3,
      byVerdict: { benign: 2, suspicious: 1 },
    });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(data.changed.sort(byName)).toEqual([
      expect.objectContaining({ name: 'pkg-better', previousVerdict: 'suspicious', verdict: 'benign' }),
      expect.objectContaining({ name: 'pkg-worse', previousVerdict: 'benign', verdict: 'suspicious' }),
    ]);
    const worse = data.changed.find((c) => c.name === 'pkg-worse')!;
    expect(after.packages.map((p) => p.analysisId)).toContain(worse.analysisId);

    // A webhook that did not ask for inventory.rescanned keeps its per-package events.
    expect((await deliveries(legacy)).map((d) => d.event)).toEqual(Array(6).fill('analysis.verdict'));

    // A second rescan with no change still says so, once.
    await inventoryProcessor(ctx, 'rescan')(job);
    const third = (await deliveries(batched)).slice(firstScan.length + rescan.length);
    expect(third.map((d) => d.event)).toEqual(['inventory.completed', 'inventory.rescanned']); // answered from known verdicts (run < 20 h ago)
    expect(third[1]!.data).toMatchObject({ inventory: { rescans: 2 }, changed: [] });
  });
});
