/**
 * The HTML report served by the API, opened as a person opens it: the real worker runs an incident-like
 * fixture under gVisor, the analysis carries a signed short-lived link, and headless Chromium (Debian's)
 * opens that link with no API key; the page shows the verdict and the reasons the JSON answer gives.
 * A link altered, expired, or moved to another organization's analysis is refused; the page is the
 * organization's view (an accepted false positive shows), never cached, and sends no Referer.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import type { AnalysisTarget } from '@airlock/queue';
import { SecretBox } from '@airlock/store';
import { completeRun, startWorker, workerConfigFromEnv, type RunningWorker } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, quietLog, startTestApi, waitFor } from '../../support/service.js';
import { sandboxlessWorkerContext } from '../../support/worker.js';
import { testTempDir } from '../../support/temp-dir.js';

const run = promisify(execFile);
const work = testTempDir('airlock-report-html-');
let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: RunningWorker | undefined;
let orgA: { id: string; apiKey: string };
let orgB: { id: string; apiKey: string };

type Analysis = {
  id: string;
  status: string;
  verdict: { verdict: string; reasons: { rule: string }[] } | null;
  links: Record<string, string>;
};
const call = async <T = Analysis>(key: string, path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  const res = await fetch(`${api.url}${path}`, { ...init, headers });
  return { status: res.status, body: (await res.json()) as T };
};
const upload = (key: string, fixture: string) =>
  packFixture(`test/fixtures/npm/${fixture}`).then((tgz) =>
    call(key, `/v1/analyses?filename=${fixture}-1.0.0.tgz`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(tgz),
    }),
  );
const finished = (key: string, id: string) =>
  waitFor(
    `analysis ${id}`,
    async () => {
      const { body } = await call(key, `/v1/analyses/${id}`);
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : null;
    },
    300_000,
    500,
  );
/** A browser's request: no key, nothing but the URL. */
const open = (link: string) => fetch(new URL(link, api.url));

async function chromium(...args: string[]): Promise<string> {
  // --no-sandbox: tests run as root, where Chromium's own sandbox cannot start; the page has no script anyway.
  const { stdout } = await run('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', ...args], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return stdout;
}

let stealer: Analysis;

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { secretBox: new SecretBox(randomBytes(32).toString('hex')), rateLimitPerMinute: 0 });
  orgA = await createOrg(api, 'report-a');
  orgB = await createOrg(api, 'report-b');
  worker = await startWorker(
    {
      ...workerConfigFromEnv({}),
      redisUrl: redis.url,
      dataDir: api.context.config.dataDir,
      installTimeoutMs: 60_000,
      importTimeoutMs: 20_000,
      retryDwellMs: 0,
      views: 'none',
    },
    quietLog,
  );
  const submitted = await upload(orgA.apiKey, 'honeytoken-stealer');
  expect(submitted.status).toBe(202);
  stealer = await finished(orgA.apiKey, submitted.body.id);
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await redis?.stop();
});

