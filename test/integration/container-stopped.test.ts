import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { testTempDir } from '../support/temp-dir.js';

// A sandbox that stops between phases (a host watcher killed it, or gVisor's sandbox died) must give a report that
// keeps what the earlier phase showed and names what was not seen, never an analysis error that loses it. The test
// kills the real container from the run's own log hook, synchronously (the docker CLI), right after the install
// phase ends, so the import phase's exec meets a stopped container every time.
const docker = connectDocker();
const artifactsRoot = testTempDir('airlock-stopped-');

describe('a sandbox that stops between phases', () => {
  it('keeps the install evidence, names the import as not run, and is inconclusive', async () => {
    let container = '';
    let killed = false;
    const report = await analyzeLocalPackage(resolve(__dirname, '../fixtures/npm/benign-no-scripts'), {
      docker,
      artifactsRoot,
      retry: false,
      log: (message, fields) => {
        if (message === 'sandbox started' && !container) container = String(fields?.container);
        if (message === 'phase ended' && fields?.phase === 'install' && !killed) {
          killed = true;
          execFileSync('docker', ['kill', container], { stdio: 'ignore' });
        }
      },
    });
    expect(killed).toBe(true);
    expect(report.phases.find((p) => p.name === 'install')).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(report.phases.find((p) => p.name === 'import')).toMatchObject({ status: 'error', error: expect.stringMatching(/^not run/) });
    expect(report.evidenceGaps).toContainEqual(expect.objectContaining({ kind: 'sandbox.stopped', phase: 'import', hidesBehaviour: true }));
    expect(report.trace.install!.events).toBeGreaterThan(100);
    expect(report.verdict?.verdict).toBe('inconclusive');
    const left = await docker.listContainers({ all: true, filters: { label: [`airlock.analysis=${report.id}`] } });
    expect(left).toEqual([]);
  });
});
