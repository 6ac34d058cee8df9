import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

// The time view: libfaketime through /etc/ld.so.preload, clock +3 d at install and +30 d at import, ten
// times faster. Fixture code runs only in the sandbox.
const artifactsRoot = testTempDir('airlock-time-');
const docker = connectDocker();
const fixtures = resolve(__dirname, '../fixtures');

describe('the time view', () => {
  it('sees a detached payload that waits 200 s (past the dwell of every other view)', async () => {
    const r = await analyzeLocalPackage(join(fixtures, 'delayed/steal-after-200s'), {
      docker,
      artifactsRoot,
      retry: false,
      ciProfile: false,
    });
    expect(reportSchemaErrors(r)).toEqual([]);
    expect(r.views.map((v) => [v.view, v.chosen])).toEqual([
      ['developer', false],
      ['time', true],
    ]);
    expect(r.views[1]?.reason).toMatch(/detached child/);
    expect(r.sandbox.clock).toEqual({ speedup: 10, offsets: { install: '+3d', import: '+30d' } });
    expect(r.network.tcp.some((c) => c.http?.host === 'delayed-200s.fixture.example' && c.http.method === 'POST')).toBe(true);
    expect(r.verdict?.verdict).toBe('malicious');
    // Not a file the package changed.
    expect(r.fsDiff.filter((c) => c.path.startsWith('/etc/'))).toEqual([]);
  });

  it('sees a payload that acts only 3 days after the install and refuses to run under a visible clock faker', async () => {
    const r = await analyzeLocalPackage(join(fixtures, 'incidents/mal-install-age-gated'), {
      docker,
      artifactsRoot,
      retry: false,
      ciProfile: false,
    });
    expect(r.views.map((v) => [v.view, v.verdict === 'malicious'])).toEqual([
      ['developer', false],
      ['time', true],
    ]);
    expect(r.network.tcp.some((c) => c.http?.host === 'telemetry.age-gated-fixture.example')).toBe(true);
    expect(r.verdict?.verdict).toBe('malicious');
  });

  it('finds nothing in a quiet package: its own settle wait is not a sandbox probe', async () => {
    const r = await analyzeLocalPackage(join(fixtures, 'npm/benign-no-scripts'), {
      docker,
      artifactsRoot,
      retry: false,
      ciProfile: false,
      callView: false,
      platformViews: false,
      allViews: true,
    });
    const time = r.views.find((v) => v.view === 'time');
    // The import's settle was measured on /proc/uptime in this view, which the scorer read as a probe.
    expect([time?.verdict, time?.rules]).toEqual(['benign', []]);
    expect(r.verdict?.verdict).toBe('benign');
  });

  it('is not run when the caller turns it off: the same payload stays unseen', async () => {
    const r = await analyzeLocalPackage(join(fixtures, 'incidents/mal-install-age-gated'), {
      docker,
      artifactsRoot,
      retry: false,
      ciProfile: false,
      timeView: false,
      platformViews: false,
    });
    expect(r.views.map((v) => v.view)).toEqual(['developer']);
    expect(r.verdict?.verdict).not.toBe('malicious');
  });
});
