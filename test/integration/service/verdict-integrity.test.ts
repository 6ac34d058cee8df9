/**
 * Verdict integrity between organizations, against a real Redis and the real API, with the worker's own
 * completion and cancel paths driven by crafted reports (no sandbox): one organization cannot clear a
 * shared `malicious` verdict, an upload cannot shadow a registry verdict, a cancel cannot fail another
 * organization's submission, and forced runs have a daily budget.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirlockError, type SandboxReport } from '@airlock/core';
import { CANCEL_CHANNEL, runKeyOf, safeJobId, type AnalysisTarget } from '@airlock/queue';
import type { VerdictName } from '@airlock/store';
import { analysisProcessor, cancelRunning, completeRun, inventoryProcessor, type WorkerContext } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, startTestApi, waitFor } from '../../support/service.js';
import { craftedReport, sandboxlessWorkerContext } from '../../support/worker.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let ctx: WorkerContext;
let cancels: Redis;
let orgA: { id: string; apiKey: string };
let orgB: { id: string; apiKey: string };
let orgC: { id: string; apiKey: string };
type AnalysisJobRun = Parameters<ReturnType<typeof analysisProcessor>>[0];

const h = 3600e3;
const call = async <T = Record<string, unknown>>(key: string, path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  const res = await fetch(`${api.url}${path}`, { ...init, headers });
  return { status: res.status, body: (await res.json()) as T };
};
const submit = (key: string, body: object) =>
  call<{ id: string; status: string; cached: boolean; verdict: { verdict: string } | null }>(key, '/v1/analyses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
type Lookup = {
  verdict: { verdict: string };
  reportId: string;
  previousVerdict: string | null;
  pendingRuns: number;
  history: { reportId: string; verdict: string; held: boolean; changedPublic: boolean; requestedByYou: boolean; organizations: number }[];
};
const lookup = (key: string, path: string) => call<Lookup>(key, `/v1/verdicts/${path}`);

const report = (id: string, verdict: VerdictName, sha256 = 'c'.repeat(64)) =>
  craftedReport(id, verdict, { score: verdict === 'malicious' ? 90 : 0, sha256 });

/** Completes the run an analysis waits on, as the worker does when the sandbox returns `report`. */
async function complete(analysisId: string, rep: SandboxReport, finishedAt: Date): Promise<void> {
  const analysis = (await api.context.store.analyses.get(analysisId))!;
  const target: AnalysisTarget = { kind: 'registry', ecosystem: analysis.ecosystem, name: analysis.name, version: analysis.version };
  await completeRun(ctx, { runKey: analysis.runKey, target }, rep, finishedAt.toISOString());
}

async function webhook(org: { apiKey: string }): Promise<string> {
  const res = await call<{ id: string }>(org.apiKey, '/v1/webhooks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['analysis.verdict', 'analysis.verdict_changed'] }),
  });
  expect(res.status).toBe(201);
  return res.body.id;
}
const changes = async (org: { apiKey: string }, hookId: string) =>
  (await call<{ deliveries: { event: string; body: string }[] }>(org.apiKey, `/v1/webhooks/${hookId}/deliveries`)).body.deliveries
    .filter((d) => d.event === 'analysis.verdict_changed')
    .map((d) => JSON.parse(d.body) as { data: Record<string, unknown> });

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { webhookAllowPrivate: true, rateLimitPerMinute: 0 });
  ctx = sandboxlessWorkerContext(api, redis.url);
  // The worker's cancel listener, as startWorker wires it.
  cancels = new Redis(redis.url);
  await cancels.subscribe(CANCEL_CHANNEL);
  cancels.on('message', (_channel: string, runKey: string) => void cancelRunning(ctx, runKey));
  orgA = await createOrg(api, 'org-a');
  orgB = await createOrg(api, 'org-b');
  orgC = await createOrg(api, 'org-c');
});

afterAll(async () => {
  cancels?.disconnect();
  await api?.close();
  await redis?.stop();
});

