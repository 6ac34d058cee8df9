/**
 * The pip install-time guard with real parts: the real `pip` (isolated, no cache, no PyPI) through the
 * API's simple index, a loopback upstream index, and a real worker that analyses in the sandbox the
 * versions pip asks for. Nothing from a fixture runs on the host: pip only downloads, or installs wheels
 * built here (a wheel runs no code at install), with --no-deps --only-binary=:all: into temp folders.
 * Policy here: unknown versions are refused until analysed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, workerConfigFromEnv, type RunningWorker } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, quietLog, startTestApi, waitFor } from '../../support/service.js';
import { startIndexServer, type IndexServer } from '../../fixtures/pypi/index-server.js';
import { buildWheel } from '../../fixtures/pypi/zip-writer.js';
import { testTempDir } from '../../support/temp-dir.js';

const run = promisify(execFile);
/** The malicious fixture's own name, so its sdist (what the worker analyses) needs no renaming. */
const NAME = 'airlock-incident-setup-curl-sh';
const MODULE = 'airlock_incident_setup_curl_sh';
const MALICIOUS_SDIST = 'test/fixtures/incidents/pypi-mal-setup-curl-sh/airlock_incident_setup_curl_sh-0.1.0.tar.gz';
const OLD = '2025-01-02T03:04:05Z';
const YOUNG = 'airlock-guard-young';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: RunningWorker;
let index: IndexServer;
let org: { id: string; apiKey: string };

/** A benign sdist of NAME at `version`: a module that sets a constant. Built here, run only in the sandbox. */
async function benignSdist(version: string): Promise<Buffer> {
  const dir = testTempDir('airlock-pipguard-sdist-');
  const base = `${MODULE}-${version}`;
  mkdirSync(join(dir, base, MODULE), { recursive: true });
  writeFileSync(join(dir, base, 'PKG-INFO'), `Metadata-Version: 2.1\nName: ${NAME}\nVersion: ${version}\n`);
  writeFileSync(
    join(dir, base, 'setup.py'),
    `from setuptools import setup\nsetup(name="${NAME}", version="${version}", packages=["${MODULE}"])\n`,
  );
  writeFileSync(join(dir, base, MODULE, '__init__.py'), 'VALUE = 1\n');
  const out = join(dir, `${base}.tar.gz`);
  await tar.c({ gzip: true, file: out, cwd: dir, portable: true }, [base]);
  return readFileSync(out);
}

/** A wheel of `name` at `version` whose only code sets a constant (the verdict belongs to the version, not to this file). */
function wheelFile(version: string, name = NAME) {
  const module = name.replace(/-/g, '_');
  const w = buildWheel(name, version, { [`${module}/__init__.py`]: `VERSION = ${JSON.stringify(version)}\n` });
  return { filename: w.fileName, bytes: w.bytes };
}

const guardUrl = (key = org.apiKey) => {
  const u = new URL(`${api.url}/v1/guard/pypi/simple/`);
  u.username = '__token__';
  u.password = key;
  return u.href;
};

/** pip, isolated from any configuration, no cache, wheels only, no dependencies, into a temp folder. */
async function pip(command: 'download' | 'install', requirement: string, index = guardUrl()) {
  const dir = testTempDir('airlock-pipguard-out-');
  const args = [
    '-m',
    'pip',
    command,
    '--isolated',
    '--no-cache-dir',
    '--disable-pip-version-check',
    '--no-input',
    '--retries',
    '0',
    '--no-deps',
    '--only-binary=:all:',
    '--index-url',
    index,
    ...(command === 'download' ? ['-d', dir] : ['--target', dir]),
    requirement,
  ];
  const env = { ...process.env, PIP_INDEX_URL: index, PIP_NO_CACHE_DIR: '1', PIP_CONFIG_FILE: '/dev/null' };
  try {
    const { stdout, stderr } = await run('python3', args, { env, timeout: 120_000 });
    return { code: 0, stdout, stderr, dir };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, dir };
  }
}

beforeAll(async () => {
  index = await startIndexServer({
    [NAME]: {
      '0.0.1': [
        { filename: `${MODULE}-0.0.1.tar.gz`, bytes: await benignSdist('0.0.1'), uploadTime: OLD, requiresPython: '>=3.7' },
        { ...wheelFile('0.0.1'), uploadTime: OLD, requiresPython: '>=3.7' },
      ],
      '0.1.0': [
        { filename: `${MODULE}-0.1.0.tar.gz`, bytes: readFileSync(MALICIOUS_SDIST), uploadTime: OLD },
        { ...wheelFile('0.1.0'), uploadTime: OLD },
      ],
    },
    // Wheels only, never analysed here: the minimum age decides before any verdict could.
    [YOUNG]: {
      '1.0': [{ ...wheelFile('1.0', YOUNG), uploadTime: OLD }],
      '2.0': [{ ...wheelFile('2.0', YOUNG), uploadTime: new Date().toISOString() }],
      '3.0': [wheelFile('3.0', YOUNG)],
    },
  });
  redis = await startTestRedis();
  api = await startTestApi(redis.url, {
    pypiIndex: index.url,
    guardPolicy: { refuse: ['malicious', 'inconclusive'], unknown: 'refuse', minAgeHours: 0 },
  });
  worker = await startWorker(
    { ...workerConfigFromEnv({}), redisUrl: redis.url, dataDir: api.context.config.dataDir, pypiIndex: index.url, retryDwellMs: 0 },
    quietLog,
  );
  org = await createOrg(api, 'pip-guarded');
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await redis?.stop();
  await index?.close();
});

