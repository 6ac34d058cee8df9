import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLocalPackage, viewPolicyOptions } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { startIndexServer, type IndexServer } from '../fixtures/pypi/index-server.js';
import { buildWheel } from '../fixtures/pypi/zip-writer.js';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

// Complete installs of Python archives: a package whose module needs its declared dependency before its
// payload runs (as stealers importing `wcwidth` or `multidict` do). The dependency's wheel comes from a
// local index on 127.0.0.1 (the host resolves and downloads; the sandbox never sees the index) or from a
// folder of wheels, and is installed offline before the package. Nothing of either runs on the host.
const docker = connectDocker();
const artifactsRoot = testTempDir('airlock-pydeps-');
const BEACON = 'dep-gated-beacon.airlock-test.example';

const gated = buildWheel(
  'airlock-dep-gated',
  '1.0.0',
  { 'airlock_dep_gated/__init__.py': 'import airlock_beacon_dep\nairlock_beacon_dep.go()\n' },
  'py3-none-any',
  ['Requires-Dist: airlock-beacon-dep>=1.0', 'Requires-Dist: airlock-absent-dep', "Requires-Dist: pytest ; extra == 'tests'"],
);
const beacon = (version: string, host: string) =>
  buildWheel('airlock-beacon-dep', version, {
    'airlock_beacon_dep/__init__.py': `import socket\ndef go():\n    try:\n        socket.getaddrinfo(${JSON.stringify(host)}, 443)\n    except OSError:\n        pass\n`,
  });
const beaconNew = beacon('1.2.0', BEACON);
const beaconOld = beacon('0.9.0', 'old-version.airlock-test.example');

const packageFile = (() => {
  const dir = testTempDir('airlock-pydeps-pkg-');
  writeFileSync(join(dir, gated.fileName), gated.bytes);
  return join(dir, gated.fileName);
})();
const options = { docker, artifactsRoot, timeoutsMs: { install: 90_000 }, ...viewPolicyOptions('none') };
const askedFor = (r: Awaited<ReturnType<typeof analyzeLocalPackage>>, host: string) => r.network.dns.some((d) => d.qname === host);

describe('complete installs of Python archives', () => {
  let index: IndexServer;
  beforeAll(async () => {
    index = await startIndexServer({
      'airlock-beacon-dep': {
        '0.9.0': [{ filename: beaconOld.fileName, bytes: beaconOld.bytes }],
        '1.2.0': [{ filename: beaconNew.fileName, bytes: beaconNew.bytes }],
      },
    });
  });
  afterAll(() => index?.close());

  it('installs the declared dependency from an index, so the code that needs it runs; names the one that is missing', async () => {
    const r = await analyzeLocalPackage(packageFile, { ...options, pypi: { index: index.url } });
    expect(reportSchemaErrors(r)).toEqual([]);
    expect(r.dependencies).toEqual({
      source: 'registry',
      installed: 1,
      missing: [
        expect.objectContaining({ name: 'airlock-absent-dep', spec: '*', optional: false, reason: expect.stringMatching(/not on/) }),
      ],
    });
    // The newest version in range was taken, never the extra's requirement (pytest was not asked for).
    expect(index.requests).toContain(`/files/${beaconNew.fileName}`);
    expect(index.requests).not.toContain(`/files/${beaconOld.fileName}`);
    expect(index.requests.some((p) => p.includes('pytest'))).toBe(false);
    expect(askedFor(r, BEACON)).toBe(true);
    expect(r.evidenceGaps).toContainEqual(expect.objectContaining({ kind: 'install.dependencies-missing', hidesBehaviour: false }));
  });

  it('takes the wheels from a folder (a mirror, an offline machine) as well', async () => {
    const folder = testTempDir('airlock-wheels-');
    writeFileSync(join(folder, beaconNew.fileName), beaconNew.bytes);
    const r = await analyzeLocalPackage(packageFile, { ...options, pypi: { findLinks: folder } });
    expect(r.dependencies).toMatchObject({ source: 'registry', installed: 1 });
    expect(askedFor(r, BEACON)).toBe(true);
  });

  it('serves the wheel folder as pypi.org to code that runs pip itself (AIRLOCK_PYPI_MIRROR), and waits for the pip it did not wait for', async () => {
    // A stealer's pattern: `pip install` started in the background, a short sleep, then the import it needed.
    const installer = buildWheel('airlock-runtime-pip', '1.0.0', {
      'airlock_runtime_pip/__init__.py': [
        'import subprocess, sys, time',
        'try:',
        '    import airlock_beacon_dep',
        'except ImportError:',
        "    subprocess.Popen([sys.executable, '-m', 'pip', 'install', '--quiet', 'airlock-beacon-dep'])",
        '    time.sleep(1)',
        '    import airlock_beacon_dep',
        'airlock_beacon_dep.go()',
        '',
      ].join('\n'),
    });
    const dir = testTempDir('airlock-runtime-pip-');
    writeFileSync(join(dir, installer.fileName), installer.bytes);
    const mirror = testTempDir('airlock-mirror-');
    writeFileSync(join(mirror, beaconNew.fileName), beaconNew.bytes);
    const before = process.env.AIRLOCK_PYPI_MIRROR;
    process.env.AIRLOCK_PYPI_MIRROR = mirror;
    try {
      const r = await analyzeLocalPackage(join(dir, installer.fileName), options);
      const asked = r.network.tcp.map((t) => `${t.destination.hostname} ${t.http?.method} ${t.http?.target}`);
      expect(asked).toContain('pypi.org GET /simple/airlock-beacon-dep/');
      expect(asked).toContain(`files.pythonhosted.org GET /packages/${beaconNew.fileName}`);
      // The dependency's code ran: the import after the sleep found it.
      expect(askedFor(r, BEACON)).toBe(true);
      expect(JSON.stringify(r.importResult)).not.toContain('ModuleNotFoundError');
    } finally {
      if (before === undefined) delete process.env.AIRLOCK_PYPI_MIRROR;
      else process.env.AIRLOCK_PYPI_MIRROR = before;
    }
  });

  it('without a source the dependency is missing, the import fails first and the payload is not seen (and the report says why)', async () => {
    const r = await analyzeLocalPackage(packageFile, options);
    expect(r.dependencies).toMatchObject({ source: 'none', installed: 0 });
    expect(r.dependencies!.missing.map((m) => m.name).sort()).toEqual(['airlock-absent-dep', 'airlock-beacon-dep']);
    expect(askedFor(r, BEACON)).toBe(false);
    expect(JSON.stringify(r.importResult)).toContain('ModuleNotFoundError');
  });
});