describe('a shared malicious verdict', () => {
  it("is not cleared by another organization's forced benign run; it changes only by the downgrade rule, and A is told", async () => {
    const t0 = Date.now() - 72 * h;
    const hookA = await webhook(orgA);
    const pkg = { ecosystem: 'pypi', name: 'sometimes-evil', version: '1.0.0' };
    const first = await submit(orgA.apiKey, pkg);
    expect(first.status).toBe(202);
    await complete(first.body.id, report('r_mal', 'malicious'), new Date(t0));
    expect((await lookup(orgA.apiKey, 'pypi/sometimes-evil/1.0.0')).body.verdict.verdict).toBe('malicious');

    // B forces a run that comes back benign: B sees its own result, everyone still gets malicious.
    const forced = await submit(orgB.apiKey, { ...pkg, force: true });
    expect(forced.status).toBe(202);
    await complete(forced.body.id, report('r_b1', 'benign'), new Date(t0 + 1 * h));
    expect(
      (await call<{ status: string; verdict: { verdict: string } }>(orgB.apiKey, `/v1/analyses/${forced.body.id}`)).body,
    ).toMatchObject({
      status: 'completed',
      verdict: { verdict: 'benign' },
    });
    const afterB = (await lookup(orgB.apiKey, 'pypi/sometimes-evil/1.0.0')).body;
    expect(afterB).toMatchObject({ verdict: { verdict: 'malicious' }, reportId: 'r_mal', pendingRuns: 1 });
    expect(afterB.history.map((r) => [r.reportId, r.verdict, r.held, r.requestedByYou])).toEqual([
      ['r_b1', 'benign', true, true],
      ['r_mal', 'malicious', false, false],
    ]);
    const cached = await submit(orgC.apiKey, pkg);
    expect(cached.body).toMatchObject({ status: 'completed', cached: true, verdict: { verdict: 'malicious' } });

    // B again a day later: still one organization, still held.
    const again = await submit(orgB.apiKey, { ...pkg, force: true });
    await complete(again.body.id, report('r_b2', 'benign'), new Date(t0 + 26 * h));
    expect((await lookup(orgA.apiKey, 'pypi/sometimes-evil/1.0.0')).body).toMatchObject({
      verdict: { verdict: 'malicious' },
      pendingRuns: 2,
    });
    expect(await changes(orgA, hookA)).toEqual([]);

    // C's benign run makes two organizations over more than 24 h: the verdict changes, and A is told.
    const third = await submit(orgC.apiKey, { ...pkg, force: true });
    await complete(third.body.id, report('r_c1', 'benign'), new Date(t0 + 27 * h));
    const after = (await lookup(orgA.apiKey, 'pypi/sometimes-evil/1.0.0')).body;
    expect(after).toMatchObject({ verdict: { verdict: 'benign' }, reportId: 'r_c1', previousVerdict: 'malicious', pendingRuns: 0 });
    expect(after.history.map((r) => [r.reportId, r.changedPublic, r.held])).toEqual([
      ['r_c1', true, false],
      ['r_b2', false, true],
      ['r_b1', false, true],
      ['r_mal', false, false],
    ]);
    const toA = await changes(orgA, hookA);
    expect(toA).toHaveLength(1);
    expect(toA[0]!.data).toMatchObject({
      package: { ecosystem: 'pypi', name: 'sometimes-evil', version: '1.0.0' },
      previousVerdict: 'malicious',
      verdict: { verdict: 'benign' },
      verdictUrl: '/v1/verdicts/pypi/sometimes-evil/1.0.0',
    });
    // A did not ask for C's run: no analysis of another organization is sent to it.
    expect(toA[0]!.data).not.toHaveProperty('analysis');
    expect(await api.context.store.verdicts.receivers('pypi', 'sometimes-evil', '1.0.0')).toEqual([orgA.id, orgB.id, orgC.id].sort());
  });

  it('is decided one run at a time: two runs finishing together both see each other (store level)', async () => {
    const verdicts = api.context.store.verdicts;
    const t0 = Date.now() - 72 * h;
    const entry = (reportId: string, verdict: VerdictName, at: number) => ({
      ecosystem: 'pypi' as const,
      name: 'racing',
      version: '1.0.0',
      archiveSha256: 'd'.repeat(64),
      reportId,
      analyzedAt: new Date(at).toISOString(),
      verdict: { verdict, score: 0, reasons: [], notObserved: [] },
      phases: [],
    });
    await verdicts.recordRun(entry('r0', 'malicious', t0), { requestedBy: [orgA.id], forced: false });
    const both = await Promise.all([
      verdicts.recordRun(entry('r1', 'benign', t0 + 1 * h), { requestedBy: [orgB.id], forced: true }),
      verdicts.recordRun(entry('r2', 'benign', t0 + 30 * h), { requestedBy: [orgC.id], forced: true }),
    ]);
    // Without the per-version lock both would read a history with no benign run and both be held.
    expect(both.filter((r) => r.run.changedPublic)).toHaveLength(1);
    expect((await verdicts.latest('pypi', 'racing', '1.0.0'))?.verdict.verdict).toBe('benign');
    expect((await verdicts.history('pypi', 'racing', '1.0.0')).map((r) => r.reportId).sort()).toEqual(['r0', 'r1', 'r2']);
  });

  it('is not shadowed by an upload labelled with the same name and version', async () => {
    const target: AnalysisTarget = { kind: 'registry', ecosystem: 'npm', name: 'airlock-fixture-benign', version: '1.0.0' };
    await completeRun(ctx, { runKey: runKeyOf(target), target }, report('r_public', 'malicious'), new Date().toISOString());
    const upload = await call<{ id: string }>(orgA.apiKey, '/v1/analyses?filename=airlock-fixture-benign-1.0.0.tgz', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(await packFixture('test/fixtures/npm/benign-no-scripts')),
    });
    expect(upload.status).toBe(202);
    const record = (await api.context.store.analyses.get(upload.body.id))!;
    expect(record.source).toBe('upload');
    const uploadTarget: AnalysisTarget = {
      kind: 'archive',
      ecosystem: 'npm',
      name: record.name,
      version: record.version,
      path: '/unused',
      sha256: record.archiveSha256!,
      fileName: 'airlock-fixture-benign-1.0.0.tgz',
    };
    await completeRun(ctx, { runKey: record.runKey, target: uploadTarget }, report('r_upload', 'benign', record.archiveSha256!));
    // The upload's analysis shows its own verdict; the registry lookup still answers the public one.
    expect((await call<{ verdict: { verdict: string } }>(orgA.apiKey, `/v1/analyses/${upload.body.id}`)).body.verdict.verdict).toBe(
      'benign',
    );
    const pub = (await lookup(orgA.apiKey, 'npm/airlock-fixture-benign/1.0.0')).body;
    expect(pub).toMatchObject({ verdict: { verdict: 'malicious' }, reportId: 'r_public' });
    expect(pub.history.map((r) => r.reportId)).toEqual(['r_public']);
    const known = await api.context.store.verdicts.known(orgA.id, 'npm', 'airlock-fixture-benign', '1.0.0', null);
    expect(known?.reportId).toBe('r_public');
    // The same bytes uploaded again answer from the upload's own verdict.
    expect(
      (await api.context.store.verdicts.known(orgA.id, 'npm', 'airlock-fixture-benign', '1.0.0', record.archiveSha256))?.reportId,
    ).toBe('r_upload');
  });
});

