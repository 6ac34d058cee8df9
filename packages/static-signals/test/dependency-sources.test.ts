/** Non-registry dependencies: package.json specs and Python requirements. */
import { checkNpmDependencySources, checkRequirements, classifyNpmSpec, requirementLines } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

describe('classifyNpmSpec', () => {
  it('tells registry, git, url, file and alias specs apart', () => {
    const cases: [string, string][] = [
      ['^4.17.21', 'registry'],
      ['latest', 'registry'],
      ['>=1.0.0 <2', 'registry'],
      ['1.x', 'registry'],
      ['npm:lodash@4', 'alias'],
      ['git+ssh://git@github.com/a/b.git#v1', 'git'],
      ['github:npm/cli', 'git'],
      ['npm/cli#semver:^7', 'git'],
      ['https://github.com/user/repo', 'git'],
      ['https://github.com/user/repo/archive/main.tar.gz', 'url'],
      ['https://203.0.113.4/pkg.tgz', 'url'],
      ['file:../local', 'file'],
      ['./vendor/x', 'file'],
      ['link:../y', 'file'],
    ];
    expect(cases.map(([spec]) => [spec, classifyNpmSpec(spec)])).toEqual(cases);
  });
});

describe('checkNpmDependencySources', () => {
  const manifest = {
    dependencies: { lodash: '^4.17.21', evil: 'http://203.0.113.4/evil.tgz', tool: 'github:someone/tool' },
    optionalDependencies: { 'fs-ext': 'https://files.example/fs-ext-2.0.0.tgz' },
    peerDependencies: { react: 'npm:preact@10' },
    devDependencies: { helper: 'file:../helper' },
  };
  const manifestText = JSON.stringify(manifest, null, 2);

  it('reports each non-registry dependency with its field, and devDependencies as info', () => {
    expect(
      checkNpmDependencySources(manifest, { manifestText }).map((s) => [
        s.id,
        s.severity,
        s.evidence.line,
        s.evidence.value,
        s.details?.field,
      ]),
    ).toEqual([
      ['dependency-source.url', 'high', 4, 'http://203.0.113.4/evil.tgz', 'dependencies'],
      ['dependency-source.git', 'medium', 5, 'github:someone/tool', 'dependencies'],
      ['dependency-source.url', 'medium', 8, 'https://files.example/fs-ext-2.0.0.tgz', 'optionalDependencies'],
      ['dependency-source.alias', 'low', 11, 'npm:preact@10', 'peerDependencies'],
      ['dependency-source.file', 'info', 14, 'file:../helper', 'devDependencies'],
    ]);
    expect(checkNpmDependencySources(manifest)[0]).toEqual({
      id: 'dependency-source.url',
      severity: 'high',
      message: 'dependencies "evil" comes from a plain-HTTP URL (no integrity, no TLS)',
      evidence: { file: 'package.json', snippet: '"evil": "http://203.0.113.4/evil.tgz"', value: 'http://203.0.113.4/evil.tgz' },
      details: { field: 'dependencies', dependency: 'evil', kind: 'url' },
    });
  });

  it('is silent for registry-only manifests and junk', () => {
    expect(checkNpmDependencySources({ dependencies: { a: '^1', b: 'latest', '@s/c': '~2.0.0' } })).toEqual([]);
    expect(checkNpmDependencySources(null)).toEqual([]);
    expect(checkNpmDependencySources({ dependencies: ['not', 'a', 'map'] })).toEqual([]);
  });
});

describe('checkRequirements', () => {
  const text = [
    '# pinned deps',
    'requests==2.31.0  # http client',
    '--extra-index-url https://pypi.internal.example/simple',
    '-i http://mirror.example/simple',
    'git+https://github.com/someone/tool.git@v1#egg=tool',
    'mylib @ https://files.example/mylib-1.0-py3-none-any.whl',
    'local @ file:///opt/wheels/local-1.0.tar.gz',
    '-e ./vendor/pkg',
    'numpy>=1.26; python_version >= "3.10" \\',
    '    --hash=sha256:abc',
    '-r other.txt',
    './dist/thing-1.0.tar.gz',
  ].join('\n');

  it('joins continuations and strips comments', () => {
    expect(requirementLines(text).map((l) => [l.line, l.text])).toEqual([
      [2, 'requests==2.31.0'],
      [3, '--extra-index-url https://pypi.internal.example/simple'],
      [4, '-i http://mirror.example/simple'],
      [5, 'git+https://github.com/someone/tool.git@v1#egg=tool'],
      [6, 'mylib @ https://files.example/mylib-1.0-py3-none-any.whl'],
      [7, 'local @ file:///opt/wheels/local-1.0.tar.gz'],
      [8, '-e ./vendor/pkg'],
      [9, 'numpy>=1.26; python_version >= "3.10"     --hash=sha256:abc'],
      [11, '-r other.txt'],
      [12, './dist/thing-1.0.tar.gz'],
    ]);
  });

  it('reports extra indexes, VCS, URL and local requirements with their lines', () => {
    expect(checkRequirements(text, 'requirements.txt').map((s) => [s.id, s.severity, s.evidence.line, s.evidence.value])).toEqual([
      ['dependency-source.extra-index', 'medium', 3, 'https://pypi.internal.example/simple'],
      ['dependency-source.extra-index', 'high', 4, 'http://mirror.example/simple'],
      ['dependency-source.git', 'medium', 5, 'git+https://github.com/someone/tool.git@v1#egg=tool'],
      ['dependency-source.url', 'medium', 6, 'https://files.example/mylib-1.0-py3-none-any.whl'],
      ['dependency-source.file', 'low', 7, 'file:///opt/wheels/local-1.0.tar.gz'],
      ['dependency-source.file', 'low', 8, './vendor/pkg'],
      ['dependency-source.file', 'low', 12, './dist/thing-1.0.tar.gz'],
    ]);
    expect(checkRequirements('--extra-index-url https://x.example/simple')[0]!.message).toBe(
      'adds the package index https://x.example/simple: pip picks the highest version from any index (dependency confusion)',
    );
  });

  it('is silent for index-only requirements', () => {
    expect(checkRequirements('requests==2.31.0\nDjango>=4,<5\nuvicorn[standard]~=0.29\n# git+https://x.example/commented.git\n')).toEqual(
      [],
    );
  });
});
