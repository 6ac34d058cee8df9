/**
 * Organization settings against a real Redis and the real API, with the worker's own completion driven by
 * crafted reports (no sandbox): accepted false positives change what THAT organization reads (analysis,
 * verdict, list, webhooks) and nothing anyone else reads; a signature acceptance does not cover new
 * evidence; proof is never accepted; budgets are lowered by an organization and raised only by an
 * operator; an operator overrides a sticky public verdict with a reason kept in the history and announced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import type { AnalysisTarget } from '@airlock/queue';
import { keys, type VerdictName } from '@airlock/store';
import { completeRun, type WorkerContext } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';
import { craftedReport, sandboxlessWorkerContext } from '../../support/worker.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let ctx: WorkerContext;
let orgA: { id: string; apiKey: string };
let orgB: { id: string; apiKey: string };

const call = async <T = Record<string, unknown>>(key: string, path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  const res = await fetch(`${api.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
};
const send = <T = Record<string, unknown>>(key: string, method: string, path: string, body: object) =>
  call<T>(key, path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

type Verdict = { verdict: string; reasons: { rule: string; evidenceSha256?: string }[] };
type Seen = { verdict: Verdict; originalVerdict: Verdict | null; acceptedFalsePositive: { id: string; by: { keyName: string } } | null };

/** A scored report whose reasons carry evidence, as the scorer writes them. */
function report(id: string, verdict: VerdictName, reasons: { rule: string; conclusive?: boolean; path: string }[]): SandboxReport {
  const base = craftedReport(id, verdict, { score: verdict === 'benign' ? 0 : 40 });
  base.verdict!.reasons = reasons.map((r) => ({
    rule: r.rule,
    severity: 'medium',
    tactic: 'execution',
    weight: 40,
    conclusive: r.conclusive ?? false,
    explanation: `${r.rule} on ${r.path}`,
    evidence: [{ section: 'processes', index: 0, pid: Math.floor(Math.random() * 1000), time: Date.now(), path: r.path }],
  }));
  return base;
}

async function submitAndComplete(key: string, pkg: { name: string; version: string }, rep: SandboxReport): Promise<string> {
  const submitted = await send<{ id: string }>(key, 'POST', '/v1/analyses', { ecosystem: 'pypi', ...pkg });
  expect(submitted.status).toBe(202);
  const analysis = (await api.context.store.analyses.get(submitted.body.id))!;
  const target: AnalysisTarget = { kind: 'registry', ecosystem: 'pypi', name: pkg.name, version: pkg.version };
  await completeRun(ctx, { runKey: analysis.runKey, target }, rep);
  return submitted.body.id;
}

async function webhook(key: string): Promise<string> {
  const res = await send<{ id: string }>(key, 'POST', '/v1/webhooks', {
    url: 'http://127.0.0.1:9/hook',
    events: ['analysis.verdict', 'analysis.verdict_changed'],
  });
  expect(res.status).toBe(201);
  return res.body.id;
}
const deliveries = async (key: string, hookId: string, event: string) =>
  (await call<{ deliveries: { event: string; body: string }[] }>(key, `/v1/webhooks/${hookId}/deliveries`)).body.deliveries
    .filter((d) => d.event === event)
    .map((d) => JSON.parse(d.body) as { data: Record<string, unknown> });

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { webhookAllowPrivate: true, rateLimitPerMinute: 0, forceBudgetPerDay: 5 });
  ctx = sandboxlessWorkerContext(api, redis.url);
  orgA = await createOrg(api, 'org-a');
  orgB = await createOrg(api, 'org-b');
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('settings', () => {
  it('start from the defaults: the guard refuses malicious and inconclusive, the service budgets, no registry', async () => {
    const res = await call(orgA.apiKey, '/v1/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      acceptedFalsePositives: [],
      guardRefuses: ['malicious', 'inconclusive'],
      budgets: { forcePerDay: 5, rescanPerDay: 1000, own: { forcePerDay: null, rescanPerDay: null } },
      registries: { npm: null },
      updatedAt: null,
    });
    const guard = await send<{ guardRefuses: string[] }>(orgA.apiKey, 'PATCH', '/v1/settings', { guardRefuses: ['malicious'] });
    expect(guard.body.guardRefuses).toEqual(['malicious']);
    expect((await call<{ guardRefuses: string[] }>(orgB.apiKey, '/v1/settings')).body.guardRefuses).toEqual(['malicious', 'inconclusive']);
  });

  it('refuse a registry token when the service has no secrets key, and an unreadable range', async () => {
    const token = await send<{ detail: string }>(orgA.apiKey, 'PATCH', '/v1/settings', {
      registries: { npm: { url: 'https://npm.acme.example/', scopes: ['@acme'], token: 'tok-0123456789' } },
    });
    expect(token.status).toBe(503);
    expect(token.body.detail).toMatch(/AIRLOCK_SECRETS_KEY/);
    const range = await send<{ detail: string }>(orgA.apiKey, 'POST', '/v1/settings/accepted-false-positives', {
      match: { kind: 'range', ecosystem: 'pypi', name: 'x', range: '^1.2' },
      reason: 'r',
    });
    expect(range.status).toBe(400);
    expect(range.body.detail).toMatch(/PEP 440/);
  });
});

