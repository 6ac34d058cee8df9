import { describe, expect, it } from 'vitest';
import { MALICIOUS_THRESHOLD, RULES, STATIC_CAP, SUSPICIOUS_THRESHOLD, scoreReport, type StaticSignalLike } from '../src/index.js';
import { emptyReport, phase, proc, reportWith, sensitive, dns } from './helpers.js';

const signal = (id: string, severity: StaticSignalLike['severity'], message = 'm', snippet?: string): StaticSignalLike => ({
  id,
  severity,
  message,
  evidence: { file: 'package.json', ...(snippet ? { snippet } : {}) },
});

describe('thresholds and combination', () => {
  it('has documented thresholds that static signals cannot reach alone', () => {
    expect([MALICIOUS_THRESHOLD, SUSPICIOUS_THRESHOLD, STATIC_CAP]).toEqual([70, 25, 10]);
    expect(STATIC_CAP).toBeLessThan(SUSPICIOUS_THRESHOLD);
  });

  it('keeps static signals alone benign, capped at 10', () => {
    const signals = [
      signal('known-malicious.osv', 'high'),
      signal('obfuscation.jsfuck', 'high'),
      signal('install-script.download', 'medium'),
      signal('install-script.present', 'info'),
    ];
    const v = scoreReport(emptyReport(), { staticSignals: signals });
    expect(v.verdict).toBe('benign');
    expect(v.score).toBe(10);
    expect(v.reasons.map((r) => [r.rule, r.weight])).toEqual([
      ['static:known-malicious.osv', 5],
      ['static:obfuscation.jsfuck', 5],
      ['static:install-script.download', 3],
    ]);
    expect(v.reasons[0]!.evidence).toEqual([{ section: 'staticSignals', index: 0, path: 'package.json' }]);
  });

  it('combines suspicious hits into malicious (credential read + shell + egress = 95) and sorts by weight', () => {
    const v = scoreReport(
      reportWith({
        processes: [proc(['bash', '-c', 'tar czf - ~/.ssh'])],
        sensitiveFiles: [sensitive('ssh', '/home/jordan/.ssh/id_rsa')],
        network: { dns: [dns('drop.test')], tcp: [], udp: [] },
      }),
    );
    expect(v.reasons.map((r) => [r.rule, r.weight])).toEqual([
      ['credential-access', 45],
      ['lifecycle-shell', 25],
      ['network-egress', 25],
    ]);
    expect(v.score).toBe(95);
    expect(v.verdict).toBe('malicious');
  });

  it("reads the report's own staticSignals unless the caller passes some", () => {
    const report = reportWith({ staticSignals: [signal('obfuscation.jsfuck', 'medium')] });
    expect(scoreReport(report).reasons.map((r) => [r.rule, r.weight])).toEqual([['static:obfuscation.jsfuck', 3]]);
    expect(scoreReport(report, { staticSignals: [] }).reasons).toEqual([]);
  });

  it('lets static signals tip a borderline run over a threshold', () => {
    const report = reportWith({ network: { dns: [dns('x.test')], tcp: [], udp: [] } });
    expect(scoreReport(report).score).toBe(25);
    expect(scoreReport(report, { staticSignals: [signal('install-script.download', 'high')] }).score).toBe(30);
  });

  it('gives every catalog rule a tactic, a severity and a weight in 1..100', () => {
    for (const [id, spec] of Object.entries(RULES)) {
      expect(spec.weight, id).toBeGreaterThan(0);
      expect(spec.weight, id).toBeLessThanOrEqual(100);
      expect(spec.conclusive ? spec.weight : 100, id).toBe(100);
    }
    expect(Object.keys(RULES)).toHaveLength(33);
  });
});