describe('the HTML report behind a signed link', () => {
  it('opens in headless Chromium with no key: the verdict and the reasons of the JSON answer', async () => {
    expect(stealer.verdict?.verdict).toBe('malicious');
    const link = stealer.links.reportHtml!;
    expect(link).toMatch(new RegExp(`^/v1/analyses/${stealer.id}/report\\.html\\?exp=\\d+&sig=[\\w-]+$`));
    const exp = Number(new URL(link, api.url).searchParams.get('exp'));
    expect(exp * 1000 - Date.now()).toBeGreaterThan(800_000); // the default 15 minutes
    expect(exp * 1000 - Date.now()).toBeLessThanOrEqual(900_000);

    const res = await open(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);

    const url = new URL(link, api.url).href;
    const dom = await chromium('--dump-dom', url);
    expect(dom).toMatch(/<span class="verdict"[^>]*>malicious<\/span>/);
    expect(dom).toContain('airlock-fixture-honeytoken-stealer@1.0.0');
    const rules = stealer.verdict!.reasons.map((r) => r.rule);
    expect(rules).toContain('honeytoken-exfiltration');
    for (const rule of rules) expect(dom).toContain(`<strong>${rule}</strong>`);
    const links = [...dom.matchAll(/href="#(ev-[^"]+)"/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const id of links) expect(dom).toContain(`id="${id}"`);

    const shot = join(work, 'served.png');
    await chromium(`--screenshot=${shot}`, '--window-size=1200,1400', url);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });

  it('refuses an altered or expired link with a text that says so, and an unknown analysis with 404', async () => {
    const url = new URL(stealer.links.reportHtml!, api.url);
    const sig = url.searchParams.get('sig')!;
    url.searchParams.set('sig', `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`);
    const tampered = await open(url.href);
    expect(tampered.status).toBe(403);
    expect(tampered.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await tampered.text()).toMatch(/not valid/);

    const longer = new URL(stealer.links.reportHtml!, api.url);
    longer.searchParams.set('exp', String(Number(longer.searchParams.get('exp')) + 86_400));
    expect((await open(longer.href)).status).toBe(403);

    // A link this service really minted, an hour ago: expired 45 minutes ago.
    const old = api.context.reportLinks!.mint(stealer.id, orgA.id, Date.now() - 3600_000);
    const expired = await open(old);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/expired at \d{4}-\d\d-\d\dT.*Open the analysis again/);

    expect((await open(`/v1/analyses/an_nope/report.html?exp=9999999999&sig=${sig}`)).status).toBe(404);
    expect((await open(`/v1/analyses/${stealer.id}/report.html`)).status).toBe(401);
  });

  it("cannot be moved to another organization's analysis; that organization's key sees 404", async () => {
    // B's own analysis of the same archive, and its own valid link.
    const mine = await upload(orgB.apiKey, 'honeytoken-stealer');
    const b = mine.body.status === 'completed' ? mine.body : await finished(orgB.apiKey, mine.body.id);
    expect(b.id).not.toBe(stealer.id);
    const own = new URL(b.links.reportHtml!, api.url);
    expect((await open(own.href)).status).toBe(200);
    // B's signature on A's analysis id: refused.
    const moved = new URL(own.href.replace(b.id, stealer.id));
    expect((await open(moved.href)).status).toBe(403);
    // And B's key cannot fetch A's page or get a link for it.
    const byKey = await fetch(`${api.url}/v1/analyses/${stealer.id}/report.html`, { headers: { authorization: `Bearer ${orgB.apiKey}` } });
    expect(byKey.status).toBe(404);
    expect((await call(orgB.apiKey, `/v1/analyses/${stealer.id}`)).status).toBe(404);
  });

  it('serves the page with a Bearer key too; `airlock status --html` writes it and `airlock status` prints the link', async () => {
    const page = join(work, 'status.html');
    const cli = await run(process.execPath, ['apps/cli/dist/main.js', 'status', stealer.id, '--html', page], {
      env: { ...process.env, AIRLOCK_API_URL: api.url, AIRLOCK_API_KEY: orgA.apiKey },
    }).catch((err: { code: number; stdout: string; stderr: string }) => err);
    expect('code' in cli ? cli.code : 0).toBe(1); // malicious
    expect(readFileSync(page, 'utf8')).toMatch(/<span class="verdict"[^>]*>malicious<\/span>/);
    const printed = /^report: (http:\/\/\S+)$/m.exec(cli.stdout)?.[1];
    expect(printed).toMatch(new RegExp(`^${api.url}/v1/analyses/${stealer.id}/report\\.html\\?exp=`));
    expect((await open(printed!)).status).toBe(200);
  });

  it("shows the organization's accepted false positive, as its JSON answer does", async () => {
    // The worker is done with; the real report is completed again as a pypi version's suspicious verdict (no sandbox).
    await worker?.close();
    worker = undefined;
    const real = JSON.parse(
      (await api.context.store.verdicts.reportJson((await api.context.store.analyses.get(stealer.id))!.reportId!))!,
    ) as SandboxReport;
    const pkg = { name: 'noisy-build', version: '1.0.0' };
    const submitted = await call(orgA.apiKey, '/v1/analyses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ecosystem: 'pypi', ...pkg }),
    });
    expect(submitted.status).toBe(202);
    // Proof (honeytoken-exfiltration) is never accepted: a heuristic reason of the same run instead.
    const first = real.verdict!.reasons[0]!;
    const reason = { ...first, rule: first.rule === 'honeytoken-exfiltration' ? 'network.unexpected-host' : first.rule, conclusive: false };
    const noisy: SandboxReport = {
      ...real,
      id: 'r_noisy_html',
      verdict: { ...real.verdict!, verdict: 'suspicious', score: 40, reasons: [reason] },
    };
    const analysis = (await api.context.store.analyses.get(submitted.body.id))!;
    const target: AnalysisTarget = { kind: 'registry', ecosystem: 'pypi', ...pkg };
    await completeRun(sandboxlessWorkerContext(api, redis.url), { runKey: analysis.runKey, target }, noisy);

    const before = await call(orgA.apiKey, `/v1/analyses/${submitted.body.id}`);
    expect(await (await open(before.body.links.reportHtml!)).text()).toMatch(/<span class="verdict"[^>]*>suspicious<\/span>/);
    const accepted = await call<{ id: string }>(orgA.apiKey, '/v1/settings/accepted-false-positives', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: { kind: 'package', ecosystem: 'pypi', name: pkg.name }, reason: 'its build is noisy' }),
    });
    expect(accepted.status).toBe(201);
    const after = await call(orgA.apiKey, `/v1/analyses/${submitted.body.id}`);
    expect(after.body.verdict?.verdict).toBe('benign');
    const html = await (await open(after.body.links.reportHtml!)).text();
    expect(html).toMatch(/<span class="verdict"[^>]*>benign<\/span>/);
    expect(html).toContain(`Accepted as a false positive by your organization (${accepted.body.id}`);
    expect(html).toContain("The run's verdict was <strong>suspicious</strong>");
    expect(html).toContain(`<strong>${reason.rule}</strong>`);
  });
});