describe('cancellation', () => {
  /**
   * The queued job taken off the queue as a worker takes it, then run by the real processor with `run`
   * (a job that is no longer waiting is cancelled through the workers' cancel channel).
   */
  async function runJob(runKey: string, run: Parameters<typeof analysisProcessor>[1]) {
    const queued = (await api.context.queues.analyses.getJob(safeJobId(runKey)))!;
    await queued.remove();
    const job = { data: queued.data, attemptsMade: 0, opts: { attempts: 3 } } as unknown as AnalysisJobRun;
    // Settled at once into a value, so a rejection before the test looks at it is never unhandled.
    const done = analysisProcessor(
      ctx,
      run,
    )(job).then(
      (result) => ({ result, error: null }),
      (error: Error) => ({ result: null, error }),
    );
    return { done };
  }
  const abortable = (signal: AbortSignal) =>
    new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new AirlockError('ABORTED', 'analysis aborted; the sandbox container was removed'))),
    );

  it("by A does not make B's submission of the same package fail", async () => {
    const pkg = { ecosystem: 'pypi', name: 'cancel-me', version: '1.0.0' };
    const a = await submit(orgA.apiKey, pkg);
    const runKey = (await api.context.store.analyses.get(a.body.id))!.runKey;
    const { done } = await runJob(runKey, async (_ctx, _target, signal) => abortable(signal));
    await waitFor('the run to start', async () => ctx.running.has(runKey));
    expect((await call<{ status: string }>(orgA.apiKey, `/v1/analyses/${a.body.id}/cancel`, { method: 'POST' })).body.status).toBe(
      'cancelled',
    );
    expect((await done).error?.message).toMatch(/aborted/);
    const b = await submit(orgB.apiKey, pkg);
    expect(b.body.status).toBe('queued');
    expect(await api.context.store.analyses.runOutcome(runKey)).toBeNull();
    expect((await api.context.queues.analyses.getJobs(['prioritized', 'waiting'])).map((j) => j.data.runKey)).toContain(runKey);
  });

  it('keeps the run going for an organization that joined while it was being cancelled', async () => {
    const pkg = { ecosystem: 'pypi', name: 'cancel-joined', version: '1.0.0' };
    const a = await submit(orgA.apiKey, pkg);
    let b: Awaited<ReturnType<typeof submit>> | null = null;
    let runs = 0;
    const runKey = (await api.context.store.analyses.get(a.body.id))!.runKey;
    const { done } = await runJob(runKey, async (_ctx, _target, signal) => {
      if (++runs > 1) return report('r_joined', 'benign');
      return abortable(signal).catch(async (err: unknown) => {
        b = await submit(orgB.apiKey, pkg); // joins after the abort was decided
        throw err;
      });
    });
    await waitFor('the run to start', async () => ctx.running.has(runKey));
    await call(orgA.apiKey, `/v1/analyses/${a.body.id}/cancel`, { method: 'POST' });
    expect(await done).toMatchObject({ result: { reportId: 'r_joined' }, error: null });
    expect(runs).toBe(2);
    const joined = (await call<{ status: string; verdict: { verdict: string } }>(orgB.apiKey, `/v1/analyses/${b!.body.id}`)).body;
    expect(joined).toMatchObject({ status: 'completed', verdict: { verdict: 'benign' } });
    expect((await call<{ status: string }>(orgA.apiKey, `/v1/analyses/${a.body.id}`)).body.status).toBe('cancelled');
  });
});

