import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { analyzeLocalPackage } from '@airlock/analysis';
import type { SandboxReport } from '@airlock/core';
import { SANDBOX_USER, connectDocker, machineIdentity, prepareArchiveBuffer, preparePackageArchive, runSandbox } from '@airlock/sandbox';
import { buildWheel } from '../fixtures/pypi/zip-writer.js';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

// The platform views on the real engine and gVisor: what package code sees (probes write the values
// into file names, read back from the filesystem diff), what stays invisible, and the planner's windows
// view catching a win32-gated fixture. Nothing mocked.
const docker = connectDocker();
const work = testTempDir('airlock-views-');
const artifactsDir = join(work, 'artifacts');

const NODE_PROBE = `
const fs = require('fs'); const os = require('os'); const path = require('path');
const fromUs = Object.keys(require.cache).filter((k) => k.startsWith('/opt/airlock')).length;
const seen = [process.platform, os.platform(), os.type(), os.release(), os.userInfo().username, os.homedir(),
  process.env.OS || 'no-os', process.env.APPDATA ? 'appdata' : 'no-appdata', 'execArgv' + process.execArgv.length,
  process.env.NODE_OPTIONS || 'no-node-options', 'cache' + fromUs, path.basename(process.argv[1] || 'none'), path.join('a', 'b')];
if (process.platform === 'win32') {
  // A dropper's and a stealer's steps, by Windows names: the drive answers, the drop lands on it.
  seen.push(fs.readdirSync(path.join(process.env.LOCALAPPDATA, 'Programs', 'Python')).join('+'));
  seen.push(fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8').includes('_authToken') ? 'npmrc' : 'no-npmrc');
  fs.writeFileSync(path.join(process.env.APPDATA, 'stage.js'), '');
} else {
  // The container marker that evasive payloads look for first.
  seen.push(fs.existsSync('/.dockerenv') ? 'dockerenv' : 'no-dockerenv');
}
fs.writeFileSync('/tmp/seen~' + seen.join('~').replace(/[\\\\/:]/g, '_'), '');
`;

const PYTHON_PROBE = `
import os, sys, platform, subprocess
from setuptools import setup
seen = [sys.platform, os.name, platform.system(), platform.release(), os.getenv('OS', 'no-os'), os.path.join('a', 'b'),
        type(sys).__name__, str('airlock' in ''.join(sys.modules)), str(getattr(subprocess, 'CREATE_NO_WINDOW', 'no-cnw'))]
try:
    import win32crypt, winreg
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, r'Software\\Microsoft\\Windows\\CurrentVersion\\Run') as key:
        winreg.SetValueEx(key, 'probe', 0, winreg.REG_SZ, 'x')
    seen.append('dpapi%d' % len(win32crypt.CryptUnprotectData(b'secret', None, None, None, 0)[1]))
    import wmi
    seen.append('wmi%d' % len(list(wmi.WMI().Win32_ComputerSystemProduct())))
    seen.append('uuid%d' % len(subprocess.check_output('wmic csproduct get uuid', shell=True).decode().split('\\n')[1].strip()))
except Exception as e:
    seen.append(type(e).__name__)
seen.append(os.getlogin())
open('/tmp/seen~' + '~'.join(seen).replace('/', '_'), 'w').close()
subprocess.run(['powershell', '-NoProfile', '-Command', 'Write-Output probe'], creationflags=getattr(subprocess, 'CREATE_NO_WINDOW', 0))
setup(name='airlock-view-probe', version='1.0.0', py_modules=[])
`;

const LOGIN_PROBE = `
import os
from setuptools import setup
try:
    seen = os.getlogin()
except OSError as e:
    seen = 'errno%d' % e.errno
open('/tmp/seen~' + seen, 'w').close()
setup(name='airlock-login-probe', version='1.0.0', py_modules=[])
`;

// A stealer's and a dropper's first steps on Windows, gated: paths built from %APPDATA% and %LOCALAPPDATA% with
// os.path.join or '/', a per-user Python install found by a C:\\ name, the browser's Local Storage read.
const DRIVE_PROBE = String.raw`
import os, re, sys
from setuptools import setup
if sys.platform == 'win32':
    stage = os.path.join(os.getenv('APPDATA'), 'Microsoft', 'stage.pyw')
    with open(stage, 'w') as f:
        f.write('print(1)')
    found = os.listdir('C:\\Users\\' + os.getlogin() + '\\AppData\\Local\\Programs\\Python')
    leveldb = os.getenv('LOCALAPPDATA') + '/Google/Chrome/User Data/Default/Local Storage/leveldb'
    text = ''.join(open(os.path.join(leveldb, f), errors='ignore').read() for f in os.listdir(leveldb))
    tokens = re.findall(r'[\w-]{24}\.[\w-]{6}\.[\w-]{25,110}', text)
    open('/tmp/seen~' + '~'.join(found + [str(len(tokens)), str(os.path.exists(stage)), str(hasattr(os, 'startfile'))]), 'w').close()
setup(name='airlock-drive-probe', version='1.0.0', py_modules=[])
`;

