import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import { computeMetrics, type EvalResult } from '../../apps/cli/src/eval/metrics.js';
import { testTempDir } from '../support/temp-dir.js';

// `airlock eval` end to end on a small subset of the incident fixtures (test/fixtures/incidents): the
// built CLI, the real Docker engine and sandbox images, nothing mocked. `--limit 2` takes the first two
// samples per ecosystem and label in manifest order (8 samples, about 10 s each). `--views none`: the
// eval's mechanics are under test here; the platform views have their own test (platform-views.test.ts)
// and would add a run to most samples.
const cli = resolve(__dirname, '../../apps/cli/dist/main.js');
const manifest = resolve(__dirname, '../fixtures/incidents/manifest.json');
const work = testTempDir('airlock-eval-it-');
const out = join(work, 'results.json');
const args = ['eval', manifest, '--split', 'all', '--limit', '2', '--views', 'none', '--out', out, '--artifacts', join(work, 'artifacts')];
const run = (...extra: string[]) => promisify(execFile)(process.execPath, [cli, ...args, ...extra], { maxBuffer: 16 * 1024 * 1024 });

/** The sample row of `id` in the printed table: `ok   malicious malicious  100    8.5 s  npm:...  rules`. */
function rowOf(stdout: string, id: string): { ok: string; label: string; verdict: string; score: number; rules: string } {
  const line = stdout.split('\n').find((l) => l.split(/\s+/).includes(id));
  expect(line, `a row for ${id}`).toBeDefined();
  const m = /^(ok|MISS|ERR)\s+(malicious|benign)\s+(\w+)\s+(\d+|-)\s+[\d.]+ s\s+(\S+)\s+(.*)$/.exec(line!);
  expect(m, line).not.toBeNull();
  return { ok: m![1]!, label: m![2]!, verdict: m![3]!, score: Number(m![4]), rules: m![6]! };
}