describe('notObserved', () => {
  it('names timed-out phases, failed installs and killed processes', () => {
    const report = reportWith({
      phases: [
        phase('install', { exitCode: 1, lingeringProcesses: 2 }),
        phase('import', { status: 'timeout', timeoutMs: 30000, exitCode: null }),
      ],
    });
    expect(scoreReport(report).notObserved.map((n) => [n.kind, n.phase, n.message])).toEqual([
      [
        'install-failed',
        'install',
        'The install failed (exit code 1): scripts after the failure and the import may not have run as for a user.',
      ],
      [
        'lingering-processes',
        'install',
        '2 process(es) were still running when the install phase ended and were killed: delayed behaviour was not observed.',
      ],
      ['phase-timeout', 'import', 'The import phase hit its 30000 ms limit: anything later was not observed.'],
    ]);
  });

  it('names errored and missing phases', () => {
    const report = reportWith({ phases: [phase('install', { status: 'error', error: 'docker exec failed' })] });
    expect(scoreReport(report).notObserved.map((n) => n.kind)).toEqual(['phase-error', 'phase-missing']);
  });

  it('flags Windows-only code (a failed powershell exec) and says nothing else was seen', () => {
    const v = scoreReport(reportWith({ processes: [proc(['powershell', '-enc', 'AAAA'], { attribution: null, result: 'ENOENT' })] }));
    expect(v.verdict).toBe('benign');
    expect(v.notObserved).toEqual([
      {
        kind: 'windows-only-code',
        message:
          'Windows-only code paths are referenced and cannot run in the Linux sandbox. Nothing else was observed, so the verdict covers the Linux path only.',
        hidesBehaviour: false,
        evidence: [
          {
            section: 'processes',
            index: 0,
            phase: 'install',
            pid: v.notObserved[0]!.evidence[0]!.pid,
            time: v.notObserved[0]!.evidence[0]!.time,
            path: '/usr/bin/powershell',
            detail: 'powershell -enc AAAA (ENOENT)',
          },
        ],
      },
    ]);
  });

  it("flags Windows-only Python errors in a phase's output (missing win32 modules, windll, CREATE_NO_WINDOW), not other import errors", () => {
    const stderr = (text: string) => ({ text, bytes: text.length, truncated: false });
    const windows = reportWith({
      phases: [
        phase('install', { exitCode: 1, stderr: stderr("ImportError: cannot import name 'windll' from 'ctypes'") }),
        phase('import', { stdout: stderr("ModuleNotFoundError: No module named 'win32crypt'") }),
      ],
    });
    const v = scoreReport(windows);
    expect(
      v.notObserved.filter((n) => n.kind === 'windows-only-code').flatMap((n) => n.evidence.map((e) => [e.section, e.phase, e.detail])),
    ).toEqual([
      ['phases', 'install', "cannot import name 'windll'"],
      ['phases', 'import', "No module named 'win32crypt'"],
    ]);
    const other = reportWith({
      phases: [phase('install'), phase('import', { stderr: stderr("ModuleNotFoundError: No module named 'requests'") })],
    });
    expect(scoreReport(other).notObserved).toEqual([]);
  });

  it('flags os.name == "nt" gates from static evidence, and stays silent without markers', () => {
    const v = scoreReport(emptyReport(), {
      staticSignals: [signal('install-script.setup-py', 'low', 'setup.py runs code', "if os.name == 'nt': subprocess.call(x)")],
    });
    expect(v.notObserved.map((n) => [n.kind, n.evidence[0]!.section])).toEqual([['windows-only-code', 'staticSignals']]);
    expect(scoreReport(emptyReport(), { staticSignals: [signal('install-script.setup-py', 'low')] }).notObserved).toEqual([]);
  });
});

describe('inconclusive', () => {
  const gap = (hidesBehaviour: boolean) => ({
    source: 'network' as const,
    kind: 'network.service-failed',
    phase: null,
    message: 'The fake internet exited during the run.',
    dropped: null,
    limit: null,
    hidesBehaviour,
  });

  it('is the verdict of a quiet run that timed out, errored, lost processes or evidence, with the reasons named', () => {
    const cases = [
      reportWith({ phases: [phase('install', { status: 'timeout', exitCode: null }), phase('import')] }),
      reportWith({ phases: [phase('install', { status: 'error', error: 'exec failed' }), phase('import')] }),
      reportWith({ phases: [phase('install', { lingeringProcesses: 1 }), phase('import')] }),
      reportWith({ phases: [phase('install')] }),
      reportWith({ evidenceGaps: [gap(true)] }),
    ];
    for (const report of cases) {
      const v = scoreReport(report);
      expect(v.verdict).toBe('inconclusive');
      expect(v.notObserved.some((n) => n.hidesBehaviour)).toBe(true);
    }
  });

  it('is not caused by blind spots every run has or by a failed install, nor by a gap that cannot hide behaviour', () => {
    expect(scoreReport(reportWith({ phases: [phase('install', { exitCode: 1 }), phase('import')] })).verdict).toBe('benign');
    expect(scoreReport(reportWith({ evidenceGaps: [gap(false)] })).verdict).toBe('benign');
    const v = scoreReport(reportWith({ evidenceGaps: [gap(false)] }));
    expect(v.notObserved).toEqual([
      {
        kind: 'evidence-gap',
        message: 'The fake internet exited during the run.',
        hidesBehaviour: false,
        evidence: [{ section: 'evidenceGaps', index: 0, detail: 'network.service-failed' }],
      },
    ]);
  });

  it('loses to malicious evidence, and outranks suspicious while keeping its score and reasons', () => {
    const timedOut = [phase('install', { status: 'timeout' as const, exitCode: null }), phase('import')];
    const stolen = scoreReport(
      reportWith({
        phases: timedOut,
        processes: [proc(['bash', '-c', 'tar czf - ~/.ssh'])],
        sensitiveFiles: [sensitive('ssh', '/home/jordan/.ssh/id_rsa')],
        network: { dns: [dns('drop.test')], tcp: [], udp: [] },
      }),
    );
    expect(stolen.verdict).toBe('malicious');
    const shell = scoreReport(reportWith({ phases: timedOut, processes: [proc(['bash', '-c', 'echo hi'])] }));
    expect(shell.score).toBeGreaterThanOrEqual(SUSPICIOUS_THRESHOLD);
    expect(shell.verdict).toBe('inconclusive');
    expect(shell.reasons.map((r) => r.rule)).toContain('lifecycle-shell');
  });
});
