/**
 * A report the worker cannot store fails its analysis with the reason, instead of leaving it `running`.
 * Real Redis, API and in-process worker; only the pipeline is replaced (nothing runs in a sandbox here): it
 * hands back a scored report that JSON cannot serialise, as a report past V8's string limit once did.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as analysis from '@airlock/analysis';
import type { SandboxReport } from '@airlock/core';
import { startWorker, workerConfigFromEnv, type RunningWorker } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, quietLog, startTestApi, waitFor } from '../../support/service.js';

vi.mock('@airlock/analysis', async (original) => ({
  ...(await original<typeof analysis>()),
  analyzeLocalPackage: vi.fn(
    async (): Promise<SandboxReport> =>
      ({
        id: 'unstorable',
        package: { archive: { sha256: 'a'.repeat(64) } },
        phases: [],
        timings: { totalMs: 1 },
        verdict: { verdict: 'benign', score: 0, reasons: [], notObserved: [] },
        // JSON.stringify throws on a BigInt, as it throws RangeError on a string over 512 MiB.
        importResult: { size: 1n },
      }) as unknown as SandboxReport,
  ),
}));

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: RunningWorker;
let org: { id: string; apiKey: string };

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url);
  worker = await startWorker({ ...workerConfigFromEnv({}), redisUrl: redis.url, dataDir: api.context.config.dataDir }, quietLog);
  org = await createOrg(api, 'store-failure');
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await redis?.stop();
});

describe('storing the report', () => {
  it('fails the analysis with the reason when the report cannot be serialised', async () => {
    const res = await fetch(`${api.url}/v1/analyses?filename=benign-no-scripts-1.0.0.tgz`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(await packFixture('test/fixtures/npm/benign-no-scripts')),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const done = await waitFor(
      `analysis ${id}`,
      async () => {
        const a = (await (await fetch(`${api.url}/v1/analyses/${id}`, { headers: { authorization: `Bearer ${org.apiKey}` } })).json()) as {
          status: string;
          error: string | null;
        };
        return a.status === 'failed' || a.status === 'completed' ? a : null;
      },
      60_000,
      200,
    );
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^the report could not be stored: serialising it failed \(.*BigInt/);
    expect(await api.context.store.verdicts.reportJson('unstorable')).toBeNull();
  });
});
