import { describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import { scoreReport } from '../src/index.js';
import { proc, reportWith, script } from './helpers.js';

const rules = (v: ReturnType<typeof scoreReport>) => v.reasons.map((r) => r.rule);
const decodeExec = (file: string, installTime = true) => ({
  id: 'obfuscation.exec-decoded',
  severity: 'high' as const,
  message: 'exec() of decoded data',
  evidence: { file, snippet: 'exec(Fernet(k).decrypt(b"gAAA..."))' },
  details: { installTime, direct: true },
});
const pypi = (report: SandboxReport): SandboxReport => ({ ...report, package: { ...report.package, ecosystem: 'pypi' } });

describe('obfuscated-install-exec', () => {
  it('fires when decode-and-exec in setup.py is seen running at install (pip setup.py caller), with both pieces of evidence', () => {
    const report = pypi(
      reportWith({
        staticSignals: [decodeExec('setup.py')],
        processes: [
          proc(['/home/jordan/projects/app/.venv/bin/python', 'setup.py', '-q', 'install'], {
            path: '/home/jordan/projects/app/.venv/bin/python',
            attribution: null,
          }),
        ],
      }),
    );
    const v = scoreReport(report);
    expect(rules(v)).toContain('obfuscated-install-exec');
    const reason = v.reasons.find((r) => r.rule === 'obfuscated-install-exec')!;
    expect(reason.evidence.map((e) => e.section)).toEqual(['staticSignals', 'processes']);
    expect(reason.weight).toBe(70);
    expect(v.verdict).toBe('malicious');
  });

  it('fires for an npm install script file run by node, and for inline node -e code of the script', () => {
    const file = scoreReport(
      reportWith({
        staticSignals: [decodeExec('install.js')],
        processes: [proc(['node', 'install.js'], { path: '/usr/local/bin/node', attribution: script('postinstall', 'node install.js') })],
      }),
    );
    expect(rules(file)).toContain('obfuscated-install-exec');
    const inline = scoreReport(
      reportWith({
        staticSignals: [decodeExec('package.json#scripts.postinstall.js')],
        processes: [proc(['node', '-e', 'eval(...)'], { path: '/usr/local/bin/node', attribution: script('postinstall', 'node -e ...') })],
      }),
    );
    expect(rules(inline)).toContain('obfuscated-install-exec');
  });

  it("does not fire on exec(compile(open('version.py').read())), the benign setup.py idiom", () => {
    const idiom = { ...decodeExec('setup.py'), id: 'obfuscation.exec-compile', severity: 'low' as const };
    const v = scoreReport(
      pypi(
        reportWith({
          staticSignals: [idiom],
          processes: [
            proc(['/home/jordan/projects/app/.venv/bin/python', 'setup.py', 'install'], {
              path: '/home/jordan/projects/app/.venv/bin/python',
              attribution: null,
            }),
          ],
        }),
      ),
    );
    expect(rules(v)).not.toContain('obfuscated-install-exec');
  });

  it('does not fire for code that never ran at install, or that is not install-time', () => {
    const notRun = scoreReport(
      reportWith({
        staticSignals: [decodeExec('install.js')],
        processes: [proc(['node', 'other.js'], { path: '/usr/local/bin/node', attribution: script('postinstall', 'node other.js') })],
      }),
    );
    expect(rules(notRun)).not.toContain('obfuscated-install-exec');
    const runtimeOnly = scoreReport(
      reportWith({
        staticSignals: [decodeExec('lib/index.js', false)],
        processes: [
          proc(['node', 'lib/index.js'], { path: '/usr/local/bin/node', attribution: script('postinstall', 'node lib/index.js') }),
        ],
      }),
    );
    expect(rules(runtimeOnly)).not.toContain('obfuscated-install-exec');
    const npmOwn = scoreReport(
      reportWith({
        staticSignals: [decodeExec('install.js')],
        processes: [proc(['node', 'install.js'], { path: '/usr/local/bin/node', attribution: null })],
      }),
    );
    expect(rules(npmOwn)).not.toContain('obfuscated-install-exec');
  });
});

describe('obfuscated-import-exec', () => {
  const loaded = (...modules: string[]) => ({ modules: Object.fromEntries(modules.map((m) => [m, { ok: true }])) });
  const withImport = (file: string, importResult: unknown, ecosystem: 'pypi' | 'npm' = 'pypi') => {
    const base = reportWith({ staticSignals: [decodeExec(file, false)], importResult });
    return ecosystem === 'pypi' ? pypi(base) : base;
  };

  it('makes a top-level module the import loaded with decode-and-exec suspicious, with the signal and the import as evidence', () => {
    for (const file of ['stealer/__init__.py', 'stealer.py']) {
      const v = scoreReport(withImport(file, loaded('stealer')));
      const reason = v.reasons.find((r) => r.rule === 'obfuscated-import-exec');
      expect(reason?.weight).toBe(40);
      expect(reason?.evidence[0]).toMatchObject({ section: 'staticSignals', path: file });
      expect(v.verdict).toBe('suspicious');
    }
  });

  it('does not fire for internal modules, modules the import did not load, install-time files or npm', () => {
    // Benign wheels keep such code in internal modules (a serializer, a templating helper).
    expect(rules(scoreReport(withImport('dill/_dill.py', loaded('dill'))))).not.toContain('obfuscated-import-exec');
    expect(rules(scoreReport(withImport('other/__init__.py', loaded('stealer'))))).not.toContain('obfuscated-import-exec');
    expect(rules(scoreReport(withImport('stealer/__init__.py', null)))).not.toContain('obfuscated-import-exec');
    const install = pypi(reportWith({ staticSignals: [decodeExec('stealer/__init__.py', true)], importResult: loaded('stealer') }));
    expect(rules(scoreReport(install))).not.toContain('obfuscated-import-exec');
    expect(rules(scoreReport(withImport('index.py', loaded('index'), 'npm')))).not.toContain('obfuscated-import-exec');
  });
});