/** The summary line of an ecosystem and flag level: n, err, tp, fp, tn, fn. */
/** n, errors, failed (benign, unflagged, install or import failed), tp, fp, tn, fn of a summary row. */
function summaryOf(stdout: string, ecosystem: string, flaggedAs: string): number[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${ecosystem.padEnd(10)} ${flaggedAs.padEnd(17)}`));
  expect(line, `a summary row for ${ecosystem} ${flaggedAs}`).toBeDefined();
  return line!.slice(28).trim().split(/\s+/).slice(0, 7).map(Number);
}

describe('airlock eval on the incident fixtures (subset)', () => {
  it('runs 2 malicious and 2 benign samples per ecosystem, two at once, flags the malicious ones, clears the benign ones and writes the results file', async () => {
    // Two at once (`-j 2`, with a warm pool of two sandbox pairs): the verdicts are those of one at a time.
    const t0 = Date.now();
    const { stdout } = await run('-j', '2');
    const wallMs = Date.now() - t0;
    expect(stdout).toContain('split: all (benign samples of the all split: 4; malicious samples kept whole: 4; no split)');
    expect(stdout).toMatch(/^baseline \(npm\): /m);
    expect(stdout).toMatch(/^baseline \(pypi\): /m);

    // Known malicious fixtures, each caught by the rule its behaviour is about.
    const curlSh = rowOf(stdout, 'npm:mal-ua-parser-curl-sh');
    expect(curlSh).toMatchObject({ ok: 'ok', label: 'malicious', verdict: 'malicious', score: 100 });
    expect(curlSh.rules).toContain('pipe-to-shell');
    const reverseShell = rowOf(stdout, 'npm:mal-bash-reverse-shell');
    expect(reverseShell).toMatchObject({ ok: 'ok', verdict: 'malicious' });
    expect(reverseShell.rules).toContain('reverse-shell.command');
    const setupCurl = rowOf(stdout, 'pypi:pypi-mal-setup-curl-sh/airlock_incident_setup_curl_sh-0.1.0.tar.gz');
    expect(setupCurl).toMatchObject({ ok: 'ok', verdict: 'malicious' });
    expect(setupCurl.rules).toContain('pipe-to-shell');
    const ctx = rowOf(stdout, 'pypi:pypi-mal-ctx-env-exfil/airlock_incident_ctx-0.2.6.tar.gz');
    expect(ctx).toMatchObject({ ok: 'ok', verdict: 'malicious' });
    expect(ctx.rules).toContain('honeytoken-exfiltration');
    // Tricky benign fixtures with install scripts: nothing beyond static low signals.
    for (const id of [
      'npm:ben-node-e-print',
      'npm:ben-funding-banner',
      'pypi:pypi-ben-data-build/airlock_fixture_data_build-1.4.0.tar.gz',
      'pypi:pypi-ben-git-version/airlock_fixture_git_version-2.1.0.tar.gz',
    ]) {
      const row = rowOf(stdout, id);
      expect(row, id).toMatchObject({ ok: 'ok', label: 'benign', verdict: 'benign' });
      expect(row.score, id).toBeLessThan(25);
    }

    // The metrics table: per ecosystem, n err tp fp tn fn.
    for (const ecosystem of ['npm', 'pypi']) {
      expect(summaryOf(stdout, ecosystem, 'malicious')).toEqual([4, 0, 0, 2, 0, 2, 0]);
      expect(summaryOf(stdout, ecosystem, 'mal.+inconcl.')).toEqual([4, 0, 0, 2, 0, 2, 0]);
      expect(summaryOf(stdout, ecosystem, 'mal.+inc.+susp.')).toEqual([4, 0, 0, 2, 0, 2, 0]);
      expect(stdout).toContain(`${ecosystem.padEnd(10)} inconclusive: 0 of 2 benign, 0 of 2 malicious`);
    }

    // The results file: one entry per sample, with its label, a verdict and the full report beside it.
    const { version, results } = JSON.parse(readFileSync(out, 'utf8')) as { version: number; results: EvalResult[] };
    expect(version).toBe(1);
    expect(results).toHaveLength(8);
    expect(
      results
        .filter((r) => r.label === 'malicious')
        .map((r) => r.id)
        .sort(),
    ).toEqual([
      'npm:mal-bash-reverse-shell',
      'npm:mal-ua-parser-curl-sh',
      'pypi:pypi-mal-ctx-env-exfil/airlock_incident_ctx-0.2.6.tar.gz',
      'pypi:pypi-mal-setup-curl-sh/airlock_incident_setup_curl_sh-0.1.0.tar.gz',
    ]);
    // Two ran at once: the samples' own times add up to more than the whole command took (one at a time, less).
    expect(results.reduce((sum, r) => sum + r.timeMs, 0)).toBeGreaterThan(wallMs);
    for (const r of results) {
      expect(r.verdict, r.id).not.toBe('error');
      expect(r.timeMs, r.id).toBeGreaterThan(0);
      expect(existsSync(r.reportPath!), r.id).toBe(true);
      const report = JSON.parse(readFileSync(r.reportPath!, 'utf8')) as SandboxReport;
      expect(report.package.ecosystem).toBe(r.ecosystem);
      expect(report.verdict).toMatchObject({ verdict: r.verdict, score: r.score });
    }
    for (const ecosystem of ['npm', 'pypi'] as const) {
      const m = computeMetrics(
        results.filter((r) => r.ecosystem === ecosystem),
        new Set(['malicious']),
      );
      expect(m).toMatchObject({ samples: 4, errors: 0, tp: 2, fp: 0, tn: 2, fn: 0, precision: 1, recall: 1, f1: 1, mcc: 1, fpr: 0 });
    }
  }, 400_000);

  it('a rerun with the same results file resumes: no sample runs again and the table is the same', async () => {
    const started = Date.now();
    const { stdout } = await run();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stdout.split('\n').filter((l) => /^(ok|MISS|ERR)\s/.test(l))).toEqual([]);
    for (const ecosystem of ['npm', 'pypi']) expect(summaryOf(stdout, ecosystem, 'malicious')).toEqual([4, 0, 0, 2, 0, 2, 0]);
  }, 60_000);

  it('--rescore scores the kept reports again without running anything: every row printed, the same verdicts', async () => {
    const before = (JSON.parse(readFileSync(out, 'utf8')) as { results: EvalResult[] }).results;
    // Tamper with one stored verdict: a rescore must replace it with the scorer's.
    const target = before.find((r) => r.id === 'npm:mal-ua-parser-curl-sh')!;
    const stored = JSON.parse(readFileSync(target.reportPath!, 'utf8')) as SandboxReport;
    writeFileSync(target.reportPath!, JSON.stringify({ ...stored, verdict: { ...stored.verdict!, verdict: 'benign', score: 0 } }));
    writeFileSync(
      out,
      JSON.stringify({ version: 1, results: before.map((r) => (r.id === target.id ? { ...r, verdict: 'benign', score: 0 } : r)) }),
    );
    const started = Date.now();
    const { stdout } = await run('--rescore');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(stdout.split('\n').filter((l) => /^(ok|MISS|ERR)\s/.test(l))).toHaveLength(8);
    expect(rowOf(stdout, 'npm:mal-ua-parser-curl-sh')).toMatchObject({ ok: 'ok', verdict: 'malicious', score: 100 });
    const after = (JSON.parse(readFileSync(out, 'utf8')) as { results: EvalResult[] }).results;
    expect(after.map((r) => [r.id, r.verdict, r.score, r.timeMs])).toEqual(before.map((r) => [r.id, r.verdict, r.score, r.timeMs]));
    expect((JSON.parse(readFileSync(target.reportPath!, 'utf8')) as SandboxReport).verdict).toMatchObject({
      verdict: 'malicious',
      score: 100,
    });
    // A chosen sample with no row is named and never run by a rescore (it once ran whatever was missing).
    writeFileSync(out, JSON.stringify({ version: 1, results: after.filter((r) => r.id !== target.id) }));
    const again = await run('--rescore');
    expect(again.stdout).toContain('1 chosen sample(s) have no row');
    expect(again.stdout.split('\n').some((l) => l.split(/\s+/).includes(target.id))).toBe(false);
    const kept = (JSON.parse(readFileSync(out, 'utf8')) as { results: EvalResult[] }).results;
    expect(kept.map((r) => r.id)).toEqual(after.filter((r) => r.id !== target.id).map((r) => r.id));
  }, 120_000);
});
