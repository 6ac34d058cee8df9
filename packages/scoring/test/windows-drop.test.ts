import { describe, expect, it } from 'vitest';
import { scoreReport } from '../src/index.js';
import { proc, reportWith, tcp, write } from './helpers.js';

const cwd = '/tmp/build-x/pkg-0.1';
const roaming = `${cwd}/C:\\Users\\sara\\AppData\\Roaming`;

describe('windows-payload.drop (code written into the Windows profile under the windows view)', () => {
  it('flags code in %APPDATA% (roaming), Startup or ProgramData; with egress it is malicious', () => {
    const drop = reportWith({
      fileWrites: [
        write(`${roaming}/Extension/background.js`, { operation: 'create' }),
        write(`${roaming}/Extension/manifest.json`, { operation: 'create' }),
      ],
    });
    const alone = scoreReport(drop);
    expect(alone.reasons.map((r) => [r.rule, r.weight, r.evidence.length])).toEqual([['windows-payload.drop', 45, 1]]);
    expect(alone.verdict).toBe('suspicious');
    expect(scoreReport({ ...drop, network: { ...drop.network, tcp: [tcp('pypi.org', 443)] } }).verdict).toBe('malicious');
    const startup = `${cwd}/C:\\Users\\sara\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\u.lnk`;
    expect(scoreReport(reportWith({ fileWrites: [write(startup)] })).reasons.map((r) => r.rule)).toEqual(['windows-payload.drop']);
  });

  it("flags the same on the view's planted drive C: (/mnt/c), where Python's fake maps C:\\ names, and not its Local folder", () => {
    const mapped = scoreReport(reportWith({ fileWrites: [write('/mnt/c/Users/sara/AppData/Roaming/Microsoft/stage.pyw')] }));
    expect(mapped.reasons.map((r) => r.rule)).toEqual(['windows-payload.drop']);
    const programData = scoreReport(reportWith({ fileWrites: [write('/mnt/c/ProgramData/svc.exe')] }));
    expect(programData.reasons.map((r) => r.rule)).toEqual(['windows-payload.drop']);
    const local = scoreReport(reportWith({ fileWrites: [write('/mnt/c/Users/sara/AppData/Local/Cypress/Cache/Cypress.exe')] }));
    expect(local.reasons.map((r) => r.rule)).not.toContain('windows-payload.drop');
  });

  it('leaves out caches under %LOCALAPPDATA% (Electron, Cypress), data files, failed writes and Linux paths', () => {
    const local = `${cwd}/C:\\Users\\sara\\AppData\\Local\\Cypress\\Cache\\13.0.0\\Cypress\\Cypress.exe`;
    const v = scoreReport(
      reportWith({
        fileWrites: [
          write(local),
          write(`${roaming}/app/settings.json`),
          write(`${roaming}/x.exe`, { result: 'EACCES' }),
          write('/home/jordan/.config/app/x.js'),
        ],
      }),
    );
    expect(v.reasons.map((r) => r.rule)).not.toContain('windows-payload.drop');
  });
});

describe('platform views: the other platform’s ordinary install path', () => {
  const windowsView = (parts: Parameters<typeof reportWith>[0]) => {
    const report = reportWith(parts);
    return { ...report, sandbox: { ...report.sandbox, profile: { ...report.sandbox.profile, platform: 'win32' as const } } };
  };
  // What esbuild and a binary wrapper do when shown Windows: `cmd.exe /d /s /c` (Node's shell there), npm
  // fetching the Windows binary from the registry, npm reading its own config.
  const installPath = {
    processes: [
      proc(['cmd.exe', '/d', '/s', '/c', '"autoreconf -ivf"'], { path: '/usr/local/bin/cmd.exe' }),
      proc(['/bin/sh', '-c', 'npm install --no-audit @esbuild/win32-x64@0.28.2']),
    ],
    network: { dns: [], tcp: [tcp('registry.npmjs.org', 443)], udp: [] },
  };

  it('alone does not make a verdict there, while the same on Linux still scores', () => {
    const linux = scoreReport(reportWith(installPath));
    expect(linux.reasons.map((r) => r.rule)).toEqual(
      expect.arrayContaining(['windows-payload-attempt', 'lifecycle-shell', 'network-egress']),
    );
    expect(linux.verdict).toBe('malicious');
    const shownWindows = scoreReport(windowsView(installPath));
    expect(shownWindows.reasons.filter((r) => !r.rule.startsWith('static:'))).toEqual([]);
    expect(shownWindows.verdict).toBe('benign');
  });

  it('counts in full beside a payload rule (a drop into %APPDATA%)', () => {
    const v = scoreReport(
      windowsView({ ...installPath, fileWrites: [write(`${roaming}/Extension/background.js`, { operation: 'create' })] }),
    );
    // Beside the drop the other rules count again (Node's own shell wrapper is still no attempt).
    expect(v.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['windows-payload.drop', 'lifecycle-shell', 'network-egress']));
    expect(v.reasons.map((r) => r.rule)).not.toContain('windows-payload-attempt');
    expect(v.verdict).toBe('malicious');
  });

  it('leaves a PowerShell session and a download from an unknown host alone, and counts them beside a drop', () => {
    const windowsInstall = {
      processes: [
        proc(
          [
            'powershell.exe',
            '-NoProfile',
            '-NoLogo',
            '-InputFormat',
            'Text',
            '-NoExit',
            '-ExecutionPolicy',
            'Unrestricted',
            '-Command',
            '-',
          ],
          {
            path: '/usr/local/bin/powershell.exe',
          },
        ),
      ],
      network: { dns: [], tcp: [tcp('downloads.vendor-cdn.example', 443)], udp: [] },
    };
    expect(scoreReport(windowsView(windowsInstall)).verdict).toBe('benign');
    const dropped = scoreReport(windowsView({ ...windowsInstall, fileWrites: [write(`${roaming}/u.pyw`, { operation: 'create' })] }));
    expect(dropped.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['windows-payload.drop', 'network-egress']));
    // A PowerShell session that runs no Windows file is no attempt there.
    expect(dropped.reasons.map((r) => r.rule)).not.toContain('windows-payload-attempt');
    expect(dropped.verdict).toBe('malicious');
  });

  it('still counts running a Windows file there (a batch file through cmd), beside the lifecycle shell', () => {
    const v = scoreReport(
      windowsView({
        processes: [proc(['cmd.exe', '/c', 'compile.bat'], { path: '/usr/local/bin/cmd.exe' }), proc(['sh', '-c', 'node compile.js'])],
      }),
    );
    expect(v.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['windows-payload-attempt', 'lifecycle-shell']));
    expect(v.verdict).toBe('malicious');
  });
});