describe('accepted false positives', () => {
  const pkg = { name: 'noisy-build', version: '1.0.0' };
  let analysisA: string;
  let hookA: string;
  let hookB: string;

  it("apply to the accepting organization's reads only; the shared verdict and other organizations are untouched", async () => {
    hookA = await webhook(orgA.apiKey);
    hookB = await webhook(orgB.apiKey);
    analysisA = await submitAndComplete(
      orgA.apiKey,
      pkg,
      report('r_noisy1', 'suspicious', [{ rule: 'download-execute.own-folder', path: '/home/jordan/node_modules/noisy/bin' }]),
    );
    const before = await call<Seen>(orgA.apiKey, `/v1/analyses/${analysisA}`);
    expect(before.body.verdict.verdict).toBe('suspicious');
    const signature = before.body.verdict.reasons[0]!.evidenceSha256!;
    expect(signature).toMatch(/^[0-9a-f]{64}$/);

    const accepted = await send<{ id: string; by: { keyName: string } }>(orgA.apiKey, 'POST', '/v1/settings/accepted-false-positives', {
      match: { kind: 'signature', ecosystem: 'pypi', name: pkg.name, rule: 'download-execute.own-folder', evidenceSha256: signature },
      reason: 'its build runs its own helper',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.by.keyName).toBe('default');

    const seenA = await call<Seen>(orgA.apiKey, `/v1/analyses/${analysisA}`);
    expect(seenA.body.verdict.verdict).toBe('benign');
    expect(seenA.body.originalVerdict?.verdict).toBe('suspicious');
    expect(seenA.body.acceptedFalsePositive).toMatchObject({ id: accepted.body.id, by: { keyName: 'default' } });
    // The report is the run's, as stored; the acceptance is named in a header.
    const reportRes = await fetch(`${api.url}/v1/analyses/${analysisA}/report`, { headers: { authorization: `Bearer ${orgA.apiKey}` } });
    expect(reportRes.headers.get('airlock-accepted-false-positive')).toBe(accepted.body.id);
    expect(((await reportRes.json()) as { verdict: { verdict: string } }).verdict.verdict).toBe('suspicious');
    const listA = await call<{ analyses: Seen[] }>(orgA.apiKey, '/v1/analyses');
    expect(listA.body.analyses[0]!.verdict.verdict).toBe('benign');
    const verdictA = await call<Seen>(orgA.apiKey, '/v1/verdicts/pypi/noisy-build/1.0.0');
    expect(verdictA.body).toMatchObject({ verdict: { verdict: 'benign' }, originalVerdict: { verdict: 'suspicious' } });

    // B, asking for the same version, is answered from the shared verdict as it is.
    const b = await send<Seen & { cached: boolean }>(orgB.apiKey, 'POST', '/v1/analyses', { ecosystem: 'pypi', ...pkg });
    expect(b.body).toMatchObject({ cached: true, verdict: { verdict: 'suspicious' }, acceptedFalsePositive: null });
    expect((await call<Seen>(orgB.apiKey, '/v1/verdicts/pypi/noisy-build/1.0.0')).body.verdict.verdict).toBe('suspicious');
    const stored = JSON.parse((await api.context.store.redis.get(keys.verdict('pypi', pkg.name, pkg.version)))!) as Seen;
    expect(stored.verdict.verdict).toBe('suspicious');
  });

  it('reach webhooks as the organization sees them: A gets benign with the acceptance, B the verdict as it is', async () => {
    // A forced rerun with the same behaviour (new pids and times: the same signature).
    const rerun = await send<{ id: string }>(orgA.apiKey, 'POST', `/v1/analyses/${analysisA}/rerun`, {});
    expect(rerun.status).toBe(202);
    const run = (await api.context.store.analyses.get(rerun.body.id))!;
    const bJoins = await send<{ id: string }>(orgB.apiKey, 'POST', '/v1/analyses', { ecosystem: 'pypi', ...pkg, force: true });
    const bRun = (await api.context.store.analyses.get(bJoins.body.id))!;
    const target: AnalysisTarget = { kind: 'registry', ecosystem: 'pypi', ...pkg };
    const rep = () =>
      report(`r_noisy_${Math.random()}`, 'suspicious', [
        { rule: 'download-execute.own-folder', path: '/home/jordan/node_modules/noisy/bin' },
      ]);
    await completeRun(ctx, { runKey: run.runKey, target }, rep());
    await completeRun(ctx, { runKey: bRun.runKey, target }, rep());
    const about = (id: string) => (d: { data: Record<string, unknown> }) => (d.data.analysis as { id: string }).id === id;
    const toA = (await deliveries(orgA.apiKey, hookA, 'analysis.verdict')).find(about(rerun.body.id))!.data.analysis as Seen;
    expect(toA.verdict.verdict).toBe('benign');
    expect(toA.acceptedFalsePositive).not.toBeNull();
    const toB = (await deliveries(orgB.apiKey, hookB, 'analysis.verdict')).find(about(bJoins.body.id))!.data.analysis as Seen;
    expect(toB.verdict.verdict).toBe('suspicious');
    expect(toB.acceptedFalsePositive).toBeNull();
  });

  it('a signature acceptance does not cover new evidence of the same rule, nor a new rule, on a later version', async () => {
    const newPath = await submitAndComplete(
      orgA.apiKey,
      { name: pkg.name, version: '1.0.1' },
      report('r_noisy2', 'suspicious', [{ rule: 'download-execute.own-folder', path: '/tmp/payload' }]),
    );
    expect((await call<Seen>(orgA.apiKey, `/v1/analyses/${newPath}`)).body).toMatchObject({
      verdict: { verdict: 'suspicious' },
      acceptedFalsePositive: null,
    });
    const newRule = await submitAndComplete(
      orgA.apiKey,
      { name: pkg.name, version: '1.0.2' },
      report('r_noisy3', 'malicious', [
        { rule: 'download-execute.own-folder', path: '/home/jordan/node_modules/noisy/bin' },
        { rule: 'credential-access.config', path: '/home/jordan/.npmrc' },
      ]),
    );
    expect((await call<Seen>(orgA.apiKey, `/v1/analyses/${newRule}`)).body.verdict.verdict).toBe('malicious');
  });

  it('a package acceptance never covers proof: honeytoken exfiltration stays malicious', async () => {
    await send(orgA.apiKey, 'POST', '/v1/settings/accepted-false-positives', {
      match: { kind: 'package', ecosystem: 'pypi', name: pkg.name },
      reason: 'we trust this package',
    });
    // The heuristics of 1.0.1 are now accepted for A...
    const list = await call<{ analyses: (Seen & { version: string })[] }>(orgA.apiKey, '/v1/analyses');
    expect(list.body.analyses.find((a) => a.version === '1.0.1')!.verdict.verdict).toBe('benign');
    // ...but planted credentials that left are never a false positive.
    const exfil = await submitAndComplete(
      orgA.apiKey,
      { name: pkg.name, version: '1.0.3' },
      report('r_noisy4', 'malicious', [{ rule: 'honeytoken-exfiltration', conclusive: true, path: '/home/jordan/.aws/credentials' }]),
    );
    expect((await call<Seen>(orgA.apiKey, `/v1/analyses/${exfil}`)).body).toMatchObject({
      verdict: { verdict: 'malicious' },
      acceptedFalsePositive: null,
    });
  });

  it('can be deleted: the stored verdict shows again', async () => {
    const settings = await call<{ acceptedFalsePositives: { id: string }[] }>(orgA.apiKey, '/v1/settings');
    for (const { id } of settings.body.acceptedFalsePositives)
      expect((await call(orgA.apiKey, `/v1/settings/accepted-false-positives/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call<Seen>(orgA.apiKey, `/v1/analyses/${analysisA}`)).body.verdict.verdict).toBe('suspicious');
    expect((await call(orgB.apiKey, `/v1/settings/accepted-false-positives/afp_nope`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('budgets per organization', () => {
  it('an organization lowers its own; only an operator raises one', async () => {
    const lower = await send<{ budgets: { forcePerDay: number } }>(orgB.apiKey, 'PATCH', '/v1/settings', { budgets: { forcePerDay: 1 } });
    expect(lower.body.budgets.forcePerDay).toBe(1);
    const raise = await send<{ detail: string }>(orgB.apiKey, 'PATCH', '/v1/settings', { budgets: { forcePerDay: 5 } });
    expect(raise.status).toBe(403);
    expect(raise.body.detail).toMatch(/only an operator/);
    // B already used one forced run above (its forced join): the lowered budget is spent.
    const forced = await send(orgB.apiKey, 'POST', '/v1/analyses', {
      ecosystem: 'pypi',
      name: 'noisy-build',
      version: '1.0.0',
      force: true,
    });
    expect(forced.status).toBe(429);
    const admin = await fetch(`${api.url}/v1/admin/organizations/${orgB.id}/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ budgets: { forcePerDay: 20 } }),
    });
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { budgets: { forcePerDay: number } }).budgets.forcePerDay).toBe(20);
    const again = await send(orgB.apiKey, 'POST', '/v1/analyses', {
      ecosystem: 'pypi',
      name: 'noisy-build',
      version: '1.0.0',
      force: true,
    });
    expect(again.status).toBe(202);
    const notAdmin = await fetch(`${api.url}/v1/admin/organizations/${orgB.id}/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${orgB.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ budgets: { forcePerDay: 1000 } }),
    });
    expect(notAdmin.status).toBe(401);
  });
});

describe('operator override of a public verdict', () => {
  const override = (body: object, token = api.adminToken) =>
    fetch(`${api.url}/v1/admin/verdicts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('replaces a sticky malicious verdict with a required reason, kept in the history and announced to its receivers', async () => {
    const hookB = await webhook(orgB.apiKey);
    await submitAndComplete(
      orgA.apiKey,
      { name: 'sticky-evil', version: '2.0.0' },
      report('r_sticky', 'malicious', [{ rule: 'x', path: '/p' }]),
    );
    // B read the verdict: it is a receiver and is told when it changes.
    expect((await call<Seen>(orgB.apiKey, '/v1/verdicts/pypi/sticky-evil/2.0.0')).body.verdict.verdict).toBe('malicious');

    const pkg = { ecosystem: 'pypi', name: 'sticky-evil', version: '2.0.0' };
    expect((await override({ ...pkg, verdict: 'benign' })).status).toBe(400);
    expect((await override({ ...pkg, verdict: 'benign', reason: 'x' }, orgA.apiKey)).status).toBe(401);
    expect((await override({ ...pkg, version: '9.9.9', verdict: 'benign', reason: 'x' })).status).toBe(404);

    const res = await override({ ...pkg, verdict: 'benign', reason: 'reviewed: the C2 host is the vendor telemetry endpoint' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ verdict: { verdict: 'benign' }, previousVerdict: 'malicious', notified: 2 });

    const after = await call<{
      verdict: Verdict;
      previousVerdict: string;
      override: { reason: string; previous: string };
      history: { verdict: string; override?: boolean; note: string; changedPublic: boolean }[];
    }>(orgB.apiKey, '/v1/verdicts/pypi/sticky-evil/2.0.0');
    expect(after.body).toMatchObject({
      verdict: { verdict: 'benign' },
      previousVerdict: 'malicious',
      override: { reason: 'reviewed: the C2 host is the vendor telemetry endpoint', previous: 'malicious' },
    });
    expect(after.body.history[0]).toMatchObject({ verdict: 'benign', override: true, changedPublic: true });
    expect(after.body.history[0]!.note).toContain('reviewed: the C2 host');
    expect(after.body.history[1]).toMatchObject({ verdict: 'malicious' });

    const told = await deliveries(orgB.apiKey, hookB, 'analysis.verdict_changed');
    expect(told).toHaveLength(1);
    expect(told[0]!.data).toMatchObject({
      package: { name: 'sticky-evil', version: '2.0.0' },
      verdict: { verdict: 'benign' },
      previousVerdict: 'malicious',
      override: { reason: 'reviewed: the C2 host is the vendor telemetry endpoint' },
    });
    // A new submission is answered from the overridden verdict.
    const cached = await send<{ cached: boolean; verdict: Verdict }>(orgA.apiKey, 'POST', '/v1/analyses', pkg);
    expect(cached.body).toMatchObject({ cached: true, verdict: { verdict: 'benign' } });
  });
});
