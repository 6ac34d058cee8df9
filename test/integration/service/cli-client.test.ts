/** `airlock submit` / `airlock status` against a real API and Redis (the built CLI, as users run it). */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { sarifValidator } from '../../support/sarif-schema.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, packFixture, startTestApi } from '../../support/service.js';
import { testTempDir } from '../../support/temp-dir.js';

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
    notObserved: [],
  };
  const inconclusive = {
    verdict: 'inconclusive' as const,
    score: 0,
    reasons: [],
    notObserved: [
      {
        kind: 'phase-timeout',
        phase: 'install',
        message: 'The install phase hit its 120000 ms limit: anything later was not observed.',
        hidesBehaviour: true,
      },
    ],
  };
  const known = (ecosystem: 'npm' | 'pypi', name: string, verdict: typeof malicious | typeof inconclusive) =>
    api.context.store.verdicts.recordRun(
      {
        ecosystem,
        name,
        version: '1.3.0',
        archiveSha256: 'b'.repeat(64),
        reportId: 'r1',
        analyzedAt: new Date().toISOString(),
        verdict,
        phases: [],
      },
      { requestedBy: [], forced: false },
    );
  await known('npm', 'left-pad', malicious);
  // PyPI: the API checks npm versions against the registry, and no test reaches a real one.
  await known('pypi', 'slow-pad', inconclusive);
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('the airlock command', () => {
  it('prints its version, its exit codes and examples, and never the value of a secret taken from the environment', async () => {
    const version = await cli('--version');
    expect(version.stdout.trim()).toBe('0.1.0');
    const help = await cli('submit', '--help');
    expect(help.stdout).toContain('(env: AIRLOCK_API_KEY)');
    expect(help.stdout).not.toContain(key);
    const top = await cli('--help');
    expect(top.stdout).toMatch(/Exit codes:[\s\S]*4 {2}inconclusive/);
    expect(top.stdout).toContain('airlock scan ./my-package');
  });
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

  it('exits 4 on inconclusive by default (fails closed), 0 only when --fail-on malicious says so, and names what was not seen', async () => {
    const gate = await cli('submit', 'pypi:slow-pad==1.3.0');
    expect(gate.code).toBe(4);
    expect(gate.stdout).toMatch(/verdict: inconclusive/);
    expect(gate.stdout).toContain('not observed: The install phase hit its 120000 ms limit');
    expect((await cli('submit', 'pypi:slow-pad==1.3.0', '--fail-on', 'malicious')).code).toBe(0);
    expect((await cli('submit', 'pypi:slow-pad==1.3.0', '--fail-on', 'suspicious')).code).toBe(4);
    expect((await cli('submit', 'npm:left-pad@1.3.0', '--fail-on', 'malicious')).code).toBe(1);
  });

  it('says plainly that no verdict was checked when it did not wait (exit 6)', async () => {
    const archive = join(testTempDir('airlock-cli-'), `airlock-cli-${process.pid}.tgz`);
    await writeFile(archive, await packFixture('test/fixtures/npm/benign-no-scripts'));
    const queued = await cli('submit', archive);
    expect(queued.stdout).toMatch(/\squeued/);
    expect(queued.stderr).toMatch(/is queued: no verdict was checked/);
    expect(queued.code).toBe(6);
    const id = /^(an_\S+)/.exec(queued.stdout)![1]!;
    const waited = await cli('status', id, '--wait', '--timeout', '1');
    expect(waited.code).toBe(6);
    expect(waited.stderr).toMatch(/still queued after 1 s: no verdict was checked/);
  });

  it('reports API refusals and bad keys with exit 2, an unreachable service with exit 5', async () => {
    const unknown = await cli('submit', 'npm:left-pad@^1.0.0');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/400: .*not an exact npm version/);
    const badKey = await cli('status', 'an_x', '--key', 'alk_wrong');
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/401: the API key is not valid/);
    const down = await cli('status', 'an_x', '--api', 'http://127.0.0.1:9');
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/cannot reach the Airlock API/);
    const missing = await cli('submit', './no-such-file.tgz');
    expect(missing.stderr).toMatch(/cannot read .*no-such-file.tgz/);
  });
});