function npmProbe(): string {
  const dir = join(work, 'npm-probe');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'airlock-view-probe', version: '1.0.0', scripts: { postinstall: 'node probe.js' } }),
  );
  writeFileSync(join(dir, 'probe.js'), NODE_PROBE);
  return dir;
}

async function pythonProbe(name = 'view', setupPy = PYTHON_PROBE): Promise<string> {
  const base = `airlock_${name}_probe-1.0.0`;
  const src = join(work, 'py-src', base);
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'PKG-INFO'), `Metadata-Version: 2.1\nName: airlock-${name}-probe\nVersion: 1.0.0\n`);
  writeFileSync(join(src, 'setup.py'), setupPy);
  const file = join(work, `${base}.tar.gz`);
  await tar.c({ gzip: true, file, cwd: join(work, 'py-src'), portable: true }, [base]);
  return file;
}

/** The `/tmp/seen~...` files a probe left, split into the values it saw. */
const seenBy = (fsDiff: { path: string }[]) =>
  fsDiff.filter((c) => c.path.startsWith('/tmp/seen~')).map((c) => c.path.slice('/tmp/seen~'.length).split('~'));

describe('platform views in the sandbox', () => {
  it('shows Node package code Windows (platform, os.*, env) with nothing of the fake in execArgv, NODE_OPTIONS or the module cache', async () => {
    const identity = machineIdentity(7);
    const run = await runSandbox({
      docker,
      analysisId: 'views-npm-win',
      archive: await preparePackageArchive(npmProbe()),
      artifactsDir,
      platform: 'win32',
      identity,
    });
    const seen = seenBy(run.fsDiff);
    expect(seen).toEqual([
      [
        'win32',
        'win32',
        'Windows_NT',
        '10.0.19045',
        identity.user,
        `C__Users_${identity.user}`,
        'Windows_NT',
        'appdata',
        'execArgv0',
        'no-node-options',
        'cache0',
        'probe.js',
        'a_b',
        'Python311',
        'npmrc',
      ],
    ]);
    expect(run.fsDiff.map((c) => c.path)).toContain(`/mnt/c/Users/${identity.user}/AppData/Roaming/stage.js`);
    expect(run.settings).toMatchObject({ hostname: identity.hostname, profile: { platform: 'win32', platformUser: identity.user } });
    // The planted files are the host's: not in the diff, not tampering.
    expect(run.tampering).toEqual([]);
    expect(run.fsDiff.map((c) => c.path)).not.toContain('/opt/airlock/view.conf');
  });

  it('shows Python package code (setup.py, in pip and in setup.py install) Windows while os.path stays POSIX, and lets it start PowerShell', async () => {
    const run = await runSandbox({
      docker,
      analysisId: 'views-py-win',
      archive: await preparePackageArchive(await pythonProbe()),
      artifactsDir,
      platform: 'win32',
    });
    // win32crypt and winreg import and answer (a stealer's DPAPI call, a Run key write go on to what follows).
    // os.getlogin() answers the view's user, as Windows answers USERNAME's account.
    expect(seenBy(run.fsDiff)).toEqual([
      ['win32', 'nt', 'Windows', '10', 'Windows_NT', 'a_b', 'module', 'False', '134217728', 'dpapi0', 'wmi0', 'uuid36', run.identity.user],
    ]);
    expect(run.phases[0]).toMatchObject({ name: 'install', status: 'completed', exitCode: 0 });
  });

  it("maps Python's C:\\ names onto the planted drive: the drop shows under /mnt/c, the profile's folders and browser store are there", async () => {
    const run = await runSandbox({
      docker,
      analysisId: 'views-py-drive',
      archive: await preparePackageArchive(await pythonProbe('drive', DRIVE_PROBE)),
      artifactsDir,
      platform: 'win32',
    });
    // The browser store is the run's own (its planted session token, one match); os.startfile exists.
    expect(seenBy(run.fsDiff)).toEqual([['Python311', '1', 'True', 'True']]);
    expect(run.fsDiff.map((c) => c.path)).toContain(`/mnt/c/Users/${run.identity.user}/AppData/Roaming/Microsoft/stage.pyw`);
    // The drive itself is the host's, not a change.
    expect(run.fsDiff.map((c) => c.path)).not.toContain(`/mnt/c/Users/${run.identity.user}/AppData/Local/Programs/Python/Python311`);
    expect(run.phases[0]).toMatchObject({ name: 'install', status: 'completed', exitCode: 0 });
  });

  it('shows the package Windows while its dependencies (other installed distributions) see Linux, so a native backend chosen by platform loads', async () => {
    // Each module writes what it read into a file name at import; the dependency is installed from a wheel, as the
    // mirror's are, and is imported by the package.
    const probe = (who: string) => `import os, sys\nopen('/tmp/seen~${who}~' + sys.platform + '~' + os.name, 'w').close()\n`;
    const dependency = buildWheel('airlock-probe-backend', '1.0.0', { 'airlock_probe_backend/__init__.py': probe('dependency') });
    const wheel = buildWheel(
      'airlock-probe-app',
      '1.0.0',
      {
        'airlock_probe_app/__init__.py': `${probe('package')}import airlock_probe_backend\n`,
      },
      'py3-none-any',
      ['Requires-Dist: airlock-probe-backend'],
    );
    const archive = await prepareArchiveBuffer(wheel.bytes, { label: wheel.fileName, source: wheel.fileName, fileName: wheel.fileName });
    const run = await runSandbox({
      docker,
      analysisId: 'views-py-dependency',
      archive: { ...archive, pythonDeps: [dependency] },
      artifactsDir,
      platform: 'win32',
    });
    expect(seenBy(run.fsDiff).sort()).toEqual([
      ['dependency', 'linux', 'posix'],
      ['package', 'win32', 'nt'],
    ]);
  });

  it("answers os.getlogin() with the account's name in a developer's shell, and fails it in a CI job as CI does", async () => {
    const probe = await pythonProbe('login', LOGIN_PROBE);
    const developer = await runSandbox({ docker, analysisId: 'views-py-login', archive: await preparePackageArchive(probe), artifactsDir });
    const ci = await runSandbox({
      docker,
      analysisId: 'views-py-login-ci',
      archive: await preparePackageArchive(probe),
      artifactsDir,
      profile: { name: 'ci', reason: 'the test asks' },
    });
    expect(seenBy(developer.fsDiff)).toEqual([[SANDBOX_USER.name]]);
    expect(seenBy(ci.fsDiff)).toEqual([['errno25']]); // ENOTTY: no terminal on stdin, as on a CI runner
    expect(developer.fsDiff.map((c) => c.path)).not.toContain('/opt/airlock/view.conf');
    expect(developer.tampering).toEqual([]);
  });

  it('shows Linux as it is without a view (the developer run)', async () => {
    const run = await runSandbox({ docker, analysisId: 'views-npm-linux', archive: await preparePackageArchive(npmProbe()), artifactsDir });
    const [seen] = seenBy(run.fsDiff);
    expect(seen?.slice(0, 3)).toEqual(['linux', 'linux', 'Linux']);
    expect(seen?.[6]).toBe('no-os');
    // Docker's /.dockerenv is gone before package code runs, and its removal is the sandbox's, not a change.
    expect(seen?.[13]).toBe('no-dockerenv');
    expect(run.fsDiff.map((c) => c.path)).not.toContain('/.dockerenv');
    expect(run.settings.profile.platform).toBe('linux');
  });

  it('runs the windows view for a win32-gated postinstall, which then is malicious, and says which view saw what', async () => {
    const fixture = resolve(__dirname, '../fixtures/incidents/mal-prettier-win32-gated');
    // The time and call views are theirs to test: here only the platform view is planned after the developer run.
    const report = await analyzeLocalPackage(fixture, {
      docker,
      artifactsRoot: artifactsDir,
      platformViews: 'auto',
      retry: false,
      timeView: false,
      callView: false,
    });
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.verdict?.verdict).toBe('malicious');
    expect(report.sandbox.profile.platform).toBe('win32');
    const views = report.views.map((v) => [v.view, v.platform, v.verdict, v.chosen]);
    expect(views.slice(0, 2)).toEqual([
      ['developer', 'linux', 'benign', false],
      ['windows', 'win32', 'malicious', true],
    ]);
    expect(report.views[1]!.rules).toContain('windows-payload.launch');
    // Each run's own report is kept beside its traces, the run not chosen too.
    for (const v of report.views) {
      const kept = JSON.parse(readFileSync(join(artifactsDir, v.reportId, 'report.json'), 'utf8')) as SandboxReport;
      expect([kept.id, kept.verdict?.verdict]).toEqual([v.reportId, v.verdict]);
    }
    expect(report.processes.some((p) => p.path === '/usr/local/bin/rundll32' && p.argv[1]?.endsWith('node-gyp.dll,main'))).toBe(true);
    // The Windows blind spot was covered by the windows view.
    expect(report.verdict?.notObserved.map((n) => n.kind)).not.toContain('windows-only-code');
  });
});
