/** Helpers for service tests: a started API on a free port, pack a fixture folder, poll until done. */
import { pino } from 'pino';
import * as tar from 'tar';
import { apiConfigFromEnv, startApi, type RunningApi } from '@airlock/api';
import type { ApiConfig } from '@airlock/api';
import { testTempDir } from './temp-dir.js';

export const quietLog = pino({ level: process.env.AIRLOCK_TEST_LOG_LEVEL ?? 'silent' });

export async function startTestApi(redisUrl: string, overrides: Partial<ApiConfig> = {}): Promise<RunningApi & { adminToken: string }> {
  const adminToken = 'test-admin-token';
  const config: ApiConfig = {
    ...apiConfigFromEnv({}),
    port: 0,
    host: '127.0.0.1',
    redisUrl,
    dataDir: testTempDir('airlock-data-'),
    adminToken,
    ...overrides,
  };
  return { ...(await startApi(config, quietLog)), adminToken };
}

export async function createOrg(api: { url: string; adminToken: string }, name: string): Promise<{ id: string; apiKey: string }> {
  const res = await fetch(`${api.url}/v1/admin/organizations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`create org: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { organization: { id: string }; apiKey: string };
  return { id: body.organization.id, apiKey: body.apiKey };
}

/** A fixture folder as the .tgz `npm pack` would make (package/ prefix). */
export async function packFixture(dir: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tar.c({ gzip: true, cwd: dir, prefix: 'package', portable: true }, ['.'])) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 120_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