describe('airlock verify against the service', () => {
  it('answers known verdicts without a run: a malicious lockfile entry exits 1 with a SARIF result at its line, an inconclusive one 4', async () => {
    const dir = testTempDir('airlock-verify-svc-');
    const lock = join(dir, 'requirements.txt');
    await writeFile(lock, '# pinned\nslow-pad==1.3.0\n');
    const inconclusive = await cli('verify', lock);
    expect(inconclusive.code).toBe(4);
    expect(inconclusive.stdout).toMatch(/INCONCLUSIVE {2}pypi:slow-pad@1\.3\.0 \(line 2\)/);
    expect(inconclusive.stdout).toContain('not observed: The install phase hit its 120000 ms limit');
    expect((await cli('verify', lock, '--fail-on', 'malicious')).code).toBe(0);

    const npmLock = join(dir, 'package-lock.json');
    const packages = {
      '': { name: 'app' },
      'node_modules/left-pad': { version: '1.3.0', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz' },
    };
    await writeFile(npmLock, JSON.stringify({ lockfileVersion: 3, packages }, null, 2));
    const malicious = await cli('verify', npmLock, '--sarif', join(dir, 'out.sarif'));
    expect(malicious.code).toBe(1);
    const sarif = JSON.parse(await readFile(join(dir, 'out.sarif'), 'utf8')) as { runs: { results: Record<string, unknown>[] }[] };
    expect(sarif.runs[0]!.results).toMatchObject([
      { ruleId: 'honeytoken-exfiltration', level: 'error', locations: [{ physicalLocation: { region: { startLine: 7 } } }] },
    ]);
  });

  it('fails the whole gate with exit 5 when the service is down, not package by package', async () => {
    const dir = testTempDir('airlock-verify-down-');
    await writeFile(join(dir, 'requirements.txt'), 'slow-pad==1.3.0\n');
    const down = await cli('verify', join(dir, 'requirements.txt'), '--api', 'http://127.0.0.1:9');
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/cannot reach the Airlock API/);
  });
});

/** A step of the repository's action.yml, by name. */
function actionStep(name: string): { run: string } {
  const action = YAML.parse(readFileSync('action.yml', 'utf8')) as { runs: { steps: { name?: string; run?: string }[] } };
  const step = action.runs.steps.find((s) => s.name === name);
  if (!step?.run) throw new Error(`action.yml has no step "${name}" with a run script`);
  return { run: step.run };
}

describe('the pull-request gate (airlock verify-changes, run by action.yml)', () => {
  it('checks only the lockfiles a branch changed and only their new versions, into one SARIF log and a job summary', async () => {
    const repo = testTempDir('airlock-pr-');
    const git = (...args: string[]) => run('git', ['-C', repo, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args]);
    await git('init', '-q', '-b', 'main');
    await writeFile(join(repo, 'requirements.txt'), 'idna==3.6\n');
    await writeFile(join(repo, 'README.md'), 'app\n');
    await git('add', '.');
    await git('commit', '-qm', 'base');
    await git('checkout', '-qb', 'feature');
    await writeFile(join(repo, 'requirements.txt'), 'idna==3.6\nslow-pad==1.3.0\n');
    const packages = { '': { name: 'app' }, 'node_modules/left-pad': { version: '1.3.0' } };
    await writeFile(join(repo, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages }, null, 2));
    await writeFile(join(repo, 'README.md'), 'app, changed\n');
    await git('add', '.');
    await git('commit', '-qm', 'add dependencies');

    // The action's own step, as a runner executes it (inputs arrive as INPUT_* variables). idna is unchanged:
    // were it checked, it would be queued with no worker and the gate would wait out the --timeout of 5 s.
    const step = actionStep('Verify changed lockfiles');
    const gate = await run('bash', ['-c', step.run], {
      cwd: repo,
      env: {
        ...process.env,
        GITHUB_ACTION_PATH: process.cwd(),
        GITHUB_WORKSPACE: repo,
        GITHUB_STEP_SUMMARY: join(repo, 'summary.md'),
        AIRLOCK_API_URL: api.url,
        AIRLOCK_API_KEY: key,
        AIRLOCK_TIMEOUT: '5',
        INPUT_MODE: 'service',
        INPUT_BASE: 'main',
        INPUT_FAIL_ON: 'inconclusive',
        INPUT_SARIF: 'out.sarif',
      },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(gate.stderr).not.toContain('idna');
    expect(gate.code).toBe(1);
    const sarif = JSON.parse(await readFile(join(repo, 'out.sarif'), 'utf8')) as {
      runs: { artifacts: { location: { uri: string } }[]; results: { ruleId: string; locations: unknown[] }[] }[];
    };
    expect((await sarifValidator())(sarif)).toEqual([]);
    expect(sarif.runs.map((r) => [r.artifacts[0]!.location.uri, r.results.map((x) => x.ruleId)]).sort()).toEqual([
      ['package-lock.json', ['honeytoken-exfiltration']],
      ['requirements.txt', ['airlock/inconclusive']],
    ]);
    const summary = await readFile(join(repo, 'summary.md'), 'utf8');
    expect(summary).toContain('2 lockfile(s) changed against `main`, 2 new package version(s) checked');
    expect(summary).toMatch(/\| malicious \| `npm:left-pad@1\.3\.0` \| `package-lock\.json:7` \| sent the planted npm token/);
    expect(summary).toMatch(/\| inconclusive \| `pypi:slow-pad@1\.3\.0` \| `requirements\.txt:2` \|/);
  });
});
