/**
 * Fail closed: payloads that outlive the install are never `benign`. Each fixture (test/fixtures/delayed/)
 * runs only inside the sandbox, under gVisor, through the real pipeline and engine.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import type { SandboxReport } from '@airlock/core';
import { connectDocker } from '@airlock/sandbox';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

const fixture = (name: string) => resolve(__dirname, '../fixtures/delayed', name);
const artifactsRoot = testTempDir('airlock-fail-closed-');
const timeoutsMs = { install: 60_000, import: 30_000 };

describe('payloads that outlive the install', () => {
  it('a detached child that steals 200 s later: inconclusive with the lingering process named, and airlock scan exits 4', async () => {
    const cli = await promisify(execFile)(
      process.execPath,
      [
        'apps/cli/dist/main.js',
        'scan',
        fixture('steal-after-200s'),
        '--json',
        '--no-retry',
        // The time view (clock ten times faster) sees this one: test/integration/time-view.test.ts.
        '--no-time-view',
        // Nor the platform views (the postinstall makes the planner add a windows run): this test is about one run.
        '--views',
        'none',
        '--runtime',
        'gvisor',
        '--install-timeout',
        '60',
        '--artifacts',
        artifactsRoot,
      ],
      { maxBuffer: 64 * 1024 ** 2 },
    ).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(cli.code).toBe(4);
    const report = JSON.parse(cli.stdout) as SandboxReport;
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.verdict?.verdict).toBe('inconclusive');
    expect(report.phases.find((p) => p.name === 'install')?.lingeringProcesses).toBeGreaterThan(0);
    expect(report.verdict?.notObserved).toContainEqual(expect.objectContaining({ kind: 'lingering-processes', hidesBehaviour: true }));
    expect(report.views.map((v) => [v.view, v.verdict, v.chosen])).toEqual([['developer', 'inconclusive', true]]);
  }, 240_000);

  it('a detached child that steals 15 s later: the first run is inconclusive, the retry with a longer dwell sees the theft', async () => {
    const report = await analyzeLocalPackage(fixture('steal-after-15s'), {
      docker: connectDocker(),
      artifactsRoot,
      runtime: 'gvisor',
      timeoutsMs,
      retry: { dwellMs: 25_000 },
    });
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.views.map((v) => [v.view, v.verdict, v.chosen])).toEqual([
      ['developer', 'inconclusive', false],
      ['retry', 'malicious', true],
    ]);
    expect(report.views[1]!.reason).toMatch(/^the first run was inconclusive \(lingering-processes\)/);
    expect(report.sandbox.dwellMs).toBe(25_000);
    expect(report.phases.find((p) => p.name === 'install')?.timeoutMs).toBe(120_000);
    expect(report.verdict?.verdict).toBe('malicious');
    expect(report.honeytokens.exfiltrated).toContainEqual(
      expect.objectContaining({ kind: 'ssh-private-key', destination: 'delayed-15s.fixture.example:80' }),
    );
  }, 300_000);
});