describe('pip through the guard', () => {
  it('refuses versions not analysed yet and has them analysed; then a range installs the benign one and a pin of the malicious one is refused with its reason', async () => {
    for (const version of ['0.0.1', '0.1.0']) {
      const first = await pip('download', `${NAME}==${version}`);
      expect(first.code).not.toBe(0);
      expect(first.stderr).toContain('403');
      expect(first.stderr).toContain(`Airlock refused ${NAME}==${version}: ${NAME}==${version} has not been analysed yet`);
      expect(readdirSync(first.dir)).toEqual([]);
    }
    const verdicts = await waitFor(
      'both versions analysed',
      async () => {
        const [a, b] = await api.context.store.verdicts.latestMany('pypi', NAME, ['0.0.1', '0.1.0']);
        return a && b ? [a.verdict.verdict, b.verdict.verdict] : null;
      },
      600_000,
      1000,
    );
    expect(verdicts).toEqual(['benign', 'malicious']);

    const range = await pip('install', `${NAME}>=0.0.1`);
    expect(range.stderr).not.toContain('ERROR');
    expect(range.code).toBe(0);
    expect(readFileSync(join(range.dir, MODULE, '__init__.py'), 'utf8')).toBe('VERSION = "0.0.1"\n');
    expect(existsSync(join(range.dir, `${MODULE}-0.0.1.dist-info`))).toBe(true);

    const pinned = await pip('download', `${NAME}==0.1.0`);
    expect(pinned.code).not.toBe(0);
    // A pin selects the yanked version; its download is refused and pip prints the status line.
    expect(pinned.stderr).toMatch(new RegExp(`403 Client Error: Airlock refused ${NAME}==0\\.1\\.0: ${NAME}==0\\.1\\.0 is malicious`));
    expect(readdirSync(pinned.dir)).toEqual([]);
  }, 900_000);

  it("serves PEP 691 JSON and PEP 503 HTML by Accept, keeping upstream's hashes, requires-python and upload times", async () => {
    const auth = { authorization: `Basic ${Buffer.from(`__token__:${org.apiKey}`).toString('base64')}` };
    const page = `${api.url}/v1/guard/pypi/simple/${NAME}/`;
    const json = await fetch(page, { headers: { ...auth, accept: 'application/vnd.pypi.simple.v1+json' } });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json/);
    const doc = (await json.json()) as { name: string; versions: string[]; files: Record<string, unknown>[] };
    expect(doc.name).toBe(NAME);
    expect(doc.versions).toEqual(['0.0.1', '0.1.0']);
    const upstream = (await (await fetch(`${index.url}/simple/${NAME}/`)).json()) as { files: { filename: string; hashes: object }[] };
    for (const f of doc.files) {
      expect(f.url).toBe(`${api.url}/v1/guard/pypi/files/${NAME}/${String(f.filename)}`);
      expect(f.hashes).toEqual(upstream.files.find((u) => u.filename === f.filename)!.hashes);
      expect(f['upload-time']).toBe(OLD);
    }
    const benign = doc.files.filter((f) => String(f.filename).includes('0.0.1'));
    expect(benign.map((f) => [f['requires-python'], f.yanked])).toEqual([
      ['>=3.7', undefined],
      ['>=3.7', undefined],
    ]);
    for (const f of doc.files.filter((f) => String(f.filename).includes('0.1.0')))
      expect(f.yanked).toMatch(/^Airlock refused it: .* is malicious/);

    const html = await fetch(`${api.url}/v1/guard/pypi/simple/Airlock_Incident.Setup-Curl-SH/`, {
      headers: { ...auth, accept: 'text/html' },
    });
    expect(html.url).toBe(page);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await html.text();
    expect(body).toContain(`data-requires-python="&gt;=3.7"`);
    expect(body).toMatch(
      /<a href="[^"]+airlock_incident_setup_curl_sh-0\.1\.0-py3-none-any\.whl#sha256=[0-9a-f]{64}" data-yanked="Airlock refused it: [^"]+">/,
    );
  });

  it('holds versions younger than the minimum age (PEP 700 upload-time) and those with no upload time; a range takes the old one', async () => {
    const held = await startTestApi(redis.url, {
      pypiIndex: index.url,
      guardPolicy: { refuse: ['malicious', 'inconclusive'], unknown: 'allow', minAgeHours: 24 },
    });
    try {
      const url = new URL(`${held.url}/v1/guard/pypi/simple/`);
      url.username = '__token__';
      url.password = org.apiKey;
      const range = await pip('download', `${YOUNG}>=1.0`, url.href);
      expect(range.code).toBe(0);
      expect(readdirSync(range.dir)).toEqual(['airlock_guard_young-1.0-py3-none-any.whl']);
      const young = await pip('download', `${YOUNG}==2.0`, url.href);
      expect(young.code).not.toBe(0);
      expect(young.stderr).toMatch(
        /403 Client Error: Airlock refused airlock-guard-young==2\.0: airlock-guard-young==2\.0 was published 0 h ago; this organization installs versions at least 24 h old/,
      );
      const untimed = await pip('download', `${YOUNG}==3.0`, url.href);
      expect(untimed.stderr).toMatch(
        /403 Client Error: Airlock refused airlock-guard-young==3\.0: airlock-guard-young==3\.0: the registry gives no publication time/,
      );
    } finally {
      await held.close();
    }
  });

  it('answers only with an API key of an organization, asking for basic auth', async () => {
    const none = await fetch(`${api.url}/v1/guard/pypi/simple/${NAME}/`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrong = await fetch(`${api.url}/v1/guard/pypi/simple/${NAME}/`, {
      headers: { authorization: `Basic ${Buffer.from('__token__:alk_not-a-key').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
  });
});
