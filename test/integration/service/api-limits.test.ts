/**
 * Bounded inputs at the API. Archive bombs are refused while the upload streams in: a 64 MiB gzip of
 * zeros (64 GiB inflated) comes back 422 in well under a second, with a detail that says which limit, and
 * nothing is stored. Inventories over the package limit, and schedules under the floor or invalid, are
 * refused before anything is stored.
 */
import { readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let org: { id: string; apiKey: string };

/** `members` gzip members of 64 MiB of zeros each (gzip allows concatenated members): ~64 KiB each. */
function zeroBomb(targetBytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.floor(targetBytes / member.length) }, () => member));
}

const upload = async (body: Buffer, filename: string) => {
  const started = performance.now();
  const res = await fetch(`${api.url}/v1/analyses?filename=${filename}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });
  const problem = (await res.json()) as { detail: string };
  return { status: res.status, problem, ms: performance.now() - started };
};

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { maxInventoryPackages: 3 });
  org = await createOrg(api, 'bombs');
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('archive bombs at the API', () => {
  it('refuses a 64 MiB gzip of zeros quickly, with 422 and the limit in the detail, storing nothing', async () => {
    const bomb = zeroBomb(64 * 1024 * 1024 - 1024);
    expect(bomb.length).toBeGreaterThan(60 * 1024 * 1024);
    const { status, problem, ms } = await upload(bomb, 'bomb-1.0.0.tgz');
    console.log(
      `a ${(bomb.length / 2 ** 20).toFixed(1)} MiB gzip bomb (${((bomb.length / 65_000) * 64) | 0} MiB inflated) refused in ${ms.toFixed(0)} ms: ${problem.detail}`,
    );
    expect(status).toBe(422);
    expect(problem.detail).toMatch(/bomb-1\.0\.0\.tgz is a hostile archive: more than 1\.0 MiB of data after the end of the tar archive/);
    expect(ms).toBeLessThan(3_000);
    expect(readdirSync(api.context.config.dataDir)).not.toContain('uploads');
  });

  it('refuses the same zeros inside one tar entry by its compression ratio, while inflating', async () => {
    const header = Buffer.alloc(512);
    new tar.Header({ path: 'package/zeros', size: 2 ** 36, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(header, 0);
    const bomb = Buffer.concat([gzipSync(header), zeroBomb(64 * 1024 * 1024 - 2048)]);
    const { status, problem, ms } = await upload(bomb, 'entry-bomb-1.0.0.tgz');
    console.log(`the same inside one tar entry refused in ${ms.toFixed(0)} ms: ${problem.detail}`);
    expect(status).toBe(422);
    expect(problem.detail).toMatch(/archive inflates more than 100 times \(16\.0 MiB from 0\.\d MiB so far; stopped while inflating\)/);
    expect(ms).toBeLessThan(5_000);
  });

  it('refuses a body over AIRLOCK_MAX_UPLOAD_BYTES with 413', async () => {
    const big = Buffer.alloc(api.context.config.maxUploadBytes + 1);
    const { status, problem } = await upload(big, 'big-1.0.0.tgz');
    expect(status).toBe(413);
    expect(problem.detail).toMatch(/limit is \d+ bytes/);
  });

  const inventory = (text: string, schedule?: string) =>
    fetch(`${api.url}/v1/inventories?filename=requirements.txt${schedule ? `&schedule=${encodeURIComponent(schedule)}` : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'text/plain' },
      body: text,
    });
  const inventoriesStored = async () => (await api.context.store.inventories.list(org.id, 100)).length;

  it('refuses an inventory over the package limit, storing nothing', async () => {
    const res = await inventory('a==1.0.0\nb==1.0.0\nc==1.0.0\nd==1.0.0\n');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /requirements\.txt lists 4 packages; the limit is 3 per inventory \(AIRLOCK_MAX_INVENTORY_PACKAGES\)/,
    );
    expect(await inventoriesStored()).toBe(0);
  });

  it('refuses a schedule under the floor or invalid with 400, storing nothing', async () => {
    for (const [schedule, detail] of [
      ['cron:* * * * * *', /runs 1 s apart at times; rescans at most every 5 minutes/],
      ['cron:61 * * * *', /invalid cron pattern/],
    ] as const) {
      const res = await inventory('a==1.0.0\n', schedule);
      expect(res.status, schedule).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
    }
    expect(await inventoriesStored()).toBe(0);
  });
});
