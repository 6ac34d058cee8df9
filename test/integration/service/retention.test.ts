/**
 * The retention sweep with real parts: a private Redis, the API and its data folder with real files, the queue,
 * and the real Docker engine (a created, never started container stands for a run in its sandbox). Files are
 * aged with utimes; the sweep deletes what expired, keeps what is fresh or in use, and the API answers 410.
 */
import { mkdirSync, existsSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker, NPM_IMAGE, resolveImage, SANDBOX_LABEL } from '@airlock/sandbox';
import { sweepRetention } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, quietLog, startTestApi } from '../../support/service.js';

const DAY = 24 * 3600_000;
let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let org: { id: string; apiKey: string };
const docker = connectDocker();
let live: Awaited<ReturnType<typeof docker.createContainer>> | null = null;

const call = async (path: string) => {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${org.apiKey}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
};

/** An artifacts folder as a run leaves it, aged `ageMs`. */
function artifacts(reportId: string, ageMs: number): string {
  const dir = join(api.context.config.dataDir, 'artifacts', reportId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'install.gvisor.jsonl'), '{"msg":"record"}\n');
  writeFileSync(join(dir, 'network.jsonl'), '');
  age(dir, ageMs, ['install.gvisor.jsonl', 'network.jsonl']);
  return dir;
}

function age(dir: string, ageMs: number, files: string[]): void {
  const t = new Date(Date.now() - ageMs);
  for (const f of files) utimesSync(join(dir, f), t, t);
  utimesSync(dir, t, t);
}

/** A completed analysis record of this organization whose run kept its artifacts under `reportId`. */
async function completed(reportId: string): Promise<string> {
  const now = new Date().toISOString();
  const record = await api.context.store.analyses.create(
    {
      orgId: org.id,
      ecosystem: 'npm',
      name: `pkg-${reportId}`,
      version: '1.0.0',
      source: 'registry',
      archiveSha256: null,
      runKey: reportId,
      inventoryId: null,
    },
    { status: 'completed', startedAt: now, finishedAt: now, reportId },
  );
  return record.id;
}

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url);
  org = await createOrg(api, 'retention');
});

afterAll(async () => {
  await live?.remove({ force: true }).catch(() => undefined);
  await api?.close();
  await redis?.stop();
});

describe('retention sweep', () => {
  it('deletes expired artifacts and uploads, keeps fresh ones and ones in use, and the API answers 410 for the expired', async () => {
    const dataDir = api.context.config.dataDir;
    // Artifacts: expired, fresh, and old but its run's sandbox container still exists.
    const expiredDir = artifacts('rep_expired', 20 * DAY);
    const freshDir = artifacts('rep_fresh', 1 * DAY);
    const liveDir = artifacts('rep_live', 20 * DAY);
    const image = await resolveImage(docker, NPM_IMAGE);
    live = await docker.createContainer({
      Image: image.ref,
      Cmd: ['true'],
      Labels: { [SANDBOX_LABEL]: '1', 'airlock.analysis': 'rep_live', 'airlock.owner': `${hostname()}:${process.pid}` },
      HostConfig: { NetworkMode: 'none' },
    });
    const expiredId = await completed('rep_expired');
    const freshId = await completed('rep_fresh');
    const neverId = await completed('rep_never_written');

    // Uploads: one queued through the API (no worker runs here: its job waits), aged past the retention; one orphan.
    const tgz = await packFixture('test/fixtures/npm/benign-no-scripts');
    const res = await fetch(`${api.url}/v1/analyses?filename=benign-1.0.0.tgz`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(tgz),
    });
    expect(res.status).toBe(202);
    const queuedSha = ((await res.json()) as { archiveSha256: string }).archiveSha256;
    const queuedDir = join(dataDir, 'uploads', queuedSha);
    age(queuedDir, 30 * DAY, ['benign-1.0.0.tgz']);
    const orphanSha = 'f'.repeat(64);
    const orphanDir = join(dataDir, 'uploads', orphanSha);
    mkdirSync(orphanDir, { recursive: true });
    writeFileSync(join(orphanDir, 'old-1.0.0.tgz'), tgz);
    age(orphanDir, 30 * DAY, ['old-1.0.0.tgz']);

    const result = await sweepRetention(
      { dataDir, artifactRetentionMs: 14 * DAY, uploadRetentionMs: 14 * DAY },
      { store: api.context.store, queues: api.context.queues, docker, log: quietLog },
    );
    expect(result).toEqual({
      artifacts: { expired: 1, fresh: 1, inUse: 1, failed: 0 },
      uploads: { expired: 1, fresh: 0, inUse: 1, failed: 0 },
    });
    expect([existsSync(expiredDir), existsSync(freshDir), existsSync(liveDir)]).toEqual([false, true, true]);
    expect([existsSync(queuedDir), existsSync(orphanDir)]).toEqual([true, false]);
    expect(await api.context.store.retention.uploadExpiredAt(orphanSha)).toEqual(expect.any(String));
    expect(await api.context.store.retention.uploadExpiredAt(queuedSha)).toBeNull();

    // The API: the expired artifact is 410 Gone with a clear reason, the record stays; fresh is served; never written is 404.
    const gone = await call(`/v1/analyses/${expiredId}/artifacts/install.record`);
    expect(gone.status).toBe(410);
    expect(gone.type).toContain('application/problem+json');
    expect(JSON.parse(gone.body)).toMatchObject({ status: 410, detail: expect.stringMatching(/deleted by the artifact retention/) });
    expect((await call(`/v1/analyses/${expiredId}`)).status).toBe(200);
    const served = await call(`/v1/analyses/${freshId}/artifacts/install.record`);
    expect(served).toMatchObject({ status: 200, body: '{"msg":"record"}\n' });
    expect((await call(`/v1/analyses/${neverId}/artifacts/install.record`)).status).toBe(404);

    // A second sweep finds nothing more to delete.
    const again = await sweepRetention(
      { dataDir, artifactRetentionMs: 14 * DAY, uploadRetentionMs: 14 * DAY },
      { store: api.context.store, queues: api.context.queues, docker, log: quietLog },
    );
    expect(again.artifacts.expired + again.uploads.expired).toBe(0);
  });
});
