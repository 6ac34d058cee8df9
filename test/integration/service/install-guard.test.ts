/**
 * The npm install-time guard with real parts: real `npm install` and `npm ci` (scripts off: nothing from a
 * fixture runs on the host) through the API's guard endpoint, a loopback upstream registry, and a real worker
 * that analyses in the sandbox the versions the installs ask for. Policy here: unknown versions are refused
 * until analysed.
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, workerConfigFromEnv, type RunningWorker } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, quietLog, startTestApi, waitFor } from '../../support/service.js';
import { startStaticRegistry } from '../../support/static-registry.js';
import { testTempDir } from '../../support/temp-dir.js';

const run = promisify(execFile);
const NAME = 'airlock-guard-demo';
let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: RunningWorker;
let registry: Awaited<ReturnType<typeof startStaticRegistry>>;
let org: { id: string; apiKey: string };
let stealerTgz: Buffer;

/** A fixture folder republished as NAME@version. */
async function republish(fixture: string, version: string): Promise<Buffer> {
  const dir = testTempDir('airlock-guard-pkg-');
  cpSync(fixture, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, name: NAME, version }));
  return packFixture(dir);
}

/** npm in a fresh project whose .npmrc points at the guard with the organization's key. */
async function npm(args: string[], project = testTempDir('airlock-guard-app-')) {
  const guard = `${api.url}/v1/guard/npm/`;
  writeFileSync(join(project, '.npmrc'), `registry=${guard}\n//${new URL(guard).host}/v1/guard/npm/:_authToken=${org.apiKey}\n`);
  const flags = [
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--cache',
    join(project, '.cache'),
    '--userconfig',
    join(project, '.npmrc'),
  ];
  try {
    const { stdout, stderr } = await run('npm', [...args, ...flags], { cwd: project, env: { ...process.env, npm_config_registry: guard } });
    return { code: 0, stdout, stderr, project };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, project };
  }
}

const installed = (project: string) =>
  (JSON.parse(readFileSync(join(project, 'node_modules', NAME, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  stealerTgz = await republish('test/fixtures/incidents/mal-ssh-key-theft', '1.1.0');
  registry = await startStaticRegistry([
    { tgz: await republish('test/fixtures/incidents/ben-node-e-print', '1.0.0') },
    { tgz: stealerTgz },
  ]);
  redis = await startTestRedis();
  api = await startTestApi(redis.url, {
    npmRegistry: registry.url,
    guardPolicy: { refuse: ['malicious', 'inconclusive'], unknown: 'refuse', minAgeHours: 0 },
  });
  worker = await startWorker(
    { ...workerConfigFromEnv({}), redisUrl: redis.url, dataDir: api.context.config.dataDir, npmRegistry: registry.url, retryDwellMs: 0 },
    quietLog,
  );
  org = await createOrg(api, 'guarded');
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await redis?.stop();
  registry?.server.close();
});

describe('npm install through the guard', () => {
  it('refuses versions not analysed yet and has them analysed; then installs the benign one, and a range skips the malicious one', async () => {
    for (const version of ['1.0.0', '1.1.0']) {
      const first = await npm(['install', `${NAME}@${version}`]);
      expect(first.code).not.toBe(0);
      expect(first.stderr).toContain(`Airlock refused ${NAME}@${version}: ${NAME}@${version} has not been analysed yet`);
    }
    const verdicts = await waitFor(
      'both versions analysed',
      async () => {
        const [a, b] = await api.context.store.verdicts.latestMany('npm', NAME, ['1.0.0', '1.1.0']);
        return a && b ? [a.verdict.verdict, b.verdict.verdict] : null;
      },
      600_000,
      1000,
    );
    expect(verdicts).toEqual(['benign', 'malicious']);

    const range = await npm(['install', `${NAME}@^1.0.0`]);
    expect(range.code).toBe(0);
    expect(installed(range.project)).toBe('1.0.0');
    const exact = await npm(['install', `${NAME}@1.1.0`]);
    expect(exact.code).not.toBe(0);
    expect(exact.stderr).toMatch(new RegExp(`No matching version found for ${NAME}@1\\.1\\.0`));
  }, 900_000);

  it('refuses the malicious version pinned in a lockfile with the reason npm prints', async () => {
    const project = testTempDir('airlock-guard-ci-');
    const resolved = `${api.url}/v1/guard/npm/${NAME}/-/${NAME}-1.1.0.tgz`;
    const integrity = `sha512-${createHash('sha512').update(stealerTgz).digest('base64')}`;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { [NAME]: '1.1.0' } }));
    const lock = {
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { [NAME]: '1.1.0' } },
        [`node_modules/${NAME}`]: { version: '1.1.0', resolved, integrity },
      },
    };
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lock, null, 2));
    const ci = await npm(['ci'], project);
    expect(ci.code).not.toBe(0);
    expect(ci.stderr).toMatch(/403 Forbidden/);
    expect(ci.stderr).toContain(`Airlock refused ${NAME}@1.1.0: ${NAME}@1.1.0 is malicious by Airlock's analysis`);
  });

  it('answers only with an API key of an organization', async () => {
    const res = await fetch(`${api.url}/v1/guard/npm/${NAME}`);
    expect(res.status).toBe(401);
  });
});
