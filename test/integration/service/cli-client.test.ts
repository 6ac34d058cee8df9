/** `airlock submit` / `airlock status` against a real API and Redis (the built CLI, as users run it). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';

const run = promisify(execFile);
let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let key: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['apps/cli/dist/main.js', ...args], {
      env: { ...process.env, AIRLOCK_API_URL: api.url, AIRLOCK_API_KEY: key },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url);
  key = (await createOrg(api, 'cli')).apiKey;
  const malicious = {
    verdict: 'malicious' as const,
    score: 95,
    reasons: [{ rule: 'honeytoken-exfiltration', severity: 'critical', explanation: 'sent the planted npm token to evil.example' }],
  };
  await api.context.store.verdicts.record('public', {
    ecosystem: 'npm',
    name: 'left-pad',
    version: '1.3.0',
    archiveSha256: 'b'.repeat(64),
    reportId: 'r1',
    analyzedAt: new Date().toISOString(),
    verdict: malicious,
    phases: [],
  });
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('airlock submit and status', () => {
  it('prints a known verdict with its reasons and exits 1 on malicious', async () => {
    const submitted = await cli('submit', 'npm:left-pad@1.3.0');
    expect(submitted.code).toBe(1);
    expect(submitted.stdout).toMatch(/npm:left-pad@1\.3\.0\s+completed \(known verdict\)/);
    expect(submitted.stdout).toContain('honeytoken-exfiltration: sent the planted npm token to evil.example');
    const id = /^(an_\S+)/.exec(submitted.stdout)![1]!;
    const status = await cli('status', id, '--json');
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, status: 'completed', verdict: { verdict: 'malicious' } });
  });

  it('reports API refusals, bad keys and unreachable servers clearly with exit 2', async () => {
    const unknown = await cli('submit', 'npm:left-pad@^1.0.0');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/400: .*not an exact npm version/);
    const badKey = await cli('status', 'an_x', '--key', 'alk_wrong');
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/401: the API key is not valid/);
    const down = await cli('status', 'an_x', '--api', 'http://127.0.0.1:9');
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/cannot reach the Airlock API/);
    const missing = await cli('submit', './no-such-file.tgz');
    expect(missing.stderr).toMatch(/cannot read .*no-such-file.tgz/);
  });
});
