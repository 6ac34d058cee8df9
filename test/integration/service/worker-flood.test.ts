/**
 * A package that floods the report (test/fixtures/attacks/report-flood: 150,000 failing mkdir calls, execs
 * with a 1 MB argv, then the npm token POSTed away) through the real service: a private Redis, the API,
 * and the built worker as its own process with a 128 MiB heap, as production runs it. Unbounded, the flood's
 * evidence needs several hundred MiB of heap (the worker died, taking every running job with it); bounded,
 * the analysis completes with a capped report, and a small analysis queued after it completes on the same
 * worker. Fixture code runs only inside the sandbox.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import { reportSchemaErrors } from '../../support/report-schema.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, startTestApi, waitFor } from '../../support/service.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let org: { id: string; apiKey: string };
let worker: ChildProcess;
const HEAP_MIB = 128;

const get = async (path: string) => fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${org.apiKey}` } });
const upload = async (dir: string, filename: string) => {
  const res = await fetch(`${api.url}/v1/analyses?filename=${filename}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(await packFixture(dir)),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
};
const finished = (id: string) =>
  waitFor(
    `analysis ${id}`,
    async () => {
      if (worker.exitCode !== null || worker.signalCode !== null)
        throw new Error(`the worker died (${worker.exitCode ?? worker.signalCode})`);
      const a = (await (await get(`/v1/analyses/${id}`)).json()) as {
        status: string;
        error: string | null;
        verdict: { verdict: string } | null;
      };
      return ['completed', 'failed', 'cancelled'].includes(a.status) ? a : null;
    },
    280_000,
    1000,
  );

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url);
  org = await createOrg(api, 'flood');
  worker = spawn(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, 'apps/worker/dist/main.js'], {
    env: {
      ...process.env,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_DATA_DIR: api.context.config.dataDir,
      AIRLOCK_INSTALL_TIMEOUT_MS: '180000',
      AIRLOCK_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
});

afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    const timer = setTimeout(() => worker.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
  await api?.close();
  await redis?.stop();
});

describe('a report flood through the worker', () => {
  it('completes with a capped, small report and a malicious verdict, and the worker serves the next job', async () => {
    const flood = await upload('test/fixtures/attacks/report-flood', 'report-flood-1.0.0.tgz');
    const small = await upload('test/fixtures/npm/benign-no-scripts', 'benign-no-scripts-1.0.0.tgz');

    const done = await finished(flood);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.verdict?.verdict).toBe('malicious');
    const res = await get(`/v1/analyses/${flood}/report`);
    expect(res.status).toBe(200);
    const text = await res.text();
    // 150,000 mkdir calls listed in full were about 30 MiB of report; capped, it stays small.
    expect(Buffer.byteLength(text)).toBeLessThan(4 * 1024 * 1024);
    const report = JSON.parse(text) as SandboxReport;
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.verdict?.reasons.map((r) => r.rule)).toContain('honeytoken-exfiltration');
    expect(report.honeytokens.exfiltrated).toContainEqual(
      expect.objectContaining({ kind: 'npm-token', channel: 'http', destination: 'after.report-flood.attack-fixture.example:80' }),
    );
    const failed = report.evidenceGaps.find((g) => g.kind === 'report.file-writes-failed-capped');
    expect(failed).toMatchObject({ source: 'report', phase: 'install', limit: 10_000, hidesBehaviour: true });
    // Every call was seen and counted: the kept entries plus the dropped ones are the whole flood.
    const kept = report.fileWrites.filter((w) => w.path.startsWith('/nonexistent/airlock-report-flood/')).length;
    // (The cap counts every failed write of the phase: npm's own few come on top of the flood's 150,000.)
    expect(kept + failed!.dropped!).toBeGreaterThanOrEqual(150_000);
    expect(kept + failed!.dropped!).toBeLessThan(150_000 + 100);
    const clipped = report.evidenceGaps.find((g) => g.kind === 'report.argv-clipped');
    expect(clipped).toMatchObject({ phase: 'install', hidesBehaviour: true });
    // Four execs of a 1 MB argv (ten 100 kB arguments), each kept to 16,384 characters.
    expect(clipped!.dropped).toBeGreaterThan(3_900_000);
    const bigExecs = report.processes.filter((p) => p.path === '/bin/true' && p.argvClipped);
    expect(bigExecs).toHaveLength(4);
    expect(bigExecs[0]!.argvClipped).toEqual({ args: 12, chars: '/bin/true'.length + 1 + 1_000_000 });
    expect(bigExecs[0]!.argv.join('').length).toBe(16_384);

    const next = await finished(small);
    expect(next.status).toBe('completed');
    // An ordinary install reaches none of the report's caps.
    const smallReport = (await (await get(`/v1/analyses/${small}/report`)).json()) as SandboxReport;
    expect(smallReport.evidenceGaps.filter((g) => g.source === 'report')).toEqual([]);
    expect(worker.exitCode).toBeNull();
    expect(worker.signalCode).toBeNull();
  });
});