describe('the force budget', () => {
  it('refuses the (N+1)th forced submission of the day with a 429 problem', async () => {
    const limited = await startTestApi(redis.url, { forceBudgetPerDay: 2, rateLimitPerMinute: 0 });
    try {
      const org = await createOrg(limited, 'org-forcing');
      const force = (version: string) =>
        fetch(`${limited.url}/v1/analyses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ecosystem: 'pypi', name: 'forced', version, force: true }),
        });
      expect((await force('1.0.0')).status).toBe(202);
      expect((await force('1.0.1')).status).toBe(202);
      const refused = await force('1.0.2');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await refused.json()) as { detail: string }).detail).toMatch(/used its 2 forced runs .* for today/);
      // Without force the organization is still served.
      const plain = await fetch(`${limited.url}/v1/analyses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ecosystem: 'pypi', name: 'forced', version: '1.0.3' }),
      });
      expect(plain.status).toBe(202);
    } finally {
      await limited.close();
    }
  });
});

describe('inventory rescans', () => {
  it('re-run a version only when no run of it finished in the last 20 h, and within the daily rescan budget', async () => {
    const old = new Date(Date.now() - 48 * h).toISOString();
    const seed = async (name: string, analyzedAt: string) => {
      const target: AnalysisTarget = { kind: 'registry', ecosystem: 'pypi', name, version: '1.0.0' };
      await completeRun(ctx, { runKey: runKeyOf(target), target }, report(`r_${name}`, 'benign'), analyzedAt);
    };
    await seed('stale-one', old);
    await seed('stale-two', old);
    await seed('fresh-one', new Date(Date.now() - 1 * h).toISOString());
    const inventory = await api.context.store.inventories.create({
      orgId: orgA.id,
      fileName: 'requirements.txt',
      format: 'requirements',
      schedule: null,
      skipped: [],
      packages: ['stale-one', 'stale-two', 'fresh-one', 'never-seen'].map((name) => ({
        ecosystem: 'pypi' as const,
        name,
        version: '1.0.0',
        integrity: null,
        analysisId: null,
      })),
    });
    const rescan = inventoryProcessor({ ...ctx, config: { ...ctx.config, rescanBudgetPerDay: 1 } }, 'rescan');
    await rescan({ data: { inventoryId: inventory.id } } as Parameters<typeof rescan>[0]);
    const after = (await api.context.store.inventories.get(inventory.id))!;
    const analyses = await Promise.all(after.packages.map((p) => api.context.store.analyses.get(p.analysisId!)));
    expect(analyses.map((a) => [a!.name, a!.status, a!.cached, a!.runKey.split('|').length > 4])).toEqual([
      ['stale-one', 'queued', false, true], // forced: one unit of the budget
      ['stale-two', 'completed', true, false], // the budget of 1 is spent: the known verdict answers
      ['fresh-one', 'completed', true, false], // run an hour ago: not again
      ['never-seen', 'queued', false, false], // a first run, not a re-run
    ]);
  });
});

describe('the OpenAPI document', () => {
  it('describes the verdict lookup with its history', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(doc.components.schemas.VerdictLookup!.properties)).toEqual(
      expect.arrayContaining(['verdict', 'history', 'pendingRuns', 'previousVerdict']),
    );
  });
});
